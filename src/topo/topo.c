// SPDX-License-Identifier: GPL-2.0
/*
 * refbench placements over hwloc (see topo.h and docs/placements.md).
 *
 * Everything here reads the tree hwloc built: logical order for compact,
 * the tree's levels for scatter, hwloc_get_common_ancestor_obj() for the
 * pair classes and nodesets for "same NUMA node" (a NUMA node can hang off a
 * Group or a Package, so walking ancestors would miss some).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "topo.h"

const char *const rb_pair_class_names[RB_PAIR_NR] = {
	[RB_PAIR_SMT] = "smt",
	[RB_PAIR_L2] = "l2",
	[RB_PAIR_L3] = "l3",
	[RB_PAIR_PACKAGE] = "package",
	[RB_PAIR_CROSS_PACKAGE] = "cross-package",
	[RB_PAIR_CROSS_NUMA] = "cross-numa",
};

const char *const rb_cpu_placement_names[] = {
	"none", "compact", "scatter", "smt", "l2", "l3", "package", "cross-package", "cross-numa", NULL,
};

const char *const rb_mem_placement_names[] = { "local", "remote", "interleave", NULL };

/* ---- loading ---- */

static unsigned int nb(hwloc_topology_t t, hwloc_obj_type_t type);

/*
 * An upper bound on the PUs of a synthetic description: the product of its
 * levels' arities ("pack:2 core:4 pu:2" -> 16). hwloc takes seconds per 10k
 * objects to build one, and hours for "pack:1000 core:1000 pu:1000"; found
 * by fuzz_topo (docs/fuzzing.md). The walk is hwloc 2.9's own
 * (hwloc_backend_synthetic_init), not a guess at its grammar: a level is an
 * optional type, everything up to the next ':' skipped ("l2(x core:90" is a
 * level of 90: a '(' before the ':' opens nothing), then an arity read by
 * strtoul in base 0 ("0x10" is 16), then attributes only where a '('
 * follows the arity directly, up to the next ')'; "[numa...]" up to ']' adds
 * no level, and no space is needed between levels ("core:1000pu:1000").
 * Three guesses at the grammar before this one were each found wrong by
 * fuzz_topo. A description hwloc refuses gets whatever the walk had.
 */
static double synthetic_pus_bound(const char *spec)
{
	const char *pos = spec;
	double prod = 1;

	if (*pos == '(') {
		pos = strchr(pos, ')');
		if (!pos)
			return prod;
		pos++;
	}
	while (*pos) {
		unsigned long long item;
		char *end;

		while (*pos == ' ' || *pos == '\n')
			pos++;
		if (!*pos)
			break;
		if (*pos == '[') {
			pos = strchr(pos, ']');
			if (!pos)
				break;
			pos++;
			continue;
		}
		if (*pos < '0' || *pos > '9') {
			pos = strchr(pos, ':');
			if (!pos)
				break;
			pos++;
		}
		errno = 0;
		item = strtoull(pos, &end, 0);
		if (end == pos)
			break;
		prod *= errno == ERANGE ? 1e30 : (double)item;
		pos = end;
		if (*pos == '(') {
			pos = strchr(pos, ')');
			if (!pos)
				break;
			pos++;
		}
	}
	return prod;
}

/*
 * The largest OS index an "indexes=" attribute lists explicitly
 * ("pu:4(indexes=0,2,1,3)", also "[numa(indexes=...)]"). hwloc reads such a
 * list (only digits and commas, up to ' ' or ')') with strtoul and sets that
 * bit in a cpuset or nodeset: "pu:2(indexes=0,900000000)" takes 8 s to load,
 * a 4e9 index hours (fuzz_topo's timeout, 2026-12-05). The interleaved forms
 * ("indexes=core:pack", "2*4:1*2") stay below the level's width.
 */
