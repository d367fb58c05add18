/*
 * defaults.h: the one place for the defaults that more than one program
 * uses when neither the command line nor tp.conf says otherwise (see
 * tp.conf(5)): installed paths, the documentation test ranges and their
 * anycast sources, the probe rate.
 */
#ifndef TP_DEFAULTS_H
#define TP_DEFAULTS_H

#define TP_DEFAULT_CONF		SYSCONFDIR "/traffic-predictor/tp.conf"
#define TP_DEFAULT_KEY_FILE	SYSCONFDIR "/traffic-predictor/probe.key"
#define TP_DEFAULT_DATABASE	LOCALSTATEDIR "/lib/traffic-predictor/tp.db"
#define TP_DEFAULT_EXCLUDE	PKGDATADIR "/exclude.conf"

/* RFC 5737 / RFC 3849 documentation space, so a default never hits a real network. */
#define TP_DEFAULT_RANGE4	"192.0.2.0/24"
#define TP_DEFAULT_RANGE6	"2001:db8:ffff::/48"
#define TP_DEFAULT_SOURCE4	"192.0.2.1"
#define TP_DEFAULT_SOURCE6	"2001:db8:ffff::1"

/* Probes per second: tp-probe send without -R, tp.conf without rate. */
#define TP_DEFAULT_RATE		10000

#endif
