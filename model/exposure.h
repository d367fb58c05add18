/*
 * exposure.h: where the prediction model's assumption may break. A target
 * of failure set S is determined when its known order reaches a site b
 * outside S; the order was measured with only the sites P before b
 * withdrawn. Withdrawing the other sites of S (S minus P) may reveal a
 * route that was hidden behind one of them (BGP path hiding) and move the
 * target elsewhere. The model knows one kind of such route: a site c's
 * failover partners, the sites c's own targets went to when c alone was
 * withdrawn, reach c's upstream networks. A determined target is
 * "exposed" when a site c of S minus P has a partner outside S other
 * than b.
 */
#ifndef TP_EXPOSURE_H
#define TP_EXPOSURE_H

#include <stdint.h>

#include "predict_model.h"

/*
 * Per site index c, at partners + c * md->words, the bit set of c's
 * failover partners (from the measured single {c} not left out; empty
 * without one). Built once and kept in the model until a leave-out.
 */
const uint64_t *pd_partners(struct pd_model *md);
/*
 * 1 when target t, determined to site b for set (b in its known order,
 * outside set; the set's n site indexes in sites), is exposed (see
 * above). scratch holds 2 * md->words words.
 */
int pd_exposed(const struct pd_model *md, const uint64_t *partners, const uint64_t *set,
    const size_t *sites, size_t n, long long t, int32_t b, uint64_t *scratch);

#endif