static unsigned long long synthetic_max_index(const char *spec)
{
	unsigned long long max = 0;

	for (const char *s = strstr(spec, "indexes="); s; s = strstr(s, "indexes=")) {
		size_t len;

		s += strlen("indexes=");
		len = strcspn(s, " )");
		if (strspn(s, "0123456789,") < len)
			continue;
		for (const char *e = s + len; s < e; s++) {
			unsigned long long v = 0;

			for (; s < e && *s >= '0' && *s <= '9'; s++)
				v = v > ULLONG_MAX / 10 ? ULLONG_MAX : v * 10 + (unsigned)(*s - '0');
			if (v > max)
				max = v;
		}
	}
	return max;
}

int rb_topo_open(const char *spec, hwloc_topology_t *out, char *err, size_t errlen)
{
	hwloc_topology_t t;
	struct stat sb;

	if (hwloc_topology_init(&t) < 0) {
		snprintf(err, errlen, "hwloc_topology_init failed: %s", strerror(errno));
		return -1;
	}
	if (spec && !*spec) {
		snprintf(err, errlen, "an empty topology: give an XML file or a synthetic description");
		goto fail;
	}
	for (const char *c = spec; c && *c; c++)
		if ((unsigned char)*c < ' ' || *c == 0x7f) {
			/* the messages below quote @spec: one line (found by fuzz_topo) */
			snprintf(err, errlen, "a control character in the topology (byte %d at %zu)",
				 (unsigned char)*c, (size_t)(c - spec));
			goto fail;
		}
	if (spec && stat(spec, &sb) == 0) {
		if (!S_ISREG(sb.st_mode) || hwloc_topology_set_xml(t, spec) < 0) {
			snprintf(err, errlen, "cannot read '%s' as an hwloc XML topology", spec);
			goto fail;
		}
	} else if (spec && synthetic_pus_bound(spec) > RB_TOPO_MAX_PUS) {
		snprintf(err, errlen, "'%.200s' describes more than %d PUs; refbench plans for up to %d",
			 spec, RB_TOPO_MAX_PUS, RB_TOPO_MAX_PUS);
		goto fail;
	} else if (spec && synthetic_max_index(spec) >= RB_TOPO_MAX_OS_INDEX) {
		snprintf(err, errlen, "'%.200s' lists an OS index of %llu; refbench plans for indexes below %d",
			 spec, synthetic_max_index(spec), RB_TOPO_MAX_OS_INDEX);
		goto fail;
	} else if (spec && hwloc_topology_set_synthetic(t, spec) < 0) {
		snprintf(err, errlen, "'%s' is neither a readable XML file nor an hwloc synthetic "
			 "description (e.g. \"pack:2 l3:1 core:4 pu:2\")", spec);
		goto fail;
	}
	if (hwloc_topology_load(t) < 0) {
		snprintf(err, errlen, "hwloc could not load %s%s%s: %s", spec ? "'" : "this machine",
			 spec ? spec : "", spec ? "'" : "", strerror(errno));
		goto fail;
	}
	if (spec && nb(t, HWLOC_OBJ_PU) > RB_TOPO_MAX_PUS) {
		snprintf(err, errlen, "'%.200s' has %u PUs; refbench plans for up to %d", spec,
			 nb(t, HWLOC_OBJ_PU), RB_TOPO_MAX_PUS);
		goto fail;
	}
	*out = t;
	return 0;
fail:
	hwloc_topology_destroy(t);
	return -1;
}

static hwloc_topology_t g_topo;
static char g_source[512] = "this machine";
static bool g_this_system;

int rb_topo_set_global(const char *spec, char *err, size_t errlen)
{
	hwloc_topology_t t;

	if (rb_topo_open(spec, &t, err, errlen) < 0)
		return -1;
	if (g_topo)
		hwloc_topology_destroy(g_topo);
	g_topo = t;
	g_this_system = hwloc_topology_is_thissystem(t);
	snprintf(g_source, sizeof(g_source), "%s", spec ? spec : "this machine");
	return 0;
}

