// SPDX-License-Identifier: GPL-2.0
/*
 * refbench-matrix: small helpers (memory, strings, atomic files, running a
 * command for its output).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "matrix.h"

const char *mx_prog = "refbench-matrix";

static void oom(void)
{
	fprintf(stderr, "%s: out of memory\n", mx_prog);
	exit(MX_FAILED);
}

void *mx_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *mx_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *mx_xstrdup(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		oom();
	return d;
}

char *mx_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	return s;
}

/* The word as a POSIX shell reads it back: as is when safe, else in single quotes. */
char *mx_shell_quote(const char *s)
{
	size_t n = 0;
	char *out, *o;
	const char *c;

	if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789_-+=/.,:@") == strlen(s))
		return mx_xstrdup(s);
	for (c = s; *c; c++)
		n += *c == '\'' ? 4 : 1;
	out = o = mx_xmalloc(n + 3);
	*o++ = '\'';
	for (c = s; *c; c++) {
		if (*c == '\'') {
			memcpy(o, "'\\''", 4);
			o += 4;
		} else {
			*o++ = *c;
		}
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}

char *mx_argv_string(char *const *argv)
{
	char *out = mx_xstrdup("");

	for (size_t i = 0; argv[i]; i++) {
		char *q = mx_shell_quote(argv[i]), *n;

		n = mx_xasprintf("%s%s%s", out, i ? " " : "", q);
		free(q);
		free(out);
		out = n;
	}
	return out;
}

/*
 * A literal for Google Benchmark's --benchmark_filter, which is a POSIX
 * extended regex (std::regex::extended in 1.7.1's re.h).
 */
char *mx_regex_escape(const char *s)
{
	char *out = mx_xmalloc(2 * strlen(s) + 1), *o = out;

	for (; *s; s++) {
		if (strchr("\\.[]()*+?{}|^$", *s))
			*o++ = '\\';
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

char **mx_split_list(const char *s)
{
	char **list = NULL;
	size_t n = 0;
	const char *p = s;

	for (;;) {
		size_t len = strcspn(p, ",");

		if (len) {
			list = mx_xrealloc(list, sizeof(*list) * (n + 2));
			list[n] = mx_xmalloc(len + 1);
			memcpy(list[n], p, len);
			list[n][len] = '\0';
			n++;
		}
		if (!p[len])
			break;
		p += len + 1;
	}
	if (!list)
		list = mx_xmalloc(sizeof(*list));
	list[n] = NULL;
	return list;
}

bool mx_in_list(char *const *list, const char *s)
{
	for (; list && *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

/* Write @data to @path.tmp, fsync, rename over @path: never a partial file. */
int mx_write_file_atomic(const char *path, const char *data, size_t len)
{
	char *tmp = mx_xasprintf("%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t off = 0;

	if (fd < 0)
		goto fail;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			goto fail;
		}
		off += (size_t)w;
	}
	if (fsync(fd) || close(fd))
		goto fail;
	if (rename(tmp, path))
		goto fail;
	free(tmp);
	return 0;
fail:
	fprintf(stderr, "%s: cannot write %s: %s\n", mx_prog, path, strerror(errno));
	unlink(tmp);
	free(tmp);
	return -1;
}

int mx_write_json_atomic(const char *path, json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
	char *nl;
	int rc;

	if (!s)
		oom();
	nl = mx_xasprintf("%s\n", s);	/* a trailing newline, as Google Benchmark writes */
	rc = mx_write_file_atomic(path, nl, strlen(nl));
	free(nl);
	free(s);
	return rc;
}

char *mx_read_file(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "re");
	struct stat sb;
	size_t n, cap;
	char *buf;

	if (!f)
		return NULL;
	cap = !fstat(fileno(f), &sb) && (size_t)sb.st_size < max ? (size_t)sb.st_size : max;
	buf = mx_xmalloc(cap + 1);
	n = fread(buf, 1, cap, f);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* Drain @fd into a growing buffer. */
static char *slurp(int fd)
{
	size_t cap = 4096, n = 0;
	char *buf = mx_xmalloc(cap);

	for (;;) {
		ssize_t r;

		if (n + 1 >= cap)
			buf = mx_xrealloc(buf, cap *= 2);
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	return buf;
}

char *mx_capture(char *const *argv, int *status, char **err)
{
	int out[2], errp[2];
	char *o, *e;
	pid_t pid;

	if (pipe2(out, O_CLOEXEC) || pipe2(errp, O_CLOEXEC))
		return NULL;
	pid = fork();
	if (pid < 0)
		return NULL;
	if (pid == 0) {
		dup2(out[1], STDOUT_FILENO);
		dup2(errp[1], STDERR_FILENO);
		execv(argv[0], argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(out[1]);
	close(errp[1]);
	/* refbench's listings are small; stderr is read after stdout closes */
	o = slurp(out[0]);
	e = slurp(errp[0]);
	close(out[0]);
	close(errp[0]);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	if (err)
		*err = e;
	else
		free(e);
	return o;
}

double mx_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void mx_fmt_duration(char *buf, size_t n, double s)
{
	long t = (long)(s + 0.5);

	if (s < 0)
		snprintf(buf, n, "?");
	else if (t >= 3600)
		snprintf(buf, n, "%ldh%02ldm%02lds", t / 3600, t / 60 % 60, t % 60);
	else if (t >= 60)
		snprintf(buf, n, "%ldm%02lds", t / 60, t % 60);
	else
		snprintf(buf, n, "%lds", t);
}

/*
 * Like mx_write_json_atomic, but never replaces an existing @path: the
 * temporary file is linked to @path (link fails on EEXIST) and removed.
 * 0 written; 1 @path already existed (left as it was); -1 an I/O error.
 */
int mx_write_json_new(const char *path, json_t *j)
{
	char *tmp = mx_xasprintf("%s.new", path);
	int rc = 0;

	if (mx_write_json_atomic(tmp, j)) {
		free(tmp);
		return -1;
	}
	if (link(tmp, path)) {
		if (errno == EEXIST) {
			rc = 1;
		} else {
			fprintf(stderr, "%s: cannot write %s: %s\n", mx_prog, path, strerror(errno));
			rc = -1;
		}
	}
	unlink(tmp);
	free(tmp);
	return rc;
}

/* ---- SHA-256 (FIPS 180-4), for the build identity of a binary ---- */

static const uint32_t sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha_block(uint32_t h[8], const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, hh;

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4]; f = h[5]; g = h[6]; hh = h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) +
			      sha_k[i] + w[i];
		uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));

		hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

/* The SHA-256 of a file as 64 hex digits (what sha256sum prints), or NULL. */
char *mx_sha256_file(const char *path)
{
	uint32_t h[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c,
			  0x1f83d9ab, 0x5be0cd19 };
	unsigned char buf[65536 + 128];
	uint64_t total = 0;
	size_t have = 0;
	char *out;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	for (;;) {
		ssize_t r = read(fd, buf + have, 65536);
		size_t off = 0;

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			return NULL;
		}
		if (r == 0)
			break;
		have += (size_t)r;
		total += (uint64_t)r;
		for (; have - off >= 64; off += 64)
			sha_block(h, buf + off);
		memmove(buf, buf + off, have - off);
		have -= off;
	}
	close(fd);
	buf[have++] = 0x80;
	while (have % 64 != 56)
		buf[have++] = 0;
	for (int i = 7; i >= 0; i--)
		buf[have++] = (unsigned char)((total * 8) >> (8 * i));
	for (size_t off = 0; off < have; off += 64)
		sha_block(h, buf + off);
	out = mx_xmalloc(65);
	for (int i = 0; i < 8; i++)
		snprintf(out + 8 * i, 9, "%08x", h[i]);
	return out;
}
