# The morning by the clock: desktops required by their deadlines (steps)
# against desktops powered on and ready under each policy.
# Set by the driver: infile (t_s since midnight, required, then one column per
# curve), outfile, fmt, title_text, ncols.
if (fmt eq "svg") {
  set terminal svg size 1000,550 fixed font "sans,11" background rgb "white"
} else {
  set terminal pngcairo size 1000,550 font ",11"
}
set output outfile
set termoption noenhanced
set datafile separator ","
set title title_text
set key top left
set grid
set xdata time
set timefmt "%s"
set format x "%H:%M"
set xlabel "time of day"
set ylabel "desktops"
set key autotitle columnhead
plot infile using 1:2 with steps lw 3 lc rgb "#222222" title "required by deadline", \
     infile using 1:3 with lines lw 2 dt 2 title columnhead(3), \
     for [i=4:ncols] infile using 1:i with lines lw 2 title columnhead(i)
