/* explore_pick.c: the set of k sites the prediction knows least about. */
#include <stdlib.h>
#include <string.h>

#include "explore_pick.h"
#include "failure_set.h"
#include "xalloc.h"

/* Step idx (k ascending indexes below n) to the next combination; 0 after the last. */
static int
next_combination(size_t *idx, size_t k, size_t n)
{
	size_t i = k;

	while (i-- > 0)
		if (idx[i] < n - k + i) {
			idx[i]++;
			while (++i < k)
				idx[i] = idx[i - 1] + 1;
			return 1;
		}
	return 0;
}

/* strcmp order of two names, for qsort. */
static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The canonical text of the sites at idx. */
static char *
set_text(const char *const *names, const size_t *idx, size_t k)
{
	const char **v = xcalloc(k ? k : 1, sizeof(*v));
	char *text;
	size_t i;

	for (i = 0; i < k; i++)
		v[i] = names[idx[i]];
	qsort(v, k, sizeof(*v), name_cmp);
	text = failure_set_print(v, k);
	free(v);
	return text;
}

/* 1 when text is among known. */
static int
is_known(const char *text, const char *const *known, size_t nknown)
{
	size_t i;

	for (i = 0; i < nknown; i++)
		if (strcmp(known[i], text) == 0)
			return 1;
	return 0;
}

/* Predict every candidate set and keep the least determined; see explore_pick.h. */
int
explore_pick(struct pd_model *md, const char *const *names, size_t nsites, size_t k,
    const char *const *known, size_t nknown, struct explore_choice *out, struct tp_err *err)
{
	size_t *idx, i;
	double best_conf = 2;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (k == 0 || k > nsites)
		return 0;
	idx = xcalloc(k, sizeof(size_t));
	for (i = 0; i < k; i++)
		idx[i] = i;
	do {
		char *text = set_text(names, idx, k);
		struct pd_prediction p;
		size_t open;
		double confidence;

		if (is_known(text, known, nknown)) {
			free(text);
			continue;
		}
		if (pd_predict(md, text, &p, err) < 0) {
			free(text);
			rc = -1;
			break;
		}
		open = p.n - p.ndetermined;
		confidence = p.n ? (double)p.ndetermined / (double)p.n : 1;
		pd_prediction_free(&p);
		if (open > out->open || (open == out->open && open > 0 && confidence < best_conf)) {
			free(out->set);
			out->set = text;
			out->open = open;
			out->confidence = confidence;
			best_conf = confidence;
			free(out->sites);
			out->sites = xcalloc(k, sizeof(size_t));
			memcpy(out->sites, idx, k * sizeof(size_t));
			out->k = k;
		} else
			free(text);
	} while (next_combination(idx, k, nsites));
	free(idx);
	if (rc < 0)
		explore_choice_free(out);
	return rc;
}

/* Free what explore_pick chose. */
void
explore_choice_free(struct explore_choice *c)
{
	free(c->set);
	free(c->sites);
	memset(c, 0, sizeof(*c));
}
