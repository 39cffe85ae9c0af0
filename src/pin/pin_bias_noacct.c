// SPDX-License-Identifier: GPL-2.0
/*
 * pin/bias_noacct: GUP_PIN_COUNTING_BIAS WITHOUT the NR_FOLL_PIN_* vmstat
 * accounting: not a kernel that ever shipped (the counters came in the same
 * v5.7 series), but the mechanism alone, to compare with the 2019 designs
 * (lock, flag*), which had no such counters. Algorithm: pin_bias_impl.h.
 */
#define PIN_BIAS_OPS	pin_bias_noacct_ops
#define PIN_BIAS_NAME	"bias_noacct"
#define PIN_BIAS_ACCT	false

#include "pin_bias_impl.h"
