/*
 * html_report.h: the campaign as one self-contained HTML page (tp-analyze
 * html, tp.conf report_html): a header, the failover graph (graph.h), a
 * failover tree per site, the matrix as a heatmap, capacity and the
 * policy's moves, and, against an earlier campaign, what changed. Inline
 * CSS and SVG only: no script, nothing fetched, it opens from file://.
 *
 * Every number comes from the builders behind matrix -j, report -j,
 * policy and predict (matrix_json, report_build, policy_json,
 * pd_predict); the page only lays them out.
 */
#ifndef TP_HTML_REPORT_H
#define TP_HTML_REPORT_H

#include <stdio.h>

#include "../lib/config.h"	/* not the autoconf config.h in the build folder */
#include "db.h"
#include "error.h"
#include "matrix.h"

/* What the page is made of. */
struct html_input {
	struct tp_db *db;
	const struct tp_conf *conf;	/* NULL without -c */
	const struct failover_matrix *now;
	const struct failover_matrix *then;	/* NULL without --compare */
	double threshold;		/* percentage points, for the changes */
};

/*
 * Write the page of campaign (0 = the default campaign, as campaign_pick)
 * to f; compare, when not 0, is the earlier campaign.
 */
int html_report(FILE *f, struct tp_db *db, const struct tp_conf *conf, long long campaign,
    long long compare, double threshold, struct tp_err *err);
/* The same into path, atomically: a temporary file beside it, then rename. */
int html_report_file(const char *path, struct tp_db *db, const struct tp_conf *conf,
    long long campaign, long long compare, double threshold, struct tp_err *err);

/* Sections (html_*.c); each writes one <section>. */
int html_section_graph(FILE *f, const struct html_input *in, struct tp_err *err);
/* Trees of measured sets, predicting the rest; *npredicted counts the predicted sets. */
int html_section_trees(FILE *f, const struct html_input *in, size_t *npredicted,
    struct tp_err *err);
void html_section_heatmap(FILE *f, const struct html_input *in);
void html_section_capacity(FILE *f, const struct html_input *in);
void html_section_changes(FILE *f, const struct html_input *in);

#endif
