# One simulated (or live) run, second by second: VMs booting and ready, host
# CPU, HDD and uplink throughput.
# Set by the driver: infile (timeseries CSV), outfile (PNG or SVG, after fmt), title_text.
if (fmt eq "svg") {
  set terminal svg size 1000,800 fixed font "sans,11" background rgb "white"
} else {
  set terminal pngcairo size 1000,800 font ",11"
}
set output outfile
set termoption noenhanced
set datafile separator ","
set multiplot layout 3,1 title title_text
set grid
set key center right
set lmargin 10
set ylabel "VMs"
plot infile using 1:2 skip 1 with lines lw 2 title "booting", \
     infile using 1:3 skip 1 with lines lw 2 title "ready"
set ylabel "host CPU (%)"
set yrange [0:105]
plot infile using 1:($5*100) skip 1 with lines lw 2 title "busiest host", \
     infile using 1:($4*100) skip 1 with lines dt 2 title "mean over hosts"
set yrange [*:*]
set key top right
set ylabel "MB/s"
set xlabel "seconds since the first power-on"
plot infile using 1:6 skip 1 with lines lw 2 title "HDDs (all)", \
     infile using 1:7 skip 1 with lines dt 2 title "uplinks (all)"
unset multiplot
