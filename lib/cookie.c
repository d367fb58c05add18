/*
 * cookie.c: stateless probe cookies. id/seq are 32 bits of SipHash-2-4
 * (libsodium crypto_shorthash) under the key's first subkey over
 * ('I', round, family, address); the payload MAC is SipHash-2-4 under the
 * second subkey over ('M', round, family, address, send time). The
 * subkeys come from tp_key_from_bytes, so each probe costs one or two
 * SipHash calls.
 */
#include <string.h>
#include <sys/socket.h>

#include <sodium.h>

#include "cookie.h"

/* Largest hash input: tag, round, family, 16 address bytes, send time (or port and flow). */
#define COOKIE_MAX_INPUT (1 + 4 + 1 + 16 + 8)
#define COOKIE_MAC_LEN 8
#define COOKIE_OFF_ROUND 4
#define COOKIE_OFF_SEND 8
#define COOKIE_OFF_MAC 16

_Static_assert(COOKIE_OFF_MAC + COOKIE_MAC_LEN == TP_PAYLOAD_LEN, "payload layout");
_Static_assert(crypto_shorthash_BYTES == COOKIE_MAC_LEN, "siphash output");

/* Store v big-endian in 4 bytes. */
static inline void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Store v big-endian in 8 bytes. */
static inline void
put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

/* Read 4 big-endian bytes. */
static inline uint32_t
get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Read 8 big-endian bytes. */
static inline uint64_t
get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

/*
 * Lay out (tag, round, family, address) in buf and return its length; the
 * family is written as 4 or 6 so the hash is the same on every platform.
 * An address of unknown family hashes as family 0 with no bytes.
 */
static inline size_t
cookie_input(uint8_t *buf, char tag, uint32_t round, const struct tp_addr *a)
{
	size_t n;

	buf[0] = (uint8_t)tag;
	put_be32(buf + 1, round);
	switch (a->family) {
	case AF_INET:
		buf[5] = 4;
		n = 4;
		break;
	case AF_INET6:
		buf[5] = 6;
		n = 16;
		break;
	default:
		buf[5] = 0;
		n = 0;
		break;
	}
	memcpy(buf + 6, a->bytes, n);
	return 6 + n;
}

/*
 * The 32 id/seq bits for (round, dst, flow), as 4 bytes. Flow 0 hashes
 * (round, dst) alone, so one probe per target is what it always was.
 */
static inline void
cookie_idseq_bytes(const struct tp_key *key, uint32_t round, const struct tp_addr *dst,
    unsigned flow, uint8_t out[4])
{
	uint8_t in[COOKIE_MAX_INPUT], h[crypto_shorthash_BYTES];
	size_t n = cookie_input(in, 'I', round, dst);

	if (flow > 0)
		in[n++] = (uint8_t)flow;
	crypto_shorthash(h, in, n, key->sub[0]);
	memcpy(out, h, 4);
}

/* The 64-bit payload MAC for (round, dst, send_us). */
static inline void
cookie_mac(const struct tp_key *key, uint32_t round, const struct tp_addr *dst,
    uint64_t send_us, uint8_t out[COOKIE_MAC_LEN])
{
	uint8_t in[COOKIE_MAX_INPUT];
	size_t n = cookie_input(in, 'M', round, dst);

	put_be64(in + n, send_us);
	crypto_shorthash(out, in, n + 8, key->sub[1]);
}

/* The id and seq to put in a probe to dst in round. */
void
cookie_idseq(const struct tp_key *key, uint32_t round, const struct tp_addr *dst,
    uint16_t *id, uint16_t *seq)
{
	cookie_idseq_flow(key, round, dst, 0, id, seq);
}

/* The id and seq of flow flow's probe to dst in round. */
void
cookie_idseq_flow(const struct tp_key *key, uint32_t round, const struct tp_addr *dst,
    unsigned flow, uint16_t *id, uint16_t *seq)
{
	uint8_t b[4];

	cookie_idseq_bytes(key, round, dst, flow, b);
	*id = (uint16_t)(b[0] << 8 | b[1]);
	*seq = (uint16_t)(b[2] << 8 | b[3]);
}