hwloc_topology_t rb_topo_machine(void)
{
	char err[256];

	if (!g_topo && rb_topo_set_global(NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "refbench: %s\n", err);
		return NULL;
	}
	return g_topo;
}

const char *rb_topo_source(void)
{
	return g_source;
}

bool rb_topo_is_this_system(void)
{
	return rb_topo_machine() && g_this_system;
}

static bool g_planning;

void rb_topo_set_planning(void)
{
	g_planning = true;
}

bool rb_topo_planning(void)
{
	return g_planning;
}

/* ---- names ---- */

static bool in_list(const char *const *names, const char *name)
{
	for (; *names; names++)
		if (!strcmp(*names, name))
			return true;
	return false;
}

bool rb_cpu_placement_valid(const char *name)
{
	return name && in_list(rb_cpu_placement_names, name);
}

bool rb_mem_placement_valid(const char *name)
{
	return name && in_list(rb_mem_placement_names, name);
}

static const char *join(const char *const *names, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (; *names && off < len; names++)
		off += snprintf(buf + off, len - off, "%s%s", off ? ", " : "", *names);
	return buf;
}

const char *rb_cpu_placement_list(void)
{
	static char buf[256];

	return join(rb_cpu_placement_names, buf, sizeof(buf));
}

const char *rb_mem_placement_list(void)
{
	static char buf[64];

	return join(rb_mem_placement_names, buf, sizeof(buf));
}

/* ---- shape ---- */

static unsigned int nb(hwloc_topology_t t, hwloc_obj_type_t type)
{
	int n = hwloc_get_nbobjs_by_type(t, type);

	return n > 0 ? (unsigned int)n : 0;
}

void rb_topo_shape(hwloc_topology_t t, struct rb_topo_shape *s)
{
	memset(s, 0, sizeof(*s));
	s->packages = nb(t, HWLOC_OBJ_PACKAGE);
	s->numa_nodes = nb(t, HWLOC_OBJ_NUMANODE);
	s->l3s = nb(t, HWLOC_OBJ_L3CACHE);
	s->l2s = nb(t, HWLOC_OBJ_L2CACHE);
	s->cores = nb(t, HWLOC_OBJ_CORE);
	s->pus = nb(t, HWLOC_OBJ_PU);
	for (unsigned int i = 0; i < s->cores; i++) {
		hwloc_obj_t core = hwloc_get_obj_by_type(t, HWLOC_OBJ_CORE, i);

		/* its PUs' bits: counting PU objects inside was quadratic (fuzz_topo) */
		if (hwloc_bitmap_weight(core->cpuset) > 1)
			s->smt = true;
	}
}

/* ---- pair classes ---- */

enum rb_pair_class rb_pair_classify(hwloc_topology_t t, hwloc_obj_t a, hwloc_obj_t b)
{
	hwloc_obj_t o = hwloc_get_common_ancestor_obj(t, a, b);

	/* The closest shared level: the first Core, L2, L3 or Package at or above it. */
	for (; o; o = o->parent) {
		switch (o->type) {
		case HWLOC_OBJ_CORE:
			return RB_PAIR_SMT;
		case HWLOC_OBJ_L2CACHE:
			return RB_PAIR_L2;
		case HWLOC_OBJ_L3CACHE:
			return RB_PAIR_L3;
		case HWLOC_OBJ_PACKAGE:
			return RB_PAIR_PACKAGE;
		default:
			break;
		}
	}
	if (hwloc_get_ancestor_obj_by_type(t, HWLOC_OBJ_PACKAGE, a) &&
	    hwloc_get_ancestor_obj_by_type(t, HWLOC_OBJ_PACKAGE, b))
		return RB_PAIR_CROSS_PACKAGE;
	return RB_PAIR_NONE;
}

