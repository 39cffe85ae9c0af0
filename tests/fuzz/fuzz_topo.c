// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target for --topology=SYNTHETIC: refbench's loading (rb_topo_open)
 * and every placement planned on what hwloc built (rb_topo_print_plan: the
 * CPU and memory plans, pair classes, PU and nodeset formatting). hwloc
 * parses the description (not instrumented: Debian's libhwloc); the code
 * under test is ours, over whatever tree hwloc accepts. Inputs that name an
 * existing file are skipped (rb_topo_open would read it as XML). Oracle:
 * a refusal is one non-empty line.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "topo/topo.h"
#include "fuzz_main.h"

static FILE *devnull;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char spec[256], err[512];
	hwloc_topology_t t;
	struct stat sb;

	if (size >= sizeof(spec))
		return 0;
	memcpy(spec, data, size);
	spec[size] = '\0';
	if (strlen(spec) != size || stat(spec, &sb) == 0)
		return 0;
	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		abort();
	err[0] = '\0';
	if (rb_topo_open(spec, &t, err, sizeof(err)) < 0) {
		if (!err[0] || strchr(err, '\n'))
			abort();
		return 0;
	}
	rb_topo_print_plan(devnull, t, spec);
	hwloc_topology_destroy(t);
	return 0;
}
