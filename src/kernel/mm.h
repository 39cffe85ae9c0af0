/* SPDX-License-Identifier: GPL-2.0 */
/* refbench kernel model: everything the families include. */
#ifndef RB_KERNEL_MM_H
#define RB_KERNEL_MM_H

#include "compiler.h"
#include "atomic.h"
#include "bitops.h"
#include "page.h"
#include "page_ref.h"
#include "spinlock.h"
#include "pgtable.h"
#include "alloc.h"
#include "memremap.h"
#include "gup.h"

/*
 * Memory for the model's shared structures (memmap, page tables). Defaults to
 * anonymous mmap (zeroed, page aligned, lazily backed); the placements layer
 * replaces it with hwloc_alloc_membind on the chosen node(s).
 */
void *rb_model_alloc(size_t bytes);
void rb_model_free(void *p, size_t bytes);
void rb_model_set_allocator(void *(*alloc)(size_t), void (*free)(void *, size_t));
/*
 * Model memory that was mapped again in place (the vmemmap tail-page reuse of
 * devmem.c): give it what rb_model_alloc() gives, the THP advice and the
 * placement's memory binding (rb_model_set_rebind(); none by default).
 */
void rb_model_remapped(void *p, size_t bytes);
void rb_model_set_rebind(void (*rebind)(void *, size_t));

#endif