bool rb_pair_cross_numa(hwloc_obj_t a, hwloc_obj_t b)
{
	return a->nodeset && b->nodeset && !hwloc_bitmap_intersects(a->nodeset, b->nodeset);
}

static unsigned int numa_nodes_with_cpus(hwloc_topology_t t)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < nb(t, HWLOC_OBJ_NUMANODE); i++) {
		hwloc_obj_t node = hwloc_get_obj_by_type(t, HWLOC_OBJ_NUMANODE, i);

		if (node->cpuset && !hwloc_bitmap_iszero(node->cpuset))
			n++;
	}
	return n;
}

static void pair_reason(hwloc_topology_t t, enum rb_pair_class c, char *buf, size_t len)
{
	struct rb_topo_shape s;

	rb_topo_shape(t, &s);
	switch (c) {
	case RB_PAIR_SMT:
		snprintf(buf, len, s.cores ? "no core has two PUs (SMT is off or absent)"
					   : "the topology shows no cores");
		break;
	case RB_PAIR_L2:
		snprintf(buf, len, s.l2s ? "no L2 is shared by two cores (one core per L2)"
					 : "the topology shows no L2 cache");
		break;
	case RB_PAIR_L3:
		snprintf(buf, len, s.l3s ? "no L3 is shared by two cores that do not also share an L2"
					 : "the topology shows no L3 cache");
		break;
	case RB_PAIR_PACKAGE:
		snprintf(buf, len, s.packages ? "within each package every two PUs also share an L3, "
						"an L2 or a core"
					      : "the topology shows no package");
		break;
	case RB_PAIR_CROSS_PACKAGE:
		snprintf(buf, len, s.packages ? "the machine has one package"
					      : "the topology shows no package");
		break;
	default:
		snprintf(buf, len, "the machine has %s NUMA node with CPUs",
			 numa_nodes_with_cpus(t) ? "one" : "no");
		break;
	}
}

/* The class of a pair whose common ancestor's chain to the root is @anc[0..n) (@anc[0] the root). */
static enum rb_pair_class chain_class(hwloc_obj_t *anc, int n)
{
	for (int k = n - 1; k >= 0; k--) {
		switch (anc[k]->type) {
		case HWLOC_OBJ_CORE:
			return RB_PAIR_SMT;
		case HWLOC_OBJ_L2CACHE:
			return RB_PAIR_L2;
		case HWLOC_OBJ_L3CACHE:
			return RB_PAIR_L3;
		case HWLOC_OBJ_PACKAGE:
			return RB_PAIR_PACKAGE;
		default:
			break;
		}
	}
	return RB_PAIR_CROSS_PACKAGE;	/* if both PUs are in a package */
}

/* The first PU (logical order = tree order) in @o's subtree; under a Package if @need_pkg. */
static hwloc_obj_t first_pu_below(hwloc_obj_t o, bool need_pkg)
{
	if (o->type == HWLOC_OBJ_PACKAGE)
		need_pkg = false;
	if (o->type == HWLOC_OBJ_PU)
		return need_pkg ? NULL : o;
	for (hwloc_obj_t c = o->first_child; c; c = c->next_sibling) {
		hwloc_obj_t pu = first_pu_below(c, need_pkg);

		if (pu)
			return pu;
	}
	return NULL;
}

/*
 * The first pair in logical order (thread 0's PU first) of class @c: the
 * smallest i, then the smallest j > i, with rb_pair_classify(PU i, PU j) ==
 * @c. PUs' logical indexes follow the tree, so for PU i and each ancestor o,
 * the PUs j > i whose common ancestor with i is o are those in o's children
 * after the one holding i, and the first of them is the first PU of the next
 * sibling that has one; the lowest ancestor of the class gives the
 * smallest j. That is O(PUs x depth) where trying every pair was
 * quadratic in the PUs: 3968 PUs six levels deep took 0.4 s (7 s under
 * ASan, fuzz_topo's -timeout) before.
 */
