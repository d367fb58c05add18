/*
 * decompress_codec.c: the decoded bytes of a plain, gzip or zstd file. The
 * first four bytes say which; they stay in the input buffer, so nothing
 * needs to seek and standard input works as well as a file. Concatenated
 * gzip members and zstd frames (as rotation and pigz/zstd -T write them)
 * are read one after the other; input that ends inside one is an error,
 * not a short file. gzip is inflated by ISA-L's igzip where the build
 * found it (two to three times zlib's speed), else by zlib.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#include "decompress_impl.h"
#include "xalloc.h"

/* Remember why reading stopped; the stream then reports a read error. */
ssize_t
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

#ifdef HAVE_ISAL
/* ISA-L's words for its errors. */
static const char *
isal_error_name(int rc)
{
	switch (rc) {
	case ISAL_INVALID_BLOCK: return "invalid block";
	case ISAL_INVALID_SYMBOL: return "invalid symbol";
	case ISAL_INVALID_LOOKBACK: return "invalid distance";
	case ISAL_INVALID_WRAPPER: return "incorrect header check";
	case ISAL_UNSUPPORTED_METHOD: return "unknown compression method";
	case ISAL_INCORRECT_CHECKSUM: return "incorrect data check";
	default: return "cannot inflate";
	}
}

/* Inflate what input there is into out with ISA-L; a new member starts after one ends. */
static ssize_t
gzip_step(struct tp_input *in, char *out, size_t size)
{
	struct inflate_state *s = in->isal;
	int rc;

	if (in->unit_done && in->pos < in->len) {
		isal_inflate_reset(s);
		s->crc_flag = ISAL_GZIP;
		in->unit_done = 0;
	}
	s->next_in = in->buf + in->pos;
	s->avail_in = (uint32_t)(in->len - in->pos);
	s->next_out = (uint8_t *)out;
	s->avail_out = (uint32_t)size;
	rc = isal_inflate(s);
	in->pos = in->len - s->avail_in;
	if (rc < 0)
		return input_fail(in, "corrupt gzip data: %s", isal_error_name(rc));
	if (s->block_state == ISAL_BLOCK_FINISH)
		in->unit_done = 1;
	return (ssize_t)(size - s->avail_out);
}

/* Start ISA-L's inflate on a gzip member. */
static int
gzip_start(struct tp_input *in)
{
	in->isal = xmalloc(sizeof(*in->isal));
	isal_inflate_init(in->isal);
	in->isal->crc_flag = ISAL_GZIP;
	return 0;
}
#else
/* Inflate what input there is into out with zlib; a new member starts after one ends. */
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

/* Start zlib's inflate on a gzip member (15-bit window, gzip wrapper). */
static int
gzip_start(struct tp_input *in)
{
	if (inflateInit2(&in->z, 15 + 16) != Z_OK)
		return (int)input_fail(in, "cannot start zlib");
	return 0;
}
#endif

/* What inflates gzip in this build. */
const char *
codec_gzip_library(void)
{
#ifdef HAVE_ISAL
	return "ISA-L igzip";
#else
	return "zlib";
#endif
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
ssize_t
codec_decode(struct tp_input *in, char *out, size_t size)
{
	ssize_t n;

	if (in->error[0] != '\0')
		return input_fail(in, "%s", in->error);
	if (size > UINT32_MAX)
		size = UINT32_MAX;	/* zlib and ISA-L count in 32 bits */
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

/* Read the first bytes and tell the kind of file from them; start its decoder. */
int
codec_start(struct tp_input *in)
{
	static const unsigned char gz[] = { 0x1f, 0x8b }, zst[] = { 0x28, 0xb5, 0x2f, 0xfd };

	in->buf = xmalloc(INPUT_CHUNK);
	while (in->len < sizeof(zst) && !in->eof)
		if (input_fill(in) < 0)
			return -1;
	if (in->len >= sizeof(gz) && memcmp(in->buf, gz, sizeof(gz)) == 0) {
		in->kind = TP_INPUT_GZIP;
		return gzip_start(in);
	}
	if (in->len >= sizeof(zst) && memcmp(in->buf, zst, sizeof(zst)) == 0) {
		in->kind = TP_INPUT_ZSTD;
		if ((in->zs = ZSTD_createDStream()) == NULL)
			return (int)input_fail(in, "cannot start libzstd");
		return 0;
	}
	in->kind = TP_INPUT_PLAIN;
	return 0;
}

/* Free what the decoder of the file's kind holds. */
void
codec_end(struct tp_input *in)
{
#ifdef HAVE_ISAL
	free(in->isal);
#else
	if (in->kind == TP_INPUT_GZIP)
		inflateEnd(&in->z);
#endif
	ZSTD_freeDStream(in->zs);
	free(in->buf);
}
