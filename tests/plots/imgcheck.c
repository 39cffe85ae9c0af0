// SPDX-License-Identifier: GPL-2.0
/*
 * plots-imgcheck FILE...: is each file a valid, non-trivial PNG or SVG?
 *
 * PNG: the 8-byte signature; IHDR first, 13 bytes, width and height within
 * 100..20000, bit depth 8 or 16; every chunk's CRC right; IEND last; at least
 * one IDAT; at least 8 KiB (a blank pngcairo figure compresses to ~3 KiB).
 * SVG: well-formed XML (every tag closed in order, quoted attributes,
 * comments, CDATA, processing instructions, doctype), root element <svg>,
 * at least 4 KiB and some drawing (<path or <polyline or <polygon).
 *
 * Exit 0 when every file passes; else 1 and one line per failing file.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[n] = c;
	}
}

static uint32_t crc(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++)
		c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static const char *check_png(const unsigned char *b, size_t n, char *why, size_t wl)
{
	static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	size_t off = 8;
	bool ihdr = false, idat = false, iend = false;

	if (n < 8 || memcmp(b, sig, 8))
		return "no PNG signature";
	if (n < 8 * 1024)
		return "PNG smaller than 8 KiB";
	while (off + 12 <= n) {
		uint32_t len = be32(b + off);
		const unsigned char *type = b + off + 4;

		if (len > n - off - 12)
			return "PNG chunk runs past the end of the file";
		if (crc(type, len + 4) != be32(b + off + 8 + len)) {
			snprintf(why, wl, "PNG chunk %.4s has a bad CRC", (const char *)type);
			return why;
		}
		if (!ihdr) {
			uint32_t w, h;

			if (memcmp(type, "IHDR", 4) || len != 13)
				return "PNG does not start with a 13-byte IHDR";
			w = be32(type + 4);
			h = be32(type + 8);
			if (w < 100 || w > 20000 || h < 100 || h > 20000) {
				snprintf(why, wl, "PNG size %ux%u is not within 100..20000", w, h);
				return why;
			}
			if (type[12] != 8 && type[12] != 16)
				return "PNG bit depth is not 8 or 16";
			ihdr = true;
		} else if (!memcmp(type, "IDAT", 4)) {
			idat = true;
		} else if (!memcmp(type, "IEND", 4)) {
			iend = true;
			off += 12 + len;
			break;
		}
		off += 12 + len;
	}
	if (!iend)
		return "PNG has no IEND chunk (truncated?)";
	if (!idat)
		return "PNG has no image data";
	if (off != n)
		return "PNG has bytes after IEND";
	return NULL;
}

/* ---- a small XML well-formedness check ---- */

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == ':' || c == '-' || c == '.';
}

