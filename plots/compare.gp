# refbench: A/B comparison. Per benchmark whose verdict is not "no change"
# (every benchmark when all read "no change"), at most the 30 of the largest
# |change|, grouped by family: the relative change of the median time per op
# (contender vs baseline) with its confidence interval, coloured by
# refbench-compare's verdict. The grey band is the minimum effect: changes
# inside it are never called regressions. The full list is the report's table.
#
#   cd DATADIR && gnuplot -c plots/compare.gp compare.gp OUTBASE
script_dir = system(sprintf("dirname '%s'", ARG0))
load ARG1
if (baseline_machine ne machine) { machine = machine . ' (baseline: ' . baseline_machine . ')' }
fig_title = fig_title . sprintf("\n%d of %d cells shown: verdict other than no change, largest |change| first, by family", nshown, nbench)
load script_dir . '/common.gp'
outbase = ARG2

W = int(max(1000, min(1600, 560 + maxname * 7)))
H = int(max(320, 170 + 26 * nrows))

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
set yrange [nrows - 0.5 : -1.2]
set ytics () scale 0
set xlabel 'change of the median time per op, contender vs baseline (%; >0: slower; bars: confidence interval)'
unset ylabel
set grid xtics noytics lc rgb '#dddddd'
set border 1
set arrow 1 from 0, graph 0 to 0, graph 1 nohead lc rgb '#444444' lw 1 front
if (min_effect_pct > 0) {
  set object 1 rect from -min_effect_pct, graph 0 to min_effect_pct, graph 1 behind fc rgb '#ececec' fs solid 1.0 noborder
  set label 1 sprintf('minimum effect +-%g%%', min_effect_pct) at 0, graph 1 center offset 0, 0.7 font 'Sans,8' tc rgb '#666666'
}
set key outside right top vertical Left reverse samplen 1 spacing 1.3
do for [k = 1:nfam] {
  eval sprintf("set label %d famlabel_%d at graph 0, first (famy_%d - 0.75) right offset -1, 0 font 'Sans:Bold,10' tc rgb '#000000' front", 10 + k, k, k)
}
set errorbars 6

do for [ti = 1:2] {
  eval term_cmd(ti)
  set title full_title font font_title offset 0, 1
  plot datafile using 3:1:ytic(2) with points lc rgb '#ffffff' ps 0 notitle, \
       for [v = 1:4] datafile using (column(6) == v ? $3 : NaN):1:4:5 with xerrorbars lc rgb vcolor[v] lw 1.5 pt vpt[v] ps 1.3 notitle, \
       for [v = 1:4] datafile using (column(6) == v ? $3 : NaN):1 with points lc rgb vcolor[v] pt vpt[v] ps 1.3 title (vcount[v] > 0 ? sprintf('%s (%d)', vtitle[v], vcount[v]) : '')
}
unset output
