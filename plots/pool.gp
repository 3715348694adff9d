# An image pool's copy traffic (vdistorm pool): copies running and MB/s
# copied, per 10 s, from PREFIXtraffic.csv.
# Set by the driver: infile (traffic CSV), outfile, fmt ("png" or "svg"), title_text.
if (fmt eq "svg") {
  set terminal svg size 1000,600 fixed font "sans,11" background rgb "white"
} else {
  set terminal pngcairo size 1000,600 font ",11"
}
set output outfile
set datafile separator ","
set multiplot layout 2,1 title title_text
set grid
set key top right
set lmargin 10
set ylabel "copies running"
plot infile using 1:2 skip 1 with steps lw 2 title "copies"
set ylabel "MB/s"
set xlabel "seconds since the first request (or the fill)"
plot infile using 1:3 skip 1 with steps lw 2 title "copied (read once, written once)"
unset multiplot