static int plan_pair(hwloc_topology_t t, enum rb_pair_class c, struct rb_cpu_plan *p)
{
	unsigned int n = nb(t, HWLOC_OBJ_PU);
	hwloc_obj_t a = NULL, b = NULL;

	if (c == RB_PAIR_CROSS_NUMA) {
		/* by nodeset, not by the tree; none without two NUMA nodes with CPUs */
		for (unsigned int i = 0; i < n && !b && numa_nodes_with_cpus(t) > 1; i++) {
			a = hwloc_get_obj_by_type(t, HWLOC_OBJ_PU, i);
			for (unsigned int j = i + 1; j < n && !b; j++) {
				hwloc_obj_t x = hwloc_get_obj_by_type(t, HWLOC_OBJ_PU, j);

				if (rb_pair_cross_numa(a, x))
					b = x;
			}
		}
	} else {
		int depth = hwloc_topology_get_depth(t);
		hwloc_obj_t *anc = malloc((size_t)(depth > 0 ? depth : 1) * sizeof(*anc));

		if (!anc)
			return -1;
		for (unsigned int i = 0; i < n && !b; i++) {
			hwloc_obj_t child;
			bool a_pkg;
			int na = 0;

			a = hwloc_get_obj_by_type(t, HWLOC_OBJ_PU, i);
			/* a PU's ancestors are normal objects, one per depth above it */
			for (hwloc_obj_t o = a->parent; o && na < depth; o = o->parent)
				anc[na++] = o;
			/* reverse: anc[0] the root, anc[na - 1] a's parent */
			for (int k = 0; k < na / 2; k++) {
				hwloc_obj_t tmp = anc[k];

				anc[k] = anc[na - 1 - k];
				anc[na - 1 - k] = tmp;
			}
			a_pkg = hwloc_get_ancestor_obj_by_type(t, HWLOC_OBJ_PACKAGE, a) != NULL;
			child = a;
			/* bottom up: a lower ancestor's later PUs come first in logical order */
			for (int k = na - 1; k >= 0 && !b; child = anc[k], k--) {
				enum rb_pair_class cls = chain_class(anc, k + 1);

				if (cls != c || (cls == RB_PAIR_CROSS_PACKAGE && !a_pkg))
					continue;
				for (hwloc_obj_t s = child->next_sibling; s; s = s->next_sibling) {
					hwloc_obj_t pu = first_pu_below(s, cls == RB_PAIR_CROSS_PACKAGE);

					if (pu) {
						b = pu;
						break;
					}
				}
			}
		}
		free(anc);
	}
	if (!b) {
		pair_reason(t, c, p->reason, sizeof(p->reason));
		return 0;
	}
	p->pus = malloc(2 * sizeof(*p->pus));
	if (!p->pus)
		return -1;
	p->pus[0] = a->os_index;
	p->pus[1] = b->os_index;
	p->nr_pus = 2;
	p->feasible = true;
	return 0;
}

/* ---- compact and scatter ---- */

/* Round-robin over @o's children, recursively: one PU from each child in turn. */
static unsigned int scatter_fill(hwloc_obj_t o, unsigned int *out)
{
	unsigned int **lists, *lens, k = 0, round;
	bool more;

	if (o->type == HWLOC_OBJ_PU) {
		out[0] = o->os_index;
		return 1;
	}
	if (!o->arity)
		return 0;
	lists = calloc(o->arity, sizeof(*lists));
	lens = calloc(o->arity, sizeof(*lens));
	if (!lists || !lens)
		goto out;
	for (unsigned int c = 0; c < o->arity; c++) {
		int w = hwloc_bitmap_weight(o->children[c]->cpuset);

		lists[c] = malloc((w > 0 ? (size_t)w : 1) * sizeof(**lists));
		if (!lists[c])
			goto out;
		lens[c] = scatter_fill(o->children[c], lists[c]);
	}
	for (round = 0, more = true; more; round++) {
		more = false;
		for (unsigned int c = 0; c < o->arity; c++) {
			if (round < lens[c]) {
				out[k++] = lists[c][round];
				more = true;
			}
		}
	}
out:
	if (lists)
		for (unsigned int c = 0; c < o->arity; c++)
			free(lists[c]);
	free(lists);
	free(lens);
	return k;
}

