/*
 * bird_status.h: read the answers to "show status", "show protocols" and
 * "show route protocol P" out of BIRD replies.
 */
#ifndef TP_BIRD_STATUS_H
#define TP_BIRD_STATUS_H

#include <stddef.h>

#include "addr.h"
#include "bird_reply.h"
#include "error.h"

/* One row of "show protocols". */
struct bird_proto_row {
	char name[64];
	char proto[32];		/* "Static", "BGP", ... */
	char table[64];
	char state[16];		/* "up", "down", "start", "stop", "feed", "flush" */
};

struct bird_protocols {
	struct bird_proto_row *rows;
	size_t n;
};

/* The routes of "show route protocol P". */
struct bird_routes {
	struct tp_prefix *prefixes;	/* networks that parsed as IP prefixes */
	size_t n;
	char **unparsed;	/* networks that did not (never "inside the test ranges") */
	size_t nunparsed;
};

/* "show status": version ("2.0.12") and router id; -1 when the reply has no 1000 line. */
int bird_parse_status(const struct bird_reply *reply, char *version, size_t vlen,
    char *router_id, size_t rlen, struct tp_err *err);
/* "show protocols" (not "all"); -1 on a row that does not have four columns. */
int bird_parse_protocols(const struct bird_reply *reply, struct bird_protocols *p,
    struct tp_err *err);
void bird_protocols_free(struct bird_protocols *p);
/* The row named name, or NULL. */
const struct bird_proto_row *bird_protocols_find(const struct bird_protocols *p,
    const char *name);
/* "show route protocol P": one entry per network (alternatives fold in). */
int bird_parse_routes(const struct bird_reply *reply, struct bird_routes *r,
    struct tp_err *err);
void bird_routes_free(struct bird_routes *r);

#endif
