/*
 * escape.h: make text from outside (record streams, BIRD's replies, config
 * values, file names) safe to print on a terminal. Every error and log
 * message goes through it (tp_err_set, tp_err_prefix, log_*), so an ESC,
 * an OSC sequence or any other control byte in input can never reach the
 * operator's terminal or syslog raw.
 */
#ifndef TP_ESCAPE_H
#define TP_ESCAPE_H

#include <stddef.h>

enum tp_escape_flags {
	TP_ESC_QUOTES = 1 << 0,	/* also escape '"' and '\\' (for a quoted field) */
	TP_ESC_KEEP_TAB = 1 << 1,	/* keep tabs (text shown as it came, e.g. BIRD's tables) */
};

/*
 * Copy s[0..n) into buf (len bytes, always NUL-terminated) with every C0
 * control byte (newline and tab included), DEL, C1 control (a raw byte
 * 0x80-0x9f or its UTF-8 form U+0080-U+009F) and every byte that is not part
 * of valid UTF-8 written as \xNN; other UTF-8 text is kept. Output that does
 * not fit ends in "..." (never in the middle of an escape). Returns buf.
 */
char *tp_escape_n(const char *s, size_t n, int flags, char *buf, size_t len);
/* The same for a NUL-terminated string. */
char *tp_escape(const char *s, int flags, char *buf, size_t len);

#endif
