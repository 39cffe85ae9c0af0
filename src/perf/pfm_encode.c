// SPDX-License-Identifier: GPL-2.0
/*
 * Raw PMU event names through libpfm4. Its headers define their own struct
 * perf_event_attr (perfmon/perf_event.h), which clashes with
 * <linux/perf_event.h>, so this file alone includes them and hands back the
 * attr fields the caller needs.
 */
#include <stdio.h>
#include <string.h>

#include <perfmon/pfmlib_perf_event.h>

#include "pfm_encode.h"

static int pfm_ready(void)
{
	static int ready = -1;

	if (ready < 0)
		ready = pfm_initialize() == PFM_SUCCESS;
	return ready;
}

static void present_pmus(char *buf, size_t len)
{
	size_t off = 0;
	pfm_pmu_info_t info;

	buf[0] = '\0';
	for (int p = PFM_PMU_NONE; p < PFM_PMU_MAX && off < len; p++) {
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		if (pfm_get_pmu_info(p, &info) != PFM_SUCCESS || !info.is_present)
			continue;
		off += snprintf(buf + off, len - off, "%s%s", off ? ", " : "", info.name);
	}
}

int rb_pfm_encode(const char *name, uint32_t *type, uint64_t *config, uint64_t *config1,
		  uint64_t *config2, char *pmus, size_t pmuslen)
{
	struct perf_event_attr attr;
	pfm_perf_encode_arg_t arg;

	if (!pfm_ready()) {
		snprintf(pmus, pmuslen, "libpfm4 did not initialise");
		return -1;
	}
	memset(&attr, 0, sizeof(attr));
	memset(&arg, 0, sizeof(arg));
	arg.size = sizeof(arg);
	arg.attr = &attr;
	/* PFM_PLM3: user level only, as every refbench hardware event. */
	if (pfm_get_os_event_encoding(name, PFM_PLM3, PFM_OS_PERF_EVENT_EXT, &arg) != PFM_SUCCESS) {
		present_pmus(pmus, pmuslen);
		return -1;
	}
	*type = attr.type;
	*config = attr.config;
	*config1 = attr.config1;
	*config2 = attr.config2;
	return 0;
}
