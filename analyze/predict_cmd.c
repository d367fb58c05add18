/* predict_cmd.c: tp-analyze predict and tp-analyze evaluate. */
#include <stdlib.h>

#include "analyze.h"
#include "calibrate.h"
#include "campaign_pick.h"
#include "evaluate.h"
#include "failure_set.h"
#include "log.h"
#include "matrix_output.h"
#include "predict.h"

/* tp-analyze predict --withdrawn A+B [--campaign ID] [--by-count] */
int
cmd_predict(struct analyze_ctx *ctx, struct tp_err *err)
{
	char *set;
	struct pd_model *md;
	struct pd_prediction p;
	struct pd_calibration cal;
	long long campaign;
	struct tp_table *t;
	json_t *j;
	int rc;

	if (ctx->withdrawn == NULL)
		return tp_err_set(err, "give the failure set to predict with --withdrawn A+B");
	if (failure_set_canonical(ctx->withdrawn, &set, err) < 0)
		return -1;
	if (set[0] == '\0') {
		free(set);
		return tp_err_set(err, "--withdrawn: give the withdrawn sites, e.g. A+B");
	}
	if (campaign_pick(ctx->db, ctx->campaign, &campaign, err) < 0 ||
	    pd_model_load(ctx->db, campaign, &md, err) < 0) {
		free(set);
		return -1;
	}
	if ((rc = pd_calibration_load(ctx->db, md, &cal, err)) == 0)
		rc = pd_predict(md, set, &p, err);
	free(set);
	pd_model_free(md);
	if (rc < 0)
		return -1;
	pd_calibrate(&cal, &p);
	if (cal.validations == 0 && !p.measured)
		log_warn("predict", "campaign %lld has no validations: the confidence is not "
		    "calibrated (the determined share is the model's claim, not a measured "
		    "rate); set validate in tp.conf", campaign);
	if (ctx->fmt == TP_FMT_JSON) {
		j = pd_prediction_json(&p);
		tp_json_print(ctx->out, j);
		json_decref(j);
	} else {
		t = pd_prediction_table(&p, ctx->by_count, ctx->fmt == TP_FMT_TEXT);
		tp_table_print(t, ctx->out, ctx->fmt);
		tp_table_free(t);
	}
	pd_prediction_free(&p);
	return 0;
}

/* tp-analyze evaluate [--campaign ID] [--compare ID] */
int
cmd_evaluate(struct analyze_ctx *ctx, struct tp_err *err)
{
	struct evaluation ev;
	long long campaign, compare = 0;
	struct tp_table *t;
	json_t *j;

	if (campaign_pick(ctx->db, ctx->campaign, &campaign, err) < 0)
		return -1;
	if (ctx->compare != 0 && campaign_pick(ctx->db, ctx->compare, &compare, err) < 0)
		return -1;
	if (evaluate_run(ctx->db, campaign, compare, &ev, err) < 0) {
		evaluation_free(&ev);
		return -1;
	}
	if (ctx->fmt == TP_FMT_JSON) {
		j = evaluation_json(&ev);
		tp_json_print(ctx->out, j);
		json_decref(j);
	} else {
		t = evaluation_table(&ev);
		tp_table_print(t, ctx->out, ctx->fmt);
		tp_table_free(t);
	}
	evaluation_free(&ev);
	return 0;
}
