/* schedule.c: the campaign's scheduler (see schedule.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "failure_set.h"
#include "schedule.h"
#include "xalloc.h"

/* Take over the planned scenarios; count the most that can run. */
void
sched_init(struct sched *s, const struct tp_conf *conf, struct scenario *planned, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->conf = conf;
	s->v = planned;
	s->n = n;
	s->total = n + conf->nsites * conf->chains + conf->validate + conf->explore;
}

/* Free every scenario, the planned ones included. */
void
sched_free(struct sched *s)
{
	size_t i;

	scenarios_free(s->v, s->n);
	for (i = 0; s->chain != NULL && i < s->conf->nsites; i++)
		free(s->chain[i].base);
	free(s->chain);
	memset(s, 0, sizeof(*s));
}

/* Append a scenario; the caller made sure it is new. */
static void
append(struct sched *s, struct scenario sc)
{
	s->v = xreallocarray(s->v, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = sc;
}

/* A step with a note formatted into the scheduler. */
static struct sched_step __attribute__((format(printf, 4, 5)))
noted(struct sched *s, struct sched_step st, int warn, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->note, sizeof(s->note), fmt, ap);
	va_end(ap);
	st.note = s->note;
	st.warn = warn;
	return st;
}

/* Hand out the next queued scenario: start it, or skip it by min_announcing. */
static struct sched_step
hand_out(struct sched *s)
{
	struct sched_step st = { SCHED_START, s->next++, 0, NULL, 0 };
	struct scenario *sc = &s->v[st.scenario];

	s->index++;
	if (s->conf->nsites - sc->nsites < s->conf->min_announcing) {
		sc->status = "skipped";
		st.what = SCHED_SKIP;
		return noted(s, st, 1, "%s skipped: it would leave fewer than min_announcing %u "
		    "sites announcing", sc->name, s->conf->min_announcing);
	}
	return st;
}

/* End site i's chain, counting the links it will not have. */
static void
chain_end(struct sched *s, size_t i)
{
	struct sched_chain *ch = &s->chain[i];

	s->total -= s->conf->chains - ch->depth + 1;
	ch->ended = 1;
}

/* Give every site its chain cursor: the site alone, the first link next. */
static void
chains_begin(struct sched *s)
{
	size_t i;

	s->chain = xcalloc(s->conf->nsites + 1, sizeof(*s->chain));
	for (i = 0; i < s->conf->nsites; i++) {
		s->chain[i].base = xstrdup(s->conf->sites[i].name);
		s->chain[i].depth = 1;
	}
}

/* 1 when a scenario has a result a chain can grow from. */
static int
measured(const struct scenario *sc)
{
	return strcmp(sc->status, "done") == 0 || strcmp(sc->status, "unconverged") == 0;
}

/* 1 when scenario i was handed out and has no result yet (another lane runs it). */
static int
in_flight(const struct sched *s, size_t i)
{
	return i < s->next && (strcmp(s->v[i].status, "pending") == 0 ||
	    strcmp(s->v[i].status, "running") == 0);
}

/* The first scenario handed out that has no result yet, or s->n. */
static size_t
first_in_flight(const struct sched *s)
{
	size_t i;

	for (i = 0; i < s->next; i++)
		if (in_flight(s, i))
			return i;
	return s->n;
}

/*
 * The chains' next question: where the traffic went in the base of the
 * lowest site's chain that can grow now. SCHED_WAIT (on the lowest
 * site's base) when every unfinished chain grows from a scenario still
 * being measured, SCHED_DONE when every chain has ended.
 */
static struct sched_step
chain_step(struct sched *s)
{
	struct sched_step st = { SCHED_DONE, 0, 0, NULL, 0 };
	size_t i;

	if (s->chain == NULL)
		chains_begin(s);
	for (i = 0; i < s->conf->nsites; i++) {
		struct sched_chain *ch = &s->chain[i];
		struct scenario *base;

		if (ch->ended)
			continue;
		if (ch->depth > s->conf->chains) {
			ch->ended = 1;
			continue;
		}
		base = scenario_find(s->v, s->n, ch->base);
		/* No chain grows from a scenario without a result; another one may. */
		if (base != NULL && in_flight(s, (size_t)(base - s->v))) {
			if (st.what != SCHED_WAIT) {
				st.what = SCHED_WAIT;
				st.scenario = (size_t)(base - s->v);
			}
			continue;
		}
		if (base == NULL || !measured(base)) {
			chain_end(s, i);
			continue;
		}
		st.what = SCHED_ASK_TOP;
		st.scenario = (size_t)(base - s->v);
		st.site = s->asked = i;
		return st;
	}
	return st;
}

/* Grow the asked site's chain by dest (see schedule.h); a link measured already counts as one. */
void
sched_top_destination(struct sched *s, long dest)
{
	struct sched_chain *ch = &s->chain[s->asked];
	struct scenario *base = scenario_find(s->v, s->n, ch->base);
	struct scenario next;
	size_t *sites;

	if (dest < 0 || base == NULL) {
		chain_end(s, s->asked);
		return;
	}
	sites = xcalloc(base->nsites + 1, sizeof(size_t));
	memcpy(sites, base->sites, base->nsites * sizeof(size_t));
	sites[base->nsites] = (size_t)dest;
	next = scenario_make(s->conf, sites, base->nsites + 1);
	free(sites);
	next.chain = 1;
	free(ch->base);
	ch->base = xstrdup(next.name);
	ch->depth++;
	if (scenario_find(s->v, s->n, next.name) != NULL) {
		scenario_clear(&next);
		s->total--;
		return;
	}
	append(s, next);
}

