/*
 * decompress.c: a stdio stream over a plain, gzip or zstd file. The first
 * four bytes say which; they stay in the input buffer, so nothing needs to
 * seek and standard input works as well as a file. Concatenated gzip
 * members and zstd frames (as rotation and pigz/zstd -T write them) are
 * read one after the other; input that ends inside one is an error, not a
 * short file. Compressed input is decoded by a thread of its own, a few
 * buffers ahead of the reader, so decompression and the caller's parsing
 * use two cores.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>
#include <zstd.h>

#include "decompress.h"
#include "xalloc.h"

/* Compressed bytes read from the file at a time. */
#define INPUT_CHUNK (128 * 1024)
/* stdio's buffer of decompressed bytes. */
#define INPUT_STDIO_BUF (64 * 1024)
/* The decoder thread's buffers: how many, and their size. */
#define DECODE_SLOTS 4
#define DECODE_SLOT (256 * 1024)

/* One buffer of decoded bytes, full when handed to the reader. */
struct decode_slot {
	char *data;
	size_t len;
};

struct tp_input {
	char *name;		/* for messages: the path, or "stdin" */
	int fd, own_fd;
	enum tp_input_kind kind;
	FILE *f;
	unsigned char *buf;	/* compressed input */
	size_t len, pos;
	int eof;		/* the file has no more bytes */
	int unit_done;		/* the last gzip member / zstd frame ended */
	z_stream z;
	ZSTD_DStream *zs;
	char error[256];	/* why reading stopped, "" if it did not */

	/* The decoder thread (compressed kinds); the fields below take the lock. */
	pthread_t thread;
	int threaded;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct decode_slot slots[DECODE_SLOTS];
	size_t head, nfull;	/* the reader's slot; slots full */
	size_t head_pos;	/* bytes of the head slot already read */
	int decoded_all;	/* the decoder stopped: end of input or error */
	int stop;		/* the reader is closing */
};