int rb_plan_cpu(hwloc_topology_t t, const char *name, struct rb_cpu_plan *p)
{
	unsigned int n = nb(t, HWLOC_OBJ_PU);

	memset(p, 0, sizeof(*p));
	if (!rb_cpu_placement_valid(name))
		return -1;
	snprintf(p->name, sizeof(p->name), "%s", name);
	if (!strcmp(name, "none")) {
		p->feasible = true;
		return 0;
	}
	for (int c = 0; c < RB_PAIR_NR; c++)
		if (!strcmp(name, rb_pair_class_names[c]))
			return plan_pair(t, c, p);

	p->pus = calloc(n ? n : 1, sizeof(*p->pus));
	if (!p->pus)
		return -1;
	if (!strcmp(name, "compact")) {
		for (unsigned int i = 0; i < n; i++)
			p->pus[i] = hwloc_get_obj_by_type(t, HWLOC_OBJ_PU, i)->os_index;
		p->nr_pus = n;
	} else {
		p->nr_pus = scatter_fill(hwloc_get_root_obj(t), p->pus);
	}
	p->feasible = p->nr_pus > 0;
	if (!p->feasible)
		snprintf(p->reason, sizeof(p->reason), "the topology shows no PU");
	return 0;
}

void rb_cpu_plan_free(struct rb_cpu_plan *p)
{
	free(p->pus);
	p->pus = NULL;
	p->nr_pus = 0;
}

/* ---- memory ---- */

/* NUMA latency from node @a to node @b, or -1 if hwloc has no latency matrix. */
static long numa_latency(hwloc_topology_t t, hwloc_obj_t a, hwloc_obj_t b)
{
	struct hwloc_distances_s *d[4];
	unsigned int nr = 4;
	long v = -1;

	if (hwloc_distances_get_by_type(t, HWLOC_OBJ_NUMANODE, &nr, d,
					HWLOC_DISTANCES_KIND_MEANS_LATENCY, 0) < 0)
		return -1;
	for (unsigned int k = 0; k < nr && k < 4; k++) {
		int ia = -1, ib = -1;

		for (unsigned int i = 0; i < d[k]->nbobjs; i++) {
			if (d[k]->objs[i] == a)
				ia = (int)i;
			if (d[k]->objs[i] == b)
				ib = (int)i;
		}
		if (v < 0 && ia >= 0 && ib >= 0)
			v = (long)d[k]->values[(unsigned int)ia * d[k]->nbobjs + (unsigned int)ib];
	}
	for (unsigned int k = 0; k < nr && k < 4; k++)
		hwloc_distances_release(t, d[k]);
	return v;
}

