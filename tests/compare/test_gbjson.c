// SPDX-License-Identifier: GPL-2.0
/*
 * The Google Benchmark JSON reader: every bad-input path gives one line that
 * starts with the file's name and says what is wrong (never a crash: this
 * test also runs under ASan+UBSan), and good input is read as it should be.
 */
#include <math.h>
#include <sys/stat.h>

#include "rbtest.h"
#include "gbjson.h"

struct bad_case {
	const char *what, *json, *want;	/* @want: a substring of the message */
};

static const struct bad_case bad_cases[] = {
	{ "empty file", "", "empty file" },
	{ "only whitespace", " \n\t\n", "empty file" },
	{ "truncated", "{\"context\": {}, \"benchmarks\": [{\"name\": \"a\", \"real_ti",
	  "truncated JSON" },
	{ "truncated after a row", "{\"benchmarks\": [{\"name\": \"a\", \"real_time\": 1}", "truncated JSON" },
	{ "not JSON", "name,real_time\na,1\n", "not valid JSON" },
	{ "NaN", "{\"benchmarks\": [{\"name\": \"a\", \"real_time\": NaN}]}", "NaN or infinite" },
	{ "Infinity", "{\"benchmarks\": [{\"name\": \"a\", \"real_time\": Infinity}]}", "NaN or infinite" },
	{ "overflow", "{\"benchmarks\": [{\"name\": \"a\", \"real_time\": 1e999}]}", "not valid JSON" },
	{ "duplicate key", "{\"benchmarks\": [], \"benchmarks\": []}", "not valid JSON" },
	{ "top level array", "[1, 2]", "top level is not an object" },
	{ "top level string", "\"benchmarks\"", "not valid JSON" },
	{ "no benchmarks", "{\"context\": {}}", "no \"benchmarks\" array" },
	{ "benchmarks not array", "{\"benchmarks\": {}}", "\"benchmarks\" is not an array" },
	{ "empty benchmarks", "{\"benchmarks\": []}", "no repetition rows" },
	{ "only aggregates", "{\"benchmarks\": [{\"name\": \"a_mean\", \"run_type\": \"aggregate\", "
	  "\"real_time\": 1}]}", "no repetition rows" },
	{ "row not object", "{\"benchmarks\": [1]}", "benchmarks[0] is not an object" },
	{ "no name", "{\"benchmarks\": [{\"real_time\": 1}]}", "has no \"name\"" },
	{ "name not string", "{\"benchmarks\": [{\"name\": 5, \"real_time\": 1}]}", "has no \"name\"" },
	{ "empty name", "{\"benchmarks\": [{\"name\": \"\", \"real_time\": 1}]}", "empty name" },
	{ "run_name not string", "{\"benchmarks\": [{\"name\": \"a\", \"run_name\": [], \"real_time\": 1}]}",
	  "\"run_name\" is not a string" },
	{ "run_type not string", "{\"benchmarks\": [{\"name\": \"a\", \"run_type\": 1, \"real_time\": 1}]}",
	  "\"run_type\" is not a string" },
	{ "unknown run_type", "{\"benchmarks\": [{\"name\": \"a\", \"run_type\": \"warmup\", \"real_time\": 1}]}",
	  "unknown run_type" },
	{ "no real_time", "{\"benchmarks\": [{\"name\": \"a\", \"cpu_time\": 1}]}", "without \"real_time\"" },
	{ "real_time string", "{\"benchmarks\": [{\"name\": \"a\", \"real_time\": \"1\"}]}", "is not a number" },
	{ "real_time NaN string", "{\"benchmarks\": [{\"name\": \"a\", \"real_time\": \"nan\"}]}",
	  "is not a number" },
	{ "real_time null", "{\"benchmarks\": [{\"name\": \"a\", \"real_time\": null}]}", "is null, NaN or infinite" },
	{ "negative time", "{\"benchmarks\": [{\"name\": \"a\", \"real_time\": -1}]}", "not positive" },
	{ "zero time", "{\"benchmarks\": [{\"name\": \"a\", \"real_time\": 0}]}", "not positive" },
	{ "overflow after unit", "{\"benchmarks\": [{\"name\": \"a\", \"real_time\": 1e300, "
	  "\"time_unit\": \"s\"}]}", "not finite" },
	{ "unknown time unit", "{\"benchmarks\": [{\"name\": \"a\", \"real_time\": 1, \"time_unit\": \"min\"}]}",
	  "unknown time_unit" },
	{ "time unit not string", "{\"benchmarks\": [{\"name\": \"a\", \"real_time\": 1, \"time_unit\": 1}]}",
	  "\"time_unit\" is not a string" },
	{ "error_occurred not boolean", "{\"benchmarks\": [{\"name\": \"a\", \"error_occurred\": 1}]}",
	  "\"error_occurred\" is not a boolean" },
	{ "context not object", "{\"context\": [], \"benchmarks\": [{\"name\": \"a\", \"real_time\": 1}]}",
	  "\"context\" is not an object" },
	{ "unknown measure", "{\"context\": {\"refbench_measure\": \"cycles\"}, \"benchmarks\": "
	  "[{\"name\": \"a\", \"real_time\": 1}]}", "unknown refbench_measure" },
	{ "a newline in a name", "{\"benchmarks\": [{\"name\": \"a\\nb\", \"run_type\": \"x\"}]}",
	  "unknown run_type" },
};

RB_TEST(bad_inputs)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		char err[GB_ERR_LEN] = "";
		struct gb_file f;
		int rc = gb_read_buffer(c->json, strlen(c->json), "in.json", GB_REAL_TIME, &f, err);

		if (rc != -1 || strncmp(err, "in.json: ", 9) || !strstr(err, c->want) ||
		    strchr(err, '\n')) {
			fprintf(stderr, "bad input '%s': rc %d, message '%s', want '%s'\n", c->what, rc,
				err, c->want);
			rbt_failed_checks++;
		}
		if (rc == 0)
			gb_free(&f);
	}
}

