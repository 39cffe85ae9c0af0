/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench-compare's analysis: pairs two result files by benchmark name and
 * gives each pair a verdict (compare.c), then prints it (text, markdown or
 * JSON). See docs/compare.md for the method and its measured error rates.
 */
#ifndef RB_COMPARE_H
#define RB_COMPARE_H

#include <stdio.h>

#include "gbjson.h"
#include "stats.h"

enum rb_format { RB_FMT_TEXT, RB_FMT_MARKDOWN, RB_FMT_JSON };

/* Default minimum effects: time (statistical) and instruction counts (exact). */
#define RB_DEFAULT_THRESHOLD_TIME	0.03
#define RB_DEFAULT_THRESHOLD_INSTR	0.0025

/* How absolute times are normalised for a host factor (docs/compare.md). */
enum rb_hf_mode {
	RB_HF_AUTO,	/* from the calibration cells when both files have them */
	RB_HF_NONE,	/* raw times (compare-commits: one host, interleaved) */
	RB_HF_FIXED,	/* a given factor */
};

/* Default calibration cells: loops whose code no refbench commit changes. */
#define RB_DEFAULT_CALIBRATION "^(harness/native/|calib/)"

/*
 * The process-level test (docs/compare.md, "Processes, not repetitions"):
 * Yuen's 20%-trimmed means (default), Welch's means, or Hodges-Lehmann with
 * its Moses interval and Mann-Whitney's p.
 */
enum rb_proc_test { RB_PT_YUEN, RB_PT_WELCH, RB_PT_HL };
#define RB_YUEN_TRIM 0.2

/*
 * "no change" at process level: the interval inside +-margin, the margin
 * max(threshold, RB_MARGIN_WIDTHS x the 1 - alpha half-width that the
 * baseline's own spread of process medians gives at these process counts);
 * a margin above the cap (--margin-cap) never reads "no change".
 */
#define RB_MARGIN_WIDTHS 2.0
#define RB_DEFAULT_MARGIN_CAP 0.10

/* --ratio: numerators are the names matching @num; denominators @den with \0..\9. */
struct rb_ratio {
	const char *num, *den;
};

struct rb_cmp_opts {
	double alpha;			/* 0.05 */
	double threshold;		/* relative minimum effect; < 0: the default */
	enum rb_correction correction;	/* Holm */
	enum gb_metric metric;
	enum rb_format format;
	const char *filter;		/* POSIX extended regex on names, or NULL */
	int allow_missing, ignore_machine, fail_on_noisy;
	enum rb_hf_mode hf_mode;
	double hf_value;		/* RB_HF_FIXED */
	const char *calibration;	/* ERE, or NULL: RB_DEFAULT_CALIBRATION */
	const char *const *cells;	/* exact names to compare (--cells), or NULL */
	size_t ncells;
	const struct rb_ratio *ratios;	/* --ratio: compare within-run ratios instead */
	size_t nratios;
	enum rb_proc_test process_test;	/* --process-test */
	double margin_cap;		/* --margin-cap; <= 0: the default */
};

enum rb_verdict { RB_NO_CHANGE, RB_REGRESSION, RB_IMPROVEMENT, RB_TOO_NOISY };

struct rb_cmp_row {
	const char *name;
	char *owned;		/* ratio rows: "NUM / DEN" */
	int calibration;	/* a calibration cell (normalised by a factor it helped make) */
	double raw_change;	/* before host-factor normalisation */
	size_t na, nb;
	double med_a, med_b;	/* ns or instructions */
	double change, lo, hi;	/* relative: exp(HL shift of logs) - 1 and its interval */
	double p, p_adj;	/* NaN for exact (deterministic) rows */
	int exact_p, deterministic;
	enum rb_verdict verdict;
	long reps_needed;	/* too noisy: repetitions (by_process: processes) per side it
				   would need; -1 unknown */
	/*
	 * by_process: a side has >= RB_MIN_PROCESSES runs (processes): the
	 * inference is over the runs' medians (Yuen's trimmed means by
	 * default), not over the pooled repetitions (docs/compare.md,
	 * "Processes, not repetitions").
	 */
	int by_process;
	size_t ka, kb;		/* runs (processes) per side */
	/*
	 * The equivalence margin "no change" claims (relative): the threshold,
	 * or at process level the resolution the baseline's process spread
	 * gives (RB_MARGIN_WIDTHS half-widths) when that is wider. resolution:
	 * that resolution (NaN: not estimable, the threshold is used).
	 */
	double margin, resolution;
	/*
	 * Process level: Mann-Whitney's two-sided p on the process medians (NaN:
	 * not computed, or too few processes for it to reach alpha at all). A
	 * regression or improvement needs it below alpha as well (compare.c).
	 */
	double p_rank;
	int rank_veto;		/* significant, but the rank test is not: too noisy */
	int over_cap;		/* margin above --margin-cap: never "no change" */
};

/* A side with this many runs of a benchmark makes its comparison process-level. */
#define RB_MIN_PROCESSES 3

/* Per thread class: [0] single-threaded cells, [1] multi-threaded cells. */
struct rb_host_factor {
	double factor;		/* contender / baseline, estimated (1 if no calibration cell) */
	double ci_lo, ci_hi;	/* its 1 - alpha interval (Moses, pooled calibration cells) */
	double lo, hi;		/* the calibration cells' smallest and largest own ratio */
	size_t n;		/* calibration cells it comes from */
	int borrowed;		/* taken from the other thread class (none of its own) */
	int set;		/* estimated (or given) */
	int applied;		/* the contender was divided by it: its interval lies beyond
				   the threshold and the calibration cells agree */
	int disagree;		/* own ratios spread over more than 1 + 4 x threshold: load,
				   not a host; never applied */
};

struct rb_cmp_result {
	const struct gb_file *a, *b;
	struct rb_cmp_opts opts;
	double threshold;	/* the one used */
	double margin_cap;	/* the one used (process-level "no change") */
	int instructions;	/* both files are instruction counts */
	struct rb_cmp_row *rows;
	size_t nrows;
	char **notes;		/* one line each */
	size_t nnotes;
	size_t counts[4];	/* per verdict */
	int ratio_mode;		/* rows are within-run ratios */
	int calibrated;		/* both files have calibration cells (a factor was estimated) */
	int normalised;		/* absolute times divided by a host factor */
	struct rb_host_factor hf[2];
	size_t not_comparable;	/* the same error on both sides */
	size_t by_process;	/* rows compared over processes */
	int exit_code;		/* 0 no regression, 1 regression */
};

/*
 * 0 and @r filled, or 2 with a one-line reason in @err (mismatched benchmark
 * sets, machine keys or measures; nothing to compare).
 */
int rb_compare(const struct gb_file *a, const struct gb_file *b, const struct rb_cmp_opts *o,
	       struct rb_cmp_result *r, char err[GB_ERR_LEN]);
void rb_compare_print(const struct rb_cmp_result *r, FILE *out);
void rb_compare_free(struct rb_cmp_result *r);

const char *rb_verdict_name(enum rb_verdict v);

#endif
