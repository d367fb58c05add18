/*
 * decompress.c: a plain, gzip or zstd file read as lines or as a stdio
 * stream (decompress_codec.c decodes the bytes). Compressed input is
 * decoded by a thread of its own, a few buffers ahead of the reader, so
 * decompression and the caller's parsing use two cores. The line reader
 * hands out lines where they lie in the decoded buffers; only a line that
 * crosses from one buffer into the next is copied.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decompress_impl.h"
#include "xalloc.h"

/* stdio's buffer of decompressed bytes. */
#define INPUT_STDIO_BUF (64 * 1024)

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
			if ((n = codec_decode(in, in->slots[tail].data + len, DECODE_SLOT - len)) <= 0)
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

/* Give the head slot back to the decoder. */
static void
release_slot(struct tp_input *in)
{
	pthread_mutex_lock(&in->lock);
	in->head = (in->head + 1) % DECODE_SLOTS;
	in->nfull--;
	pthread_cond_broadcast(&in->changed);
	pthread_mutex_unlock(&in->lock);
	in->holds_slot = 0;
}

/*
 * Move on to the next chunk of decoded bytes (the decoder's next full
 * slot, or a read of a plain file): its length, 0 at the end, -1 on error.
 */
static ssize_t
next_chunk(struct tp_input *in)
{
	ssize_t n;

	in->chunk_pos = in->chunk_len = 0;
	if (!in->threaded) {
		in->chunk = in->plain_buf;
		if ((n = codec_decode(in, in->plain_buf, DECODE_SLOT)) > 0)
			in->chunk_len = (size_t)n;
		return n;
	}
	if (in->holds_slot)
		release_slot(in);
	pthread_mutex_lock(&in->lock);
	while (in->nfull == 0 && !in->decoded_all)
		pthread_cond_wait(&in->changed, &in->lock);
	n = in->nfull > 0 ? (ssize_t)in->slots[in->head].len : 0;
	pthread_mutex_unlock(&in->lock);
	if (n == 0 && in->error[0] != '\0') {
		errno = EIO;
		return -1;
	}
	in->chunk = in->slots[in->head].data;	/* the decoder leaves full slots alone */
	in->chunk_len = (size_t)n;
	in->holds_slot = n > 0;
	return n;
}

/* fopencookie's read: the decoded bytes, chunk by chunk. */
static ssize_t
input_read(void *cookie, char *out, size_t size)
{
	struct tp_input *in = cookie;
	size_t n;
	ssize_t r;

	if (in->chunk_pos == in->chunk_len && (r = next_chunk(in)) <= 0)
		return r;
	n = in->chunk_len - in->chunk_pos < size ? in->chunk_len - in->chunk_pos : size;
	memcpy(out, in->chunk + in->chunk_pos, n);
	in->chunk_pos += n;
	return (ssize_t)n;
}

/* Append n bytes at p to the line being put together. */
static void
carry_append(struct tp_input *in, const char *p, size_t n)
{
	if (in->carry_len + n > in->carry_cap) {
		in->carry_cap = in->carry_len + n > 2 * in->carry_cap ? in->carry_len + n :
		    2 * in->carry_cap;
		in->carry = xreallocarray(in->carry, in->carry_cap, 1);
	}
	memcpy(in->carry + in->carry_len, p, n);
	in->carry_len += n;
}

/* The next line, without its newline; 1, 0 at the end, -1 on a read error. */
int
tp_input_line(struct tp_input *in, char **line, size_t *len)
{
	ssize_t r;

	in->carry_len = 0;	/* the line handed out last time is done with */
	for (;;) {
		if (in->chunk_pos < in->chunk_len) {
			char *p = in->chunk + in->chunk_pos;
			size_t left = in->chunk_len - in->chunk_pos;
			char *nl = memchr(p, '\n', left);

			if (nl != NULL) {
				*len = (size_t)(nl - p);
				in->chunk_pos += *len + 1;
				if (in->carry_len == 0) {
					*line = p;
					return 1;
				}
				carry_append(in, p, *len);
				break;
			}
			carry_append(in, p, left);
			in->chunk_pos = in->chunk_len;
		}
		if ((r = next_chunk(in)) < 0)
			return -1;
		if (r == 0) {
			if (in->carry_len == 0)
				return 0;
			break;	/* the last line has no newline */
		}
	}
	*line = in->carry;
	*len = in->carry_len;
	return 1;
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
	if (codec_start(in) < 0 || (in->kind != TP_INPUT_PLAIN && start_decoder(in) < 0)) {
		tp_err_set(err, "%s: %s", in->name, in->error);
		goto fail;
	}
	if (!in->threaded)
		in->plain_buf = xmalloc(DECODE_SLOT);
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

/* What inflates gzip in this build. */
const char *
tp_input_gzip_library(void)
{
	return codec_gzip_library();
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
	codec_end(in);
	if (in->own_fd)
		close(in->fd);
	free(in->plain_buf);
	free(in->carry);
	free(in->name);
	free(in);
	return rc;
}
