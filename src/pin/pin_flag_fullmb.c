// SPDX-License-Identifier: GPL-2.0
/*
 * pin/flag_fullmb: Jerome Glisse's pin flag with smp_mb() instead of the
 * smp_wmb() between the pin's stores (_mapcount, PG_pin) and its
 * PG_writeback check: the "with full barriers on both sides"
 * (page_mkclean's side has the fully ordered TestClearPagePin and smp_mb()
 * already), with the same kernel-order back-off as pin/flag (PageLocked ||
 * PageWriteback). The finding, restated for the kernel's writeback order:
 * this barrier is NOT needed, on any architecture, because the pinner's last
 * store (SetPagePin) and its check are accesses to the same word,
 * folio->flags, which holds the bits writeback sets around its decision
 * (PG_locked, then PG_writeback), so coherence orders them; there is no
 * store-buffering pair (pin_flag_impl.h, docs/pin.md). It is kept to price
 * the barrier: on x86 a seq_cst fence (GCC: lock or $0,(%rsp)) right after
 * the lock-prefixed set_bit(). Algorithm: pin_flag_impl.h.
 */
#ifdef RB_PIN_WIDEN
#define PIN_FLAG_OPS	pin_flag_fullmb_wide_ops
#define PIN_FLAG_NAME	"flag_fullmb_wide"
#else
#define PIN_FLAG_OPS	pin_flag_fullmb_ops
#define PIN_FLAG_NAME	"flag_fullmb"
#endif
#define PIN_FLAG_MB_AFTER_SET()	smp_mb()

#include "pin_flag_impl.h"