/* 1 when explore can run at all; notes why not otherwise. */
static int
explore_possible(struct sched *s, struct sched_step *st)
{
	const struct tp_conf *conf = s->conf;
	size_t k = conf->explore_size;

	if (conf->explore == 0)
		return 0;
	if (k >= conf->nsites || conf->nsites - k < conf->min_announcing) {
		*st = noted(s, *st, 1, "explore: no set of %zu sites leaves min_announcing %u of "
		    "%zu sites announcing; nothing explored", k, conf->min_announcing,
		    conf->nsites);
		s->total -= conf->explore;
		return 0;
	}
	return 1;
}

/*
 * Take the sets an earlier run explored (not planned, not chains): they run
 * first and count against the budget. Returns how many name a site no
 * longer configured; those are left alone.
 */
size_t
sched_resumed(struct sched *s, char *const *names, size_t n)
{
	size_t i, j, m, gone = 0;

	for (j = 0; j < n; j++) {
		struct failure_set set;
		struct scenario sc;
		size_t *sites;

		if (scenario_find(s->v, s->n, names[j]) != NULL ||
		    failure_set_parse(names[j], 0, &set, NULL, 0) < 0)
			continue;
		sites = xcalloc(set.n ? set.n : 1, sizeof(size_t));
		for (m = 0, i = 0; i < set.n; i++) {
			size_t k;

			for (k = 0; k < s->conf->nsites; k++)
				if (strcmp(s->conf->sites[k].name, set.names[i]) == 0)
					sites[m++] = k;
		}
		failure_set_free(&set);
		sc = scenario_make(s->conf, sites, m);
		free(sites);
		if (strcmp(sc.name, names[j]) != 0) {	/* a site left the configuration */
			scenario_clear(&sc);
			gone++;
			continue;
		}
		append(s, sc);
		s->explored++;
	}
	return gone;
}

/* Add explore's choice, or end the explore step when there is none. */
void
sched_explored(struct sched *s, const size_t *sites, size_t k)
{
	if (sites == NULL) {
		s->total -= s->conf->explore > s->explored ? s->conf->explore - s->explored : 0;
		s->phase = PHASE_DONE;
		snprintf(s->note, sizeof(s->note), "explore: every set of %zu sites is predicted "
		    "with full confidence after %zu explored; stopping", k, s->explored);
		s->note_due = 1;
		return;
	}
	append(s, scenario_make(s->conf, sites, k));
	s->explored++;
}

/* 1 when validate has sets left to ask for; notes why not when it cannot run at all. */
static int
validate_due(struct sched *s, struct sched_step *st)
{
	const struct tp_conf *conf = s->conf;
	size_t k = conf->explore_size;

	if (s->validated >= conf->validate)
		return 0;
	if (k >= conf->nsites || conf->nsites - k < conf->min_announcing) {
		*st = noted(s, *st, 1, "validate: no set of %zu sites leaves min_announcing %u of "
		    "%zu sites announcing; nothing validated", k, conf->min_announcing,
		    conf->nsites);
		s->total -= conf->validate - s->validated;
		s->validated = conf->validate;
		return 0;
	}
	return 1;
}

/* Add validate's choice, or end the validate step when there is none. */
void
sched_validated(struct sched *s, const size_t *sites, size_t k)
{
	struct scenario sc;

	if (sites == NULL) {
		s->total -= s->conf->validate - s->validated;
		snprintf(s->note, sizeof(s->note), "validate: no other set of %zu sites that the "
		    "model calls determined after %zu validated", k, s->validated);
		s->note_due = 1;
		s->validated = s->conf->validate;
		return;
	}
	sc = scenario_make(s->conf, sites, k);
	sc.validation = 1;
	append(s, sc);
	s->validated++;
}

/* Decide the next step from the queue, the phase and the answers so far. */
struct sched_step
sched_next(struct sched *s)
{
	struct sched_step st = { SCHED_DONE, 0, 0, NULL, 0 };

	if (s->next < s->n)
		return hand_out(s);
	switch (s->phase) {
	case PHASE_PLANNED:
		s->phase = PHASE_CHAINS;
		/* FALLTHROUGH */
	case PHASE_CHAINS:
		st = chain_step(s);
		if (st.what != SCHED_DONE)
			return st;
		if (s->next < s->n)
			return hand_out(s);
		s->phase = PHASE_VALIDATE;
		/* FALLTHROUGH */
	case PHASE_VALIDATE:
		if (validate_due(s, &st)) {
			if ((st.scenario = first_in_flight(s)) < s->n) {
				st.what = SCHED_WAIT;	/* validate reads every result */
				return st;
			}
			st.what = SCHED_ASK_VALIDATE;
			return st;
		}
		if (s->note_due) {
			s->note_due = 0;
			st.note = s->note;
		}
		s->phase = PHASE_RESUMED;
		if (!explore_possible(s, &st)) {
			s->phase = PHASE_DONE;
			return st;
		}
		st.what = SCHED_ASK_RESUMED;
		return st;
	case PHASE_RESUMED:
		s->phase = PHASE_EXPLORE;
		/* FALLTHROUGH */
	case PHASE_EXPLORE:
		if (s->explored >= s->conf->explore) {
			s->phase = PHASE_DONE;
			return st;
		}
		if ((st.scenario = first_in_flight(s)) < s->n) {
			st.what = SCHED_WAIT;	/* explore reads every result */
			return st;
		}
		st.what = SCHED_ASK_EXPLORE;
		return st;
	case PHASE_DONE:
		if (s->note_due) {
			s->note_due = 0;
			st.note = s->note;
		}
		break;
	}
	return st;
}