int rb_plan_mem(hwloc_topology_t t, const char *name, unsigned int pu0_os, struct rb_mem_plan *m)
{
	hwloc_obj_t pu = hwloc_get_pu_obj_by_os_index(t, pu0_os);
	hwloc_obj_t local = NULL, best = NULL;
	long best_lat = -1;

	memset(m, 0, sizeof(*m));
	if (!rb_mem_placement_valid(name))
		return -1;
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->nodeset = hwloc_bitmap_alloc();
	if (!m->nodeset)
		return -1;
	m->policy = HWLOC_MEMBIND_BIND;
	if (!pu || !pu->nodeset || hwloc_bitmap_iszero(pu->nodeset)) {
		snprintf(m->reason, sizeof(m->reason), "PU P#%u has no local NUMA node", pu0_os);
		return 0;
	}
	/* A PU can have several local nodes (DRAM and HBM, say): its first one. */
	local = hwloc_get_numanode_obj_by_os_index(t, (unsigned int)hwloc_bitmap_first(pu->nodeset));

	if (!strcmp(name, "local")) {
		hwloc_bitmap_only(m->nodeset, local->os_index);
		m->feasible = true;
	} else if (!strcmp(name, "remote")) {
		for (unsigned int i = 0; i < nb(t, HWLOC_OBJ_NUMANODE); i++) {
			hwloc_obj_t node = hwloc_get_obj_by_type(t, HWLOC_OBJ_NUMANODE, i);
			long lat;

			if (hwloc_bitmap_isset(pu->nodeset, node->os_index))
				continue;
			lat = numa_latency(t, local, node);
			if (!best || (lat >= 0 && best_lat >= 0 && lat < best_lat)) {
				best = node;
				best_lat = lat;
			}
		}
		if (best) {
			hwloc_bitmap_only(m->nodeset, best->os_index);
			m->feasible = true;
		} else {
			snprintf(m->reason, sizeof(m->reason), "the machine has one NUMA node");
		}
	} else {
		hwloc_bitmap_copy(m->nodeset, hwloc_topology_get_topology_nodeset(t));
		m->policy = HWLOC_MEMBIND_INTERLEAVE;
		m->feasible = hwloc_bitmap_weight(m->nodeset) > 1;
		if (!m->feasible)
			snprintf(m->reason, sizeof(m->reason),
				 "the machine has one NUMA node (interleave would be local)");
	}
	return 0;
}

void rb_mem_plan_free(struct rb_mem_plan *m)
{
	if (m->nodeset)
		hwloc_bitmap_free(m->nodeset);
	m->nodeset = NULL;
}

/* ---- formatting ---- */

void rb_format_pus(const unsigned int *pus, unsigned int n, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%u", i ? "," : "", pus[i]);
}

void rb_format_nodeset(hwloc_const_bitmap_t set, char *buf, size_t len)
{
	size_t off = snprintf(buf, len, "P#");
	unsigned int id;
	bool first = true;

	hwloc_bitmap_foreach_begin(id, set) {
		if (off < len)
			off += snprintf(buf + off, len - off, "%s%u", first ? "" : ",", id);
		first = false;
	} hwloc_bitmap_foreach_end();
}

static void obj_name(hwloc_obj_t o, char *buf, size_t len)
{
	char type[32];

	hwloc_obj_type_snprintf(type, sizeof(type), o, 0);
	snprintf(buf, len, "%s L#%u", type, o->logical_index);
}

