/*
 * independence.h: whether the lanes of a campaign stayed independent.
 * Lanes are separate test prefixes measured at once; a scenario on one lane
 * must not move another lane's traffic. Each scenario round probes, besides
 * its catchment, a control sample of every site it did not withdraw. For
 * each lane, the control replies of its rounds that ran while a scenario of
 * another lane was under way (from its withdrawal until it was announced
 * again and settled) are compared with their baseline site. Those whose
 * baseline site the other lane had withdrawn at the time are "exposed":
 * they would have moved had the other lane's withdrawal reached this lane's
 * prefix. A lane is dependent when more than the threshold (percentage
 * points) of its exposed control replies moved.
 */
#ifndef TP_INDEPENDENCE_H
#define TP_INDEPENDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "error.h"
#include "output.h"

enum ind_verdict {
	IND_UNCHECKED,		/* no exposed control reply: nothing says either way */
	IND_INDEPENDENT,
	IND_DEPENDENT,
};

struct ind_lane {
	char *name;		/* the scenarios' lane ("default" when none is recorded) */
	uint64_t rounds;	/* its scenarios' result rounds */
	uint64_t overlapped;	/* of them, those run during another lane's scenario */
	uint64_t control;	/* control replies in the overlapped rounds */
	uint64_t moved;		/* of them, not at their baseline site */
	uint64_t exposed;	/* control replies whose site another lane had withdrawn */
	uint64_t exposed_moved;	/* of them, not at their baseline site */
	enum ind_verdict verdict;
};

struct independence {
	long long campaign;
	double threshold;	/* percentage points of exposed replies that may move */
	struct ind_lane *lanes;	/* by name */
	size_t n;
};

/*
 * Check campaign (an existing id) against threshold (points). A campaign
 * with one lane gives n = 1 and that lane unchecked.
 */
int independence_check(struct tp_db *db, long long campaign, double threshold,
    struct independence *ind, struct tp_err *err);
void independence_free(struct independence *ind);
/* One row per lane: the counts above, the moved shares and the verdict. */
struct tp_table *independence_table(const struct independence *ind);
/* The verdict as a word: unchecked, independent, dependent. */
const char *independence_verdict_name(enum ind_verdict v);

#endif
