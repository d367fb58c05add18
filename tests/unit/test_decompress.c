/*
 * test_decompress.c: plain, gzip (several members) and zstd files read
 * alike, told apart by their first bytes; truncated or corrupt
 * compressed input is an error naming the file, never a short read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <zlib.h>
#include <zstd.h>

#include "decompress.h"
#include "fixture.h"

static const char text[] = "192.0.2.1 - - x\n2001:db8::1 - - y\nlast line without newline";

/* Write n bytes to name in the fixture folder; its path. */
static const char *
write_bytes(const char *name, const void *p, size_t n)
{
	const char *path = fixture_path(name);
	FILE *f = fopen(path, "wb");

	cr_assert_not_null(f);
	cr_assert_eq(fwrite(p, 1, n, f), n);
	fclose(f);
	return path;
}

/* Append text as one more gzip member to path. */
static void
gzip_append(const char *path, const char *s)
{
	gzFile g = gzopen(path, "ab");

	cr_assert_not_null(g);
	cr_assert_eq(gzwrite(g, s, (unsigned)strlen(s)), (int)strlen(s));
	cr_assert_eq(gzclose(g), Z_OK);
}

/* A zstd frame of s into buf; its size. */
static size_t
zstd_of(const char *s, void *buf, size_t cap)
{
	size_t n = ZSTD_compress(buf, cap, s, strlen(s), 3);

	cr_assert(!ZSTD_isError(n));
	return n;
}

/* Read the whole of path; expect kind, and 0 or -1 from close. */
static char *
read_all(const char *path, enum tp_input_kind kind, int want_rc, struct tp_err *err)
{
	struct tp_input *in;
	char *buf = calloc(1, 1 << 16);
	size_t n;
	int rc;

	cr_assert_eq(tp_input_open(path, &in, err), 0, "%s", err->msg);
	cr_expect_eq(tp_input_kind(in), kind, "%s: kind %s", path,
	    tp_input_kind_name(tp_input_kind(in)));
	n = fread(buf, 1, (1 << 16) - 1, tp_input_file(in));
	buf[n] = '\0';
	rc = tp_input_close(in, err);
	cr_expect_eq(rc, want_rc, "%s: close gave %d (%s)", path, rc, rc < 0 ? err->msg : "");
	return buf;
}

/* The same text from a plain file, a two-member gzip file and a two-frame zstd file. */
Test(decompress, plain_gzip_zstd_alike)
{
	unsigned char z[4096];
	struct tp_err err;
	size_t half = 20, n;
	char first[64], *got;
	const char *gz = fixture_path("a.gz");

	got = read_all(write_bytes("a.txt", text, strlen(text)), TP_INPUT_PLAIN, 0, &err);
	cr_expect_str_eq(got, text);
	free(got);

	memcpy(first, text, half);
	first[half] = '\0';
	gzip_append(gz, first);
	gzip_append(gz, text + half);
	got = read_all(gz, TP_INPUT_GZIP, 0, &err);
	cr_expect_str_eq(got, text, "both gzip members are read");
	free(got);

	n = zstd_of(first, z, sizeof(z));
	n += zstd_of(text + half, z + n, sizeof(z) - n);
	got = read_all(write_bytes("a.zst", z, n), TP_INPUT_ZSTD, 0, &err);
	cr_expect_str_eq(got, text, "both zstd frames are read");
	free(got);

	got = read_all(write_bytes("empty", "", 0), TP_INPUT_PLAIN, 0, &err);
	cr_expect_str_eq(got, "");
	free(got);
}

/* A gzip file cut short, and a zstd file with a flipped byte, fail naming the file. */
Test(decompress, truncated_and_corrupt)
{
	unsigned char z[4096];
	struct tp_err err;
	const char *gz = fixture_path("t.gz"), *path;
	FILE *f;
	long size;
	size_t n;
	char *buf, *got;

	gzip_append(gz, text);
	f = fopen(gz, "rb");
	cr_assert_not_null(f);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	buf = malloc((size_t)size);
	cr_assert_eq(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	path = write_bytes("cut.gz", buf, (size_t)size - 6);
	free(buf);
	got = read_all(path, TP_INPUT_GZIP, -1, &err);
	cr_expect(strstr(err.msg, "cut.gz") != NULL && strstr(err.msg, "truncated") != NULL,
	    "%s", err.msg);
	free(got);

	n = zstd_of(text, z, sizeof(z));
	z[4] |= 0x08;	/* a reserved bit of the frame header */
	got = read_all(write_bytes("bad.zst", z, n), TP_INPUT_ZSTD, -1, &err);
	cr_expect(strstr(err.msg, "bad.zst") != NULL && strstr(err.msg, "zstd") != NULL,
	    "%s", err.msg);
	free(got);

	cr_expect_eq(tp_input_open(fixture_path("missing"), (struct tp_input **)&got, &err), -1);
	cr_expect(strstr(err.msg, "missing") != NULL, "%s", err.msg);
	fixture_cleanup();
}

/* Every line of path through tp_input_line, joined with '\n'; the count in *lines. */
static char *
lines_of(const char *path, size_t cap, size_t *lines)
{
	struct tp_input *in;
	struct tp_err err;
	char *out = malloc(cap), *line;
	size_t len, off = 0;
	int rc;

	cr_assert_eq(tp_input_open(path, &in, &err), 0, "%s", err.msg);
	*lines = 0;
	while ((rc = tp_input_line(in, &line, &len)) > 0) {
		cr_assert_lt(off + len + 1, cap);
		cr_assert_null(memchr(line, '\n', len));
		memcpy(out + off, line, len);
		off += len;
		out[off++] = '\n';
		(*lines)++;
	}
	cr_expect_eq(rc, 0);
	cr_expect_eq(tp_input_close(in, &err), 0, "%s", err.msg);
	out[off] = '\0';
	return out;
}

/*
 * Lines come out whole where they cross from one decoded buffer into the
 * next (a megabyte of lines of growing length), in plain and gzip files
 * alike, and a last line without a newline is a line.
 */
Test(decompress, lines_across_buffers)
{
	size_t cap = 3 << 20, len = 0, n = 0, got_n;
	char *want = malloc(cap), *got;
	const char *gz = fixture_path("lines.gz"), *paths[2];
	int i;

	while (len < (1 << 20)) {
		size_t k = n % 700 + 1, j;

		for (j = 0; j < k; j++)
			want[len + j] = (char)('a' + (n + j) % 26);
		len += k;
		want[len++] = '\n';
		n++;
	}
	memcpy(want + len, "tail", 5);	/* no newline after it */
	paths[0] = write_bytes("lines.txt", want, len + 4);
	gzip_append(gz, want);
	paths[1] = gz;
	for (i = 0; i < 2; i++) {
		got = lines_of(paths[i], cap, &got_n);
		cr_expect_eq(got_n, n + 1, "%s: %zu lines", paths[i], got_n);
		cr_expect_eq(strlen(got), len + 5);
		cr_expect(strncmp(got, want, len + 4) == 0, "%s: the same bytes", paths[i]);
		free(got);
	}
	free(want);
	fixture_cleanup();
}
