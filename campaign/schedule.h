/*
 * schedule.h: what a campaign runs next, decided without touching the
 * network or the database. The scheduler holds every scenario known so
 * far (planned, grown as chains, chosen by explore) in the order they are
 * started; sched_next looks at them and at the results fed back so far
 * and says what to do: start a scenario, skip one, or ask for a result it
 * needs (where a site's traffic went; explore's next choice) before it can
 * decide. The caller (run.c) carries each step out and feeds the outcome
 * back; it never decides.
 *
 * Order: the planned scenarios; then for each site X the chain {X, the
 * top destination of X's traffic}, grown by the top destination of X's
 * traffic in each link, up to `chains` more sites (every site has its own
 * chain cursor: the lowest site whose chain can grow now goes first, so a
 * chain waiting for its base to be measured does not hold up the others,
 * and run one at a time the chains come site by site); then up to `validate`
 * sets the prediction calls determined, measured to check it; then up to
 * `explore` sets chosen by the prediction (first those an earlier run of
 * the same campaign chose). A later decision may depend only on what the scheduler
 * was told, so the same results always give the same campaign.
 */
#ifndef TP_CAMPAIGN_SCHEDULE_H
#define TP_CAMPAIGN_SCHEDULE_H

#include <stddef.h>

#include "config.h"
#include "plan.h"

enum sched_what {
	SCHED_START,		/* start scenario `scenario` (skip it if already finished) */
	SCHED_SKIP,		/* scenario `scenario` would leave fewer than min_announcing */
	SCHED_ASK_TOP,		/* call sched_top_destination: site's traffic in scenario */
	SCHED_ASK_RESUMED,	/* call sched_resumed with the sets an earlier run explored */
	SCHED_ASK_EXPLORE,	/* call sched_explored with explore's next choice */
	SCHED_ASK_VALIDATE,	/* call sched_validated with validate's next choice */
	SCHED_WAIT,		/* the next decision needs a result still being measured
				 * (scenario `scenario`'s, or every one handed out; for
				 * the chains: every unfinished chain's base is): ask
				 * again once one is in (several lanes run at once) */
	SCHED_DONE,
};

struct sched_step {
	enum sched_what what;
	size_t scenario;	/* index into sched.v */
	size_t site;		/* SCHED_ASK_TOP: the site whose traffic is asked for */
	const char *note;	/* a line worth logging about this decision, or NULL */
	int warn;		/* the note is a warning */
};

enum sched_phase { PHASE_PLANNED, PHASE_CHAINS, PHASE_VALIDATE, PHASE_RESUMED, PHASE_EXPLORE,
	PHASE_DONE };

/* One site's chain: the link it grows from and the depth of the next link. */
struct sched_chain {
	char *base;
	size_t depth;
	int ended;
};

struct sched {
	const struct tp_conf *conf;
	struct scenario *v;	/* every scenario so far, in starting order */
	size_t n;
	size_t next;		/* v[next..n) have not been handed out */
	enum sched_phase phase;
	struct sched_chain *chain;	/* per site, once the chains phase began */
	size_t asked;		/* the site whose SCHED_ASK_TOP awaits its answer */
	size_t explored;	/* sets explore has added, resumed ones included */
	size_t validated;	/* sets validate has added */
	/* Progress: scenarios handed out, and how many there will be at most. */
	size_t index, total;
	char note[512];
	int note_due;		/* note waits for the next step */
};

/* Start from the planned scenarios (taken over: the scheduler frees them). */
void sched_init(struct sched *s, const struct tp_conf *conf, struct scenario *planned,
    size_t n);
void sched_free(struct sched *s);
/* The next step; see enum sched_what. */
struct sched_step sched_next(struct sched *s);
/*
 * Answer to SCHED_ASK_TOP (before the next sched_next): the site index the
 * asked site's traffic went to most, -1 for none.
 */
void sched_top_destination(struct sched *s, long dest);
/*
 * Answer to SCHED_ASK_RESUMED: the canonical sets of the campaign's
 * scenarios in the database, some perhaps known. Returns how many name a
 * site no longer configured (left alone).
 */
size_t sched_resumed(struct sched *s, char *const *names, size_t n);
/*
 * Answer to SCHED_ASK_EXPLORE: the chosen sites (k indexes), or NULL when
 * every candidate is fully determined (pass k all the same, for the note).
 */
void sched_explored(struct sched *s, const size_t *sites, size_t k);
/*
 * Answer to SCHED_ASK_VALIDATE: the chosen sites (k indexes), or NULL when
 * no set of explore_size sites is left that the model calls determined.
 */
void sched_validated(struct sched *s, const size_t *sites, size_t k);

#endif
