// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target for the Google Benchmark JSON reader: any bytes must give a
 * file or a one-line error, never a crash, a leak or undefined behaviour; a
 * file that reads is then compared with itself and printed in every format.
 *
 * With clang (-DRB_LIBFUZZER, -fsanitize=fuzzer) this is a libFuzzer target:
 *	build/compare-fuzz/tests/compare/fuzz_gbjson tests/compare/corpus
 * Built otherwise (gcc), main() replays every file of the corpus directories
 * given (ctest: fuzz_gbjson_corpus, also under ASan+UBSan).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rb_cmp_opts o = { .alpha = 0.05, .threshold = -1, .correction = RB_CORR_BH };
	char err[GB_ERR_LEN];
	struct rb_cmp_result r;
	struct gb_file f;
	FILE *null;

	if (gb_read_buffer((const char *)data, size, "fuzz", GB_REAL_TIME, &f, err)) {
		if (!err[0] || strchr(err, '\n'))
			abort();	/* every error is one non-empty line */
		return 0;
	}
	null = fopen("/dev/null", "w");
	o.allow_missing = 1;
	if (rb_compare(&f, &f, &o, &r, err) == 0 && null) {
		for (int fmt = RB_FMT_TEXT; fmt <= RB_FMT_JSON; fmt++) {
			r.opts.format = fmt;
			rb_compare_print(&r, null);
		}
	}
	rb_compare_free(&r);
	if (null)
		fclose(null);
	gb_free(&f);
	return 0;
}

#ifndef RB_LIBFUZZER
static int replay(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf;
	long len;

	if (!fp)
		return -1;
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc(len > 0 ? (size_t)len : 1);
	if (!buf || (len > 0 && fread(buf, 1, (size_t)len, fp) != (size_t)len)) {
		free(buf);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	LLVMFuzzerTestOneInput(buf, len > 0 ? (size_t)len : 0);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int files = 0;

	for (int i = 1; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		struct dirent *de;

		if (!d) {
			if (replay(argv[i])) {
				fprintf(stderr, "fuzz_gbjson: cannot read %s\n", argv[i]);
				return 2;
			}
			files++;
			continue;
		}
		while ((de = readdir(d))) {
			char path[4096];

			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
			if (replay(path) == 0)
				files++;
		}
		closedir(d);
	}
	printf("fuzz_gbjson: replayed %d inputs without a crash\n", files);
	return files ? 0 : 1;
}
#endif
