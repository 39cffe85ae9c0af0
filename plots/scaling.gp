# refbench: scaling. Throughput (or time per op) against threads, one line per
# variant, one panel per placement; error bars from the repetitions.
#
#   cd DATADIR && gnuplot -c plots/scaling.gp scaling-X.gp OUTBASE [throughput|ns]
#
# Throughput is all threads' operations per second: 1000 / (ns per op), where
# Google Benchmark's real_time per op is wall time over every thread's
# iterations. Point: median of the repetitions; error bar: min to max.
script_dir = system(sprintf("dirname '%s'", ARG0))
load ARG1
load script_dir . '/common.gp'
outbase = ARG2
metric = (ARGC >= 3 && ARG3 ne '') ? ARG3 : 'throughput'
if (metric ne 'throughput' && metric ne 'ns') { print 'scaling.gp: metric must be throughput or ns'; exit status 1 }

ncols = np < 3 ? np : 3
nrows = int(ceil(np / 3.0))
W = 560 * ncols + 40
H = 440 * nrows + 70

if (metric eq 'throughput') {
  ycol = 6
  ylab = 'throughput (Mops/s, all threads)'
  note = 'higher is better'
  logy = logy_mops
  ylo = ylo_mops; yhi = yhi_mops
} else {
  ycol = 3
  ylab = 'time per operation (ns/op)'
  note = 'lower is better'
  logy = logy_ns
  ylo = ylo_ns; yhi = yhi_ns
}
set xlabel 'threads (count)'
set ylabel ylab
if (logx) { set logscale x 2; set xrange [tmin / 1.3 : tmax * 1.3] } else { set xrange [tmin - 0.5 : tmax + 0.5]; set xtics 1 }
# one y range for every panel, so that placements compare at a glance
if (logy) { set logscale y; set yrange [ylo / 1.25 : yhi * 1.25] } else { set yrange [0 : yhi * 1.08] }
set grid xtics ytics lc rgb '#dddddd'
set key top left Left reverse samplen 2 spacing 1.1 box lc rgb '#bbbbbb' opaque
set errorbars 6

do for [ti = 1:2] {
  eval term_cmd(ti)
  set multiplot layout nrows, ncols title full_title font font_title
  do for [p = 1:np] {
    set title 'placement: ' . pname[p] . '  (median; bars: min-max; ' . note . ')'
    plot for [b = pfirst[p]:pfirst[p] + pcount[p] - 1] datafile index b using 1:ycol:ycol+1:ycol+2 with yerrorlines lt bcolor[b + 1] title bvar[b + 1]
  }
  unset multiplot
}
unset output
