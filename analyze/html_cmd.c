/* html_cmd.c: tp-analyze graph and tp-analyze html. */
#include <stdlib.h>

#include "analyze.h"
#include "campaign_pick.h"
#include "graph.h"
#include "html_report.h"

/* tp-analyze graph [--campaign ID] [--format dot|svg]: the failover graph for Graphviz users. */
int
cmd_graph(struct analyze_ctx *ctx, struct tp_err *err)
{
	struct failover_matrix m;
	long long campaign;
	char *text = NULL;
	size_t len;
	int rc;

	if (campaign_pick(ctx->db, ctx->campaign, &campaign, err) < 0 ||
	    matrix_build(ctx->db, campaign, NULL, &m, err) < 0)
		return -1;
	rc = graph_render(&m, ctx->conf, ctx->format != NULL ? ctx->format : "dot", &text, &len,
	    err);
	if (rc == 0)
		fwrite(text, 1, len, ctx->out);
	free(text);
	matrix_free(&m);
	return rc;
}

/* tp-analyze html [--campaign ID] [--compare ID] [--threshold P] [-o FILE] */
int
cmd_html(struct analyze_ctx *ctx, struct tp_err *err)
{
	if (ctx->output != NULL)
		return html_report_file(ctx->output, ctx->db, ctx->conf, ctx->campaign,
		    ctx->compare, ctx->threshold, err);
	return html_report(ctx->out, ctx->db, ctx->conf, ctx->campaign, ctx->compare,
	    ctx->threshold, err);
}
