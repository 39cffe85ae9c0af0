// SPDX-License-Identifier: GPL-2.0
/* refbench machine fingerprint and machine key (see fingerprint.h). */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "fingerprint.h"

/* An info attribute of the first package (hwloc puts CPUModel there), else of the root. */
static const char *cpu_info(hwloc_topology_t t, const char *name)
{
	hwloc_obj_t pkg = hwloc_get_obj_by_type(t, HWLOC_OBJ_PACKAGE, 0);
	const char *v = pkg ? hwloc_obj_get_info_by_name(pkg, name) : NULL;

	if (!v)
		v = hwloc_obj_get_info_by_name(hwloc_get_root_obj(t), name);
	return v;
}

static void copy_trimmed(char *dst, size_t len, const char *src)
{
	size_t n;

	while (*src == ' ')
		src++;
	snprintf(dst, len, "%s", src);
	n = strlen(dst);
	while (n && isspace((unsigned char)dst[n - 1]))
		dst[--n] = '\0';
}

/*
 * x86: the CPU's own brand string and vendor (CPUID 0x80000002-4 and 0), as
 * hwloc's x86 backend reports them when it runs. That backend binds to each
 * PU to read CPUID and, when it cannot, hwloc falls back to /proc/cpuinfo's
 * "model name", which a VM may fill differently: on this project's VM one
 * refbench process in about 500 (scripts/error-rates, 2026-12-05) got the
 * key amd-epyc-... ("AMD EPYC") instead of oxide-virtual-turin-like-...
 * ("Oxide Virtual Turin-like Processor"), and a merge of the runs refused
 * the mix. Read here, the key does not depend on which backend ran.
 */
static bool cpuid_strings(char *model, size_t mlen, char *vendor, size_t vlen)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned int r[12], v[3], eax;

	if (__get_cpuid_max(0x80000000, NULL) < 0x80000004 ||
	    !__get_cpuid(0, &eax, &v[0], &v[2], &v[1]))
		return false;
	for (unsigned int i = 0; i < 3; i++)
		if (!__get_cpuid(0x80000002 + i, &r[4 * i], &r[4 * i + 1], &r[4 * i + 2],
				 &r[4 * i + 3]))
			return false;
	{
		char brand[49], vend[13];

		memcpy(brand, r, 48);
		brand[48] = '\0';
		memcpy(vend, v, 12);
		vend[12] = '\0';
		if (!brand[strspn(brand, " ")] || !vend[0])
			return false;
		copy_trimmed(model, mlen, brand);
		copy_trimmed(vendor, vlen, vend);
		return true;
	}
#else
	(void)model, (void)mlen, (void)vendor, (void)vlen;
	return false;
#endif
}

void rb_fingerprint_hw(hwloc_topology_t t, struct rb_fingerprint *fp)
{
	/* this machine only: a topology from XML or synthetic is another machine's */
	if (!hwloc_topology_is_thissystem(t) ||
	    !cpuid_strings(fp->cpu_model, sizeof(fp->cpu_model), fp->cpu_vendor,
			   sizeof(fp->cpu_vendor))) {
		const char *model = cpu_info(t, "CPUModel");
		const char *vendor = cpu_info(t, "CPUVendor");

		copy_trimmed(fp->cpu_model, sizeof(fp->cpu_model),
			     model && *model ? model : "unknown");
		copy_trimmed(fp->cpu_vendor, sizeof(fp->cpu_vendor),
			     vendor && *vendor ? vendor : "unknown");
	}
	rb_topo_shape(t, &fp->shape);
	rb_machine_key(fp, fp->key, sizeof(fp->key));
}

