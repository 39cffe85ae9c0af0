// SPDX-License-Identifier: GPL-2.0
/*
 * devmap family benchmarks (REFERENCE.md (5), seed 003; docs/devmap.md).
 *
 * Variants, one per kernel era: onebased (v4.18-v5.17), mixed (v6.1-v6.14:
 * PRIVATE 0-based, FS_DAX 1-based behind the key, as since v5.18),
 * zerobased (v6.15+).
 *   devmap/<variant>/get_put/<pages>   get_page() + put_page() on a
 *        busy page (the put never reaches idle): the cost every put_page() in
 *        the system pays. <pages>: normal (no device pgmap: the key off),
 *        normal_key_on (onebased, mixed: an FS_DAX pgmap exists, the key is
 *        on), private, fsdax (device pages, MEMORY_DEVICE_PRIVATE / FS_DAX).
 *   devmap/<variant>/alloc_put/<private|fsdax>   the idle cycle:
 *        the driver hands out a free page, put_page() makes it idle and the
 *        free callback gives it back.
 * Arguments: mem_mib (mapped memory the pages stand for; memmap = mem_mib /
 * 64: 64 -> 1 MiB, below the LLC; 16384 -> 256 MiB, far above it), stride
 * (pages between consecutive operations; 4097 defeats the prefetcher),
 * shared (1: every thread walks the same pages; 0: disjoint slices).
 * An iteration is one get+put (or alloc+put) pair; counter op_time is the
 * CPU time of one thread per pair. Each run has fixed work (rb_iterations),
 * so that its memmap is built once.
 *
 * Deterministic mode (--instr-count, bench/instr_count.h): registered
 * without the fixed work, so the iteration search runs (the row's name has no
 * "/iterations:"); one iteration is still one get+put (alloc+put) pair, and
 * its instruction count repeats exactly. The measured batch is capped at
 * DEVMAP_INSTR_OPS pairs: the memmap is set up again for every batch of the
 * search, the slope per pair is the same over fewer pairs.
 *
 * The timed loops live in the variant files (devmap_variant.get_put_loop /
 * alloc_put_loop, with the put path inlined); the body makes one call per
 * batch, through a function pointer, which costs nothing per iteration.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "refbench.h"
#include "instr_count.h"
#include "devmap/devmap.h"

enum { ARG_MIB, ARG_STRIDE, ARG_SHARED };

#define DEVMAP_INSTR_OPS	1000	/* pairs per measured batch under --instr-count */
enum devmap_pages { DM_NORMAL, DM_NORMAL_KEY_ON, DM_PRIVATE, DM_FSDAX };

struct devmap_scenario {
	const struct devmap_variant *var;
	enum devmap_pages pages;
	bool alloc_put;
};

static struct {
	struct zone zone;
	struct devmap_driver drv;
	unsigned long nr_pages;
	bool memmap_up, zone_up, drv_up, managed;
	enum memory_type managed_type;
} dm;

/* The pgmap type whose memremap_pages() the scenario stands for (it sets the era's key). */
static enum memory_type scenario_type(enum devmap_pages pages)
{
	/* normal_key_on: an FS_DAX pgmap exists (the key of every 1-based era is on then) */
	return pages == DM_PRIVATE ? MEMORY_DEVICE_PRIVATE : MEMORY_DEVICE_FS_DAX;
}

static void devmap_teardown(rb_state *st, void *ctx)
{
	const struct devmap_scenario *sc = ctx;

	(void)st;
	if (dm.managed)
		sc->var->managed_put(dm.managed_type);
	if (dm.drv_up)
		devmap_driver_destroy(&dm.drv);
	if (dm.zone_up)
		zone_destroy(&dm.zone);
	if (dm.memmap_up)
		memmap_destroy();
	memset(&dm, 0, sizeof(dm));
}

static void devmap_setup(rb_state *st, void *ctx)
{
	const struct devmap_scenario *sc = ctx;
	unsigned long nr = (unsigned long)rb_range(st, ARG_MIB) << (20 - PAGE_SHIFT), i;

	memset(&dm, 0, sizeof(dm));
	dm.nr_pages = nr;
	if (memmap_init(nr)) {
		rb_skip_with_error(st, "cannot allocate the memmap");
		return;
	}
	dm.memmap_up = true;
	if (sc->pages == DM_NORMAL || sc->pages == DM_NORMAL_KEY_ON) {
		zone_init(&dm.zone, ZONE_NORMAL, 0, nr, MAX_ORDER_MODEL);
		dm.zone_up = true;
		/* Every page allocated, as split_page() leaves a high-order block. */
		for (i = 0; i < nr; i += 1UL << MAX_ORDER_MODEL) {
			unsigned int order = MAX_ORDER_MODEL;
			struct page *page;

			while ((1UL << order) > nr - i)
				order--;
			page = __alloc_pages(&dm.zone, order, false);
			if (!page) {
				rb_skip_with_error(st, "buddy allocation failed");
				return;
			}
			for (unsigned long j = 1; j < (1UL << order); j++)
				set_page_count(page + j, 1);
		}
	} else {
		enum memory_type type = scenario_type(sc->pages);

		if (devmap_driver_init(&dm.drv, type, 0, nr, NULL, devmap_idle_count(sc->var, type))) {
			rb_skip_with_error(st, "memremap_pages failed");
			return;
		}
		dm.drv_up = true;
		if (!sc->alloc_put) {
			/* All busy: get_put never reaches idle. */
			for (i = 0; i < nr; i++)
				sc->var->alloc_init(devmap_driver_alloc(&dm.drv));
		}
	}
	if (sc->pages != DM_NORMAL) {
		dm.managed_type = scenario_type(sc->pages);
		sc->var->managed_get(dm.managed_type);
		dm.managed = true;
	}
}

