// SPDX-License-Identifier: GPL-2.0
/*
 * devmap family stress test: threads allocate device pages from two drivers
 * (MEMORY_DEVICE_PRIVATE and FS_DAX-like), publish them in shared slots, take
 * and drop extra references (get_page()/put_page() of the variant) and evict
 * them, so that the last put of a page can come from any thread, racing with
 * other puts.
 *
 * Invariants (each one fails if the put path is broken):
 *  1. The free callback (pgmap->ops->page_free) never fires for a busy page:
 *     at the callback, no thread holds a reference in the test's own
 *     accounting (holders), and the refcount is the variant's idle value.
 *  2. It fires exactly once per page that became idle: never for a page that
 *     is already free (double free), and after quiescence every page is free,
 *     at the idle count, on its driver's free list, and frees == allocations.
 *  3. Allocation only ever hands out a free page at the idle count.
 *
 * Broken builds (compiled only here), each of which must be detected:
 *   RB_BROKEN_ONEBASED_NOKEY      the static key never turns on: no callback (2)
 *   RB_BROKEN_ONEBASED_RACY       count read and decrement in two steps (1 or 2)
 *   RB_BROKEN_ZEROBASED_FREE_AT_1 a leftover 1-based idle test (1, 2)
 *
 * Usage: stress_devmap --variant onebased|mixed|zerobased [--expect-violation]
 * Duration: REFBENCH_STRESS_SECONDS (default 5).
 */
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "devmap/devmap.h"

#define NR_THREADS	3
#define NR_SLOTS	8
#define NR_HELD		4
#define POOL_PAGES	64	/* per driver: small, so that pages recycle often */

/* A broken build links only the variant it breaks. */
#ifndef RB_DEVMAP_ALL_VARIANTS
extern const struct devmap_variant devmap_onebased __attribute__((weak));
extern const struct devmap_variant devmap_mixed __attribute__((weak));
extern const struct devmap_variant devmap_zerobased __attribute__((weak));
#endif

enum { PAGE_FREE, PAGE_ALLOCATED };

static const struct devmap_variant *var;
static bool expect_violation;
static struct devmap_driver drivers[2];
static _Atomic bool stop;
static _Atomic long violations, allocs, frees, puts_total, alloc_failures;
static _Atomic int *state, *holders;

static struct slot {
	spinlock_t lock;
	struct page *page;
} __aligned(SMP_CACHE_BYTES) slots[NR_SLOTS];

static __attribute__((format(printf, 1, 2))) void violation(const char *fmt, ...)
{
	if (atomic_fetch_add_explicit(&violations, 1, mo_relaxed) < 5) {
		va_list ap;

		va_start(ap, fmt);
		fprintf(stderr, "stress_devmap: violation: ");
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		va_end(ap);
	}
	if (expect_violation)
		atomic_store(&stop, true);
}

static int idle_of(struct page *page)
{
	return devmap_idle_count(var, page->pgmap->type);
}

static void test_page_free(struct page *page)
{
	unsigned long pfn = page_to_pfn(page);

	if (atomic_load(&holders[pfn]) != 0)
		violation("page_free on pfn %lu while %d references are held", pfn, atomic_load(&holders[pfn]));
	else if (page_ref_count(page) != idle_of(page))
		violation("page_free on pfn %lu at refcount %d (idle is %d)", pfn, page_ref_count(page),
			  idle_of(page));
	if (atomic_exchange(&state[pfn], PAGE_FREE) != PAGE_ALLOCATED)
		violation("page_free on pfn %lu, which was already free", pfn);
	atomic_fetch_add_explicit(&frees, 1, mo_full);
	devmap_driver_push(page->pgmap->owner, page);
}

static const struct dev_pagemap_ops test_ops = { .page_free = test_page_free };

static void put_ref(struct page *page)
{
	atomic_fetch_sub_explicit(&holders[page_to_pfn(page)], 1, mo_full);
	var->put_page(page);
	atomic_fetch_add_explicit(&puts_total, 1, mo_relaxed);
}

