// SPDX-License-Identifier: GPL-2.0
/*
 * harness: measures the C API itself. harness/capi/<body> runs the same body
 * as harness/native/<body> (see harness_native.cc), through rb_start()/
 * rb_stop() and a C loop. scripts/harness-ratio reports capi/native per body
 * (median of repetitions, one run); the target is <= 1.05.
 */
#include "refbench.h"
#include "harness_bodies.h"

void harness_native_register(void);

static struct harness_word capi_word;

#define CAPI_BODY(name)							\
static void capi_##name(rb_state *st, void *ctx)			\
{									\
	struct harness_word *w = ctx;					\
									\
	for (uint64_t n = rb_start(st); n; n--)				\
		hb_##name(w);						\
	rb_stop(st);							\
}
HARNESS_BODIES(CAPI_BODY)
#undef CAPI_BODY

static void harness_register(void)
{
	harness_native_register();
#define CAPI_REG(name) rb_register("harness/capi/" #name, capi_##name, &capi_word);
	HARNESS_BODIES(CAPI_REG)
#undef CAPI_REG
}

RB_FAMILY(harness, "harness", "the C API's own per-iteration cost against native Google Benchmark",
	  harness_register);
