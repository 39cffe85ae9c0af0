// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target for refbench-plotdata's readers: a Google Benchmark result
 * (run), refbench-compare's JSON (compare) and a set of results (history),
 * each read and turned into its data files in a scratch directory. The
 * input's first byte picks the command (mod 3), the rest is the file. An
 * error is pd_die()'s one line, then pd_die_hook longjmps back here instead
 * of exit(2). Oracles: no crash or undefined behaviour (leaks are not
 * checked: the tool is one process per file, and pd_die() leaves what it
 * held).
 */
#include <setjmp.h>
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plotdata.h"
#include "fuzz_main.h"

static char scratch[64], in[96], out[96];

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* The scratch directory goes when the process does. */
static void rm_scratch(void)
{
	nftw(scratch, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
static jmp_buf back;

static void die_hook(void)
{
	longjmp(back, 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char time_opt[] = "--time=real", hist_max[] = "--max=4";
	FILE *f;
	int cmd;

	if (size < 1)
		return 0;
	if (!scratch[0]) {
		/* tmpfs where there is one: the writers fsync every file */
		snprintf(scratch, sizeof(scratch), "%s/rb-fuzz-plotdata.XXXXXX",
			 access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
		if (!mkdtemp(scratch))
			abort();
		atexit(rm_scratch);
		snprintf(in, sizeof(in), "%s/in.json", scratch);
		snprintf(out, sizeof(out), "%s/out", scratch);
		pd_die_hook = die_hook;
	}
	cmd = data[0] % 3;
	f = fopen(in, "w");
	if (!f)
		abort();
	fwrite(data + 1, 1, size - 1, f);
	fclose(f);
	if (!setjmp(back)) {
		if (cmd == 0) {
			char *argv[] = { time_opt, in, out, NULL };

			pd_cmd_run(3, argv);
		} else if (cmd == 1) {
			char *argv[] = { in, out, NULL };

			pd_cmd_compare(2, argv);
		} else {
			char *argv[] = { hist_max, out, in, in, NULL };

			pd_cmd_history(4, argv);
		}
	}
	return 0;
}