void rb_topo_print_plan(FILE *f, hwloc_topology_t t, const char *source)
{
	struct rb_topo_shape s;
	struct rb_cpu_plan first;
	unsigned int pu0 = 0;

	rb_topo_shape(t, &s);
	fprintf(f, "# refbench placements for %s: %u package%s, %u NUMA node%s, %u L3, %u L2, "
		"%u core%s, %u PU%s, SMT %s\n", source, s.packages, s.packages == 1 ? "" : "s",
		s.numa_nodes, s.numa_nodes == 1 ? "" : "s", s.l3s, s.l2s, s.cores,
		s.cores == 1 ? "" : "s", s.pus, s.pus == 1 ? "" : "s", s.smt ? "on" : "off");
	fprintf(f, "# PUs and nodes are OS indexes (lstopo's P#); thread i runs on the i-th PU listed.\n");
	for (const char *const *n = rb_cpu_placement_names; *n; n++) {
		struct rb_cpu_plan p;
		char pus[4096], extra[160] = "";

		if (rb_plan_cpu(t, *n, &p) < 0)
			continue;
		if (!strcmp(*n, "none")) {
			fprintf(f, "cpu  %-14s unbound: threads run where the scheduler puts them, "
				"memory is first-touch (the default)\n", *n);
			continue;
		}
		if (!p.feasible) {
			fprintf(f, "cpu  %-14s unavailable: %s\n", *n, p.reason);
			rb_cpu_plan_free(&p);
			continue;
		}
		rb_format_pus(p.pus, p.nr_pus, pus, sizeof(pus));
		if (p.nr_pus == 2 && strcmp(*n, "compact") && strcmp(*n, "scatter")) {
			hwloc_obj_t a = hwloc_get_pu_obj_by_os_index(t, p.pus[0]);
			hwloc_obj_t b = hwloc_get_pu_obj_by_os_index(t, p.pus[1]);
			char anc[64];

			obj_name(hwloc_get_common_ancestor_obj(t, a, b), anc, sizeof(anc));
			snprintf(extra, sizeof(extra), "  (common ancestor %s)", anc);
		}
		{
			struct rb_mem_plan m;
			char node[64] = "?";

			if (rb_plan_mem(t, "local", p.pus[0], &m) == 0 && m.feasible)
				rb_format_nodeset(m.nodeset, node, sizeof(node));
			rb_mem_plan_free(&m);
			fprintf(f, "cpu  %-14s PUs %s  local node %s%s\n", *n, pus, node, extra);
		}
		rb_cpu_plan_free(&p);
	}
	if (rb_plan_cpu(t, "compact", &first) == 0 && first.nr_pus)
		pu0 = first.pus[0];
	rb_cpu_plan_free(&first);
	for (const char *const *n = rb_mem_placement_names; *n; n++) {
		struct rb_mem_plan m;
		char nodes[256];

		if (rb_plan_mem(t, *n, pu0, &m) < 0)
			continue;
		if (m.feasible) {
			rb_format_nodeset(m.nodeset, nodes, sizeof(nodes));
			fprintf(f, "mem  %-14s node%s %s (thread 0 on PU P#%u)\n", *n,
				hwloc_bitmap_weight(m.nodeset) > 1 ? "s" : "", nodes, pu0);
		} else {
			fprintf(f, "mem  %-14s unavailable: %s\n", *n, m.reason);
		}
		rb_mem_plan_free(&m);
	}
}

/* ---- binding ---- */

int rb_topo_bind_thread(hwloc_topology_t t, unsigned int pu_os, char *err, size_t errlen)
{
	hwloc_obj_t pu = hwloc_get_pu_obj_by_os_index(t, pu_os);

	if (!pu) {
		snprintf(err, errlen, "PU P#%u is not in the topology", pu_os);
		return -1;
	}
	if (hwloc_set_cpubind(t, pu->cpuset, HWLOC_CPUBIND_THREAD | HWLOC_CPUBIND_STRICT) < 0) {
		snprintf(err, errlen, "hwloc_set_cpubind(PU P#%u, THREAD|STRICT) failed: %s", pu_os,
			 strerror(errno));
		return -1;
	}
	return 0;
}

void *rb_topo_alloc(hwloc_topology_t t, const struct rb_mem_plan *m, size_t bytes)
{
	/* Linux: an anonymous mmap, then mbind(); STRICT fails rather than fall back. */
	return hwloc_alloc_membind(t, bytes, m->nodeset, m->policy,
				   HWLOC_MEMBIND_BYNODESET | HWLOC_MEMBIND_STRICT);
}

int rb_topo_rebind(hwloc_topology_t t, const struct rb_mem_plan *m, void *p, size_t bytes)
{
	/* mbind() of memory mapped again in place; its pages are allocated after this */
	return hwloc_set_area_membind(t, p, bytes, m->nodeset, m->policy,
				      HWLOC_MEMBIND_BYNODESET | HWLOC_MEMBIND_STRICT);
}

void rb_topo_free(hwloc_topology_t t, void *p, size_t bytes)
{
	if (p)
		hwloc_free(t, p, bytes);
}
