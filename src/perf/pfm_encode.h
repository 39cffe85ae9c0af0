/* SPDX-License-Identifier: GPL-2.0 */
/* libpfm4 event names (pfm_encode.c); free of any perf_event.h so both sides can include it. */
#ifndef RB_PFM_ENCODE_H
#define RB_PFM_ENCODE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Encodes @name for perf_event_open, user level only: 0 and the attr fields,
 * or -1 with the PMUs libpfm4 found on this machine in @pmus.
 */
int rb_pfm_encode(const char *name, uint32_t *type, uint64_t *config, uint64_t *config1,
		  uint64_t *config2, char *pmus, size_t pmuslen);

#endif