static void *thread_fn(void *arg)
{
	unsigned int seed = 0x2545f491u * (unsigned int)(uintptr_t)arg + 1;
	struct page *held[NR_HELD];
	int nr_held = 0;

	while (!atomic_load_explicit(&stop, mo_relaxed)) {
		unsigned int r = rand_r(&seed);
		struct slot *s = &slots[(r >> 4) % NR_SLOTS];
		struct page *page, *old;

		switch (r % 8) {
		case 0: case 1:		/* allocate and publish */
			page = devmap_driver_alloc(&drivers[(r >> 8) & 1]);
			if (!page) {
				atomic_fetch_add_explicit(&alloc_failures, 1, mo_relaxed);
				break;
			}
			if (page_ref_count(page) != idle_of(page) ||
			    atomic_exchange(&state[page_to_pfn(page)], PAGE_ALLOCATED) != PAGE_FREE) {
				violation("allocated pfn %lu at refcount %d, not free and idle",
					  page_to_pfn(page), page_ref_count(page));
				break;	/* leave it: the run stops or fails */
			}
			atomic_fetch_add_explicit(&allocs, 1, mo_full);
			atomic_fetch_add_explicit(&holders[page_to_pfn(page)], 1, mo_full);
			var->alloc_init(page);
			spin_lock(&s->lock);
			old = s->page;
			s->page = page;
			spin_unlock(&s->lock);
			if (old)
				put_ref(old);
			break;
		case 2: case 3: case 4:	/* take a reference on a published page */
			if (nr_held == NR_HELD)
				put_ref(held[--nr_held]);
			spin_lock(&s->lock);
			page = s->page;
			if (page) {
				atomic_fetch_add_explicit(&holders[page_to_pfn(page)], 1, mo_full);
				get_page(page);
			}
			spin_unlock(&s->lock);
			if (page)
				held[nr_held++] = page;
			break;
		case 5: case 6:		/* drop one */
			if (nr_held)
				put_ref(held[--nr_held]);
			break;
		default:		/* evict */
			spin_lock(&s->lock);
			page = s->page;
			s->page = NULL;
			spin_unlock(&s->lock);
			if (page)
				put_ref(page);
			break;
		}
	}
	while (nr_held)
		put_ref(held[--nr_held]);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *env = getenv("REFBENCH_STRESS_SECONDS");
	double seconds = env ? atof(env) : 5;
	unsigned long nr = 2 * POOL_PAGES, pfn;
	pthread_t threads[NR_THREADS];
	struct timespec t0, t;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--variant") && i + 1 < argc) {
			i++;
			if (!strcmp(argv[i], "onebased"))
				var = &devmap_onebased;
			else if (!strcmp(argv[i], "mixed"))
				var = &devmap_mixed;
			else if (!strcmp(argv[i], "zerobased"))
				var = &devmap_zerobased;
			if (!var) {
				fprintf(stderr, "stress_devmap: variant '%s' is not built into this test\n", argv[i]);
				return 2;
			}
		} else if (!strcmp(argv[i], "--expect-violation")) {
			expect_violation = true;
		} else {
			fprintf(stderr, "stress_devmap: unknown argument '%s'\n", argv[i]);
			return 2;
		}
	}
	if (!var) {
		fprintf(stderr, "usage: stress_devmap --variant onebased|mixed|zerobased [--expect-violation]\n");
		return 2;
	}
	if (!(seconds > 0) || seconds > 3600) {
		fprintf(stderr, "stress_devmap: REFBENCH_STRESS_SECONDS must be in (0, 3600]\n");
		return 2;
	}
	BUG_ON(memmap_init(nr));
	state = calloc(nr, sizeof(*state));
	holders = calloc(nr, sizeof(*holders));
	BUG_ON(devmap_driver_init(&drivers[0], MEMORY_DEVICE_PRIVATE, 0, POOL_PAGES, &test_ops,
				  devmap_idle_count(var, MEMORY_DEVICE_PRIVATE)));
	BUG_ON(devmap_driver_init(&drivers[1], MEMORY_DEVICE_FS_DAX, POOL_PAGES, POOL_PAGES, &test_ops,
				  devmap_idle_count(var, MEMORY_DEVICE_FS_DAX)));
	var->managed_get(MEMORY_DEVICE_PRIVATE);
	var->managed_get(MEMORY_DEVICE_FS_DAX);
	for (int i = 0; i < NR_SLOTS; i++)
		spin_lock_init(&slots[i].lock);

	for (int i = 0; i < NR_THREADS; i++)
		pthread_create(&threads[i], NULL, thread_fn, (void *)(uintptr_t)i);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		struct timespec nap = { 0, 20 * 1000 * 1000 };

		nanosleep(&nap, NULL);
		clock_gettime(CLOCK_MONOTONIC, &t);
		/*
		 * A broken variant that leaks pages empties both pools; stop
		 * early then, the end checks report the leak.
		 */
		if (expect_violation && atomic_load(&alloc_failures) > 1000000)
			break;
	} while (!atomic_load(&stop) && (t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) * 1e-9 < seconds);
	atomic_store(&stop, true);
	for (int i = 0; i < NR_THREADS; i++)
		pthread_join(threads[i], NULL);
	for (int i = 0; i < NR_SLOTS; i++)
		if (slots[i].page)
			put_ref(slots[i].page);

	/* After quiescence: every page idle, free exactly once, back on its driver's list. */
	for (pfn = 0; pfn < nr; pfn++) {
		struct page *page = pfn_to_page(pfn);

		if (atomic_load(&state[pfn]) != PAGE_FREE || page_ref_count(page) != idle_of(page)) {
			violation("end: pfn %lu is %s at refcount %d (idle %d): an idle page never freed",
				  pfn, atomic_load(&state[pfn]) == PAGE_FREE ? "free" : "allocated",
				  page_ref_count(page), idle_of(page));
			break;
		}
	}
	if (allocs != frees)
		violation("end: %ld allocations but %ld frees", (long)allocs, (long)frees);
	if (drivers[0].nr_free + drivers[1].nr_free != nr)
		violation("end: %lu pages on the free lists, want %lu",
			  drivers[0].nr_free + drivers[1].nr_free, nr);
	var->managed_put(MEMORY_DEVICE_PRIVATE);
	var->managed_put(MEMORY_DEVICE_FS_DAX);
	printf("stress_devmap/%s: %ld allocations, %ld frees, %ld puts, %ld violations\n", var->name,
	       (long)allocs, (long)frees, (long)puts_total, (long)violations);
	if (!(expect_violation && violations) && allocs < 100) {
		fprintf(stderr, "stress_devmap: the run was too short to mean anything\n");
		return 1;
	}
	if (expect_violation) {
		puts(violations ? "stress_devmap: violation detected, as expected" :
				  "stress_devmap: FAILED to detect the broken variant");
		return violations ? 0 : 1;
	}
	return violations ? 1 : 0;
}
