/* html_page.c: the HTML report's frame, header and graph, and writing it atomically. */
#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "campaign_pick.h"
#include "graph.h"
#include "html_report.h"
#include "html_text.h"
#include "xalloc.h"

/* The page's whole style: no fonts or images to fetch. */
static const char page_css[] =
	"body{font:14px/1.45 system-ui,Helvetica,Arial,sans-serif;margin:1.5em auto;"
	"max-width:1200px;padding:0 1em;color:#111;background:#fff}"
	"h1{font-size:1.5em;margin:0 0 .3em}h2{font-size:1.2em;margin:1.6em 0 .4em;"
	"border-bottom:1px solid #ccc}h3{font-size:1em;margin:1em 0 .3em}"
	"table{border-collapse:collapse;margin:.3em 0}"
	"th,td{border:1px solid #ddd;padding:2px 6px;text-align:right;white-space:nowrap}"
	"th{background:#f3f3f3}td.name,th.name{text-align:left}"
	"dl.head{display:grid;grid-template-columns:max-content auto;gap:2px 1em;margin:0}"
	"dl.head dt{font-weight:600}dl.head dd{margin:0}"
	".graph svg{max-width:100%;height:auto}"
	".legend span{display:inline-block;padding:0 .5em;margin-right:.6em;border:1px solid #999}"
	"tr.group th{text-align:left;background:#e8eef7}"
	"tr.over td{background:#fbd5d2}td.over{font-weight:700;color:#a00}"
	"ul.tree,ul.tree ul{list-style:none;margin:0;padding-left:1.4em}"
	"ul.tree{padding-left:0}ul.tree li{margin:.15em 0}"
	"ul.tree ul{border-left:2px solid #bbb}"
	".set{font-weight:600}.pred{color:#7a4b00}.muted{color:#666}"
	".trees{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:.4em 1.5em}"
	".up{color:#a00}.down{color:#06a}";

/* "2026-11-29 06:42:57 UTC" for microseconds since the epoch; "-" for none. */
static void
html_time(FILE *f, long long us, int known)
{
	char buf[64];
	time_t t = (time_t)(us / 1000000);
	struct tm tm;

	if (!known || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S UTC", &tm) == 0) {
		fputs("-", f);
		return;
	}
	fputs(buf, f);
}

/* The campaign's start, end and status from the database. */
static int
header_times(FILE *f, struct tp_db *db, long long campaign, struct tp_err *err)
{
	sqlite3_stmt *st;

	if (tp_db_prepare(db, "SELECT started_us, finished_us, status FROM campaigns "
	    "WHERE id = ?", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, campaign);
	if (sqlite3_step(st) == SQLITE_ROW) {
		fputs("<dt>started</dt><dd>", f);
		html_time(f, sqlite3_column_int64(st, 0), 1);
		fputs("</dd><dt>finished</dt><dd>", f);
		html_time(f, sqlite3_column_int64(st, 1), sqlite3_column_type(st, 1) != SQLITE_NULL);
		fputs("</dd><dt>status</dt><dd>", f);
		html_esc(f, (const char *)sqlite3_column_text(st, 2));
		fputs("</dd>", f);
	}
	sqlite3_finalize(st);
	return 0;
}

/* The header: campaign, times, targets, sites, scenarios, test ranges. */
static int
html_header(FILE *f, const struct html_input *in, size_t npredicted, struct tp_err *err)
{
	const struct failover_matrix *m = in->now;
	char buf[128];
	size_t i;

	fprintf(f, "<header><h1>Failover report: campaign %lld</h1><dl class=\"head\">"
	    "<dt>campaign</dt><dd>%lld (baseline round %lld)</dd>", m->campaign, m->campaign,
	    m->baseline_round);
	if (header_times(f, in->db, m->campaign, err) < 0)
		return -1;
	fprintf(f, "<dt>targets</dt><dd>%llu</dd><dt>sites</dt><dd>%zu:",
	    (unsigned long long)m->targets, m->nsites);
	for (i = 0; i < m->nsites; i++) {
		fputc(' ', f);
		html_esc(f, m->sites[i].name);
	}
	fprintf(f, "</dd><dt>scenarios</dt><dd>%zu measured, %zu predicted</dd>",
	    m->nscenarios, npredicted);
	if (in->then != NULL)
		fprintf(f, "<dt>compared with</dt><dd>campaign %lld</dd>", in->then->campaign);
	if (in->conf != NULL) {
		fputs("<dt>test ranges</dt><dd>", f);
		for (i = 0; i < in->conf->ntest_ranges; i++) {
			fputs(i ? ", " : "", f);
			html_esc(f, tp_prefix_format(&in->conf->test_ranges[i], buf, sizeof(buf)));
		}
		fputs("</dd>", f);
	}
	fputs("</dl></header>\n", f);
	return 0;
}

/*
 * The graph's SVG as it goes inline into HTML5: from "<svg" on (no XML
 * prolog, no DOCTYPE naming a DTD), without xmlns attributes, which inline
 * SVG does not need and which would be the page's only URLs.
 */
static void
put_inline_svg(FILE *f, const char *svg)
{
	const char *p = strstr(svg, "<svg"), *end;

	if (p == NULL || (end = strchr(p, '>')) == NULL)
		return;
	while (p < end) {
		const char *x = strstr(p, " xmlns");

		if (x == NULL || x > end) {
			fwrite(p, 1, (size_t)(end - p), f);
			break;
		}
		fwrite(p, 1, (size_t)(x - p), f);
		p = strchr(x + 1, '"');		/* the value's opening quote */
		p = p != NULL ? strchr(p + 1, '"') : NULL;	/* and its closing one */
		if (p == NULL)
			return;
		p++;
	}
	fputs(end, f);
}

/* The failover graph section: the legend and the laid-out SVG. */
int
html_section_graph(FILE *f, const struct html_input *in, struct tp_err *err)
{
	char *svg = NULL;
	size_t len;

	if (graph_render(in->now, in->conf, "svg", &svg, &len, err) < 0)
		return -1;
	fprintf(f, "<section id=\"graph\"><h2>Failover graph</h2><p class=\"legend\">"
	    "Where each site's traffic goes when that site alone is withdrawn (weighted "
	    "share). Circle area grows with the site's baseline load; fill: "
	    "<span style=\"background:#a6d78f\">%.0f%% or more of capacity spare</span>"
	    "<span style=\"background:#f6c85f\">less spare</span>"
	    "<span style=\"background:#e8645a\">over capacity</span>"
	    "<span style=\"background:#e4e4e4;border-style:dashed\">capacity unknown</span>"
	    "at the site's worst expected load in any measured scenario.</p>"
	    "<div class=\"graph\">", GRAPH_TIGHT * 100);
	put_inline_svg(f, svg);
	fputs("</div></section>\n", f);
	free(svg);
	return 0;
}

/* Build the body into memory (the header needs the count of predicted sets), then the page. */
static int
html_page(FILE *f, const struct html_input *in, struct tp_err *err)
{
	char *body = NULL;
	size_t len = 0, npredicted = 0;
	FILE *b = open_memstream(&body, &len);
	int rc = -1;

	if (b == NULL)
		return tp_err_set(err, "no memory for the HTML page");
	if (html_section_graph(b, in, err) < 0 || html_section_trees(b, in, &npredicted, err) < 0) {
		fclose(b);
		goto done;
	}
	html_section_heatmap(b, in);
	html_section_capacity(b, in);
	if (in->then != NULL)
		html_section_changes(b, in);
	fclose(b);
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
	    "<title>Failover report: campaign %lld</title><style>%s</style></head><body>\n",
	    in->now->campaign, page_css);
	if (html_header(f, in, npredicted, err) < 0)
		goto done;
	fwrite(body, 1, len, f);
	fputs("</body></html>\n", f);
	rc = 0;
done:
	free(body);
	return rc;
}

