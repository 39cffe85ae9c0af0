// SPDX-License-Identifier: GPL-2.0
/*
 * The machine fingerprint and key. On each shared XML topology the hardware
 * part must be what lstopo shows (CPUModel/CPUVendor info attributes of the
 * packages; counts by hand from `lstopo-no-graphics --input FILE -p`), and
 * the key must be exactly the pinned string: baselines are stored under
 * baselines/<machine key>/, so a change to how the key is computed orphans
 * them and must show up here. The key must not depend on the system part
 * (kernel, governor, boost, paranoid), must differ between the three
 * machines, and on this machine must be non-empty and path-safe.
 *
 * Usage: test_fingerprint DATA_DIR
 */
#include <ctype.h>

#include "rbtest.h"
#include "fingerprint/fingerprint.h"

static const char *data_dir;

static const struct {
	const char *file, *model, *vendor;
	unsigned int packages, numa, l3s, cores, pus;
	bool smt;
	const char *key;
} machines[] = {
	{ "16amd64-4distances.xml", "Dual Core AMD Opteron(tm) Processor 865", "AuthenticAMD",
	  8, 8, 0, 16, 16, false, "dual-core-amd-opteron-865-8p8n0l3-16c16t-e1bb6cef" },
	/* this file has no CPUModel/CPUVendor attributes, the next no CPUVendor */
	{ "16em64t-4s2c2t.xml", "unknown", "unknown",
	  4, 1, 4, 8, 16, true, "unknown-4p1n4l3-8c16t-483a1081" },
	{ "32em64t-2n8c2t-pci-noio.xml", "Intel(R) Xeon(R) CPU E5-2650 0 @ 2.00GHz", "unknown",
	  2, 2, 2, 16, 32, true, "intel-xeon-e5-2650-0-2p2n2l3-16c32t-a19b67dc" },
};

static bool path_safe(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '-')
			return false;
	return true;
}

RB_TEST(xml_fingerprints)
{
	char keys[3][160];

	for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
		char path[1024], err[512], again[160];
		hwloc_topology_t t;
		struct rb_fingerprint fp;

		snprintf(path, sizeof(path), "%s/%s", data_dir, machines[i].file);
		CHECK_EQ(rb_topo_open(path, &t, err, sizeof(err)), 0);
		memset(&fp, 0, sizeof(fp));
		rb_fingerprint_hw(t, &fp);
		CHECK_STR(fp.cpu_model, machines[i].model);
		CHECK_STR(fp.cpu_vendor, machines[i].vendor);
		CHECK_EQ(fp.shape.packages, machines[i].packages);
		CHECK_EQ(fp.shape.numa_nodes, machines[i].numa);
		CHECK_EQ(fp.shape.l3s, machines[i].l3s);
		CHECK_EQ(fp.shape.cores, machines[i].cores);
		CHECK_EQ(fp.shape.pus, machines[i].pus);
		CHECK_EQ(fp.shape.smt, machines[i].smt);
		CHECK_STR(fp.key, machines[i].key);
		CHECK(path_safe(fp.key));
		/* the system part does not enter the key */
		snprintf(fp.kernel_release, sizeof(fp.kernel_release), "9.9.9-other");
		snprintf(fp.governor, sizeof(fp.governor), "powersave");
		snprintf(fp.boost, sizeof(fp.boost), "off");
		rb_machine_key(&fp, again, sizeof(again));
		CHECK_STR(again, fp.key);
		/* the hardware part does */
		fp.shape.smt = !fp.shape.smt;
		rb_machine_key(&fp, again, sizeof(again));
		CHECK(strcmp(again, fp.key) != 0);
		snprintf(keys[i], sizeof(keys[i]), "%s", fp.key);
		hwloc_topology_destroy(t);
	}
	CHECK(strcmp(keys[0], keys[1]) && strcmp(keys[1], keys[2]) && strcmp(keys[0], keys[2]));
}

RB_TEST(this_machine)
{
	hwloc_topology_t t;
	char err[512];
	struct rb_fingerprint a, b;

	CHECK_EQ(rb_topo_open(NULL, &t, err, sizeof(err)), 0);
	rb_fingerprint_hw(t, &a);
	rb_fingerprint_sys(&a);
	hwloc_topology_destroy(t);
	CHECK_EQ(rb_topo_open(NULL, &t, err, sizeof(err)), 0);
	rb_fingerprint_hw(t, &b);
	hwloc_topology_destroy(t);
	CHECK_STR(a.key, b.key);	/* stable from one load to the next */
	CHECK(path_safe(a.key));
	CHECK(a.shape.pus >= 1 && a.shape.cores >= 1);
	CHECK(a.kernel_release[0] && a.governor[0] && a.boost[0] && a.perf_event_paranoid[0]);
	printf("     %s (%s, kernel %s, governor %s, boost %s, perf_event_paranoid %s)\n", a.key,
	       a.cpu_model, a.kernel_release, a.governor, a.boost, a.perf_event_paranoid);
}

int main(int argc, char **argv)
{
	static const struct rbt_case cases[] = { RBT_CASE(xml_fingerprints) RBT_CASE(this_machine) };
	if (argc != 2) {
		fprintf(stderr, "usage: test_fingerprint DATA_DIR\n");
		return 2;
	}
	data_dir = argv[1];
	return rbt_run_cases(cases, sizeof(cases) / sizeof(cases[0]));
}
