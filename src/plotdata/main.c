// SPDX-License-Identifier: GPL-2.0
/*
 * refbench-plotdata: the data behind refbench's figures (see plotdata.h and
 * docs/plots.md). scripts/plot runs it, then the gnuplot scripts in plots/.
 *
 *   refbench-plotdata run [--time=real|cpu] RESULT.json OUTDIR
 *   refbench-plotdata compare COMPARE.json OUTDIR
 *   refbench-plotdata history [options] OUTDIR RESULT.json RESULT.json...
 *   refbench-plotdata findings --questions=FILE [options] RESULT.json...
 *
 * Exit status: 0 done, 2 unusable input or arguments (one line on stderr).
 */
#include <string.h>

#include "plotdata.h"

static const char usage[] =
	"usage: refbench-plotdata run [--time=real|cpu] RESULT.json OUTDIR\n"
	"       refbench-plotdata compare COMPARE.json OUTDIR\n"
	"       refbench-plotdata history [--filter=REGEX] [--threshold=0.05] [--window=5]\n"
	"                         [--max=24] [--order=date|given] [--time=real|cpu]\n"
	"                         OUTDIR RESULT.json RESULT.json...\n"
	"       refbench-plotdata findings --questions=FILE [--baseline=FILE] [--out=DIR]\n"
	"                         [--figures=DATADIR] [--boot=N] [--seed=N] RESULT.json...\n"
	"       refbench-plotdata findings --questions=FILE --cells\n";

int main(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage, stdout);
		return 0;
	}
	if (argc < 2)
		pd_die("no command (run, compare, history or findings); see --help");
	if (!strcmp(argv[1], "run"))
		return pd_cmd_run(argc - 2, argv + 2);
	if (!strcmp(argv[1], "compare"))
		return pd_cmd_compare(argc - 2, argv + 2);
	if (!strcmp(argv[1], "history"))
		return pd_cmd_history(argc - 2, argv + 2);
	if (!strcmp(argv[1], "findings"))
		return pd_cmd_findings(argc - 2, argv + 2);
	pd_die("unknown command '%s' (run, compare, history or findings); see --help", argv[1]);
}
