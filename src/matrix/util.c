// SPDX-License-Identifier: GPL-2.0
/*
 * refbench-matrix: small helpers (memory, strings, atomic files, running a
 * command for its output).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
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
