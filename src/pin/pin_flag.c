// SPDX-License-Identifier: GPL-2.0
/*
 * pin/flag: Jerome Glisse's pin flag, with the barriers as posted
 * (<20190111165141.GB3190@redhat.com>): smp_wmb() after SetPagePin(), before
 * the writeback check, and the back-off the kernel's writeback order needs
 * (PageLocked || PageWriteback, one load; the posted PageWriteback alone
 * misses pins: flag_wbonly). Correct on every architecture with the posted
 * barriers: PG_pin, PG_locked and PG_writeback are one word (pin_flag_impl.h
 * has the algorithm and the argument). flag_reordered (tests only) models a separate-location variant
 * of it, not a reordering of this code.
 */
#if defined(RB_BROKEN_WB_ONLY)
#define PIN_FLAG_OPS	pin_flag_wbonly_ops
#define PIN_FLAG_NAME	"flag_wbonly"
#elif defined(RB_BROKEN_NO_BACKOFF)
#define PIN_FLAG_OPS	pin_flag_nobackoff_ops
#define PIN_FLAG_NAME	"flag_nobackoff"
#elif defined(RB_BROKEN_CHECK_EARLY)
#define PIN_FLAG_OPS	pin_flag_reordered_ops
#define PIN_FLAG_NAME	"flag_reordered"
#elif defined(RB_PIN_WIDEN)
#define PIN_FLAG_OPS	pin_flag_wide_ops
#define PIN_FLAG_NAME	"flag_wide"
#else
#define PIN_FLAG_OPS	pin_flag_ops
#define PIN_FLAG_NAME	"flag"
#endif
#define PIN_FLAG_MB_AFTER_SET()	smp_wmb()

#include "pin_flag_impl.h"
