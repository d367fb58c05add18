/* output.c: tables for people, CSV and JSON for machines, a progress line. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "escape.h"
#include "log.h"
#include "output.h"
#include "xalloc.h"

struct tp_cell {
	enum tp_cell_kind kind;
	int decimals;
	long long i;
	double d;
	char *s;
};

struct tp_table {
	size_t ncols;
	char **cols;
	struct tp_cell *cells;	/* nrows * ncols */
	size_t nrows, caprows;
};

/* Map a format name to its enum. */
int
tp_format_parse(const char *s, enum tp_format *fmt)
{
	static const struct {
		const char *name;
		enum tp_format fmt;
	} names[] = { { "text", TP_FMT_TEXT }, { "json", TP_FMT_JSON }, { "csv", TP_FMT_CSV } };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i].name) == 0) {
			*fmt = names[i].fmt;
			return 0;
		}
	return -1;
}

/* Create an empty table with these columns. */
struct tp_table *
tp_table_new(size_t ncols, const char *const *cols)
{
	struct tp_table *t = xcalloc(1, sizeof(*t));
	size_t i;

	t->ncols = ncols;
	t->cols = xcalloc(ncols, sizeof(char *));
	for (i = 0; i < ncols; i++)
		t->cols[i] = xstrdup(cols[i]);
	return t;
}

/* Free a table and its cells. */
void
tp_table_free(struct tp_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i].s);
	for (i = 0; i < t->ncols; i++)
		free(t->cols[i]);
	free(t->cols);
	free(t->cells);
	free(t);
}

/* Append an empty row. */
void
tp_table_row(struct tp_table *t)
{
	if (t->nrows == t->caprows) {
		t->caprows = t->caprows ? t->caprows * 2 : 16;
		t->cells = xreallocarray(t->cells, t->caprows * t->ncols, sizeof(*t->cells));
	}
	memset(&t->cells[t->nrows * t->ncols], 0, t->ncols * sizeof(*t->cells));
	t->nrows++;
}

/* The cell at col in the last row, emptied for a new value. */
static struct tp_cell *
table_cell(struct tp_table *t, size_t col)
{
	struct tp_cell *c;

	if (t->nrows == 0 || col >= t->ncols)
		log_fatal(70, "output", "table cell %zu set outside the table", col);
	c = &t->cells[(t->nrows - 1) * t->ncols + col];
	free(c->s);
	memset(c, 0, sizeof(*c));
	return c;
}

/* Set a string cell in the last row. */
void
tp_table_str(struct tp_table *t, size_t col, const char *s)
{
	struct tp_cell *c = table_cell(t, col);

	if (s == NULL)
		return;
	c->kind = TP_CELL_STR;
	c->s = xstrdup(s);
}

/* Set an integer cell in the last row. */
void
tp_table_int(struct tp_table *t, size_t col, long long v)
{
	struct tp_cell *c = table_cell(t, col);

	c->kind = TP_CELL_INT;
	c->i = v;
}

/* Set a real cell shown with this many decimals (empty when v is inf or nan). */
void
tp_table_real(struct tp_table *t, size_t col, double v, int decimals)
{
	struct tp_cell *c = table_cell(t, col);

	c->kind = isfinite(v) ? TP_CELL_REAL : TP_CELL_EMPTY;
	c->d = v;
	c->decimals = decimals;
}

/*
 * Set a share (0..1) cell: a percentage for people, the fraction for
 * machines; empty when share is inf or nan.
 */
void
tp_table_share(struct tp_table *t, size_t col, double share)
{
	struct tp_cell *c = table_cell(t, col);

	c->kind = isfinite(share) ? TP_CELL_SHARE : TP_CELL_EMPTY;
	c->d = share;
}

/* Set a yes/no cell. */
void
tp_table_bool(struct tp_table *t, size_t col, int v)
{
	struct tp_cell *c = table_cell(t, col);

	c->kind = TP_CELL_BOOL;
	c->i = v != 0;
}

/* Number of rows. */
size_t
tp_table_rows(const struct tp_table *t)
{
	return t->nrows;
}

/* Text of a cell: for_people picks "99.8%" and "yes" over 0.998 and "true". */
static void
cell_text(const struct tp_cell *c, int for_people, char *buf, size_t len)
{
	switch (c->kind) {
	case TP_CELL_EMPTY:
		snprintf(buf, len, "%s", for_people ? "-" : "");
		break;
	case TP_CELL_STR:
		tp_escape(c->s, 0, buf, len);	/* BIRD's words, names: never raw bytes */
		break;
	case TP_CELL_INT:
		snprintf(buf, len, "%lld", c->i);
		break;
	case TP_CELL_REAL:
		snprintf(buf, len, "%.*f", c->decimals, c->d);
		break;
	case TP_CELL_SHARE:
		if (for_people)
			snprintf(buf, len, "%.1f%%", c->d * 100.0);
		else
			snprintf(buf, len, "%.6g", c->d);
		break;
	case TP_CELL_BOOL:
		snprintf(buf, len, "%s", for_people ? (c->i ? "yes" : "no") : (c->i ? "true" : "false"));
		break;
	}
}

/* 1 when a cell of this kind is a number, shown right-aligned. */
static int
cell_is_number(enum tp_cell_kind kind)
{
	return kind == TP_CELL_INT || kind == TP_CELL_REAL || kind == TP_CELL_SHARE;
}

