/*
 * fuzz_logs.c: libFuzzer target for request logs: the decompressing
 * reader (lib/decompress.c: plain, gzip or zstd by magic) and the line
 * parsers of every format (analyze/log_formats.c). The first byte picks
 * the format and options; the rest is written to a memory file and read
 * as targets import reads a log. Every request that comes out must carry
 * a real address and a finite weight >= 0; every bad line a known reason;
 * a failed read a message naming the file.
 * Build and run: make fuzz-logs [FUZZ_SECONDS=300]
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "log_formats.h"
#include "decompress.h"
#include "log.h"

/* Abort unless the request is one the parser may hand out. */
static void
check_request(const struct tp_addr *a, double w)
{
	char text[TP_ADDR_STRLEN];
	struct tp_addr again;

	if (a->family != AF_INET && a->family != AF_INET6)
		abort();
	tp_addr_format(a, text, sizeof(text));
	if (tp_addr_parse(text, &again, NULL) < 0 || tp_addr_cmp(a, &again) != 0)
		abort();
	if (!isfinite(w) || w < 0 || signbit(w))
		abort();
}

/* Read the memory file fd as a log of the options' format. */
static void
read_log(int fd, const struct log_format_opts *o)
{
	char path[64], *line;
	struct tp_input *in;
	struct tp_addr a;
	struct tp_err err;
	enum log_bad why;
	size_t len;
	double w;

	snprintf(path, sizeof(path), "/dev/fd/%d", fd);
	if (tp_input_open(path, &in, &err) < 0) {
		if (strncmp(err.msg, path, strlen(path)) != 0)
			abort();
		return;
	}
	while (tp_input_line(in, &line, &len) > 0) {
		switch (log_parse_line(o, line, len, &a, &w, &why)) {
		case LOG_LINE_REQUEST:
			check_request(&a, w);
			break;
		case LOG_LINE_BAD:
			if (why >= LOG_BAD_COUNT)
				abort();
			break;
		case LOG_LINE_SKIP:
			break;
		}
	}
	if (tp_input_close(in, &err) < 0 && strncmp(err.msg, path, strlen(path)) != 0)
		abort();	/* messages name the file */
}

/* One input: format from the first byte, the log from the rest. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum log_format formats[] = { LOG_COMBINED, LOG_COMMON, LOG_JSON, LOG_CSV };
	struct log_format_opts o;
	int fd;

	log_init("fuzz", TP_LOG_ERROR);
	if (size == 0)
		return 0;
	memset(&o, 0, sizeof(o));
	o.format = formats[data[0] & 3];
	o.field = data[0] & 4 ? "a.b" : "remote_addr";
	o.weight_field = data[0] & 8 ? "w" : NULL;
	o.column = 1 + (data[0] >> 4 & 3);
	o.since = data[0] & 64 ? 1795860000 : 0;
	o.time_field = data[0] & 128 ? "t" : NULL;
	o.time_column = o.column % 4 + 1;
	if ((fd = memfd_create("fuzz-log", MFD_CLOEXEC)) < 0)
		abort();
	if (write(fd, data + 1, size - 1) != (ssize_t)(size - 1) || lseek(fd, 0, SEEK_SET) != 0)
		abort();
	read_log(fd, &o);
	close(fd);
	return 0;
}
