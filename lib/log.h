/* log.h: leveled log lines on stderr, each tagged with its subsystem. */
#ifndef TP_LOG_H
#define TP_LOG_H

enum tp_log_level {
	TP_LOG_ERROR = 0,
	TP_LOG_WARN = 1,
	TP_LOG_INFO = 2,
	TP_LOG_DEBUG = 3,
};

/* Program name for every line ("tp-probe"); set once in main. */
void log_init(const char *progname, enum tp_log_level level);
/* Raise or lower the level: -v adds one, -q subtracts one. */
void log_set_level(enum tp_log_level level);
enum tp_log_level log_get_level(void);
/* Also send lines to syslog (LOG_DAEMON) from now on. */
void log_use_syslog(int on);

/* "tp-probe: send: message" when level is at or below the current level. */
void log_error(const char *subsys, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_warn(const char *subsys, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_info(const char *subsys, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_debug(const char *subsys, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Log at error level and exit with the given status. */
void log_fatal(int status, const char *subsys, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

#endif
