/* escape.c: terminal-safe copies of outside text (see escape.h). */
#include <stdio.h>
#include <string.h>

#include "escape.h"

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes) for a code
 * point from U+00A0 up, or 0 when the bytes there are not one (an invalid
 * or overlong sequence, a surrogate, or a C1 control).
 */
static size_t
utf8_printable(const unsigned char *s, size_t n)
{
	unsigned cp, i, len;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < 0xa0 || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* 1 when byte c is written as \xNN. */
static int
needs_escape(unsigned char c, int flags)
{
	if (c == '\t' && (flags & TP_ESC_KEEP_TAB))
		return 0;
	return c < 0x20 || c == 0x7f || c >= 0x80 ||
	    ((flags & TP_ESC_QUOTES) && (c == '"' || c == '\\'));
}

/* Copy s[0..n) escaped into buf (see escape.h). */
char *
tp_escape_n(const char *s, size_t n, int flags, char *buf, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0, in, outlen;
	char piece[5];
	const char *out;

	if (len == 0)
		return buf;
	while (i < n) {
		if (u[i] >= 0x80 && (in = utf8_printable(u + i, n - i)) > 0) {
			out = s + i;
			outlen = in;
		} else if (needs_escape(u[i], flags)) {
			snprintf(piece, sizeof(piece), "\\x%02x", u[i]);
			out = piece;
			outlen = 4;
			in = 1;
		} else {
			out = s + i;
			outlen = in = 1;
		}
		/* Keep room for "..." unless this piece ends the text. */
		if (o + outlen + (i + in < n ? 3 : 0) >= len) {
			if (o + 3 < len) {
				memcpy(buf + o, "...", 3);
				o += 3;
			}
			break;
		}
		memcpy(buf + o, out, outlen);
		o += outlen;
		i += in;
	}
	buf[o] = '\0';
	return buf;
}

/* Escape a NUL-terminated string. */
char *
tp_escape(const char *s, int flags, char *buf, size_t len)
{
	return tp_escape_n(s, strlen(s), flags, buf, len);
}