/* "Intel(R) Xeon(R) CPU E5-2650 0 @ 2.00GHz" -> "intel-xeon-e5-2650-0" (at most 40 characters). */
static void slug(const char *model, char *out, size_t len)
{
	static const char *const drop[] = { "(r)", "(tm)", "cpu", "processor", NULL };
	char low[128], word[128];
	size_t o = 0, k = 0;
	const char *p;

	for (p = model; *p && k + 1 < sizeof(low); p++)
		low[k++] = (char)tolower((unsigned char)*p);
	low[k] = '\0';
	low[strcspn(low, "@")] = '\0';	/* the nominal frequency: the hash keeps it */
	for (const char *const *d = drop; *d; d++) {
		char *hit;

		while ((hit = strstr(low, *d)) != NULL) {
			size_t n = strlen(*d);
			bool word_start = hit == low || !isalnum((unsigned char)hit[-1]);
			bool word_end = !isalnum((unsigned char)hit[n]);

			if (**d != '(' && !(word_start && word_end))
				break;	/* "cpu" inside a word stays */
			memmove(hit, hit + n, strlen(hit + n) + 1);
		}
	}
	k = 0;
	for (p = low; *p; p++) {
		if (isalnum((unsigned char)*p)) {
			if (k + 1 < sizeof(word))
				word[k++] = *p;
		} else if (k && word[k - 1] != '-') {
			word[k++] = '-';
		}
	}
	while (k && word[k - 1] == '-')
		k--;
	word[k] = '\0';
	if (!k)
		snprintf(word, sizeof(word), "unknown");
	for (; word[o] && o + 1 < len && o < 40; o++)
		out[o] = word[o];
	while (o && out[o - 1] == '-')
		o--;
	out[o] = '\0';
}

void rb_machine_key(const struct rb_fingerprint *fp, char *buf, size_t len)
{
	const struct rb_topo_shape *s = &fp->shape;
	char canon[512], name[48];
	uint32_t h = 2166136261u;	/* FNV-1a, 32 bit */

	snprintf(canon, sizeof(canon), "vendor=%s;model=%s;packages=%u;numa=%u;l3=%u;cores=%u;pus=%u;smt=%s",
		 fp->cpu_vendor, fp->cpu_model, s->packages, s->numa_nodes, s->l3s, s->cores, s->pus,
		 s->smt ? "on" : "off");
	for (const char *p = canon; *p; p++) {
		h ^= (unsigned char)*p;
		h *= 16777619u;
	}
	slug(fp->cpu_model, name, sizeof(name));
	snprintf(buf, len, "%s-%up%un%ul3-%uc%ut-%08x", name, s->packages, s->numa_nodes, s->l3s,
		 s->cores, s->pus, h);
}

static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f || !fgets(buf, (int)len, f)) {
		snprintf(buf, len, "n/a");
	} else {
		buf[strcspn(buf, "\n")] = '\0';
		if (!*buf)
			snprintf(buf, len, "n/a");
	}
	if (f)
		fclose(f);
}

void rb_fingerprint_sys(struct rb_fingerprint *fp)
{
	struct utsname u;
	char v[64];

	if (uname(&u) == 0)
		snprintf(fp->kernel_release, sizeof(fp->kernel_release), "%s", u.release);
	else
		snprintf(fp->kernel_release, sizeof(fp->kernel_release), "n/a");
	read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", fp->governor,
		  sizeof(fp->governor));
	/* acpi-cpufreq and amd-pstate: cpufreq/boost (1 on); intel_pstate: no_turbo (0 on). */
	read_line("/sys/devices/system/cpu/cpufreq/boost", v, sizeof(v));
	if (!strcmp(v, "n/a")) {
		read_line("/sys/devices/system/cpu/intel_pstate/no_turbo", v, sizeof(v));
		if (strcmp(v, "n/a"))
			snprintf(v, sizeof(v), "%s", !strcmp(v, "0") ? "1" : "0");
	}
	snprintf(fp->boost, sizeof(fp->boost), "%s",
		 !strcmp(v, "1") ? "on" : !strcmp(v, "0") ? "off" : "n/a");
	read_line("/proc/sys/kernel/perf_event_paranoid", fp->perf_event_paranoid,
		  sizeof(fp->perf_event_paranoid));
}
