/*
 * html_tree.c: per site, its failover tree: the site alone, then the site
 * with its heaviest failover destination, then with that set's heaviest,
 * as far as TREE_DEPTH sites. Each set's shares are the matrix's own row
 * when the campaign measured the set, else pd_predict's, shown with its
 * calibrated confidence (calibrate.h) and determined share; the exact
 * numbers are in the title.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate.h"
#include "html_report.h"
#include "html_text.h"
#include "predict.h"
#include "report.h"
#include "failure_set.h"
#include "xalloc.h"

/* Sites in the deepest set of a tree (X, X+D1, X+D1+D2). */
#define TREE_DEPTH 3

/* One set's answer: the whole-set row of a matrix (measured or predicted). */
struct tree_row {
	const struct failover_matrix *m;
	const struct mx_row *r;
	const struct pd_row *pr;	/* NULL when measured */
	size_t validations;		/* behind pr's confidence */
};

/* Predictions made so far, so that each set is predicted once and counted once. */
struct tree_work {
	const struct html_input *in;
	struct pd_model *md;		/* loaded at the first prediction */
	struct pd_calibration cal;	/* loaded with it */
	struct pd_prediction *pred;
	size_t npred;
};

/* The whole-set row of a measured set, or NULL when the campaign did not measure it. */
static const struct mx_row *
measured_row(const struct failover_matrix *m, const char *set)
{
	size_t i;

	for (i = 0; i < m->nscenarios; i++)
		if (strcmp(m->scenarios[i].withdrawn, set) == 0)
			return &m->rows[m->scenarios[i].first_row + m->scenarios[i].nrows - 1];
	return NULL;
}

/* The answer for a set: measured, or predicted (once per set). */
static int
tree_lookup(struct tree_work *w, const char *set, struct tree_row *out, struct tp_err *err)
{
	struct pd_prediction *p;
	size_t i;

	out->m = w->in->now;
	out->pr = NULL;
	if ((out->r = measured_row(w->in->now, set)) != NULL)
		return 0;
	for (i = 0; i < w->npred; i++)
		if (strcmp(w->pred[i].m.scenarios[0].withdrawn, set) == 0)
			break;
	if (i == w->npred) {
		if (w->md == NULL && (pd_model_load(w->in->db, w->in->now->campaign, &w->md,
		    err) < 0 || pd_calibration_load(w->in->db, w->md, &w->cal, err) < 0))
			return -1;
		w->pred = xreallocarray(w->pred, w->npred + 1, sizeof(*w->pred));
		if (pd_predict(w->md, set, &w->pred[w->npred], err) < 0)
			return -1;
		pd_calibrate(&w->cal, &w->pred[w->npred]);
		w->npred++;
	}
	p = &w->pred[i];
	out->m = &p->m;
	out->r = &p->m.rows[p->m.nrows - 1];
	out->pr = &p->rows[p->m.nrows - 1];
	out->validations = p->validations;
	return 0;
}

/* The site the set's traffic mostly goes to (outside the set), or -1. */
static long
heaviest(const struct tree_row *t)
{
	const struct mx_scenario *s = &t->m->scenarios[t->r->scenario];
	long best = -1;
	size_t i;

	for (i = 0; i < t->m->nsites; i++)
		if (!mx_withdrawn(s, i) && t->r->to[i] > 0 &&
		    (best < 0 || t->r->to_weight[i] > t->r->to_weight[best]))
			best = (long)i;
	return best;
}

/*
 * A predicted set's note: the calibrated confidence and its interval, or
 * that there are no validations; then the determined share. The title
 * holds the numbers unrounded.
 */
static void
prediction_note(FILE *f, const char *set, const struct pd_row *pr, size_t validations)
{
	fputs("<span class=\"pred\" title=\"", f);
	html_esc(f, set);
	if (isfinite(pr->confidence))
		fprintf(f, " predicted: confidence %.6f (%.6f to %.6f), determined %.6f, %zu "
		    "validations\">(predicted, confidence ", pr->confidence, pr->confidence_low,
		    pr->confidence_high, pr->determined_share, validations);
	else
		fprintf(f, " predicted: no validations, determined %.6f\">(predicted, no "
		    "validations to calibrate a confidence; determined ", pr->determined_share);
	if (isfinite(pr->confidence)) {
		html_share(f, pr->confidence);
		fputs(", ", f);
		html_share(f, pr->confidence_low);
		fputs(" to ", f);
		html_share(f, pr->confidence_high);
		fputs("; determined ", f);
	}
	html_share(f, pr->determined_share);
	fputs(")</span>", f);
}

