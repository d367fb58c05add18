/*
 * bench_decompress.c: read one file line by line through lib/decompress.c
 * (what tp-analyze targets import reads logs with: ISA-L or zlib, or
 * libzstd, in-process on a decoder thread, lines split where they lie)
 * and throw the lines away; prints how many bytes and lines, and what
 * inflated gzip. For bench/run-logs, as the reading floor of the import.
 *
 * usage: bench-decompress FILE
 */
#include <stdio.h>

#include "decompress.h"

/* Read the file to its end. */
int
main(int argc, char **argv)
{
	struct tp_input *in;
	struct tp_err err;
	unsigned long long bytes = 0, lines = 0;
	char *line;
	size_t len;

	if (argc != 2) {
		fprintf(stderr, "usage: bench-decompress FILE\n");
		return 2;
	}
	if (tp_input_open(argv[1], &in, &err) < 0) {
		fprintf(stderr, "bench-decompress: %s\n", err.msg);
		return 1;
	}
	while (tp_input_line(in, &line, &len) > 0) {
		bytes += len + 1;
		lines++;
	}
	if (tp_input_close(in, &err) < 0) {
		fprintf(stderr, "bench-decompress: %s\n", err.msg);
		return 1;
	}
	printf("%llu bytes, %llu lines (gzip inflated by %s)\n", bytes, lines,
	    tp_input_gzip_library());
	return 0;
}