RB_TEST(bad_files)
{
	char err[GB_ERR_LEN];
	struct gb_file f;

	CHECK_EQ(gb_read_file("/nonexistent/refbench.json", GB_REAL_TIME, &f, err), -1);
	CHECK(strstr(err, "cannot open") && strstr(err, "No such file"));
	CHECK_EQ(gb_read_file("/", GB_REAL_TIME, &f, err), -1);
	CHECK(strstr(err, "directory") != NULL);
	CHECK_EQ(gb_read_file("/dev/null", GB_REAL_TIME, &f, err), -1);
	CHECK(strstr(err, "empty file") != NULL);
}

RB_TEST(good_input)
{
	static const char json[] =
		"{\"context\": {\"machine_key\": \"k1\", \"git_commit\": \"abc\", \"build_type\": \"Release\"},"
		" \"benchmarks\": ["
		"{\"name\": \"f/v/s\", \"run_name\": \"f/v/s\", \"run_type\": \"iteration\","
		" \"real_time\": 2, \"cpu_time\": 1, \"time_unit\": \"us\"},"
		"{\"name\": \"f/v/s\", \"run_name\": \"f/v/s\", \"run_type\": \"iteration\","
		" \"real_time\": 3000, \"cpu_time\": 1000, \"time_unit\": \"ns\"},"
		"{\"name\": \"f/v/s_mean\", \"run_name\": \"f/v/s\", \"run_type\": \"aggregate\","
		" \"aggregate_name\": \"mean\", \"real_time\": 99, \"time_unit\": \"s\"},"
		"{\"name\": \"old/style\", \"real_time\": 5, \"cpu_time\": 5},"
		"{\"name\": \"old/style_mean\", \"aggregate_name\": \"mean\", \"real_time\": 5},"
		"{\"name\": \"e\", \"run_type\": \"iteration\", \"error_occurred\": true,"
		" \"error_message\": \"no CPUs\"}"
		"]}";
	char err[GB_ERR_LEN];
	struct gb_file f;
	const struct gb_bench *b;

	CHECK_EQ(gb_read_buffer(json, strlen(json), "good", GB_REAL_TIME, &f, err), 0);
	CHECK_EQ(f.nb, 3);
	CHECK_STR(f.machine_key, "k1");
	CHECK(f.machine_key_present);
	CHECK_STR(f.measure, "time");
	CHECK_STR(f.git_commit, "abc");
	b = gb_find(&f, "f/v/s");
	CHECK(b && b->n == 2 && b->v[0] == 2000 && b->v[1] == 3000);	/* us -> ns */
	b = gb_find(&f, "old/style");
	CHECK(b && b->n == 1 && b->v[0] == 5);
	b = gb_find(&f, "e");
	CHECK(b && b->n == 0 && b->errors == 1 && !strcmp(b->error, "no CPUs"));
	CHECK(gb_find(&f, "f/v/s_mean") == NULL);
	gb_free(&f);
	/* cpu_time */
	CHECK_EQ(gb_read_buffer(json, strlen(json), "good", GB_CPU_TIME, &f, err), 0);
	b = gb_find(&f, "f/v/s");
	CHECK(b && b->v[0] == 1000 && b->v[1] == 1000);
	gb_free(&f);
	/* no machine key: "unknown", and said to be absent */
	static const char nokey[] = "{\"benchmarks\": [{\"name\": \"a\", \"real_time\": 1}]}";

	CHECK_EQ(gb_read_buffer(nokey, strlen(nokey), "k", GB_REAL_TIME, &f, err), 0);
	CHECK_STR(f.machine_key, "unknown");
	CHECK(!f.machine_key_present);
	gb_free(&f);
}

/*
 * Google Benchmark 1.7.1 itself writes bare NaN for a counter that is 0 in
 * every repetition (its _cv aggregate is 0/0): the file is still readable, and
 * a NaN in a string is left alone.
 */
RB_TEST(gb_nan_counters_are_accepted)
{
	static const char json[] =
		"{\"context\": {\"note\": \"NaN in a string stays\"}, \"benchmarks\": ["
		"{\"name\": \"p\", \"run_type\": \"iteration\", \"real_time\": 4, \"cpu_time\": 4,"
		" \"ebusy/pin\": 0},"
		"{\"name\": \"p_cv\", \"run_type\": \"aggregate\", \"aggregate_name\": \"cv\","
		" \"real_time\": 0, \"cpu_time\": 0, \"ebusy/pin\": NaN, \"x\": -Infinity}]}";
	char err[GB_ERR_LEN] = "", *clean;
	size_t n, len;
	struct gb_file f;
	const struct gb_bench *b;

	CHECK_EQ(gb_read_buffer(json, strlen(json), "gb", GB_REAL_TIME, &f, err), 0);
	b = gb_find(&f, "p");
	CHECK(b && b->n == 1 && b->v[0] == 4);
	gb_free(&f);
	clean = gb_nonfinite_to_null(json, strlen(json), &n, &len);
	CHECK_EQ(n, 2);
	CHECK(strstr(clean, "\"NaN in a string stays\"") != NULL);
	CHECK(strstr(clean, "\"ebusy/pin\": null") && strstr(clean, "\"x\": null"));
	CHECK_EQ(len, strlen(clean));
	free(clean);
}

RB_TEST_MAIN(RBT_CASE(bad_inputs) RBT_CASE(bad_files) RBT_CASE(good_input)
	     RBT_CASE(gb_nan_counters_are_accepted))
