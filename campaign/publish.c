/* publish.c: the campaign's HTML report (tp.conf report_html), written when it ends. */
#include "../analyze/html_report.h"
#include "campaign.h"
#include "log.h"

/* The threshold of the report's changes, in points (tp-analyze's default). */
#define PUBLISH_THRESHOLD 5

/* Write report_html, when set, atomically; 0 also when there is nothing to write. */
int
publish_report(struct campaign *c)
{
	struct tp_err err;

	if (c->conf->report_html == NULL || c->baseline_round == 0)
		return 0;
	if (html_report_file(c->conf->report_html, c->db, c->conf, c->id, 0, PUBLISH_THRESHOLD,
	    &err) < 0) {
		log_error("campaign", "report_html: %s", err.msg);
		return -1;
	}
	log_info("campaign", "campaign %lld: report written to %s", c->id, c->conf->report_html);
	return 0;
}
