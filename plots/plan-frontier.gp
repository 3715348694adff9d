# The plan search's what-ifs: each upgrade's cost against the time its morning
# has the last desktop ready; the deadline dashed. Cheapest on the left.
# Set by the driver: infile (cost, latest_ready_s since midnight, deadline_s,
# meets 0/1, label), outfile, fmt, title_text.
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
set ydata time
set timefmt "%s"
set format y "%H:%M:%S"
set xlabel "cost of the upgrade"
set ylabel "last desktop ready"
set offsets graph 0.05, graph 0.15, graph 0.1, graph 0.1
plot infile using 1:3 skip 1 with lines dt 2 lw 2 lc rgb "#cc0000" title "deadline", \
     infile using 1:($4 > 0 ? $2 : 1/0) skip 1 with points pt 7 ps 1.5 lc rgb "#1a7f37" title "meets the morning", \
     infile using 1:($4 > 0 ? 1/0 : $2) skip 1 with points pt 6 ps 1.5 lc rgb "#cc0000" title "misses it", \
     infile using 1:2:5 skip 1 with labels offset 0,1 font ",9" notitle
