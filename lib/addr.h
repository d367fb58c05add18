/* addr.h: IPv4 and IPv6 addresses and CIDR prefixes, in binary. */
#ifndef TP_ADDR_H
#define TP_ADDR_H

#include <stdint.h>
#include <stddef.h>
#include <sys/socket.h>

#include "error.h"

/* Longest text form of an address or prefix, with the NUL. */
#define TP_ADDR_STRLEN 46
#define TP_PREFIX_STRLEN 50

/*
 * An address: family is AF_INET or AF_INET6; bytes holds it in network
 * order (4 or 16 bytes used, the rest zero, so memcmp of equal families is
 * address order).
 */
struct tp_addr {
	uint8_t family;
	uint8_t bytes[16];
};

/* A prefix: its address with the host bits zero, and its length. */
struct tp_prefix {
	struct tp_addr addr;
	uint8_t len;
};

/* Number of bytes an address of this family uses: 4 or 16 (0 if unknown). */
size_t tp_addr_size(int family);

/* Parse "192.0.2.1" or "2001:db8::1"; -1 with a reason on anything else. */
int tp_addr_parse(const char *s, struct tp_addr *a, struct tp_err *err);
/* Format into buf (TP_ADDR_STRLEN bytes at least); returns buf. */
char *tp_addr_format(const struct tp_addr *a, char *buf, size_t len);
/* Order: IPv4 before IPv6, then by address; <0, 0, >0. */
int tp_addr_cmp(const struct tp_addr *a, const struct tp_addr *b);
/* Build an address from len raw bytes (4 or 16); -1 for another length. */
int tp_addr_from_bytes(struct tp_addr *a, const void *bytes, size_t len);

/*
 * Parse "198.18.0.0/15" or "2001:db8::/32"; host bits must be zero (else
 * -1: "host bits set"). A bare address is a /32 or /128.
 */
int tp_prefix_parse(const char *s, struct tp_prefix *p, struct tp_err *err);
/* Format "addr/len" into buf (TP_PREFIX_STRLEN bytes at least); returns buf. */
char *tp_prefix_format(const struct tp_prefix *p, char *buf, size_t len);
/* 1 when a lies inside p (same family, first p->len bits equal), else 0. */
int tp_prefix_contains(const struct tp_prefix *p, const struct tp_addr *a);
/* 1 when inner lies wholly inside outer. */
int tp_prefix_covers(const struct tp_prefix *outer, const struct tp_prefix *inner);
/* Zero every bit of a past the first len bits (to find a's /24 or /48). */
void tp_addr_mask(struct tp_addr *a, unsigned len);

#endif
