# The host CPU over time for several k on one chart (the paper's Fig. 6):
# the busiest host while k VMs boot at once, one line per k.
# Set by the driver: infile (t_s, then one column "k=N" per k: busiest host's
# CPU 0..1), outfile, fmt ("png" or "svg"), title_text, ncols.
if (fmt eq "svg") {
  set terminal svg size 1000,550 fixed font "sans,11" background rgb "white"
} else {
  set terminal pngcairo size 1000,550 font ",11"
}
set output outfile
set termoption noenhanced
set datafile separator ","
set title title_text
set key top right
set grid
set xlabel "seconds since the k VMs were powered on"
set ylabel "busiest host's CPU (%)"
set yrange [0:105]
plot for [i=2:ncols] infile using 1:(column(i) * 100) with lines lw 2 title columnhead(i)
