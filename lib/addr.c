/* addr.c: parse, format, compare and mask IPv4 and IPv6 addresses and prefixes. */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"

/* Longest text we try to parse; anything longer cannot be an address. */
#define ADDR_TEXT_MAX 64

/* Bytes an address of this family uses: 4, 16, or 0 for anything else. */
size_t
tp_addr_size(int family)
{
	switch (family) {
	case AF_INET:
		return 4;
	case AF_INET6:
		return 16;
	default:
		return 0;
	}
}

/* Number of bits in an address of this family: 32, 128, or 0. */
static unsigned
addr_bits(int family)
{
	return (unsigned)tp_addr_size(family) * 8;
}

/*
 * Parse a dotted-quad IPv4 address strictly: exactly four decimal octets,
 * each 0-255, no leading zeros (which some parsers read as octal).
 */
static int
addr_parse_v4(const char *s, struct tp_addr *a, struct tp_err *err)
{
	uint8_t out[4];
	const char *p = s;
	int n = 0;

	for (;;) {
		unsigned val = 0;
		int digits = 0;
		const char *start = p;

		while (*p >= '0' && *p <= '9') {
			val = val * 10 + (unsigned)(*p - '0');
			if (++digits > 3)
				break;
			p++;
		}
		if (digits == 0) {
			if (*p == '.' || *p == '\0')
				return tp_err_set(err, "bad address \"%s\": "
				    "empty octet", s);
			return tp_err_set(err, "bad address \"%s\": "
			    "unexpected character '%c'", s, *p);
		}
		if (digits > 3 || val > 255)
			return tp_err_set(err, "bad address \"%s\": octet "
			    "\"%.*s\" is above 255", s,
			    (int)strspn(start, "0123456789"), start);
		if (digits > 1 && *start == '0')
			return tp_err_set(err, "bad address \"%s\": octet "
			    "\"%.*s\" has a leading zero (ambiguous: octal "
			    "or decimal?)", s, digits, start);
		if (n == 4)
			return tp_err_set(err, "bad address \"%s\": more "
			    "than 4 octets", s);
		out[n++] = (uint8_t)val;
		if (*p == '\0')
			break;
		if (*p != '.')
			return tp_err_set(err, "bad address \"%s\": "
			    "unexpected character '%c'", s, *p);
		p++;
	}
	if (n < 4)
		return tp_err_set(err, "bad address \"%s\": only %d of 4 "
		    "octets", s, n);
	memset(a, 0, sizeof(*a));
	a->family = AF_INET;
	memcpy(a->bytes, out, 4);
	return 0;
}

/* Parse an IPv6 address (inet_pton), naming the most likely fault on failure. */
static int
addr_parse_v6(const char *s, struct tp_addr *a, struct tp_err *err)
{
	struct in6_addr in6;
	const char *first;

	if (inet_pton(AF_INET6, s, &in6) == 1) {
		memset(a, 0, sizeof(*a));
		a->family = AF_INET6;
		memcpy(a->bytes, &in6, 16);
		return 0;
	}
	if (strchr(s, '%') != NULL)
		return tp_err_set(err, "bad address \"%s\": zone indexes "
		    "(%%IFACE) are not allowed", s);
	first = strstr(s, "::");
	if (first != NULL && strstr(first + 1, "::") != NULL)
		return tp_err_set(err, "bad address \"%s\": \"::\" may "
		    "appear only once", s);
	if (s[strspn(s, "0123456789abcdefABCDEF:.")] != '\0')
		return tp_err_set(err, "bad address \"%s\": unexpected "
		    "character '%c'", s, s[strspn(s,
		    "0123456789abcdefABCDEF:.")]);
	return tp_err_set(err, "bad address \"%s\": not a valid IPv6 "
	    "address (wrong number of groups, or a group above ffff)", s);
}

/* Parse an IPv4 or IPv6 address in text form into binary. */
int
tp_addr_parse(const char *s, struct tp_addr *a, struct tp_err *err)
{
	size_t len;

	if (s == NULL || *s == '\0')
		return tp_err_set(err, "empty address");
	len = strlen(s);
	if (isspace((unsigned char)s[0]) || isspace((unsigned char)s[len - 1]))
		return tp_err_set(err, "bad address \"%s\": leading or "
		    "trailing space", s);
	if (len >= ADDR_TEXT_MAX)
		return tp_err_set(err, "bad address \"%.20s...\": too long "
		    "(%zu characters)", s, len);
	if (strchr(s, ':') != NULL)
		return addr_parse_v6(s, a, err);
	if (strchr(s, '.') != NULL || (*s >= '0' && *s <= '9'))
		return addr_parse_v4(s, a, err);
	return tp_err_set(err, "bad address \"%s\": neither IPv4 nor IPv6",
	    s);
}

