/*
 * log_time.h: the times of request logs: the Common Log Format's
 * "[10/Oct/2026:13:55:36 -0700]", the ISO 8601 or epoch times of JSON
 * and CSV logs, and the --since TIME a user gives.
 */
#ifndef TP_LOG_TIME_H
#define TP_LOG_TIME_H

#include <stdint.h>
#include <time.h>

#include "error.h"

/*
 * Parse "DD/Mon/YYYY:HH:MM:SS +HHMM" (without the brackets) at s, n bytes;
 * seconds since the epoch (UTC) in *t. -1 when it is not such a time.
 */
int log_time_parse_clf(const char *s, size_t n, int64_t *t);
/*
 * Parse a timestamp of n bytes at s from a JSON or CSV log: ISO 8601
 * ("2026-11-28T10:00:00Z", "2026-11-28 10:00:00.25+01:00", no zone =
 * UTC), seconds since the epoch ("1795860000", "1795860000.123"), or
 * the Common Log Format's, with or without its brackets. -1 otherwise.
 */
int log_time_parse_value(const char *s, size_t n, int64_t *t);
/*
 * Parse --since: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]" with an optional
 * "Z" or "+HH:MM"/"-HH:MM" (UTC without; "+HHMM" and a fraction of a
 * second are read too), "@SECONDS", or an age "N" with
 * a unit s, m, h or d counted back from now. -1 with a reason.
 */
int log_time_parse_since(const char *s, time_t now, int64_t *t, struct tp_err *err);

#endif
