/*
 * defaults.h: the one place for the defaults that more than one program
 * uses when neither the command line nor tp.conf says otherwise (see
 * tp.conf(5)): installed paths, the documentation test ranges and their
 * anycast sources, the probe rate and spacing, the capture buffer.
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
/*
 * The prober's least time in seconds between two probes to one address
 * (tp-probe send --min-gap, tp.conf probe_min_gap), and a listener's
 * kernel capture buffer in MiB (tp-probe listen --buffer-size, tp.conf
 * listen_buffer_size).
 */
#define TP_DEFAULT_PROBE_MIN_GAP	1.0
#define TP_DEFAULT_LISTEN_BUFFER_MB	64

/*
 * Pacing of a lane's prefix (tp.conf min_change_interval and damping_*):
 * PEERING's rule of at most one change every 10 minutes, and route-flap
 * damping as RFC 2439 models it with the RIPE-580 / RFC 7196 figures:
 * 1000 per withdrawal (and per re-advertisement, as Juniper counts it),
 * suppress at 6000, reuse at 750, half-life 15 minutes. The campaign keeps
 * its model at or under the ceiling, half the suppress threshold.
 */
#define TP_DEFAULT_MIN_CHANGE_INTERVAL	600
#define TP_DEFAULT_DAMPING_PENALTY	1000
#define TP_DEFAULT_DAMPING_ANNOUNCE_PENALTY 1000
#define TP_DEFAULT_DAMPING_HALF_LIFE	900
#define TP_DEFAULT_DAMPING_SUPPRESS	6000
#define TP_DEFAULT_DAMPING_REUSE	750
#define TP_DEFAULT_DAMPING_CEILING	3000

#endif
