# A what-if sweep as a heat map: the first two varied keys as axes, the
# colour the recommended (jit) schedule's result at that point.
# Set by the driver: infile (xi, yi, value, x value, y value; its header names
# the value and the two keys), columns (that header), outfile, fmt, title_text.
if (fmt eq "svg") {
  set terminal svg size 1000,600 fixed font "sans,11" background rgb "white"
} else {
  set terminal pngcairo size 1000,600 font ",11"
}
set output outfile
set termoption noenhanced
set datafile separator ","
set title title_text
set palette defined (0 "#2c7bb6", 1 "#ffffbf", 2 "#d7191c")
stats infile using 1:2 skip 1 nooutput
set xrange [-0.5:STATS_max_x + 0.5]
set yrange [-0.5:STATS_max_y + 0.5]
set xlabel word(columns, 4) noenhanced
set ylabel word(columns, 5) noenhanced
set cblabel word(columns, 3) noenhanced
plot infile using 1:2:(0.5):(0.5):3:xtic(4):ytic(5) skip 1 with boxxyerror fs solid 1.0 lc palette z notitle, \
     infile using 1:2:(sprintf("%g", $3)) skip 1 with labels font ",10" notitle
