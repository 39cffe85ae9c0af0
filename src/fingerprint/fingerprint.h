/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench machine fingerprint (docs/placements.md): what a result was
 * measured on, and the stable machine key that names its baseline directory
 * (baselines/<machine key>/).
 *
 * The key is derived from the hardware part only: CPU vendor and model and
 * the topology's shape (packages, NUMA nodes, L3s, cores, PUs, SMT), so a
 * kernel update, a governor change or a rebuild keeps the same key. Its form
 *	<model slug>-<P>p<N>n<L>l3-<C>c<T>t-<8 hex digits>
 * is readable; the hex digits are FNV-1a of the exact hardware fields, so two
 * models with the same slug still differ. Changing how the key is computed
 * orphans every stored baseline: tests/fingerprint pins it.
 */
#ifndef RB_FINGERPRINT_H
#define RB_FINGERPRINT_H

#include <stddef.h>

#include "topo/topo.h"

struct rb_fingerprint {
	/* hardware: the key's inputs */
	char cpu_model[128];
	char cpu_vendor[64];
	struct rb_topo_shape shape;
	/* this system: recorded, not part of the key */
	char kernel_release[128];
	char governor[64];
	char boost[32];
	char perf_event_paranoid[16];
	/* derived */
	char key[160];
};

/* The hardware part from @t, and the key. */
void rb_fingerprint_hw(hwloc_topology_t t, struct rb_fingerprint *fp);
/* The system part from this machine (uname, /sys, /proc); "n/a" where unreadable. */
void rb_fingerprint_sys(struct rb_fingerprint *fp);
/* The key of @fp's hardware part (rb_fingerprint_hw() stores it in fp->key). */
void rb_machine_key(const struct rb_fingerprint *fp, char *buf, size_t len);

#endif
