# The boot-storm threshold search: all-ready time and peak host CPU against the
# number of VMs booted at once, with the threshold marked.
# Set by the driver: infile (steps CSV), outfile (PNG or SVG, after fmt), title_text, threshold.
if (fmt eq "svg") {
  set terminal svg size 1000,600 fixed font "sans,11" background rgb "white"
} else {
  set terminal pngcairo size 1000,600 font ",11"
}
set output outfile
set termoption noenhanced
set datafile separator ","
set key top left
set title title_text
set xlabel "VMs booted at once (k)"
set ylabel "all ready after (s)"
set y2label "peak host CPU (%)"
set y2range [0:105]
set ytics nomirror
set y2tics
set grid
set arrow from threshold, graph 0 to threshold, graph 1 nohead dt 2 lw 2 lc rgb "#cc0000"
set label sprintf("threshold %d", threshold) at threshold, graph 0.95 right offset -1,0 tc rgb "#cc0000"
plot infile using 1:2 skip 1 with linespoints pt 7 lw 2 title "all ready", \
     infile using 1:($5*100) skip 1 axes x1y2 with linespoints pt 5 dt 3 title "peak host CPU"