/* The SYN-ACK's sequence and acknowledgment numbers for (round, dst, port, flow). */
void
cookie_tcp(const struct tp_key *key, uint32_t round, const struct tp_addr *dst,
    uint16_t port, unsigned flow, uint32_t *seq, uint32_t *ack)
{
	uint8_t in[COOKIE_MAX_INPUT], h[crypto_shorthash_BYTES];
	size_t n = cookie_input(in, 'T', round, dst);

	in[n++] = (uint8_t)(port >> 8);
	in[n++] = (uint8_t)port;
	in[n++] = (uint8_t)flow;
	crypto_shorthash(h, in, n, key->sub[0]);
	*ack = get_be32(h);
	*seq = get_be32(h + 4);
}

/* Fill out[TP_PAYLOAD_LEN]: magic, round, send time, MAC. */
void
cookie_payload(const struct tp_key *key, uint32_t round, const struct tp_addr *dst,
    uint64_t send_us, uint8_t out[TP_PAYLOAD_LEN])
{
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result): 4 bytes of magic, no NUL */
	memcpy(out, TP_PAYLOAD_MAGIC, 4);
	put_be32(out + COOKIE_OFF_ROUND, round);
	put_be64(out + COOKIE_OFF_SEND, send_us);
	cookie_mac(key, round, dst, send_us, out + COOKIE_OFF_MAC);
}

/* The round a payload names, when it carries the magic. */
int
cookie_payload_round(const uint8_t *payload, size_t len, uint32_t *round)
{
	if (payload == NULL || len < TP_PAYLOAD_LEN || memcmp(payload, TP_PAYLOAD_MAGIC, 4) != 0)
		return 0;
	*round = get_be32(payload + COOKIE_OFF_ROUND);
	return 1;
}

/* Judge a reply from src: forged, id/seq only, or fully verified with its send time. */
enum tp_verdict
cookie_verify(const struct tp_key *key, uint32_t round,
    const struct tp_addr *src, uint16_t id, uint16_t seq,
    const uint8_t *payload, size_t len, uint64_t *send_us)
{
	return cookie_verify_flows(key, round, src, id, seq, payload, len, 1, send_us, NULL);
}

/* The same for flows 0 .. nflows - 1; *flow says whose id/seq matched. */
enum tp_verdict
cookie_verify_flows(const struct tp_key *key, uint32_t round,
    const struct tp_addr *src, uint16_t id, uint16_t seq,
    const uint8_t *payload, size_t len, unsigned nflows, uint64_t *send_us, unsigned *flow)
{
	uint8_t want[4], got[4], mac[COOKIE_MAC_LEN];
	uint64_t sent;
	unsigned f;

	if (src->family != AF_INET && src->family != AF_INET6)
		return TP_REPLY_FORGED;
	got[0] = (uint8_t)(id >> 8);
	got[1] = (uint8_t)id;
	got[2] = (uint8_t)(seq >> 8);
	got[3] = (uint8_t)seq;
	/* The flow is not in the reply: try each (flow 0 first, the common case). */
	for (f = 0; f < nflows; f++) {
		cookie_idseq_bytes(key, round, src, f, want);
		if (sodium_memcmp(want, got, sizeof(want)) == 0)
			break;
	}
	if (f == nflows)
		return TP_REPLY_FORGED;
	if (flow != NULL)
		*flow = f;
	if (payload == NULL || len < TP_PAYLOAD_LEN ||
	    memcmp(payload, TP_PAYLOAD_MAGIC, 4) != 0 ||
	    get_be32(payload + COOKIE_OFF_ROUND) != round)
		return TP_REPLY_IDSEQ;
	sent = get_be64(payload + COOKIE_OFF_SEND);
	cookie_mac(key, round, src, sent, mac);
	if (sodium_memcmp(mac, payload + COOKIE_OFF_MAC, COOKIE_MAC_LEN) != 0)
		return TP_REPLY_IDSEQ;
	if (send_us != NULL)
		*send_us = sent;
	return TP_REPLY_FULL;
}
