// SPDX-License-Identifier: GPL-2.0
/*
 * devmap family benchmarks (REFERENCE.md (5), seed 003; docs/devmap.md).
 *
 *   devmap/<onebased|zerobased>/get_put/<pages>   get_page() + put_page() on a
 *        busy page (the put never reaches idle): the cost every put_page() in
 *        the system pays. <pages>: normal (onebased: devmap_managed_key off),
 *        normal_key_on (onebased only: some devmap user exists), private,
 *        fsdax (device pages, MEMORY_DEVICE_PRIVATE / FS_DAX).
 *   devmap/<onebased|zerobased>/alloc_put/<private|fsdax>   the idle cycle:
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
 * The timed loops live in the variant files (devmap_variant.get_put_loop /
 * alloc_put_loop, with the put path inlined); the body makes one call per
 * batch, through a function pointer, which costs nothing per iteration.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "refbench.h"
#include "devmap/devmap.h"

enum { ARG_MIB, ARG_STRIDE, ARG_SHARED };
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
} dm;

static void devmap_teardown(rb_state *st, void *ctx)
{
	const struct devmap_scenario *sc = ctx;

	(void)st;
	if (dm.managed)
		sc->var->managed_put();
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
		if (devmap_driver_init(&dm.drv, sc->pages == DM_PRIVATE ? MEMORY_DEVICE_PRIVATE :
				       MEMORY_DEVICE_FS_DAX, 0, nr, NULL, sc->var->idle_count)) {
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
		sc->var->managed_get();
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
	uint64_t n = rb_start(st);

	if (n)
		sc->var->alloc_put_loop(&dm.drv, n);
	rb_stop(st);
	rb_counter(st, "op_time", (double)n, RB_IS_RATE | RB_INVERT);
	if (dm.drv.nr_free != dm.nr_pages)
		rb_skip_with_error(st, "pages were lost in the alloc/put cycle");
}

static const char *const page_names[] = { "normal", "normal_key_on", "private", "fsdax" };

static void reg(const struct devmap_scenario *sc, int64_t mib, int64_t stride, int64_t shared, int threads)
{
	char name[96];
	rb_bench *b;

	snprintf(name, sizeof(name), "devmap/%s/%s/%s", sc->var->name, sc->alloc_put ? "alloc_put" : "get_put",
		 page_names[sc->pages]);
	b = rb_register(name, sc->alloc_put ? body_alloc_put : body_get_put, (void *)sc);
	rb_setup_teardown(b, devmap_setup, devmap_teardown);
	RB_ARGS(b, mib, stride, shared);
	RB_ARG_NAMES(b, "mem_mib", "stride", "shared");
	rb_iterations(b, 1 << 22);
	rb_threads(b, threads);
}

static void devmap_register(void)
{
	static struct devmap_scenario sc[2][4], sc_alloc[2][2];
	const struct devmap_variant *vars[2] = { &devmap_onebased, &devmap_zerobased };
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int mt = cpus > 1 ? 2 : 1;

	for (int v = 0; v < 2; v++) {
		for (int p = DM_NORMAL; p <= DM_FSDAX; p++) {
			struct devmap_scenario *s = &sc[v][p];

			if (p == DM_NORMAL_KEY_ON && vars[v] != &devmap_onebased)
				continue;	/* the 0-based put path has no key */
			*s = (struct devmap_scenario){ vars[v], p, false };
			reg(s, 64, 1, 1, 1);
			reg(s, 64, 4097, 1, 1);
			reg(s, 16384, 4097, 1, 1);
			if (mt > 1 && p != DM_FSDAX) {
				reg(s, 64, 1, 1, mt);	/* same pages */
				reg(s, 64, 1, 0, mt);	/* disjoint */
			}
		}
		for (int p = 0; p < 2; p++) {
			struct devmap_scenario *s = &sc_alloc[v][p];

			*s = (struct devmap_scenario){ vars[v], p ? DM_FSDAX : DM_PRIVATE, true };
			reg(s, 64, 1, 1, 1);
		}
	}
}

RB_FAMILY(devmap, "devmap", "ZONE_DEVICE put_page(): 1-based (static key + special put) vs 0-based",
	  devmap_register);
