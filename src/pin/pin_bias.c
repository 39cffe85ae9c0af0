// SPDX-License-Identifier: GPL-2.0
/*
 * pin/bias: GUP_PIN_COUNTING_BIAS as merged (v5.7 on), with the FOLL_PIN
 * vmstat accounting the kernel does on every pin and unpin. Algorithm:
 * pin_bias_impl.h.
 */
#ifdef RB_BROKEN_NO_RECHECK
#define PIN_BIAS_OPS	pin_bias_norecheck_ops
#define PIN_BIAS_NAME	"bias_norecheck"
#elif defined(RB_PIN_WIDEN)
#define PIN_BIAS_OPS	pin_bias_wide_ops
#define PIN_BIAS_NAME	"bias_wide"
#else
#define PIN_BIAS_OPS	pin_bias_ops
#define PIN_BIAS_NAME	"bias"
#endif
#define PIN_BIAS_ACCT	true

#include "pin_bias_impl.h"
