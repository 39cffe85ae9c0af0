# refbench: one question's figure (docs/findings.md), for a mail: a line per
# variant with its 95% interval as error bars, a panel per order / pin mode /
# metric, the kernel's published points as black crosses where they exist.
#
#   cd DATADIR && gnuplot -c plots/findings.gp findings-QUESTION.gp OUTBASE
#
# Reads the parameter file written by refbench-plotdata findings (np panels,
# nb blocks with bpanel[], bser[], bname[], nref, logx, logy, cat, xtl,
# xlabel, ylabel, datafile) and writes OUTBASE.png and OUTBASE.svg,
# 1000 px wide.
script_dir = system(sprintf("dirname '%s'", ARG0))
load ARG1
load script_dir . '/common.gp'
outbase = ARG2

W = 1000
panel_h = (np > 1 ? 380 : 520)
H = panel_h * np + 90

set errorbars 3
set key outside right top vertical samplen 2 spacing 1.1 width 1 font ',9'
set xlabel xlabel
set ylabel ylabel
set grid xtics ytics lc rgb '#dddddd' lw 1 dt 1
if (logx) { set logscale x; set xrange [xmin / 2.0 : xmax * 2.0] }
if (logy) { set logscale y }
if (cat) { eval 'set xtics ' . xtl; set xrange [-0.5 : ncat - 0.5] } else { set xtics autofreq }
if (!logy) { set yrange [0:*] }

do for [ti = 1:2] {
  eval term_cmd(ti)
  set multiplot layout np, 1 title full_title font font_title
  do for [p = 1:np] {
    set title pname[p] noenhanced
    if (np > 1 && nref == 0) {
      plot for [b = 1:nb] datafile index (b - 1) using (bpanel[b] == p ? $1 : NaN):2:3:4 \
             with yerrorlines lt bser[b] title (bpanel[b] == p ? bname[b] : '')
    } else {
      if (nref == 0) {
        plot for [b = 1:nb] datafile index (b - 1) using (bpanel[b] == p ? $1 : NaN):2:3:4 \
               with yerrorlines lt bser[b] title (bpanel[b] == p ? bname[b] : '')
      } else {
        plot for [b = 1:nb] datafile index (b - 1) using (bpanel[b] == p ? $1 : NaN):2:3:4 \
               with yerrorlines lt bser[b] title (bpanel[b] == p ? bname[b] : ''), \
             datafile index nb using ((column(7) == 0 || column(7) == p) ? $1 : NaN):2 \
               with points lt 7 pt 2 ps 2.2 lw 2 title "kernel gup_test (published)", \
             datafile index nb using ((column(7) == 0 || column(7) == p) ? $1 : NaN):2:5 \
               with labels left offset 1.2,0 font ',8' notitle
      }
    }
  }
  unset multiplot
}
unset output