static void body_get_put(rb_state *st, void *ctx)
{
	const struct devmap_scenario *sc = ctx;
	unsigned long nr = dm.nr_pages, first = 0, stride = (unsigned long)rb_range(st, ARG_STRIDE);
	uint64_t n, iters = 0;

	if (!rb_range(st, ARG_SHARED)) {
		nr /= rb_thread_count(st);
		first = nr * rb_thread_index(st);
	}
	stride %= nr;
	rb_instr_batch_cap(DEVMAP_INSTR_OPS);
	n = rb_start(st);
	if (n) {
		sc->var->get_put_loop(pfn_to_page(first), nr, stride ? stride : 1, n);
		iters = n;
	}
	rb_stop(st);
	rb_counter(st, "op_time", (double)iters, RB_IS_RATE | RB_INVERT);
}

static void body_alloc_put(rb_state *st, void *ctx)
{
	const struct devmap_scenario *sc = ctx;
	uint64_t n;

	rb_instr_batch_cap(DEVMAP_INSTR_OPS);
	n = rb_start(st);

	if (n)
		sc->var->alloc_put_loop(&dm.drv, n);
	rb_stop(st);
	rb_counter(st, "op_time", (double)n, RB_IS_RATE | RB_INVERT);
	if (dm.drv.nr_free != dm.nr_pages)
		rb_skip_with_error(st, "pages were lost in the alloc/put cycle");
}

static const char *const page_names[] = { "normal", "normal_key_on", "private", "fsdax" };

struct devmap_cell {
	const struct devmap_scenario *sc;
	int64_t mib;		/* memory the pages stand for */
	int64_t stride;		/* pages between consecutive operations */
	bool disjoint;		/* threads on disjoint slices (default: the same pages) */
	int threads;		/* default 1 */
};

static void reg(const struct devmap_cell *c)
{
	char name[96];
	rb_bench *b;

	snprintf(name, sizeof(name), "devmap/%s/%s/%s", c->sc->var->name, c->sc->alloc_put ? "alloc_put" : "get_put",
		 page_names[c->sc->pages]);
	b = rb_register(name, c->sc->alloc_put ? body_alloc_put : body_get_put, (void *)c->sc);
	rb_setup_teardown(b, devmap_setup, devmap_teardown);
	RB_ARGS(b, c->mib, c->stride, (int64_t)!c->disjoint);
	RB_ARG_NAMES(b, "mem_mib", "stride", "shared");
	if (!rb_instr_counting())	/* --instr-count: the search runs (see the top) */
		rb_iterations(b, 1 << 22);
	rb_threads(b, c->threads ? c->threads : 1);
}

#define REG(...)	reg(&(const struct devmap_cell){ __VA_ARGS__ })

static void devmap_register(void)
{
	static const struct devmap_variant *const vars[] = { &devmap_onebased, &devmap_mixed, &devmap_zerobased };
	static struct devmap_scenario sc[ARRAY_SIZE(vars)][4], sc_alloc[ARRAY_SIZE(vars)][2];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int mt = cpus > 1 ? 2 : 1;

	for (size_t v = 0; v < ARRAY_SIZE(vars); v++) {
		for (int p = DM_NORMAL; p <= DM_FSDAX; p++) {
			struct devmap_scenario *s = &sc[v][p];

			if (p == DM_NORMAL_KEY_ON && vars[v] == &devmap_zerobased)
				continue;	/* the v6.15 put path has no key */
			*s = (struct devmap_scenario){ .var = vars[v], .pages = p, .alloc_put = false };
			REG(.sc = s, .mib = 64, .stride = 1);
			REG(.sc = s, .mib = 64, .stride = 4097);
			REG(.sc = s, .mib = 16384, .stride = 4097);
			if (mt > 1 && p != DM_FSDAX) {
				REG(.sc = s, .mib = 64, .stride = 1, .threads = mt);
				REG(.sc = s, .mib = 64, .stride = 1, .disjoint = true, .threads = mt);
			}
		}
		for (int p = 0; p < 2; p++) {
			struct devmap_scenario *s = &sc_alloc[v][p];

			*s = (struct devmap_scenario){ .var = vars[v], .pages = p ? DM_FSDAX : DM_PRIVATE,
						       .alloc_put = true };
			REG(.sc = s, .mib = 64, .stride = 1);
		}
	}
}

RB_FAMILY(devmap, "devmap", "ZONE_DEVICE put_page(): 1-based (static key + special put) vs 0-based",
	  devmap_register);
