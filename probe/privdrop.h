/* privdrop.h: give up root once the capture is open. */
#ifndef TP_PRIVDROP_H
#define TP_PRIVDROP_H

#include "error.h"

/*
 * When running as root: become user (when not NULL), or else stay uid 0
 * but keep only CAP_NET_RAW. A no-op for other users.
 */
int privdrop(const char *user, struct tp_err *err);

#endif
