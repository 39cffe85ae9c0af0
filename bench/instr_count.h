/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a benchmark with fixed work needs from the deterministic mode
 * (bench/instr_count.c). All are no-ops without --instr-count.
 */
#ifndef RB_INSTR_COUNT_H
#define RB_INSTR_COUNT_H

#include <stdbool.h>
#include <stdint.h>

/*
 * --instr-count was given. Valid from the modules' init on, so a family's
 * register function may ask: such a family registers without its fixed
 * iterations (rb_iterations) under --instr-count, so that Google Benchmark's
 * iteration search (1, 10, ... N) runs, and the row's name has no
 * "/iterations:K" (scripts/instr-count's filter allows either).
 */
bool rb_instr_counting(void);
/*
 * Before rb_start(): the batch the body is about to run is measured with at
 * most @max iterations (rounded down to a power of ten, at least 10) instead
 * of --instr-iters: for iterations of thousands of pages each, which would
 * take minutes under callgrind at 10000. The count per iteration is the same
 * slope; only the number of iterations it is taken over changes.
 */
void rb_instr_batch_cap(uint64_t max);
/*
 * Around work the timer does not see (next to rb_pause()/rb_resume()): its
 * instructions are left out of the count, as its time is left out of the
 * timed run.
 */
void rb_instr_pause(void);
void rb_instr_resume(void);

#endif
