/*
 * test_escape.c: no control byte from input reaches a terminal: the
 * escaping function itself, and the messages that quote input through it
 * (errors, logs, tables, config values).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "config.h"
#include "error.h"
#include "escape.h"
#include "fixture.h"
#include "output.h"

/* 1 when s holds a C0 control, DEL, or a C1 control (raw or UTF-8 encoded). */
static int
has_control(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i;

	for (i = 0; u[i] != '\0'; i++)
		if (u[i] < 0x20 || u[i] == 0x7f || (u[i] >= 0x80 && u[i] <= 0x9f) ||
		    (u[i] == 0xc2 && u[i + 1] >= 0x80 && u[i + 1] <= 0x9f))
			return 1;
	return 0;
}

Test(escape, table)
{
	static const struct {
		const char *in;
		int flags;
		const char *want;
	} cases[] = {
		{ "plain text 1.2.3", 0, "plain text 1.2.3" },
		{ "\x1b[31mred", 0, "\\x1b[31mred" },
		{ "\x1b]0;owned\x07", 0, "\\x1b]0;owned\\x07" },	/* OSC: set title */
		{ "a\nb\rc\td", 0, "a\\x0ab\\x0dc\\x09d" },
		{ "a\tb", TP_ESC_KEEP_TAB, "a\tb" },
		{ "del\x7f", 0, "del\\x7f" },
		{ "\x9b" "31m", 0, "\\x9b31m" },			/* raw C1 CSI */
		{ "\xc2\x9b" "31m", 0, "\\xc2\\x9b31m" },		/* C1 CSI as UTF-8 */
		{ "caf\xc3\xa9 \xe2\x82\xac", 0, "caf\xc3\xa9 \xe2\x82\xac" },	/* UTF-8 kept */
		{ "\xc0\xaf \xed\xa0\x80 \xff", 0, "\\xc0\\xaf \\xed\\xa0\\x80 \\xff" },
		{ "q\"b\\", 0, "q\"b\\" },
		{ "q\"b\\", TP_ESC_QUOTES, "q\\x22b\\x5c" },
	};
	char buf[128];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_str_eq(tp_escape(cases[i].in, cases[i].flags, buf, sizeof(buf)),
		    cases[i].want, "case %zu", i);
}

/* Output that does not fit ends in "..." and never cuts an escape in two. */
Test(escape, truncation)
{
	char buf[12];

	cr_expect_str_eq(tp_escape("abcdefghijklmnop", 0, buf, sizeof(buf)), "abcdefgh...");
	cr_expect_str_eq(tp_escape("abcdef\x1b\x1b\x1b", 0, buf, sizeof(buf)), "abcdef...");
	cr_expect_str_eq(tp_escape("abcdefg\x1b", 0, buf, sizeof(buf)), "abcdefg\\x1b");
	cr_expect_str_eq(tp_escape_n("ab\0cd", 5, 0, buf, sizeof(buf)), "ab\\x00cd");
}

/* Every error message is escaped, whatever its format quoted. */
Test(escape, errors_and_prefixes)
{
	struct tp_err err;

	tp_err_set(&err, "bad site name \"%s\"", "x\x1b]52;c;cGF3bmVk\x07");
	cr_expect_str_eq(err.msg, "bad site name \"x\\x1b]52;c;cGF3bmVk\\x07\"");
	tp_err_prefix(&err, "%s:%d", "f\x1b[2J", 3);
	cr_expect_str_eq(err.msg, "f\\x1b[2J:3: bad site name \"x\\x1b]52;c;cGF3bmVk\\x07\"");
	cr_expect(!has_control(err.msg));
}

/* A table cell holding BIRD's words shows no control byte (text and CSV). */
Test(escape, table_cells)
{
	static const char *const cols[] = { "version" };
	struct tp_table *t = tp_table_new(1, cols);
	enum tp_format fmts[] = { TP_FMT_TEXT, TP_FMT_CSV };
	size_t i;

	tp_table_row(t);
	tp_table_str(t, 0, "2.0.12\x1b[8m\xc2\x9b");
	for (i = 0; i < 2; i++) {
		char *s = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&s, &len);

		tp_table_print(t, f, fmts[i]);
		fclose(f);
		cr_expect(strstr(s, "2.0.12\\x1b[8m\\xc2\\x9b") != NULL, "%s", s);
		cr_expect(strchr(s, '\x1b') == NULL && strstr(s, "\xc2\x9b") == NULL, "%s", s);
		free(s);
	}
	tp_table_free(t);
}

/* A config value with escape sequences is quoted escaped in the error. */
Test(escape, config_values, .fini = fixture_cleanup)
{
	struct tp_conf c;
	struct tp_err err;
	const char *path = fixture_write("tp.conf",
	    "[campaign]\nrate = \x1b]0;pwned\x07\nsingle = a\x1b[2Jb\n");

	cr_assert_eq(tp_conf_load(path, &c, &err), -1);
	cr_expect(strstr(err.msg, "rate: \"\\x1b]0;pwned\\x07\" is not a whole number") != NULL,
	    "%s", err.msg);
	cr_expect(strchr(err.msg, '\x1b') == NULL && strchr(err.msg, '\x07') == NULL);
	tp_conf_free(&c);
}