/* Remember why reading stopped; the stream then reports a read error. */
static ssize_t __attribute__((format(printf, 2, 3)))
input_fail(struct tp_input *in, const char *fmt, ...)
{
	va_list ap;

	if (in->error[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(in->error, sizeof(in->error), fmt, ap);
		va_end(ap);
	}
	errno = EIO;
	return -1;
}

/* Append what the file has next to the input buffer (after dropping what was used). */
static int
input_fill(struct tp_input *in)
{
	ssize_t n;

	if (in->pos == 0 && in->len == INPUT_CHUNK)
		return (int)input_fail(in, "no progress decoding a full buffer");
	if (in->pos > 0) {
		memmove(in->buf, in->buf + in->pos, in->len - in->pos);
		in->len -= in->pos;
		in->pos = 0;
	}
	do
		n = read(in->fd, in->buf + in->len, INPUT_CHUNK - in->len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return (int)input_fail(in, "read error: %s", strerror(errno));
	if (n == 0)
		in->eof = 1;
	in->len += (size_t)n;
	return 0;
}

/* Copy buffered bytes of a plain file, then read straight into out. */
static ssize_t
plain_step(struct tp_input *in, char *out, size_t size)
{
	size_t n = in->len - in->pos;
	ssize_t r;

	if (n > 0) {
		if (n > size)
			n = size;
		memcpy(out, in->buf + in->pos, n);
		in->pos += n;
		return (ssize_t)n;
	}
	do
		r = read(in->fd, out, size);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return input_fail(in, "read error: %s", strerror(errno));
	if (r == 0)
		in->eof = 1;
	return r;
}

/* Inflate what input there is into out; a new member starts after one ends. */
static ssize_t
gzip_step(struct tp_input *in, char *out, size_t size)
{
	int rc;

	if (in->unit_done && in->pos < in->len) {
		inflateReset(&in->z);
		in->unit_done = 0;
	}
	in->z.next_in = in->buf + in->pos;
	in->z.avail_in = (uInt)(in->len - in->pos);
	in->z.next_out = (Bytef *)out;
	in->z.avail_out = (uInt)size;
	rc = inflate(&in->z, Z_NO_FLUSH);
	in->pos = in->len - in->z.avail_in;
	if (rc == Z_STREAM_END)
		in->unit_done = 1;
	else if (rc != Z_OK && rc != Z_BUF_ERROR)
		return input_fail(in, "corrupt gzip data: %s", in->z.msg != NULL ?
		    in->z.msg : zError(rc));
	return (ssize_t)(size - in->z.avail_out);
}

/* Decompress what input there is into out; frames follow one another. */
static ssize_t
zstd_step(struct tp_input *in, char *out, size_t size)
{
	ZSTD_inBuffer src = { in->buf + in->pos, in->len - in->pos, 0 };
	ZSTD_outBuffer dst = { out, size, 0 };
	size_t rc;

	if (src.size == 0 && in->unit_done)
		return 0;
	rc = ZSTD_decompressStream(in->zs, &dst, &src);
	if (ZSTD_isError(rc))
		return input_fail(in, "corrupt zstd data: %s", ZSTD_getErrorName(rc));
	in->pos += src.pos;
	in->unit_done = rc == 0;
	return (ssize_t)dst.pos;
}

/* Up to size decoded bytes; 0 at the clean end, -1 with in->error set. */
static ssize_t
decode(struct tp_input *in, char *out, size_t size)
{
	ssize_t n;

	if (in->error[0] != '\0')
		return input_fail(in, "%s", in->error);
	if (size > UINT32_MAX)
		size = UINT32_MAX;	/* zlib counts in uInt */
	for (;;) {
		size_t before;

		if (in->kind == TP_INPUT_PLAIN) {
			n = plain_step(in, out, size);
			if (n != 0 || in->eof)
				return n;
			continue;
		}
		if (in->pos == in->len && !in->eof && input_fill(in) < 0)
			return -1;
		before = in->pos;
		n = in->kind == TP_INPUT_GZIP ? gzip_step(in, out, size) :
		    zstd_step(in, out, size);
		if (n != 0)
			return n;
		if (in->eof && (in->pos == in->len || in->pos == before))
			return in->unit_done && in->pos == in->len ? 0 :
			    input_fail(in, "truncated %s data (the file ends inside a "
			    "compressed block)", tp_input_kind_name(in->kind));
		/* No output: the decoder wants more than the bytes it has. */
		if (in->pos == before && input_fill(in) < 0)
			return -1;
	}
}

/* The decoder thread: fill free slots until the input ends, fails, or the reader closes. */
static void *
decoder_main(void *arg)
{
	struct tp_input *in = arg;
	size_t tail = 0, len;
	ssize_t n = 1;

	while (n > 0) {
		pthread_mutex_lock(&in->lock);
		while (in->nfull == DECODE_SLOTS && !in->stop)
			pthread_cond_wait(&in->changed, &in->lock);
		if (in->stop) {
			pthread_mutex_unlock(&in->lock);
			break;
		}
		pthread_mutex_unlock(&in->lock);
		for (len = 0; len < DECODE_SLOT; len += (size_t)n)
			if ((n = decode(in, in->slots[tail].data + len, DECODE_SLOT - len)) <= 0)
				break;
		pthread_mutex_lock(&in->lock);
		in->slots[tail].len = len;
		if (len > 0) {
			tail = (tail + 1) % DECODE_SLOTS;
			in->nfull++;
		}
		in->decoded_all = n <= 0;
		pthread_cond_broadcast(&in->changed);
		pthread_mutex_unlock(&in->lock);
	}
	return NULL;
}

/* fopencookie's read: decoded bytes from the decoder's slots, or straight from a plain file. */
static ssize_t
input_read(void *cookie, char *out, size_t size)
{
	struct tp_input *in = cookie;
	struct decode_slot *slot;
	size_t n;

	if (!in->threaded)
		return decode(in, out, size);
	pthread_mutex_lock(&in->lock);
	while (in->nfull == 0 && !in->decoded_all)
		pthread_cond_wait(&in->changed, &in->lock);
	if (in->nfull == 0) {
		pthread_mutex_unlock(&in->lock);
		if (in->error[0] == '\0')
			return 0;
		errno = EIO;
		return -1;
	}
	pthread_mutex_unlock(&in->lock);
	slot = &in->slots[in->head];	/* the decoder leaves full slots alone */
	n = slot->len - in->head_pos < size ? slot->len - in->head_pos : size;
	memcpy(out, slot->data + in->head_pos, n);
	in->head_pos += n;
	if (in->head_pos == slot->len) {
		pthread_mutex_lock(&in->lock);
		in->head = (in->head + 1) % DECODE_SLOTS;
		in->head_pos = 0;
		in->nfull--;
		pthread_cond_broadcast(&in->changed);
		pthread_mutex_unlock(&in->lock);
	}
	return (ssize_t)n;
}

/* Start the decoder thread of a compressed input. */
static int
start_decoder(struct tp_input *in)
{
	size_t i;
	int rc;

	for (i = 0; i < DECODE_SLOTS; i++)
		in->slots[i].data = xmalloc(DECODE_SLOT);
	pthread_mutex_init(&in->lock, NULL);
	pthread_cond_init(&in->changed, NULL);
	if ((rc = pthread_create(&in->thread, NULL, decoder_main, in)) != 0) {
		pthread_cond_destroy(&in->changed);
		pthread_mutex_destroy(&in->lock);
		return (int)input_fail(in, "cannot start the decoder thread: %s", strerror(rc));
	}
	in->threaded = 1;
	return 0;
}

/* Stop the decoder thread (it may be waiting for a free slot) and free its buffers. */
static void
stop_decoder(struct tp_input *in)
{
	size_t i;

	if (in->threaded) {
		pthread_mutex_lock(&in->lock);
		in->stop = 1;
		pthread_cond_broadcast(&in->changed);
		pthread_mutex_unlock(&in->lock);
		pthread_join(in->thread, NULL);
		pthread_cond_destroy(&in->changed);
		pthread_mutex_destroy(&in->lock);
		in->threaded = 0;
	}
	for (i = 0; i < DECODE_SLOTS; i++)
		free(in->slots[i].data);
}

/* fopencookie's close: the caller's tp_input_close frees everything. */
static int
input_cookie_close(void *cookie)
{
	(void)cookie;
	return 0;
}

/* Read the first bytes and tell the kind of file from them. */
static int
input_detect(struct tp_input *in)
{
	static const unsigned char gz[] = { 0x1f, 0x8b }, zst[] = { 0x28, 0xb5, 0x2f, 0xfd };

	while (in->len < sizeof(zst) && !in->eof)
		if (input_fill(in) < 0)
			return -1;
	if (in->len >= sizeof(gz) && memcmp(in->buf, gz, sizeof(gz)) == 0) {
		in->kind = TP_INPUT_GZIP;
		if (inflateInit2(&in->z, 15 + 16) != Z_OK)
			return (int)input_fail(in, "cannot start zlib");
	} else if (in->len >= sizeof(zst) && memcmp(in->buf, zst, sizeof(zst)) == 0) {
		in->kind = TP_INPUT_ZSTD;
		if ((in->zs = ZSTD_createDStream()) == NULL)
			return (int)input_fail(in, "cannot start libzstd");
	} else
		in->kind = TP_INPUT_PLAIN;
	return 0;
}

/* Open path ("-" = standard input) as a plain, gzip or zstd stream. */
int
tp_input_open(const char *path, struct tp_input **out, struct tp_err *err)
{
	cookie_io_functions_t io = { .read = input_read, .close = input_cookie_close };
	struct tp_input *in;

	*out = NULL;
	in = xcalloc(1, sizeof(*in));
	in->fd = -1;
	in->name = xstrdup(strcmp(path, "-") == 0 ? "stdin" : path);
	if (strcmp(path, "-") == 0)
		in->fd = STDIN_FILENO;
	else if ((in->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		tp_err_set(err, "%s: cannot open: %s", path, strerror(errno));
		goto fail;
	}
	in->own_fd = in->fd != STDIN_FILENO;
	in->buf = xmalloc(INPUT_CHUNK);
	if (input_detect(in) < 0 || (in->kind != TP_INPUT_PLAIN && start_decoder(in) < 0)) {
		tp_err_set(err, "%s: %s", in->name, in->error);
		goto fail;
	}
	if ((in->f = fopencookie(in, "r", io)) == NULL) {
		tp_err_set(err, "%s: cannot open a stream: %s", in->name, strerror(errno));
		goto fail;
	}
	setvbuf(in->f, NULL, _IOFBF, INPUT_STDIO_BUF);
	*out = in;
	return 0;
fail:
	tp_input_close(in, NULL);
	return -1;
}

/* The decompressed stream. */
FILE *
tp_input_file(struct tp_input *in)
{
	return in->f;
}

/* Which kind of file the first bytes showed. */
enum tp_input_kind
tp_input_kind(const struct tp_input *in)
{
	return in->kind;
}

/* The kind's name for messages. */
const char *
tp_input_kind_name(enum tp_input_kind k)
{
	return k == TP_INPUT_GZIP ? "gzip" : k == TP_INPUT_ZSTD ? "zstd" : "plain";
}

/* Close the stream and the file; -1 naming the file if reading stopped on an error. */
int
tp_input_close(struct tp_input *in, struct tp_err *err)
{
	int rc = 0;

	if (in == NULL)
		return 0;
	stop_decoder(in);
	if (in->error[0] != '\0')
		rc = tp_err_set(err, "%s: %s", in->name, in->error);
	else if (in->f != NULL && ferror(in->f))
		rc = tp_err_set(err, "%s: read error", in->name);
	if (in->f != NULL)
		fclose(in->f);
	if (in->kind == TP_INPUT_GZIP)
		inflateEnd(&in->z);
	ZSTD_freeDStream(in->zs);
	if (in->own_fd)
		close(in->fd);
	free(in->buf);
	free(in->name);
	free(in);
	return rc;
}
