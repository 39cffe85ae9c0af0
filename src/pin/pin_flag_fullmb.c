// SPDX-License-Identifier: GPL-2.0
/*
 * pin/flag_fullmb: Jerome Glisse's pin flag with smp_mb() between the pin's
 * stores (_mapcount, PG_pin) and its PG_writeback check, so that both sides
 * of the store-buffering pair have a full barrier (page_mkclean's side has
 * TestSetPageWriteback and smp_mb() already), as C11 and LKMM require:
 * tools/memory-model/litmus-tests/SB+fencembonceonces.litmus. On x86 the
 * extra fence is a second serializing instruction after the lock-prefixed
 * set_bit(); the benchmarks measure what it costs. Algorithm: pin_flag_impl.h.
 */
#define PIN_FLAG_OPS	pin_flag_fullmb_ops
#define PIN_FLAG_NAME	"flag_fullmb"
#define PIN_FLAG_MB_AFTER_SET()	smp_mb()

#include "pin_flag_impl.h"
