/*
 * probe_method.h: a way of probing a target, as ZMap's probe modules: how
 * its packet template is built and filled per target and flow, which
 * captured replies are its own, how a reply's cookie is checked, and the
 * capture filter for its replies. Each kind of method is a const struct
 * of callbacks (probe_method_ops) in one table; a method is a kind plus
 * its parameter (the TCP port), written as "icmp" or "tcp:PORT".
 */
#ifndef TP_PROBE_METHOD_H
#define TP_PROBE_METHOD_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "cookie.h"
#include "error.h"
#include "probe_packet.h"
#include "reply_decode.h"

/* "tcp:65535" and its NUL. */
#define PROBE_METHOD_NAME_MAX 16

struct probe_method;

struct probe_method_ops {
	const char *name;	/* "icmp", "tcp" */
	int takes_port;		/* written NAME:PORT */
	/* Build the template for local's family: a probe (PROBE_OUT) or, forging, a reply. */
	int (*make_template)(struct probe_packet *p, enum probe_direction dir,
	    const struct tp_addr *local, uint8_t ttl, struct tp_err *err);
	/* Fill the template for remote and flow with round's cookie, sent at now_us. */
	void (*make_packet)(const struct probe_method *m, struct probe_packet *p,
	    const struct tp_key *key, uint32_t round, const struct tp_addr *remote,
	    unsigned flow, uint64_t now_us);
	/* 1 when the decoded reply is of this method's kind (protocol, port). */
	int (*matches)(const struct probe_method *m, const struct reply_info *r);
	/*
	 * Check the cookie of a reply that matches, for flows 0 .. nflows - 1.
	 * Unless forged, *flow is its flow; *send_us is set with TP_REPLY_FULL.
	 */
	enum tp_verdict (*validate)(const struct probe_method *m, const struct tp_key *key,
	    uint32_t round, const struct reply_info *r, unsigned nflows, unsigned *flow,
	    uint64_t *send_us);
	/* The capture filter for its replies in family (without addresses), into buf. */
	int (*filter)(const struct probe_method *m, int family, char *buf, size_t len);
};

struct probe_method {
	const struct probe_method_ops *ops;
	uint16_t port;		/* tcp: the probed port */
};

extern const struct probe_method_ops probe_method_icmp_ops;
extern const struct probe_method_ops probe_method_tcp_ops;

/* The default method: ICMP echo. */
void probe_method_default(struct probe_method *m);
/* Parse "icmp" or "tcp:PORT"; -1 with a reason naming the accepted forms. */
int probe_method_parse(const char *s, struct probe_method *m, struct tp_err *err);
/* Write the method as it is parsed and recorded ("icmp", "tcp:80"). */
void probe_method_format(const struct probe_method *m, char buf[PROBE_METHOD_NAME_MAX]);
/* 1 when two methods are the same. */
int probe_method_same(const struct probe_method *a, const struct probe_method *b);
/*
 * The capture filter for the replies of n methods to ranges (a disjunction
 * per family), into buf. -1 when it does not fit or there are no ranges.
 */
int probe_method_filter(const struct probe_method *m, size_t n,
    const struct tp_prefix *ranges, size_t nranges, char *buf, size_t len,
    struct tp_err *err);

#endif
