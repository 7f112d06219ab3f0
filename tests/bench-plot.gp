# make bench's plot: the overhead of socket() + close against the rules
# per layer, for 1 and 16 layers, llsock and native Landlock (where the
# kernel has it). Writes SVG on stdout;
# gnuplot -e "data='FILE'; title='KERNEL'" tests/bench-plot.gp
# FILE: lines "MECH LAYERS RULES OVERHEAD" (bench's plot: lines).
set terminal svg size 800,500 dynamic
set title sprintf("socket() + close: overhead against no program, %s", title)
set xlabel "rules per layer"
set ylabel "overhead (%)"
set logscale x
set yrange [0:*]
set key right bottom box opaque
set grid
sel(m, l) = sprintf("< awk '$1 == \"%s\" && $2 == %d' %s", m, l, data)
# A kernel without native Landlock socket rules has no native line.
native = system(sprintf("awk '$1 == \"native\"' %s | wc -l", data)) + 0
if (native > 0) {
	plot sel("llsock", 1) using 3:4 with linespoints title "llsock, 1 layer", \
	     sel("llsock", 16) using 3:4 with linespoints title "llsock, 16 layers", \
	     sel("native", 1) using 3:4 with linespoints title "native Landlock, 1 layer", \
	     sel("native", 16) using 3:4 with linespoints title "native Landlock, 16 layers"
} else {
	plot sel("llsock", 1) using 3:4 with linespoints title "llsock, 1 layer", \
	     sel("llsock", 16) using 3:4 with linespoints title "llsock, 16 layers"
}
