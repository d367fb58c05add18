/*
 * output.h: the one layer through which every program prints results:
 * aligned tables for people, CSV and JSON for machines, and a progress line
 * on a TTY. Handlers fill a table or a JSON value; they never printf.
 */
#ifndef TP_OUTPUT_H
#define TP_OUTPUT_H

#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

enum tp_format {
	TP_FMT_TEXT,
	TP_FMT_JSON,
	TP_FMT_CSV,
};

/* Parse "text", "json" or "csv"; -1 for anything else. */
int tp_format_parse(const char *s, enum tp_format *fmt);

enum tp_cell_kind {
	TP_CELL_EMPTY,
	TP_CELL_STR,
	TP_CELL_INT,
	TP_CELL_REAL,
	TP_CELL_SHARE,		/* a share 0..1: text shows "99.8%", JSON and CSV the number */
	TP_CELL_BOOL,
};

struct tp_table;

/* A table with the given column names (JSON keys and CSV header alike). */
struct tp_table *tp_table_new(size_t ncols, const char *const *cols);
void tp_table_free(struct tp_table *t);
/* Start a new row; cells not set stay empty (null in JSON). */
void tp_table_row(struct tp_table *t);
void tp_table_str(struct tp_table *t, size_t col, const char *s);
void tp_table_int(struct tp_table *t, size_t col, long long v);
void tp_table_real(struct tp_table *t, size_t col, double v, int decimals);
void tp_table_share(struct tp_table *t, size_t col, double share);
void tp_table_bool(struct tp_table *t, size_t col, int v);
size_t tp_table_rows(const struct tp_table *t);

/*
 * Print t: TEXT as aligned columns under a header (numbers right-aligned),
 * CSV with an RFC 4180 header and quoting, JSON as an array of objects.
 */
void tp_table_print(const struct tp_table *t, FILE *f, enum tp_format fmt);
/* The table as a JSON array of objects (new reference). */
json_t *tp_table_json(const struct tp_table *t);

/* Print a JSON value with a stable shape: keys in insertion order, 2-space indent, newline. */
void tp_json_print(FILE *f, const json_t *v);

/*
 * A progress line rewritten in place on stderr, only when stderr is a TTY
 * and not quiet: "label: done/total (rate/s, ETA 1m02s)".
 */
struct tp_progress {
	const char *label;
	uint64_t total;
	uint64_t done;
	int64_t start_us;
	int64_t last_us;
	int active;
};

void tp_progress_start(struct tp_progress *p, const char *label, uint64_t total);
/* Update; redraws at most ten times a second. */
void tp_progress_update(struct tp_progress *p, uint64_t done);
/* Clear the line. */
void tp_progress_end(struct tp_progress *p);

#endif