static const char *check_svg(const char *s, size_t n, char *why, size_t wl)
{
	const char *p = s, *end = s + n;
	char *stack[256];
	int depth = 0;
	bool root_seen = false;
	const char *err = NULL;

	if (n < 4 * 1024)
		return "SVG smaller than 4 KiB";
	if (!strstr(s, "<path") && !strstr(s, "<polyline") && !strstr(s, "<polygon"))
		return "SVG draws nothing (no path, polyline or polygon)";
	while (p < end && !err) {
		const char *lt = memchr(p, '<', (size_t)(end - p));

		if (!lt)
			break;
		p = lt;
		if (!strncmp(p, "<!--", 4)) {
			const char *e = strstr(p + 4, "-->");

			if (!e)
				err = "unterminated comment";
			p = e ? e + 3 : end;
		} else if (!strncmp(p, "<![CDATA[", 9)) {
			const char *e = strstr(p + 9, "]]>");

			if (!e)
				err = "unterminated CDATA";
			p = e ? e + 3 : end;
		} else if (!strncmp(p, "<?", 2)) {
			const char *e = strstr(p + 2, "?>");

			if (!e)
				err = "unterminated processing instruction";
			p = e ? e + 2 : end;
		} else if (!strncmp(p, "<!", 2)) {
			/* doctype, possibly with an internal subset in [] */
			int br = 0;

			for (p += 2; p < end && (*p != '>' || br); p++)
				br += *p == '[' ? 1 : *p == ']' ? -1 : 0;
			if (p >= end)
				err = "unterminated doctype";
			p++;
		} else if (p[1] == '/') {
			const char *q = p + 2, *nm = q;

			while (q < end && name_char(*q))
				q++;
			if (!depth || strlen(stack[depth - 1]) != (size_t)(q - nm) ||
			    strncmp(stack[depth - 1], nm, (size_t)(q - nm))) {
				snprintf(why, wl, "SVG: </%.*s> does not close <%s>", (int)(q - nm), nm,
					 depth ? stack[depth - 1] : "(nothing)");
				err = why;
				break;
			}
			free(stack[--depth]);
			while (q < end && (*q == ' ' || *q == '\n' || *q == '\t' || *q == '\r'))
				q++;
			if (q >= end || *q != '>')
				err = "SVG: bad end tag";
			p = q + 1;
		} else {
			const char *q = p + 1, *nm = q;
			bool selfclose = false;

			while (q < end && name_char(*q))
				q++;
			if (q == nm) {
				err = "SVG: '<' not starting a tag";
				break;
			}
			if (!depth && root_seen) {
				err = "SVG: more than one root element";
				break;
			}
			if (!depth && (q - nm != 3 || strncmp(nm, "svg", 3))) {
				err = "SVG: the root element is not <svg>";
				break;
			}
			root_seen = true;
			if (depth == 256) {
				err = "SVG: nested too deeply";
				break;
			}
			stack[depth] = strndup(nm, (size_t)(q - nm));
			depth++;
			/* attributes: name="..." or name='...' */
			while (q < end && !err) {
				while (q < end && (*q == ' ' || *q == '\n' || *q == '\t' || *q == '\r'))
					q++;
				if (q < end && *q == '>') {
					q++;
					break;
				}
				if (q + 1 < end && q[0] == '/' && q[1] == '>') {
					selfclose = true;
					q += 2;
					break;
				}
				if (q >= end || !name_char(*q)) {
					err = "SVG: bad attribute";
					break;
				}
				while (q < end && name_char(*q))
					q++;
				while (q < end && (*q == ' ' || *q == '\n'))
					q++;
				if (q >= end || *q != '=') {
					err = "SVG: attribute without a value";
					break;
				}
				q++;
				while (q < end && (*q == ' ' || *q == '\n'))
					q++;
				if (q < end && (*q == '"' || *q == '\'')) {
					const char *e = memchr(q + 1, *q, (size_t)(end - q - 1));

					if (!e || memchr(q + 1, '<', (size_t)(e - q - 1))) {
						err = "SVG: unterminated attribute value";
						break;
					}
					q = e + 1;
				} else {
					err = "SVG: unquoted attribute value";
				}
			}
			if (selfclose)
				free(stack[--depth]);
			p = q;
		}
	}
	if (!err && depth) {
		snprintf(why, wl, "SVG: <%s> is never closed", stack[depth - 1]);
		err = why;
	}
	if (!err && !root_seen)
		err = "SVG: no root element";
	while (depth)
		free(stack[--depth]);
	return err;
}

int main(int argc, char **argv)
{
	int bad = 0;

	crc_init();
	if (argc < 2) {
		fprintf(stderr, "usage: plots-imgcheck FILE.png|FILE.svg...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		unsigned char *buf;
		long n;
		const char *err;
		char why[160];
		size_t len = strlen(argv[i]);

		if (!f) {
			printf("%s: cannot open\n", argv[i]);
			bad++;
			continue;
		}
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		fseek(f, 0, SEEK_SET);
		buf = malloc((size_t)n + 1);
		if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
			printf("%s: cannot read\n", argv[i]);
			fclose(f);
			free(buf);
			bad++;
			continue;
		}
		fclose(f);
		buf[n] = 0;
		if (len > 4 && !strcmp(argv[i] + len - 4, ".png"))
			err = check_png(buf, (size_t)n, why, sizeof(why));
		else if (len > 4 && !strcmp(argv[i] + len - 4, ".svg"))
			err = check_svg((const char *)buf, (size_t)n, why, sizeof(why));
		else
			err = "neither .png nor .svg";
		if (err) {
			printf("%s: %s\n", argv[i], err);
			bad++;
		}
		free(buf);
	}
	return bad ? 1 : 0;
}
