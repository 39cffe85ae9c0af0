// SPDX-License-Identifier: GPL-2.0
/*
 * The state of the injected slowdowns (inject.h): compiled only into
 * rb_kernel_inject, the kernel model of the inject build (refbench-inject and
 * tests/inject). bench/inject_op.c sets it from the command line.
 */
#include "inject.h"

struct rb_inject_config rb_inject;
_Thread_local unsigned long rb_inject_hits[RB_INJECT_NR_SITES];
_Thread_local uint64_t rb_inject_carry;

#if defined(__x86_64__)
/*
 * The delay sled of rb_inject_spin(): RB_INJECT_SLED (1024) "dec %rcx", 3
 * bytes each, then ret; entered RB_INJECT_SLED - n instructions before its
 * end to run n of them. Plain assembly: no sanitizer instrumentation, no
 * stack use besides the call's return address.
 */
__asm__(".text\n"
	".p2align 6\n"
	".globl rb_inject_sled\n"
	".hidden rb_inject_sled\n"
	".type rb_inject_sled, @function\n"
	"rb_inject_sled:\n"
	".rept 1024\n"
	"\tdec %rcx\n"
	".endr\n"
	".globl rb_inject_sled_end\n"
	".hidden rb_inject_sled_end\n"
	"rb_inject_sled_end:\n"
	"\tret\n"
	".size rb_inject_sled, . - rb_inject_sled\n");
_Static_assert(RB_INJECT_SLED == 1024, "the sled's .rept count");
#endif
