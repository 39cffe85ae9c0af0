/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzz targets' shared main() for builds without libFuzzer (gcc; the
 * Release, TSan and ASan presets): replays every file of the directories
 * (or files) given, so the seed corpora run in every build. With clang and
 * -DRB_LIBFUZZER, libFuzzer provides main().
 */
#ifndef RB_FUZZ_MAIN_H
#define RB_FUZZ_MAIN_H

#include <stdint.h>
#include <stddef.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifndef RB_LIBFUZZER
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

static int rb_fuzz_replay(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!fp)
		return -1;
	do {
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap = cap ? 2 * cap : 4096);

			if (!nb) {
				free(buf);
				fclose(fp);
				return -1;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
	} while (n);
	fclose(fp);
	LLVMFuzzerTestOneInput(buf, len);
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
			if (rb_fuzz_replay(argv[i])) {
				fprintf(stderr, "%s: cannot read %s\n", argv[0], argv[i]);
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
			if (rb_fuzz_replay(path) == 0)
				files++;
		}
		closedir(d);
	}
	printf("%s: replayed %d inputs without a crash\n", argv[0], files);
	return files ? 0 : 1;
}
#endif
#endif
