/* log.c: leveled, subsystem-tagged log lines on stderr (and syslog). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

#include "escape.h"
#include "log.h"

static const char *log_progname = "tp";
static enum tp_log_level log_level = TP_LOG_WARN;
static int log_syslog;

/* Remember the program name and starting level. */
void
log_init(const char *progname, enum tp_log_level level)
{
	log_progname = progname;
	log_level = level;
}

/* Change the level of detail. */
void
log_set_level(enum tp_log_level level)
{
	if ((int)level < TP_LOG_ERROR)
		level = TP_LOG_ERROR;
	if (level > TP_LOG_DEBUG)
		level = TP_LOG_DEBUG;
	log_level = level;
}

/* The level now in force. */
enum tp_log_level
log_get_level(void)
{
	return log_level;
}

/* Turn copying to syslog on or off. */
void
log_use_syslog(int on)
{
	if (on && !log_syslog)
		openlog(log_progname, LOG_PID, LOG_DAEMON);
	log_syslog = on;
}

/* Write one line if its level is enabled. */
static void
log_line(enum tp_log_level level, const char *subsys, const char *fmt, va_list ap)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char raw[1024], buf[1024];

	if (level > log_level)
		return;
	vsnprintf(raw, sizeof(raw), fmt, ap);
	tp_escape(raw, 0, buf, sizeof(buf));	/* input quoted in it stays inert */
	fprintf(stderr, "%s: %s: %s\n", log_progname, subsys, buf);
	if (log_syslog)
		syslog(prio[level], "%s: %s", subsys, buf);
}

#define LOG_FN(name, level)                                    \
	void name(const char *subsys, const char *fmt, ...)    \
	{                                                      \
		va_list ap;                                    \
		va_start(ap, fmt);                             \
		log_line(level, subsys, fmt, ap);              \
		va_end(ap);                                    \
	}

/* log_error, log_warn, log_info, log_debug: one line at that level. */
LOG_FN(log_error, TP_LOG_ERROR)
LOG_FN(log_warn, TP_LOG_WARN)
LOG_FN(log_info, TP_LOG_INFO)
LOG_FN(log_debug, TP_LOG_DEBUG)

/* Log an error and exit. */
void
log_fatal(int status, const char *subsys, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(TP_LOG_ERROR, subsys, fmt, ap);
	va_end(ap);
	exit(status);
}
