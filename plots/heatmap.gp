# refbench: topology. The core-to-core latency heatmap from the calibration
# benchmark (calib/pingpong/<scenario>/pu_a:I/pu_b:J): cell (I, J) is the
# median time per op of the ping-pong between PUs I and J. A pair measured one
# way only stands for both; grey cells were not measured.
#
#   cd DATADIR && gnuplot -c plots/heatmap.gp heatmap-X.gp OUTBASE
script_dir = system(sprintf("dirname '%s'", ARG0))
load ARG1
load script_dir . '/common.gp'
outbase = ARG2

cell = npu <= 8 ? 70 : npu <= 16 ? 44 : npu <= 64 ? 14 : 6
W = int(max(520, npu * cell + 260))
H = int(max(460, npu * cell + 170))

set size ratio -1
set xrange [-0.5 : npu - 0.5]
set yrange [npu - 0.5 : -0.5]
set xtics () out scale 0.5
set ytics () out scale 0.5
step = npu <= 32 ? 1 : int(npu / 16)
do for [i = 1:npu:step] {
  set xtics add (sprintf('%d', pu[i]) i - 1)
  set ytics add (sprintf('%d', pu[i]) i - 1)
}
set xlabel 'PU a (OS index)'
set ylabel 'PU b (OS index)'
set cblabel 'round-trip time (ns/op, median)'
set cbrange [zmin : zmax > zmin ? zmax : zmin + 1]
zmid = zmin + 0.6 * (zmax - zmin)
set palette defined (0 '#ffffcc', 0.35 '#feb24c', 0.7 '#f03b20', 1 '#800026')
set grid noxtics noytics
set border 15
set object 1 rect from graph 0, graph 0 to graph 1, graph 1 behind fc rgb '#d9d9d9' fs solid 1.0 noborder
unset key

do for [ti = 1:2] {
  eval term_cmd(ti)
  set title full_title font font_title
  if (npu <= 16) {
    plot datafile using 1:2:3 with image, \
         '' using 1:2:(valid(3) && $3 < zmid ? sprintf('%.0f', $3) : '') with labels font 'Sans,9' tc rgb '#000000', \
         '' using 1:2:(valid(3) && $3 >= zmid ? sprintf('%.0f', $3) : '') with labels font 'Sans,9' tc rgb '#ffffff'
  } else {
    plot datafile using 1:2:3 with image
  }
}
unset output
