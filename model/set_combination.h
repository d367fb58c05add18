/*
 * set_combination.h: the candidate failure sets of explore and validate:
 * every set of k of n sites, as ascending indexes in lexicographic order,
 * named canonically.
 */
#ifndef TP_SET_COMBINATION_H
#define TP_SET_COMBINATION_H

#include <stddef.h>

#include "error.h"
#include "predict.h"

/* Step idx (k ascending indexes below n) to the next combination; 0 after the last. */
int set_combination_next(size_t *idx, size_t k, size_t n);
/* The canonical text ("A+B") of the sites names[idx[0..k)]. */
char *set_combination_text(const char *const *names, const size_t *idx, size_t k);
/* 1 when text is among known. */
int set_known(const char *text, const char *const *known, size_t nknown);
/*
 * Predict every set of k of the nsites names not among known, in
 * combination order, and hand each to each(text, idx, prediction, arg);
 * each returns 1 when it keeps text (then it frees it). -1 when the model
 * cannot predict a set (err says why).
 */
int set_candidates_predict(struct pd_model *md, const char *const *names, size_t nsites,
    size_t k, const char *const *known, size_t nknown,
    int (*each)(char *text, const size_t *idx, const struct pd_prediction *p, void *arg),
    void *arg, struct tp_err *err);

#endif
