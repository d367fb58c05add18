/*
 * bench_decompress.c: read one file through lib/decompress.c (what
 * tp-analyze targets import reads logs with: zlib or libzstd in-process,
 * a decoder thread) and throw the bytes away; prints how many. For
 * bench/run-logs, as the decompression floor of the import.
 *
 * usage: bench-decompress FILE
 */
#include <stdio.h>

#include "decompress.h"

/* Read the file to its end. */
int
main(int argc, char **argv)
{
	static char buf[1 << 16];
	struct tp_input *in;
	struct tp_err err;
	unsigned long long total = 0;
	size_t n;

	if (argc != 2) {
		fprintf(stderr, "usage: bench-decompress FILE\n");
		return 2;
	}
	if (tp_input_open(argv[1], &in, &err) < 0) {
		fprintf(stderr, "bench-decompress: %s\n", err.msg);
		return 1;
	}
	while ((n = fread(buf, 1, sizeof(buf), tp_input_file(in))) > 0)
		total += n;
	if (tp_input_close(in, &err) < 0) {
		fprintf(stderr, "bench-decompress: %s\n", err.msg);
		return 1;
	}
	printf("%llu\n", total);
	return 0;
}
