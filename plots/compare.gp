# refbench: A/B comparison. Per benchmark, the relative change of the median
# time per op (contender vs baseline) with its confidence interval, coloured
# by refbench-compare's verdict. The grey band is the minimum effect: changes
# inside it are never called regressions.
#
#   cd DATADIR && gnuplot -c plots/compare.gp compare.gp OUTBASE
script_dir = system(sprintf("dirname '%s'", ARG0))
load ARG1
if (baseline_machine ne machine) { machine = machine . ' (baseline: ' . baseline_machine . ')' }
load script_dir . '/common.gp'
outbase = ARG2

W = int(max(900, min(2400, 560 + maxname * 7)))
H = int(max(320, 150 + 26 * nbench))

array vtitle[4] = ['regression', 'improvement', 'no change', 'too noisy']
array vcolor[4] = ['#D55E00', '#009E73', '#666666', '#E69F00']
array vpt[4] = [9, 11, 7, 6]
array vcount[4]
do for [v = 1:4] {
  stats datafile using (column(6) == v ? 1 : 0) nooutput
  vcount[v] = int(STATS_sum)
}

span = max(xhi - xlo, 2 * min_effect_pct + 1)
set xrange [min(xlo, -min_effect_pct) - 0.08 * span : max(xhi, min_effect_pct) + 0.08 * span]
set yrange [nbench - 0.5 : -0.5]
set ytics () scale 0
set xlabel 'change of the median time per op, contender vs baseline (%; >0: slower; bars: confidence interval)'
set ylabel 'benchmark (name)'
set grid xtics noytics lc rgb '#dddddd'
set border 1
set arrow 1 from 0, graph 0 to 0, graph 1 nohead lc rgb '#444444' lw 1 front
if (min_effect_pct > 0) {
  set object 1 rect from -min_effect_pct, graph 0 to min_effect_pct, graph 1 behind fc rgb '#ececec' fs solid 1.0 noborder
  set label 1 sprintf('minimum effect +-%g%%', min_effect_pct) at 0, graph 1 center offset 0, 0.7 font 'Sans,8' tc rgb '#666666'
}
set key outside right top vertical Left reverse samplen 1 spacing 1.3
set errorbars 6

do for [ti = 1:2] {
  eval term_cmd(ti)
  set title full_title font font_title offset 0, 1
  plot datafile using 3:1:ytic(2) with points lc rgb '#ffffff' ps 0 notitle, \
       for [v = 1:4] datafile using (column(6) == v ? $3 : NaN):1:4:5 with xerrorbars lc rgb vcolor[v] lw 1.5 pt vpt[v] ps 1.3 notitle, \
       for [v = 1:4] datafile using (column(6) == v ? $3 : NaN):1 with points lc rgb vcolor[v] pt vpt[v] ps 1.3 title (vcount[v] > 0 ? sprintf('%s (%d)', vtitle[v], vcount[v]) : '')
}
unset output
