# refbench: history. One benchmark's time per op over commits, from stored
# results, with the change points refbench-plotdata found (the rule is in
# docs/plots.md): a filled red diamond is a change point, an open orange one
# the newest point past the threshold, not yet confirmed by a later commit.
#
#   cd DATADIR && gnuplot -c plots/history.gp history-X.gp OUTBASE
script_dir = system(sprintf("dirname '%s'", ARG0))
load ARG1
commit = first_commit . ' .. ' . commit
fig_title = 'history: ' . fig_title
load script_dir . '/common.gp'
outbase = ARG2

W = int(max(760, min(2400, 260 + 46 * npoints)))
H = 600

set xrange [-0.6 : npoints - 0.4]
set xtics () rotate by -40 left scale 0.5
set xlabel 'commit (oldest to newest; 12 hex digits)'
set ylabel 'time per operation (ns/op, median; bars: min-max)'
if (logy) { set logscale y; set yrange [*:*] } else { set yrange [0:*] }
set grid xtics ytics lc rgb '#e4e4e4'
set key below vertical maxrows 3 Left reverse samplen 2 spacing 1.1
set errorbars 4
set bmargin 11

do for [ti = 1:2] {
  eval term_cmd(ti)
  set title full_title font font_title
  plot datafile using 1:4:5:6:xtic(2) with yerrorlines lt 1 pt 7 ps 0.9 title 'median, min-max of the repetitions', \
       '' using 1:($8 == 1 ? $4 : NaN) with points pt 13 ps 2.6 lc rgb '#D55E00' title sprintf('change point (>= %g%% vs the segment before, confirmed by the next commit)', threshold_pct), \
       '' using 1:($8 == 2 ? $4 : NaN) with points pt 12 ps 2.6 lw 2 lc rgb '#E69F00' title 'newest point past the threshold (unconfirmed)', \
       '' using 1:($8 > 0 ? $4 : NaN):(sprintf('%+.1f%%', $9)) with labels offset 0, 1.6 font 'Sans,9' tc rgb '#D55E00' notitle
}
unset output