/* Write the address in its usual text form (inet_ntop) into buf. */
char *
tp_addr_format(const struct tp_addr *a, char *buf, size_t len)
{
	if (len == 0)
		return buf;
	if (tp_addr_size(a->family) == 0 ||
	    inet_ntop(a->family, a->bytes, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
	return buf;
}

/* Order addresses: IPv4 before IPv6, then numerically. */
int
tp_addr_cmp(const struct tp_addr *a, const struct tp_addr *b)
{
	int fa = a->family == AF_INET ? 0 : 1;
	int fb = b->family == AF_INET ? 0 : 1;

	if (fa != fb)
		return fa - fb;
	return memcmp(a->bytes, b->bytes, sizeof(a->bytes));
}

/* Make an address from 4 (IPv4) or 16 (IPv6) bytes in network order. */
int
tp_addr_from_bytes(struct tp_addr *a, const void *bytes, size_t len)
{
	if (len != 4 && len != 16)
		return -1;
	memset(a, 0, sizeof(*a));
	a->family = len == 4 ? AF_INET : AF_INET6;
	memcpy(a->bytes, bytes, len);
	return 0;
}

/* Clear every bit after the first len bits; len past the width does nothing. */
void
tp_addr_mask(struct tp_addr *a, unsigned len)
{
	unsigned bits = addr_bits(a->family), i;

	if (len >= bits)
		return;
	i = len / 8;
	if (len % 8 != 0) {
		a->bytes[i] &= (uint8_t)(0xff << (8 - len % 8));
		i++;
	}
	memset(a->bytes + i, 0, sizeof(a->bytes) - i);
}

/* Parse the text after '/': decimal, no sign, no leading zero, at most max. */
static int
prefix_parse_len(const char *whole, const char *s, unsigned max,
    uint8_t *len, struct tp_err *err)
{
	unsigned val = 0;
	size_t n;

	if (*s == '\0')
		return tp_err_set(err, "bad prefix \"%s\": prefix length "
		    "missing after '/'", whole);
	n = strspn(s, "0123456789");
	if (s[n] != '\0')
		return tp_err_set(err, "bad prefix \"%s\": prefix length "
		    "\"%s\" is not a number", whole, s);
	if (n > 1 && s[0] == '0')
		return tp_err_set(err, "bad prefix \"%s\": prefix length "
		    "\"%s\" has a leading zero", whole, s);
	if (n > 3)
		return tp_err_set(err, "bad prefix \"%s\": prefix length "
		    "\"%s\" is above %u", whole, s, max);
	for (; *s != '\0'; s++)
		val = val * 10 + (unsigned)(*s - '0');
	if (val > max)
		return tp_err_set(err, "bad prefix \"%s\": prefix length "
		    "%u is above %u for %s", whole, val, max,
		    max == 32 ? "IPv4" : "IPv6");
	*len = (uint8_t)val;
	return 0;
}

/* Parse "ADDR/LEN" (or a bare address, a host prefix); host bits must be zero. */
int
tp_prefix_parse(const char *s, struct tp_prefix *p, struct tp_err *err)
{
	char text[ADDR_TEXT_MAX];
	const char *slash;
	struct tp_addr masked;
	char fix[TP_ADDR_STRLEN];
	uint8_t len = 0;
	size_t alen;

	if (s == NULL || *s == '\0')
		return tp_err_set(err, "empty prefix");
	alen = strlen(s);
	if (isspace((unsigned char)s[0]) || isspace((unsigned char)s[alen - 1]))
		return tp_err_set(err, "bad prefix \"%s\": leading or "
		    "trailing space", s);
	slash = strchr(s, '/');
	if (slash == NULL) {
		if (tp_addr_parse(s, &p->addr, err) == -1)
			return -1;
		p->len = (uint8_t)addr_bits(p->addr.family);
		return 0;
	}
	alen = (size_t)(slash - s);
	if (alen == 0)
		return tp_err_set(err, "bad prefix \"%s\": address missing "
		    "before '/'", s);
	if (alen >= sizeof(text))
		return tp_err_set(err, "bad prefix \"%.20s...\": address "
		    "too long", s);
	memcpy(text, s, alen);
	text[alen] = '\0';
	if (tp_addr_parse(text, &p->addr, err) == -1)
		return tp_err_prefix(err, "bad prefix \"%s\"", s);
	if (prefix_parse_len(s, slash + 1, addr_bits(p->addr.family), &len,
	    err) == -1)
		return -1;
	masked = p->addr;
	tp_addr_mask(&masked, len);
	if (memcmp(masked.bytes, p->addr.bytes, sizeof(masked.bytes)) != 0)
		return tp_err_set(err, "bad prefix \"%s\": host bits set "
		    "(did you mean %s/%u?)", s,
		    tp_addr_format(&masked, fix, sizeof(fix)), len);
	p->len = len;
	return 0;
}

/* Write "ADDR/LEN" into buf. */
char *
tp_prefix_format(const struct tp_prefix *p, char *buf, size_t len)
{
	char a[TP_ADDR_STRLEN];

	if (len == 0)
		return buf;
	snprintf(buf, len, "%s/%u", tp_addr_format(&p->addr, a, sizeof(a)),
	    p->len);
	return buf;
}

/* 1 when a has p's family and its first p->len bits equal p's. */
int
tp_prefix_contains(const struct tp_prefix *p, const struct tp_addr *a)
{
	unsigned full, rest;

	if (a->family != p->addr.family || p->len > addr_bits(a->family))
		return 0;
	full = p->len / 8;
	rest = p->len % 8;
	if (memcmp(a->bytes, p->addr.bytes, full) != 0)
		return 0;
	if (rest != 0) {
		uint8_t m = (uint8_t)(0xff << (8 - rest));

		if ((a->bytes[full] & m) != (p->addr.bytes[full] & m))
			return 0;
	}
	return 1;
}

/* 1 when every address of inner is also in outer. */
int
tp_prefix_covers(const struct tp_prefix *outer, const struct tp_prefix *inner)
{
	return inner->len >= outer->len &&
	    tp_prefix_contains(outer, &inner->addr);
}
