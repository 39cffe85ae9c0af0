# refbench plots: what every figure shares. Loaded by the scripts in this
# directory after the figure's parameter file (machine, commit, fig_title).
#
# Every figure is drawn twice, PNG (pngcairo) then SVG, by a loop over
# term_cmd(1) and term_cmd(2). Both terminals are "noenhanced": names such as
# fetch_add_relaxed are printed as written, never as subscripts.

set encoding utf8
set datafile separator "\t"
set datafile missing "?"
set termoption noenhanced

# Okabe-Ito: distinguishable in colour-blind vision and in greyscale print.
set linetype 1 lc rgb '#0072B2' lw 2 pt 7 ps 1.1
set linetype 2 lc rgb '#D55E00' lw 2 pt 5 ps 1.0
set linetype 3 lc rgb '#009E73' lw 2 pt 9 ps 1.3
set linetype 4 lc rgb '#CC79A7' lw 2 pt 11 ps 1.3
set linetype 5 lc rgb '#E69F00' lw 2 pt 13 ps 1.2
set linetype 6 lc rgb '#56B4E9' lw 2 pt 15 ps 1.3
set linetype 7 lc rgb '#000000' lw 2 pt 3 ps 1.1
set linetype 8 lc rgb '#999999' lw 2 pt 1 ps 1.2
set linetype cycle 8

set grid ytics lc rgb '#dddddd' lw 1 dt 1
set border 3 lw 1
set tics nomirror out scale 0.7
set key noautotitle

font_main = 'Sans,10'
font_title = 'Sans,12'

# The figure's title: what it shows, then the machine and the commit.
full_title = fig_title . "\nmachine: " . machine . "    commit: " . commit

# term_cmd(i): the commands selecting terminal i (1: PNG, 2: SVG) and its output
# (outbase: a path without single quotes; scripts/plot checks).
term_cmd(i) = (i == 1 ? \
  sprintf("set terminal pngcairo noenhanced size %d,%d font '%s' background rgb 'white'; set output '%s.png'", W, H, font_main, outbase) : \
  sprintf("set terminal svg noenhanced size %d,%d font '%s' background rgb 'white'; set output '%s.svg'", W, H, font_main, outbase))

min(a, b) = a < b ? a : b
max(a, b) = a > b ? a : b
