/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench kernel model: compiler helpers (include/linux/compiler.h).
 *
 * READ_ONCE/WRITE_ONCE: the kernel uses volatile accesses; in C11 they are
 * relaxed atomic loads and stores (Documentation/atomic_t.txt, and the table in
 * shared/REFERENCE.md). They therefore apply only to _Atomic objects here:
 * every struct page / page-table field that another thread reads locklessly is
 * declared _Atomic, which also keeps ThreadSanitizer precise (an atomic access
 * never races with another atomic access).
 */
#ifndef RB_KERNEL_COMPILER_H
#define RB_KERNEL_COMPILER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The kernel's atomic_fetch_{add,sub,or,and,xor}(i, v) on atomic_t share their
 * names with C11's generic functions, which <stdatomic.h> defines as macros.
 * The model always uses the *_explicit C11 forms, so the kernel names win.
 */
#undef atomic_fetch_add
#undef atomic_fetch_sub
#undef atomic_fetch_or
#undef atomic_fetch_and
#undef atomic_fetch_xor

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#undef __always_inline	/* glibc's <sys/cdefs.h> has one too */
#define __always_inline	inline __attribute__((always_inline))
#define __noinline	__attribute__((noinline))
#define __aligned(x)	__attribute__((aligned(x)))
#define __maybe_unused	__attribute__((unused))

#define SMP_CACHE_BYTES	64
#define ____cacheline_aligned_in_smp __aligned(SMP_CACHE_BYTES)

/* barrier(): a compiler barrier only. */
#define barrier()	atomic_signal_fence(memory_order_seq_cst)

#define READ_ONCE(x)	atomic_load_explicit(&(x), memory_order_relaxed)
#define WRITE_ONCE(x, v) atomic_store_explicit(&(x), (v), memory_order_relaxed)

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ALIGN(x, a)	(((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define min(a, b)	((a) < (b) ? (a) : (b))
#define max(a, b)	((a) > (b) ? (a) : (b))

/* cpu_relax(): the PAUSE hint in spin loops, as arch/x86's rep_nop(). */
static __always_inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	barrier();
#endif
}

/*
 * VM_BUG_ON: active when the model is built with
 * CONFIG_DEBUG_VM (tests and stress tests are), compiled out otherwise
 * (benchmarks), exactly as in the kernel. A failure prints where and aborts,
 * so a broken invariant cannot pass a test silently.
 */
void rb_vm_bug(const char *cond, const char *file, int line, const char *func)
	__attribute__((noreturn, cold));
/*
 * Called by rb_vm_bug() (VM_BUG_ON and WARN_ON_ONCE in the CONFIG_DEBUG_VM
 * model) with its one-line report before it aborts, if set. A stress test
 * that runs a deliberately broken variant sets it, so that an invariant the
 * model itself checks counts as the violation the test expects. BUG_ON goes
 * through rb_bug(), which never calls it: a BUG_ON is a set-up or harness
 * failure (an allocation that must not fail), never a detection.
 */
extern void (*rb_vm_bug_hook)(const char *report);
void rb_bug(const char *cond, const char *file, int line, const char *func)
	__attribute__((noreturn, cold));

#ifdef CONFIG_DEBUG_VM
#define VM_BUG_ON(cond) \
	do { if (unlikely(cond)) rb_vm_bug(#cond, __FILE__, __LINE__, __func__); } while (0)
#define VM_BUG_ON_PAGE(cond, page)	VM_BUG_ON(cond)
#define VM_BUG_ON_FOLIO(cond, folio)	VM_BUG_ON(cond)
#else
#define VM_BUG_ON(cond)			do { (void)sizeof(cond); } while (0)
#define VM_BUG_ON_PAGE(cond, page)	VM_BUG_ON(cond)
#define VM_BUG_ON_FOLIO(cond, folio)	VM_BUG_ON(cond)
#endif
/*
 * WARN_ON_ONCE(): returns the condition. The test builds (CONFIG_DEBUG_VM)
 * make a warning fatal, so that no test passes with one; the benchmarks only
 * get the condition's value, as the kernel's caller sees it.
 */
static inline __attribute__((always_inline)) bool rb_warn_on_once(bool cond, const char *what,
								  const char *file, int line,
								  const char *func)
{
#ifdef CONFIG_DEBUG_VM
	if (unlikely(cond))
		rb_vm_bug(what, file, line, func);
#else
	(void)what; (void)file; (void)line; (void)func;
#endif
	return cond;
}
#define WARN_ON_ONCE(cond)	rb_warn_on_once(!!(cond), #cond, __FILE__, __LINE__, __func__)

/* BUG_ON is always on, as in the kernel. */
#define BUG_ON(cond) \
	do { if (unlikely(cond)) rb_bug(#cond, __FILE__, __LINE__, __func__); } while (0)

#endif