/* One level: the set, measured or predicted, and its heaviest destinations and lost share. */
static void
tree_item(FILE *f, const struct tree_row *t)
{
	const struct mx_scenario *s = &t->m->scenarios[t->r->scenario];
	int *used = xcalloc(t->m->nsites ? t->m->nsites : 1, sizeof(int));
	size_t n;

	fputs("<li><span class=\"set\">", f);
	html_esc(f, s->withdrawn);
	fputs("</span> ", f);
	if (t->pr != NULL) {
		prediction_note(f, s->withdrawn, t->pr, t->validations);
	} else {
		fputs("<span class=\"muted\">(measured)</span>", f);
	}
	fputs(":", f);
	for (n = 0; n < REPORT_TOP; n++) {
		long best = -1;
		size_t i;

		for (i = 0; i < t->m->nsites; i++)
			if (!used[i] && !mx_withdrawn(s, i) && t->r->to[i] > 0 &&
			    (best < 0 || t->r->to_weight[i] > t->r->to_weight[best]))
				best = (long)i;
		if (best < 0)
			break;
		used[best] = 1;
		fputs(n ? ", " : " ", f);
		html_esc(f, t->m->sites[best].name);
		fputc(' ', f);
		html_share(f, mx_share(t->r->to_weight[best], t->r->responsive_weight));
	}
	fputs(n ? ", lost " : " lost ", f);
	html_share(f, mx_share(t->r->responsive_weight - t->r->answered_weight,
	    t->r->responsive_weight));
	free(used);
}

/* Site i's tree: levels nested as lists, each the set of the one before plus its heaviest site. */
static int
site_tree(FILE *f, struct tree_work *w, size_t single, struct tp_err *err)
{
	const struct failover_matrix *m = w->in->now;
	const struct mx_scenario *s = &m->scenarios[single];
	char set[HTML_SET_MAX], grown[HTML_SET_MAX + 80], *canon;
	struct tree_row t = { m, &m->rows[s->first_row], NULL, 0 };
	size_t depth, open = 0;
	long next;

	fputs("<div><h3>", f);
	html_esc(f, s->withdrawn);
	fputs("</h3><ul class=\"tree\">", f);
	snprintf(set, sizeof(set), "%s", s->withdrawn);
	for (depth = 1; ; depth++) {
		tree_item(f, &t);
		open++;
		if (depth >= TREE_DEPTH || (next = heaviest(&t)) < 0)
			break;
		snprintf(grown, sizeof(grown), "%s+%s", set, t.m->sites[next].name);
		if (failure_set_canonical(grown, &canon, err) < 0)
			break;	/* a site name no set may hold: the tree ends here */
		snprintf(set, sizeof(set), "%s", canon);
		free(canon);
		if (tree_lookup(w, set, &t, err) < 0)
			return -1;
		fputs("<ul>", f);
	}
	while (open-- > 0)
		fputs(open ? "</li></ul>" : "</li>", f);
	fputs("</ul></div>\n", f);
	return 0;
}

/* The trees section: one tree per site that was measured alone. */
int
html_section_trees(FILE *f, const struct html_input *in, size_t *npredicted,
    struct tp_err *err)
{
	struct tree_work w;
	size_t i;
	int rc = 0;

	memset(&w, 0, sizeof(w));
	w.in = in;
	fputs("<section id=\"trees\"><h2>Failover trees</h2><p>For each site: where its "
	    "traffic goes when it fails, then when its heaviest failover site fails too, and "
	    "so on (weighted shares). Sets the campaign did not measure are predicted from "
	    "those it did. Their confidence is calibrated: the share of their targets the "
	    "measurements determine, times the measured rate at which such predictions held "
	    "(validations and leave-one-out; tp-analyze(1), PREDICTION), with a 95% interval. "
	    "Without validations no confidence is stated.</p><div class=\"trees\">\n", f);
	for (i = 0; i < in->now->nscenarios && rc == 0; i++)
		if (in->now->scenarios[i].nsites == 1)
			rc = site_tree(f, &w, i, err);
	fputs("</div></section>\n", f);
	*npredicted = w.npred;
	for (i = 0; i < w.npred; i++)
		pd_prediction_free(&w.pred[i]);
	free(w.pred);
	if (w.md != NULL)
		pd_model_free(w.md);
	return rc;
}
