/* opt_parse.c: strict parsing of option values (whole string, range checked). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "defaults.h"
#include "opt_parse.h"

/* A number of seconds >= 0. */
int
opt_seconds(const char *opt, const char *s, double *out, struct tp_err *err)
{
	double v;
	char *end;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v < 0 || v > 1e9)
		return tp_err_set(err, "%s: \"%s\" is not a number of seconds", opt, s);
	*out = v;
	return 0;
}

/* An address of the given family. */
int
opt_addr(const char *opt, const char *s, int family, struct tp_addr *out,
    struct tp_err *err)
{
	if (tp_addr_parse(s, out, err) < 0)
		return tp_err_prefix(err, "%s", opt);
	if (out->family != family)
		return tp_err_set(err, "%s: \"%s\" is not an IPv%d address", opt, s,
		    family == AF_INET ? 4 : 6);
	return 0;
}

/* The default key file. */
const char *
opt_default_key_path(void)
{
	return TP_DEFAULT_KEY_FILE;
}
