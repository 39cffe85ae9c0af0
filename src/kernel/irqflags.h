/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench kernel model: local_irq_save() / local_irq_restore() as x86-64
 * pays them around gup-fast (lockless_pages_from_mm() in mm/gup.c since
 * v5.10; internal_get_user_pages_fast() before): arch/x86/include/asm/
 * irqflags.h,
 *   arch_local_irq_save():    native_save_fl() (pushf; pop) then cli;
 *   arch_local_irq_restore(): if the saved IF was set, sti (Juergen Gross,
 *                             "x86/pv: Rework arch_local_irq_restore() to not
 *                             use popf", v5.11; popf before).
 *
 * Userspace difference: at CPL 3 with IOPL 0, cli and sti fault (#GP), and a
 * popf leaves IF alone. So the model pays exactly the kernel's pushf; pop and
 * the test of IF, with a compiler barrier where cli and sti are (their asm
 * has a "memory" clobber), and not cli/sti themselves. Measured on the
 * project's machine (docs/split.md, "The grab's fixed work";
 * split/irqflags/... rows): pushf; pop about 2 ns; push; popf about 9 ns more,
 * which is why popf is no honest stand-in for an sti (it is a microcoded
 * serialising flags write, and v5.11+ no longer executes it here). cli/sti are
 * the same in every variant of a family, so they shift every grab by one
 * constant and can only move per-grab ratios toward 1.
 */
#ifndef RB_KERNEL_IRQFLAGS_H
#define RB_KERNEL_IRQFLAGS_H

#include "compiler.h"

#define X86_EFLAGS_IF	(1UL << 9)

/* native_save_fl(): pushf; pop. */
static __always_inline unsigned long native_save_fl(void)
{
	unsigned long flags;

#if defined(__x86_64__)
	/*
	 * pushf writes below %rsp: in userspace that is the x86-64 red zone,
	 * where the compiler may keep live locals without moving %rsp (the
	 * kernel builds with -mno-red-zone). A plain "pushfq; popq" in inline
	 * asm, and GCC 12's __builtin_ia32_readeflags_u64() alike, corrupted
	 * the split stress test's state. So step over the red zone first: two
	 * lea (no flags touched, ~1 cycle each, off the critical path), then
	 * the kernel's pushf; pop.
	 */
	__asm__ __volatile__("lea -128(%%rsp), %%rsp\n\t"
			     "pushfq\n\t"
			     "popq %0\n\t"
			     "lea 128(%%rsp), %%rsp"
			     : "=r"(flags) : : "memory");
#else
	/* Not x86-64: no flags word to read; the barrier alone. */
	__asm__ __volatile__("" : : : "memory");
	flags = X86_EFLAGS_IF;
#endif
	return flags;
}

/* Where the kernel's cli / sti are (a "memory" clobber each); they cannot run at CPL 3. */
static __always_inline void rb_cli_standin(void)
{
	__asm__ __volatile__("" : : : "memory");
}
static __always_inline void rb_sti_standin(void)
{
	__asm__ __volatile__("" : : : "memory");
}

/* arch_local_irq_save(): pushf; pop; cli. */
static __always_inline unsigned long arch_local_irq_save(void)
{
	unsigned long flags = native_save_fl();

	rb_cli_standin();
	return flags;
}

/* arch_local_irq_restore() since v5.11: sti if the saved IF was set. */
static __always_inline void arch_local_irq_restore(unsigned long flags)
{
	if (flags & X86_EFLAGS_IF)
		rb_sti_standin();
}

#define local_irq_save(flags)		do { (flags) = arch_local_irq_save(); } while (0)
#define local_irq_restore(flags)	arch_local_irq_restore(flags)

#endif