/* Resolve the campaigns, build their matrices, write the page. */
int
html_report(FILE *f, struct tp_db *db, const struct tp_conf *conf, long long campaign,
    long long compare, double threshold, struct tp_err *err)
{
	struct failover_matrix now, then;
	struct html_input in = { db, conf, &now, NULL, threshold };
	long long id, earlier = 0;
	int rc = -1;

	if (campaign_pick(db, campaign, &id, err) < 0 ||
	    (compare != 0 && campaign_pick(db, compare, &earlier, err) < 0) ||
	    matrix_build(db, id, NULL, &now, err) < 0)
		return -1;
	if (compare != 0) {
		if (matrix_build(db, earlier, NULL, &then, err) < 0)
			goto done;
		in.then = &then;
	}
	rc = html_page(f, &in, err);
	if (in.then != NULL)
		matrix_free(&then);
done:
	matrix_free(&now);
	return rc;
}

/* Write the page to a temporary file in path's folder, then rename it over path. */
int
html_report_file(const char *path, struct tp_db *db, const struct tp_conf *conf,
    long long campaign, long long compare, double threshold, struct tp_err *err)
{
	char *copy = xstrdup(path), *tmp;
	FILE *f = NULL;
	int fd, rc = -1;

	if (asprintf(&tmp, "%s/.%s.XXXXXX", dirname(copy), strrchr(path, '/') ?
	    strrchr(path, '/') + 1 : path) < 0)
		abort();
	if ((fd = mkstemp(tmp)) < 0) {
		tp_err_set(err, "%s: cannot create a file beside it: %s", path, strerror(errno));
		goto done;
	}
	if (fchmod(fd, 0644) < 0 || (f = fdopen(fd, "w")) == NULL) {
		tp_err_set(err, "%s: %s", tmp, strerror(errno));
		close(fd);
		goto unlink;
	}
	if (html_report(f, db, conf, campaign, compare, threshold, err) < 0)
		goto unlink;
	if (fflush(f) != 0 || fsync(fileno(f)) != 0 || ferror(f)) {
		tp_err_set(err, "%s: writing: %s", tmp, strerror(errno));
		goto unlink;
	}
	if (fclose(f) != 0) {
		f = NULL;
		tp_err_set(err, "%s: writing: %s", tmp, strerror(errno));
		goto unlink;
	}
	f = NULL;
	if (rename(tmp, path) < 0) {
		tp_err_set(err, "%s: cannot rename %s to it: %s", path, tmp, strerror(errno));
		goto unlink;
	}
	rc = 0;
	goto done;
unlink:
	if (f != NULL)
		fclose(f);
	unlink(tmp);
done:
	free(tmp);
	free(copy);
	return rc;
}
