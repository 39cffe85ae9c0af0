# refbench: counters per operation (cycles/op, instructions/op,
# cache-misses/op, ... where they were recorded). One panel per counter, each
# with its own scale; grouped bars: one group per scenario, thread count and
# placement, one bar per variant.
#
#   cd DATADIR && gnuplot -c plots/counters.gp counters-FAMILY.gp OUTBASE
#
# Bar: median over the repetitions; error bar: min to max.
script_dir = system(sprintf("dirname '%s'", ARG0))
load ARG1
load script_dir . '/common.gp'
outbase = ARG2

W = int(max(760, min(2600, ncl * (nv * 20 + 30) + 170)))
rot = (maxlabel * 7.5 > (W - 170) / ncl) ? 1 : 0
panel_h = 300 + (rot ? int(min(maxlabel, 60) * 4.2) : 0)
H = panel_h * np + 70

set style data histogram
set style histogram errorbars gap 1.5 lw 1
set style fill solid 0.85 border rgb '#333333'
set boxwidth 0.9
set errorbars 4 front lc rgb "#222222" lw 1.2
set xrange [-0.6 : ncl - 0.4]
set xlabel 'scenario, threads, placement'
if (rot) { set xtics rotate by -30 left; set rmargin int(min(maxlabel, 60) * 0.75) } else { set xtics norotate }
set key above horizontal samplen 1.5 spacing 1.0 width 1

do for [ti = 1:2] {
  eval term_cmd(ti)
  set multiplot layout np, 1 title full_title font font_title
  do for [p = 1:np] {
    set title pname[p] . ' per variant (median of the repetitions; bars: min-max)'
    set ylabel (strstrt(pname[p], '/') ? pname[p] : pname[p] . ' (value as reported)')
    if (plogy[p]) { set logscale y; set yrange [*:*] } else { unset logscale y; set yrange [0:*] }
    plot for [v = 1:nv] datafile index (p - 1) using (column(3 * v - 1)):(column(3 * v)):(column(3 * v + 1)):xtic(1) lt v title vname[v]
  }
  unset multiplot
}
unset output
