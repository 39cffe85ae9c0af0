// SPDX-License-Identifier: GPL-2.0
/*
 * refbench's fingerprint module (docs/placements.md): records the machine in
 * every result's context (machine_* keys; main() adds compiler,
 * compiler_flags, git_commit and git_dirty), and --machine-key/--fingerprint
 * print it. --topology FILE gives the hardware part of that topology instead.
 */
#include <stdio.h>

#include "refbench.h"
#include "fingerprint/fingerprint.h"

static int fingerprint_get(struct rb_fingerprint *fp)
{
	hwloc_topology_t t = rb_topo_machine();

	if (!t)
		return -1;
	rb_fingerprint_hw(t, fp);
	rb_fingerprint_sys(fp);
	return 0;
}

static int parse_planning(const char *value)
{
	(void)value;
	rb_topo_set_planning();
	return 0;
}

static int print_machine_key(void)
{
	struct rb_fingerprint fp;

	if (fingerprint_get(&fp) < 0)
		return 1;
	printf("%s\n", fp.key);
	return 0;
}
RB_FLAG(machine_key, "--machine-key", NULL,
	"print the stable machine key (names baselines/<key>/), then exit", parse_planning,
	print_machine_key);

static int print_fingerprint(void)
{
	struct rb_fingerprint fp;
	const struct rb_topo_shape *s = &fp.shape;

	if (fingerprint_get(&fp) < 0)
		return 1;
	printf("machine_key=%s\n", fp.key);
	printf("machine_cpu_model=%s\nmachine_cpu_vendor=%s\n", fp.cpu_model, fp.cpu_vendor);
	printf("machine_packages=%u\nmachine_numa_nodes=%u\nmachine_l3_caches=%u\n"
	       "machine_cores=%u\nmachine_pus=%u\nmachine_smt=%s\n", s->packages, s->numa_nodes,
	       s->l3s, s->cores, s->pus, s->smt ? "on" : "off");
	printf("machine_kernel_release=%s\nmachine_governor=%s\nmachine_boost=%s\n"
	       "machine_perf_event_paranoid=%s\n", fp.kernel_release, fp.governor, fp.boost,
	       fp.perf_event_paranoid);
	printf("compiler=%s\ncompiler_flags=%s\ngit_commit=%s\ngit_dirty=%s\n", rb_compiler,
	       rb_compiler_flags, rb_git_commit, rb_git_dirty);
	printf("topology_source=%s\n", rb_topo_source());
	return 0;
}
RB_FLAG(fingerprint, "--fingerprint", NULL,
	"print the machine fingerprint recorded in every result (key=value lines), then exit",
	parse_planning, print_fingerprint);

static void add_u(const char *key, unsigned int v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", v);
	rb_add_context(key, buf);
}

static int fingerprint_init(void)
{
	struct rb_fingerprint fp;

	if (rb_topo_planning())
		return 0;
	if (fingerprint_get(&fp) < 0)
		return 1;
	rb_add_context("machine_key", fp.key);
	rb_add_context("machine_cpu_model", fp.cpu_model);
	rb_add_context("machine_cpu_vendor", fp.cpu_vendor);
	add_u("machine_packages", fp.shape.packages);
	add_u("machine_numa_nodes", fp.shape.numa_nodes);
	add_u("machine_l3_caches", fp.shape.l3s);
	add_u("machine_cores", fp.shape.cores);
	add_u("machine_pus", fp.shape.pus);
	rb_add_context("machine_smt", fp.shape.smt ? "on" : "off");
	rb_add_context("machine_kernel_release", fp.kernel_release);
	rb_add_context("machine_governor", fp.governor);
	rb_add_context("machine_boost", fp.boost);
	rb_add_context("machine_perf_event_paranoid", fp.perf_event_paranoid);
	return 0;
}
RB_MODULE(fingerprint, "fingerprint", fingerprint_init);
