/* test_bird_command.c: only the allowed BIRD commands can be built, from validated parts. */
#include <string.h>

#include <criterion/criterion.h>

#include "bird_command.h"

Test(bird_command, builds_allowed_commands)
{
	static const char *const show[] = { "show", "route", "for", "192.0.2.1", "all" };
	static const char *const show6[] = { "show", "route", "for", "2001:db8:ffff::/48" };
	static const char *const proto[] = { "tp_anycast4" };
	static const struct {
		enum bird_command_kind kind;
		const char *const *words;
		size_t nwords;
		unsigned seconds;
		const char *line;
	} cases[] = {
		{ BIRD_CMD_SHOW, show, 5, 0, "show route for 192.0.2.1 all" },
		{ BIRD_CMD_SHOW, show6, 4, 0, "show route for 2001:db8:ffff::/48" },
		{ BIRD_CMD_ENABLE, proto, 1, 0, "enable tp_anycast4" },
		{ BIRD_CMD_DISABLE, proto, 1, 0, "disable tp_anycast4 \"tp-bgpctl withdraw\"" },
		{ BIRD_CMD_CONFIGURE_TIMEOUT, NULL, 0, 900, "configure timeout 900" },
		{ BIRD_CMD_CONFIGURE_TIMEOUT, NULL, 0, 1, "configure timeout 1" },
		{ BIRD_CMD_CONFIGURE_CONFIRM, NULL, 0, 0, "configure confirm" },
		{ BIRD_CMD_RESTRICT, NULL, 0, 0, "restrict" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bird_command cmd;
		struct tp_err err;

		cr_assert_eq(bird_command_build(&cmd, cases[i].kind, cases[i].words,
		    cases[i].nwords, cases[i].seconds, &err), 0, "case %zu: %s", i, err.msg);
		cr_assert_str_eq(cmd.line, cases[i].line);
		cr_assert_eq(cmd.kind, cases[i].kind);
	}
}

Test(bird_command, refuses_smuggling)
{
	static const char *const not_show[] = { "disable", "all" };
	static const char *const semicolon[] = { "show", "route;", "disable", "all" };
	static const char *const newline[] = { "show", "status\ndisable all" };
	static const char *const quote[] = { "show", "route", "filter", "\"x\"" };
	static const char *const brace[] = { "show", "route", "where", "{" };
	static const char *const space[] = { "show", "route all" };
	static const char *const empty[] = { "show", "" };
	static const char *const bad_proto[][1] = {
		{ "tp_anycast4 all" }, { "x\ndisable all" }, { "\"p\"" }, { "" }, { "-p" },
		{ "p;q" }, { "1234567890123456789012345678901234567890123456789012345678901234" },
	};
	struct {
		enum bird_command_kind kind;
		const char *const *words;
		size_t nwords;
		unsigned seconds;
	} cases[32] = {
		{ BIRD_CMD_SHOW, not_show, 2, 0 },
		{ BIRD_CMD_SHOW, semicolon, 4, 0 },
		{ BIRD_CMD_SHOW, newline, 2, 0 },
		{ BIRD_CMD_SHOW, quote, 4, 0 },
		{ BIRD_CMD_SHOW, brace, 4, 0 },
		{ BIRD_CMD_SHOW, space, 2, 0 },
		{ BIRD_CMD_SHOW, empty, 2, 0 },
		{ BIRD_CMD_SHOW, NULL, 0, 0 },
		{ BIRD_CMD_CONFIGURE_TIMEOUT, NULL, 0, 0 },
		{ BIRD_CMD_CONFIGURE_TIMEOUT, NULL, 0, 86401 },
		{ BIRD_CMD_RESTRICT, not_show, 1, 0 },
		{ BIRD_CMD_ENABLE, NULL, 0, 0 },
		{ BIRD_CMD_DISABLE, not_show, 2, 0 },
	};
	size_t n = 13, i;

	for (i = 0; i < sizeof(bad_proto) / sizeof(bad_proto[0]); i++) {
		cases[n].kind = i % 2 ? BIRD_CMD_ENABLE : BIRD_CMD_DISABLE;
		cases[n].words = bad_proto[i];
		cases[n++].nwords = 1;
	}
	for (i = 0; i < n; i++) {
		struct bird_command cmd;
		struct tp_err err;

		cr_assert_eq(bird_command_build(&cmd, cases[i].kind, cases[i].words,
		    cases[i].nwords, cases[i].seconds, &err), -1, "case %zu built \"%s\"", i,
		    cmd.line);
		cr_assert_gt(strlen(err.msg), 0);
	}
}

Test(bird_command, show_too_long)
{
	const char *words[200];
	struct bird_command cmd;
	struct tp_err err;
	size_t i;

	words[0] = "show";
	for (i = 1; i < 200; i++)
		words[i] = "protocols";
	cr_assert_eq(bird_command_build(&cmd, BIRD_CMD_SHOW, words, 200, 0, &err), -1);
	cr_assert_not_null(strstr(err.msg, "longer"), "%s", err.msg);
}

Test(bird_command, show_word_alphabet)
{
	cr_assert(bird_show_word_valid("tp_anycast4"));
	cr_assert(bird_show_word_valid("2001:db8::/32"));
	cr_assert(bird_show_word_valid("a.b-c"));
	cr_assert_not(bird_show_word_valid(""));
	cr_assert_not(bird_show_word_valid("a b"));
	cr_assert_not(bird_show_word_valid("a\tb"));
	cr_assert_not(bird_show_word_valid("'a'"));
	cr_assert_not(bird_show_word_valid("a=b"));
	cr_assert_not(bird_show_word_valid("\xc3\xa9"));
}
