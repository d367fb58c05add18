/* opt_parse.h: parse command-line values for tp-probe, with one-line errors. */
#ifndef TP_OPT_PARSE_H
#define TP_OPT_PARSE_H

#include <stdint.h>

#include "addr.h"
#include "error.h"

/* A number of seconds >= 0 (fractions allowed). */
int opt_seconds(const char *opt, const char *s, double *out, struct tp_err *err);
/* An address of the given family (AF_INET or AF_INET6). */
int opt_addr(const char *opt, const char *s, int family, struct tp_addr *out,
    struct tp_err *err);
/* The default key file: SYSCONFDIR/traffic-predictor/probe.key. */
const char *opt_default_key_path(void);

#endif
