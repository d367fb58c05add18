/* test_fields.c: lines cut into words and whole, range-checked numbers (lib/fields.c). */
#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "fields.h"

Test(fields, words_at_spaces_and_tabs)
{
	struct tp_fields f;
	struct tp_err err;

	cr_assert_eq(tp_fields_split(&f, "  done\t7  120 0 ", &err), 0, "%s", err.msg);
	cr_assert_eq(f.n, 4);
	cr_assert_str_eq(f.word[0], "done");
	cr_assert_str_eq(f.word[1], "7");
	cr_assert_str_eq(f.word[3], "0");
	cr_assert(!f.more);
	cr_assert_eq(tp_fields_split(&f, "", &err), 0);
	cr_assert_eq(f.n, 0);
	cr_assert_eq(tp_fields_split(&f, " \t ", &err), 0);
	cr_assert_eq(f.n, 0);
}

Test(fields, more_words_than_kept_are_flagged)
{
	struct tp_fields f;
	struct tp_err err;
	char line[256] = "";
	int i;

	for (i = 0; i < TP_FIELDS_MAX; i++)
		strcat(line, "w ");
	cr_assert_eq(tp_fields_split(&f, line, &err), 0);
	cr_assert_eq(f.n, TP_FIELDS_MAX);
	cr_assert(!f.more, "exactly TP_FIELDS_MAX words");
	strcat(line, "last");
	cr_assert_eq(tp_fields_split(&f, line, &err), 0);
	cr_assert_eq(f.n, TP_FIELDS_MAX);
	cr_assert(f.more);
}

Test(fields, an_overlong_line_is_refused)
{
	struct tp_fields f;
	struct tp_err err;
	char line[TP_FIELDS_LINE_MAX + 2];

	memset(line, 'x', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	cr_assert_eq(tp_fields_split(&f, line, &err), -1);
	cr_assert_not_null(strstr(err.msg, "longer than 1024"), "%s", err.msg);
	line[TP_FIELDS_LINE_MAX] = '\0';
	cr_assert_eq(tp_fields_split(&f, line, &err), 0, "exactly TP_FIELDS_LINE_MAX bytes");
	cr_assert_eq(f.n, 1);
}

/* A number's text, its bounds and the result: the value, or the start of the error. */
static const struct {
	const char *s;
	uint64_t min, max;
	int ok;
	uint64_t value;
	const char *msg;
} numbers[] = {
	{ "0", 0, 10, 1, 0, NULL },
	{ "10", 0, 10, 1, 10, NULL },
	{ "4294967295", 0, UINT32_MAX, 1, UINT32_MAX, NULL },
	{ "18446744073709551615", 0, UINT64_MAX, 1, UINT64_MAX, NULL },
	{ "4294967296", 0, UINT32_MAX, 0, 0, "round: 4294967296 is out of range (0 to 4294967295)" },
	{ "0", 1, 16, 0, 0, "round: 0 is out of range (1 to 16)" },
	{ "18446744073709551616", 0, UINT64_MAX, 0, 0, "round: \"18446744073709551616\" is not a number" },
	{ "-1", 0, 10, 0, 0, "round: \"-1\" is not a number" },
	{ "+1", 0, 10, 0, 0, "round: \"+1\" is not a number" },
	{ " 1", 0, 10, 0, 0, "round: \" 1\" is not a number" },
	{ "1x", 0, 10, 0, 0, "round: \"1x\" is not a number" },
	{ "7:", 0, 10, 0, 0, "round: \"7:\" is not a number" },
	{ "", 0, 10, 0, 0, "round: \"\" is not a number" },
};

Test(fields, numbers_whole_and_in_range)
{
	struct tp_err err;
	uint64_t v;
	size_t i;

	for (i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		v = 12345;
		err.msg[0] = '\0';
		if (numbers[i].ok) {
			cr_expect_eq(tp_u64_parse("round", numbers[i].s, numbers[i].min, numbers[i].max,
			    &v, &err), 0, "\"%s\": %s", numbers[i].s, err.msg);
			cr_expect_eq(v, numbers[i].value, "\"%s\"", numbers[i].s);
		} else {
			cr_expect_eq(tp_u64_parse("round", numbers[i].s, numbers[i].min,
			    numbers[i].max, &v, &err), -1, "\"%s\" accepted", numbers[i].s);
			cr_expect_str_eq(err.msg, numbers[i].msg);
			cr_expect_eq(v, 12345, "\"%s\": *out untouched", numbers[i].s);
		}
	}
}

Test(fields, a_word_as_a_number)
{
	struct tp_fields f;
	struct tp_err err;
	uint64_t v;

	cr_assert_eq(tp_fields_split(&f, "done 7 120 3", &err), 0);
	cr_assert_eq(tp_fields_u64(&f, 3, "errors", 0, UINT64_MAX, &v, &err), 0);
	cr_assert_eq(v, 3);
	cr_assert_eq(tp_fields_u64(&f, 4, "extra", 0, 10, &v, &err), -1);
	cr_assert_str_eq(err.msg, "extra: missing");
	cr_assert_eq(tp_fields_u64(&f, 0, "word", 0, 10, &v, &err), -1);
	cr_assert_str_eq(err.msg, "word: \"done\" is not a number");
}
