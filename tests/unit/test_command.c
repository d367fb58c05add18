/*
 * test_command.c: the one command-table matcher (unique prefixes of each
 * word, an exact name before a longer one, ambiguity named) and the one
 * sleep (cut short by a stop flag).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "clock.h"
#include "command.h"

/* A program's own row, with the shared part first. */
static const struct row {
	struct tp_command cmd;
	int id;
} rows[] = {
	{ { "targets import", "FILE", "import" }, 1 },
	{ { "targets stats", "", "stats" }, 2 },
	{ { "import", "FILE", "streams" }, 3 },
	{ { "round new", "", "round" }, 4 },
	{ { "report", "", "report" }, 5 },
	{ { "re", "", "an exact name that starts longer ones" }, 6 },
};
static const struct tp_command_table table = TP_COMMAND_TABLE(rows);

/* The id the words name, 0 for none (err says why), and how many words it took. */
static int
match(const char *line, int *used, struct tp_err *err)
{
	char buf[128], *ops[8];
	int n = 0;
	const struct row *r;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *w = strtok(buf, " "); w != NULL && n < 8; w = strtok(NULL, " "))
		ops[n++] = w;
	r = tp_command_match(&table, n, ops, used, err);
	return r != NULL ? r->id : 0;
}

Test(command, unique_prefixes_of_each_word)
{
	static const struct {
		const char *line;
		int id, used;
		const char *msg;	/* for no match */
	} cases[] = {
		{ "targets import x", 1, 2, NULL }, { "t i x", 1, 2, NULL },
		{ "tar st", 2, 2, NULL }, { "im a b", 3, 1, NULL }, { "ro n", 4, 2, NULL },
		{ "rep", 5, 1, NULL }, { "re", 6, 1, NULL },
		{ "r", 0, 0, "ambiguous command \"r\": could be round new, report, re" },
		{ "t", 0, 0, "ambiguous command \"t\": could be targets import, targets stats" },
		{ "targets", 0, 0, "ambiguous" }, { "round", 0, 0, "ambiguous" },
		{ "x", 0, 0, "unknown command \"x\": try targets import, targets stats, import" },
		{ "targets x", 0, 0, "unknown" }, { "", 0, 0, "unknown" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tp_err err = { "" };
		int used = 0, id = match(cases[i].line, &used, &err);

		cr_expect_eq(id, cases[i].id, "\"%s\": got %d (%s)", cases[i].line, id, err.msg);
		if (cases[i].id != 0)
			cr_expect_eq(used, cases[i].used, "\"%s\"", cases[i].line);
		else
			cr_expect_not_null(strstr(err.msg, cases[i].msg), "\"%s\": %s",
			    cases[i].line, err.msg);
	}
}

Test(command, help_comes_from_the_table)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	tp_command_help(f, &table);
	fclose(f);
	cr_expect_not_null(strstr(text, "commands (any unique prefix will do):\n"), "%s", text);
	cr_expect_not_null(strstr(text, "  targets import FILE  import\n"), "%s", text);
	cr_expect_not_null(strstr(text, "  re"), "%s", text);
	free(text);
}

static volatile sig_atomic_t stop_now;

Test(clock, sleep_waits_or_stops)
{
	int64_t t0 = tp_mono_us();

	cr_expect_eq(tp_sleep(0.05, NULL), 0);
	cr_expect_geq(tp_mono_us() - t0, 50000);
	stop_now = 1;
	t0 = tp_mono_us();
	cr_expect_eq(tp_sleep(5, &stop_now), -1, "a set flag ends the sleep");
	cr_expect_lt(tp_mono_us() - t0, 200000);
	stop_now = 0;
	cr_expect_eq(tp_sleep(0.02, &stop_now), 0);
	cr_expect_gt(tp_now_us(), 1600000000LL * 1000000);
}
