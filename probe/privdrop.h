/* privdrop.h: give up root once the key is read and the capture or sockets are open. */
#ifndef TP_PRIVDROP_H
#define TP_PRIVDROP_H

#include "error.h"

/* The user tp-probe becomes when started as root without --user (the package's). */
#define PRIVDROP_DEFAULT_USER "tp"

enum privdrop_keep {
	PRIVDROP_KEEP_NONE,	/* no capability at all (send, listen --read-pcap) */
	PRIVDROP_KEEP_NET_RAW,	/* CAP_NET_RAW only, effective and permitted (listen) */
};

/*
 * Started as root: become user (PRIVDROP_DEFAULT_USER when NULL) with its
 * groups, keeping only what keep says and an empty bounding set; refuse
 * with one line when that user does not exist or is root. Started as
 * another user: drop every capability when keep is PRIVDROP_KEEP_NONE,
 * else nothing.
 */
int privdrop(const char *user, enum privdrop_keep keep, struct tp_err *err);

#endif
