/*
 * decompress.h: open an input file that may be gzip or zstd compressed,
 * told apart by its first bytes (not its name), and read it as a plain
 * stdio stream or line by line. Decompression runs in this process through
 * ISA-L (or zlib where ISA-L is absent) and libzstd; nothing is piped
 * through gzip or zstd.
 */
#ifndef TP_DECOMPRESS_H
#define TP_DECOMPRESS_H

#include <stdio.h>

#include "error.h"

enum tp_input_kind {
	TP_INPUT_PLAIN,
	TP_INPUT_GZIP,		/* one or more gzip members (1f 8b) */
	TP_INPUT_ZSTD,		/* one or more zstd frames (28 b5 2f fd) */
};

struct tp_input;

/* Open path ("-" = standard input); -1 with "PATH: reason". */
int tp_input_open(const char *path, struct tp_input **out, struct tp_err *err);
/*
 * The decompressed bytes as a stream (read with getline, fgets, ...).
 * Read a file either through its stream or with tp_input_line, not both.
 */
FILE *tp_input_file(struct tp_input *in);
/*
 * The next line, without its newline (a last line without one counts):
 * 1 with *line and *len set, 0 at the end, -1 on a read error (close then
 * says why). The line lies in the reader's buffers: the caller may change
 * its bytes, and it stays valid until the next call.
 */
int tp_input_line(struct tp_input *in, char **line, size_t *len);
enum tp_input_kind tp_input_kind(const struct tp_input *in);
/* "plain", "gzip" or "zstd". */
const char *tp_input_kind_name(enum tp_input_kind k);
/* What inflates gzip in this build: "ISA-L igzip" or "zlib". */
const char *tp_input_gzip_library(void);
/*
 * Close and free in (NULL is fine). -1 with "PATH: reason" when reading
 * stopped on an error: a read error, corrupt or truncated compressed data.
 */
int tp_input_close(struct tp_input *in, struct tp_err *err);

#endif
