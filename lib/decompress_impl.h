/*
 * decompress_impl.h: the inside of struct tp_input, shared by
 * decompress.c (the stream, the decoder thread, the line reader) and
 * decompress_codec.c (the bytes of each kind of file).
 */
#ifndef TP_DECOMPRESS_IMPL_H
#define TP_DECOMPRESS_IMPL_H

#include <pthread.h>
#include <stdio.h>
#include <sys/types.h>

#include <zlib.h>
#include <zstd.h>

#include "decompress.h"

/* Compressed bytes read from the file at a time. */
#define INPUT_CHUNK (128 * 1024)
/* The decoded buffers: how many the decoder thread keeps, and their size. */
#define DECODE_SLOTS 4
#define DECODE_SLOT (256 * 1024)

struct inflate_state;

/* One buffer of decoded bytes, full when handed to the reader. */
struct decode_slot {
	char *data;
	size_t len;
};

struct tp_input {
	char *name;		/* for messages: the path, or "stdin" */
	int fd, own_fd;
	enum tp_input_kind kind;
	FILE *f;		/* the stdio stream */
	unsigned char *buf;	/* compressed input */
	size_t len, pos;
	int eof;		/* the file has no more bytes */
	int unit_done;		/* the last gzip member / zstd frame ended */
	z_stream z;		/* zlib's inflate, where ISA-L is absent */
	struct inflate_state *isal;	/* ISA-L's inflate */
	ZSTD_DStream *zs;
	char error[256];	/* why reading stopped, "" if it did not */

	/* The decoder thread (compressed kinds); the fields below take the lock. */
	pthread_t thread;
	int threaded;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct decode_slot slots[DECODE_SLOTS];
	size_t head, nfull;	/* the reader's slot; slots full */
	int decoded_all;	/* the decoder stopped: end of input or error */
	int stop;		/* the reader is closing */

	/* The reader's side: the chunk of decoded bytes it is in. */
	char *chunk;		/* the head slot's data, or plain_buf */
	size_t chunk_len, chunk_pos;
	int holds_slot;		/* chunk is the head slot, released when used up */
	char *plain_buf;	/* a plain file's chunk */
	char *carry;		/* a line that crosses chunks, put together */
	size_t carry_len, carry_cap;
};

/* Remember why reading stopped (the first reason wins); -1 with errno EIO. */
ssize_t input_fail(struct tp_input *in, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Read the first bytes, set in->kind and start its decoder; -1 with in->error. */
int codec_start(struct tp_input *in);
/* Up to size decoded bytes; 0 at the clean end, -1 with in->error set. */
ssize_t codec_decode(struct tp_input *in, char *out, size_t size);
/* Free the decoder's state. */
void codec_end(struct tp_input *in);
/* "ISA-L igzip" or "zlib": what inflates gzip in this build. */
const char *codec_gzip_library(void);

#endif
