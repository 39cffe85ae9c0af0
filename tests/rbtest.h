/* SPDX-License-Identifier: GPL-2.0 */
/*
 * refbench's minimal C test harness. A test file defines RB_TEST(name) { ... }
 * functions and lists them in RB_TEST_MAIN(...) (or, with its own main() that
 * reads arguments, returns RBT_RUN(...)). Each CHECK failure prints
 * file:line and the values, the test goes on, and the program exits 1 if any
 * check failed. The last line is "N passed, N failed".
 */
#ifndef RBTEST_H
#define RBTEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int rbt_failed_checks;

#define CHECK(cond)								\
	do {									\
		if (!(cond)) {							\
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
			rbt_failed_checks++;					\
		}								\
	} while (0)

#define CHECK_EQ(a, b)								\
	do {									\
		long long _a = (long long)(a), _b = (long long)(b);		\
		if (_a != _b) {							\
			fprintf(stderr, "%s:%d: CHECK_EQ(%s, %s) failed: %lld != %lld\n", \
				__FILE__, __LINE__, #a, #b, _a, _b);		\
			rbt_failed_checks++;					\
		}								\
	} while (0)

#define CHECK_STR(a, b)								\
	do {									\
		const char *_a = (a), *_b = (b);				\
		if (!_a || !_b || strcmp(_a, _b)) {				\
			fprintf(stderr, "%s:%d: CHECK_STR(%s, %s) failed: \"%s\" != \"%s\"\n", \
				__FILE__, __LINE__, #a, #b, _a ? _a : "(null)", _b ? _b : "(null)"); \
			rbt_failed_checks++;					\
		}								\
	} while (0)

/* The statement must end the process with SIGABRT (a VM_BUG_ON / BUG_ON). */
#define CHECK_DIES(stmt)							\
	do {									\
		fflush(NULL);							\
		pid_t _pid = fork();						\
		if (_pid == 0) {						\
			freopen("/dev/null", "w", stderr);			\
			stmt;							\
			_exit(0);						\
		}								\
		int _st = 0;							\
		waitpid(_pid, &_st, 0);						\
		if (!WIFSIGNALED(_st) || WTERMSIG(_st) != SIGABRT) {		\
			fprintf(stderr, "%s:%d: CHECK_DIES(%s) failed: it did not abort\n", \
				__FILE__, __LINE__, #stmt);			\
			rbt_failed_checks++;					\
		}								\
	} while (0)

#define RB_TEST(name) static void name(void)

typedef void (*rbt_fn)(void);
struct rbt_case { const char *name; rbt_fn fn; };

#define RBT_CASE(fn) { #fn, fn },

/* Run @n cases; print "ok"/"FAIL" per case and the closing line; the exit code. */
static inline int rbt_run_cases(const struct rbt_case *cases, size_t n)
{
	int passed = 0, failed = 0;

	for (size_t i = 0; i < n; i++) {
		int before = rbt_failed_checks;

		cases[i].fn();
		if (rbt_failed_checks == before) {
			passed++;
			printf("ok   %s\n", cases[i].name);
		} else {
			failed++;
			printf("FAIL %s\n", cases[i].name);
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
#define RBT_RUN(...)								\
	({									\
		static const struct rbt_case _cases[] = { __VA_ARGS__ };	\
		rbt_run_cases(_cases, sizeof(_cases) / sizeof(_cases[0]));	\
	})

#define RB_TEST_MAIN(...)							\
int main(void)									\
{										\
	return RBT_RUN(__VA_ARGS__);						\
}

#endif
