/* set_combination.c: enumerate and name candidate failure sets (see set_combination.h). */
#include <stdlib.h>
#include <string.h>

#include "failure_set.h"
#include "set_combination.h"
#include "xalloc.h"

/* The next combination in lexicographic order. */
int
set_combination_next(size_t *idx, size_t k, size_t n)
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

/* The names sorted, printed as a failure set. */
char *
set_combination_text(const char *const *names, const size_t *idx, size_t k)
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

/* A linear search: the known sets are the campaign's scenarios, a few hundred at most. */
int
set_known(const char *text, const char *const *known, size_t nknown)
{
	size_t i;

	for (i = 0; i < nknown; i++)
		if (strcmp(known[i], text) == 0)
			return 1;
	return 0;
}

/* Enumerate, skip the known, predict, hand over. */
int
set_candidates_predict(struct pd_model *md, const char *const *names, size_t nsites,
    size_t k, const char *const *known, size_t nknown,
    int (*each)(char *text, const size_t *idx, const struct pd_prediction *p, void *arg),
    void *arg, struct tp_err *err)
{
	size_t *idx, i;
	int rc = 0;

	if (k == 0 || k > nsites)
		return 0;
	idx = xcalloc(k, sizeof(size_t));
	for (i = 0; i < k; i++)
		idx[i] = i;
	do {
		char *text = set_combination_text(names, idx, k);
		struct pd_prediction p;

		if (set_known(text, known, nknown)) {
			free(text);
			continue;
		}
		if (pd_predict(md, text, &p, err) < 0) {
			free(text);
			rc = -1;
			break;
		}
		if (!each(text, idx, &p, arg))
			free(text);
		pd_prediction_free(&p);
	} while (set_combination_next(idx, k, nsites));
	free(idx);
	return rc;
}
