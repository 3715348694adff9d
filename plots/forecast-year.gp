# Forecast against actual demand over a year, both smoothed by a Gaussian
# filter (the paper's Fig. 3).
# Set by the driver: infile (day of the year, actual, forecast, actual
# smoothed, forecast smoothed), outfile, fmt, title_text.
if (fmt eq "svg") {
  set terminal svg size 1000,500 fixed font "sans,11" background rgb "white"
} else {
  set terminal pngcairo size 1000,500 font ",11"
}
set output outfile
set termoption noenhanced
set datafile separator ","
set title title_text
set key top right
set grid
set xlabel "day of the year"
set ylabel "desktops needed per day"
plot infile using 1:2 skip 1 with points pt 7 ps 0.3 lc rgb "#bbbbbb" title "actual", \
     infile using 1:4 skip 1 with lines lw 2 lc rgb "#222222" title "actual (smoothed)", \
     infile using 1:5 skip 1 with lines lw 2 lc rgb "#cc0000" dt 2 title "forecast (smoothed)"