/* One padded field of a text row; the last column is not padded on the right. */
static void
text_field(FILE *f, const char *s, size_t width, int right, int first, int last)
{
	if (!first)
		fputs("  ", f);
	if (right)
		fprintf(f, "%*s", (int)width, s);
	else if (last)
		fputs(s, f);
	else
		fprintf(f, "%-*s", (int)width, s);
}

/* Aligned columns under a header: numbers to the right, the rest to the left. */
static void
table_print_text(const struct tp_table *t, FILE *f)
{
	size_t *width = xcalloc(t->ncols, sizeof(size_t));
	int *right = xcalloc(t->ncols, sizeof(int));
	char buf[512];
	size_t r, c;

	for (c = 0; c < t->ncols; c++)
		width[c] = strlen(t->cols[c]);
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			const struct tp_cell *cell = &t->cells[r * t->ncols + c];

			cell_text(cell, 1, buf, sizeof(buf));
			if (strlen(buf) > width[c])
				width[c] = strlen(buf);
			if (cell_is_number(cell->kind))
				right[c] = 1;
		}
	for (c = 0; c < t->ncols; c++)
		text_field(f, t->cols[c], width[c], right[c], c == 0, c + 1 == t->ncols);
	fputc('\n', f);
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			cell_text(&t->cells[r * t->ncols + c], 1, buf, sizeof(buf));
			text_field(f, buf, width[c], right[c], c == 0, c + 1 == t->ncols);
		}
		fputc('\n', f);
	}
	free(right);
	free(width);
}

/* One CSV field, quoted when it holds a comma, quote or line break. */
static void
csv_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* RFC 4180: a header line, then one line per row. */
static void
table_print_csv(const struct tp_table *t, FILE *f)
{
	char buf[512];
	size_t r, c;

	for (c = 0; c < t->ncols; c++) {
		if (c)
			fputc(',', f);
		csv_field(f, t->cols[c]);
	}
	fputs("\r\n", f);
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			if (c)
				fputc(',', f);
			cell_text(&t->cells[r * t->ncols + c], 0, buf, sizeof(buf));
			csv_field(f, buf);
		}
		fputs("\r\n", f);
	}
}

/* One cell as a JSON value. */
static json_t *
cell_json(const struct tp_cell *c)
{
	switch (c->kind) {
	case TP_CELL_STR:
		return json_string(c->s);
	case TP_CELL_INT:
		return json_integer(c->i);
	case TP_CELL_REAL:
	case TP_CELL_SHARE:
		return isfinite(c->d) ? json_real(c->d) : json_null();
	case TP_CELL_BOOL:
		return json_boolean(c->i);
	case TP_CELL_EMPTY:
		break;
	}
	return json_null();
}

/* The rows as an array of objects keyed by column name. */
json_t *
tp_table_json(const struct tp_table *t)
{
	json_t *rows = json_array();
	size_t r, c;

	for (r = 0; r < t->nrows; r++) {
		json_t *o = json_object();

		for (c = 0; c < t->ncols; c++)
			json_object_set_new(o, t->cols[c], cell_json(&t->cells[r * t->ncols + c]));
		json_array_append_new(rows, o);
	}
	return rows;
}

/* Print in the chosen format. */
void
tp_table_print(const struct tp_table *t, FILE *f, enum tp_format fmt)
{
	json_t *j;

	switch (fmt) {
	case TP_FMT_TEXT:
		table_print_text(t, f);
		break;
	case TP_FMT_CSV:
		table_print_csv(t, f);
		break;
	case TP_FMT_JSON:
		j = tp_table_json(t);
		tp_json_print(f, j);
		json_decref(j);
		break;
	}
}

/* Dump with a stable shape and a final newline. */
void
tp_json_print(FILE *f, const json_t *v)
{
	json_dumpf(v, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	fputc('\n', f);
}

/* Microseconds on the given clock. */
static int64_t
clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Wall-clock microseconds since the epoch. */
int64_t
tp_now_us(void)
{
	return clock_us(CLOCK_REALTIME);
}

/* Monotonic microseconds, for durations and rates. */
int64_t
tp_mono_us(void)
{
	return clock_us(CLOCK_MONOTONIC);
}

/* Begin a progress line (drawn only on a TTY, at the default level or above). */
void
tp_progress_start(struct tp_progress *p, const char *label, uint64_t total)
{
	memset(p, 0, sizeof(*p));
	p->label = label;
	p->total = total;
	p->start_us = tp_mono_us();
	p->active = isatty(STDERR_FILENO) && log_get_level() >= TP_LOG_WARN;
}

/* Redraw the line, at most ten times a second. */
void
tp_progress_update(struct tp_progress *p, uint64_t done)
{
	int64_t now = tp_mono_us();
	double secs, rate;

	p->done = done;
	if (!p->active || now - p->last_us < 100000)
		return;
	p->last_us = now;
	secs = (now - p->start_us) / 1e6;
	rate = secs > 0 ? done / secs : 0;
	fprintf(stderr, "\r\033[K%s: %" PRIu64 "/%" PRIu64 " (%.0f/s", p->label, done, p->total, rate);
	if (rate > 0 && p->total > done) {
		uint64_t eta = (uint64_t)((p->total - done) / rate);

		fprintf(stderr, ", ETA %" PRIu64 "m%02" PRIu64 "s", eta / 60, eta % 60);
	}
	fputc(')', stderr);
	fflush(stderr);
}

/* Erase the line so later output starts clean. */
void
tp_progress_end(struct tp_progress *p)
{
	if (p->active && p->last_us != 0)
		fputs("\r\033[K", stderr);
	p->active = 0;
}
