/* test_output.c: tables as text, CSV and JSON. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "output.h"

/* Render a table into a string (caller frees). */
static char *
render(const struct tp_table *t, enum tp_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	tp_table_print(t, f, fmt);
	fclose(f);
	return buf;
}

/* A two-row table with every kind of cell. */
static struct tp_table *
sample_table(void)
{
	static const char *const cols[] = { "site", "targets", "share", "rtt", "ok", "note" };
	struct tp_table *t = tp_table_new(6, cols);

	tp_table_row(t);
	tp_table_str(t, 0, "AKL");
	tp_table_int(t, 1, 1187);
	tp_table_share(t, 2, 0.9975);
	tp_table_real(t, 3, 12.345, 2);
	tp_table_bool(t, 4, 1);
	tp_table_str(t, 5, "a,\"b\"");
	tp_table_row(t);
	tp_table_str(t, 0, "SYD");
	tp_table_int(t, 1, 3);
	tp_table_share(t, 2, 0.0025);
	tp_table_bool(t, 4, 0);
	return t;
}

Test(output, text_aligns_numbers_right)
{
	struct tp_table *t = sample_table();
	char *s = render(t, TP_FMT_TEXT);

	cr_assert_str_eq(s,
	    "site  targets  share    rtt  ok   note\n"
	    "AKL      1187  99.8%  12.35  yes  a,\"b\"\n"
	    "SYD         3   0.2%      -  no   -\n");
	free(s);
	tp_table_free(t);
}

Test(output, csv_quotes_and_header)
{
	struct tp_table *t = sample_table();
	char *s = render(t, TP_FMT_CSV);

	cr_assert_str_eq(s,
	    "site,targets,share,rtt,ok,note\r\n"
	    "AKL,1187,0.9975,12.35,true,\"a,\"\"b\"\"\"\r\n"
	    "SYD,3,0.0025,,false,\r\n");
	free(s);
	tp_table_free(t);
}

Test(output, json_rows_are_objects_with_types)
{
	struct tp_table *t = sample_table();
	char *s = render(t, TP_FMT_JSON);
	json_error_t jerr;
	json_t *j = json_loads(s, 0, &jerr);

	cr_assert_not_null(j, "invalid JSON: %s", jerr.text);
	cr_assert_eq(json_array_size(j), 2);
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(j, 0), "site")), "AKL");
	cr_assert_eq(json_integer_value(json_object_get(json_array_get(j, 0), "targets")), 1187);
	cr_assert_float_eq(json_real_value(json_object_get(json_array_get(j, 0), "share")), 0.9975,
	    1e-12);
	cr_assert(json_is_true(json_object_get(json_array_get(j, 0), "ok")));
	cr_assert(json_is_null(json_object_get(json_array_get(j, 1), "rtt")));
	cr_assert(json_is_false(json_object_get(json_array_get(j, 1), "ok")));
	json_decref(j);
	free(s);
	tp_table_free(t);
}

Test(output, format_names)
{
	enum tp_format fmt;

	cr_assert_eq(tp_format_parse("json", &fmt), 0);
	cr_assert_eq(fmt, TP_FMT_JSON);
	cr_assert_eq(tp_format_parse("csv", &fmt), 0);
	cr_assert_eq(fmt, TP_FMT_CSV);
	cr_assert_eq(tp_format_parse("text", &fmt), 0);
	cr_assert_eq(fmt, TP_FMT_TEXT);
	cr_assert_eq(tp_format_parse("xml", &fmt), -1);
}

Test(output, empty_table_prints_header_only)
{
	static const char *const cols[] = { "a", "b" };
	struct tp_table *t = tp_table_new(2, cols);
	char *s = render(t, TP_FMT_TEXT);

	cr_assert_str_eq(s, "a  b\n");
	free(s);
	s = render(t, TP_FMT_JSON);
	cr_assert_str_eq(s, "[]\n");
	free(s);
	tp_table_free(t);
}

/* A sum that overflowed never shows as inf or nan, in any format. */
Test(output, inf_and_nan_show_empty)
{
	static const char *const cols[] = { "weight", "share" };
	struct tp_table *t = tp_table_new(2, cols);
	enum tp_format fmts[] = { TP_FMT_TEXT, TP_FMT_CSV, TP_FMT_JSON };
	size_t i;

	tp_table_row(t);
	tp_table_real(t, 0, INFINITY, 1);
	tp_table_share(t, 1, NAN);
	for (i = 0; i < 3; i++) {
		char *s = render(t, fmts[i]);

		cr_expect(strstr(s, "inf") == NULL && strstr(s, "nan") == NULL, "%s", s);
		free(s);
	}
	tp_table_free(t);
}
