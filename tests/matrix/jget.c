// SPDX-License-Identifier: GPL-2.0
/*
 * matrix-jget: what the matrix tests read from JSON files (no jq or python
 * on a fresh Debian 12). Usage: matrix-jget FILE PATH...
 *
 * PATH is a dotted path from the top: ".context.machine_key",
 * ".benchmarks[3].name", ".benchmarks[].name" (every element), ".matrix.cells#"
 * (the array's length), "." (the whole file). Each value is printed on its
 * own line: strings raw, others as compact JSON; a missing key prints
 * nothing (so the caller can count lines). Exit 2 on a file that is not JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

static void print(json_t *v)
{
	if (json_is_string(v)) {
		puts(json_string_value(v));
	} else {
		char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);

		puts(s ? s : "?");
		free(s);
	}
}

static void walk(json_t *v, const char *path)
{
	char key[256];
	size_t n;

	if (!v)
		return;
	if (*path == '\0') {
		print(v);
		return;
	}
	if (!strcmp(path, "#")) {
		printf("%zu\n", json_is_array(v) ? json_array_size(v) : json_object_size(v));
		return;
	}
	if (*path == '.') {
		path++;
		if (*path == '\0') {
			print(v);
			return;
		}
		n = strcspn(path, ".[#");
		if (n >= sizeof(key))
			return;
		memcpy(key, path, n);
		key[n] = '\0';
		walk(json_object_get(v, key), path + n);
		return;
	}
	if (*path == '[') {
		const char *close = strchr(path, ']');

		if (!close)
			return;
		if (close == path + 1) {
			size_t i;
			json_t *e;

			json_array_foreach(v, i, e)
				walk(e, close + 1);
		} else {
			walk(json_array_get(v, (size_t)atol(path + 1)), close + 1);
		}
	}
}

int main(int argc, char **argv)
{
	json_error_t je;
	json_t *root;

	if (argc < 3) {
		fprintf(stderr, "usage: matrix-jget FILE PATH...\n");
		return 2;
	}
	root = json_load_file(argv[1], 0, &je);
	if (!root) {
		fprintf(stderr, "matrix-jget: %s: %s\n", argv[1], je.text);
		return 2;
	}
	for (int i = 2; i < argc; i++)
		walk(root, argv[i]);
	json_decref(root);
	return 0;
}
