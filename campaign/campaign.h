/*
 * campaign.h: what the parts of tp-campaign share: the running campaign,
 * the ledger of sites it has withdrawn, and the executor's parts. The
 * decisions live apart: plan.h (what the config asks for), schedule.h
 * (what runs next), model/ (explore's choice); this header is for the
 * executor (execute.c, bgp.c, round.c, converge.c), the state (state.c)
 * and the driver that ties them together (run.c).
 */
#ifndef TP_CAMPAIGN_H
#define TP_CAMPAIGN_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "config.h"
#include "db.h"
#include "error.h"
#include "explore_pick.h"
#include "validate_pick.h"
#include "import_cache.h"
#include "plan.h"
#include "stop.h"

/* Exit statuses (see tp-campaign(8)). */
#define CAMPAIGN_EXIT_FAILED	1	/* a step failed; everything was re-announced */
#define CAMPAIGN_EXIT_INCOMPLETE 2	/* went on past incomplete rounds (listener_failure) */
#define CAMPAIGN_EXIT_PREFLIGHT	3	/* preflight refused; nothing was touched */
#define CAMPAIGN_EXIT_LOCKED	4	/* another campaign holds the lock */
#define CAMPAIGN_BUSY_TIMEOUT_S	600	/* default busy_timeout: a write waits up to 10 min */
#define CAMPAIGN_EXIT_ABORTED	5	/* stopped by a signal; everything was re-announced */
#define CAMPAIGN_EXIT_RESTORE	6	/* re-announcing failed somewhere: check the sites now */

/* A target as rounds use it. */
struct round_target {
	long long id;
	struct tp_addr addr;
	long long baseline_site;	/* site id its baseline reply landed at, 0 = none */
	int method;		/* index in probe_methods of the method it answered; 0 = the first */
};

struct lanes;

struct campaign {
	const struct tp_conf *conf;
	/* The lane this copy measures on (see lanes.h). */
	const struct tp_lane_conf *lane;
	size_t lane_index;
	struct lanes *lanes;		/* shared by the lanes' copies; NULL before they run */
	struct probe_hub *hub;		/* the listeners and prober, shared likewise (round.c) */
	char *conf_path;		/* absolute, passed to the programs at the sites */
	struct tp_db *db;
	long long id;
	long long *site_ids;		/* database id of each conf->sites[i] */
	int dry_run;
	int json;
	/* Sites this campaign has withdrawn and not yet re-announced. */
	int *withdrawn;
	/* The baseline, loaded once it is measured. */
	long long baseline_round;
	struct round_target *targets;
	size_t ntargets;
	/* Address and site look-ups, shared by every stream of every round. */
	struct tp_import_cache *import_cache;
	/* Progress, for the status line. */
	size_t scenario_index, scenario_total;
	/* Scenarios left aborted because a listener died (listener_failure = continue). */
	size_t incomplete;
	int64_t started_us;
};

/* site_index of a site id, or -1. */
int campaign_site_index(const struct campaign *c, long long site_id);

/* execute.c: carry out what the scheduler decided. */
/* Measure the baseline over every target unless this campaign has one. */
int execute_baseline(struct campaign *c, struct tp_err *err);
/* Withdraw, converge, measure, announce, wait for the catchment; sets s->status. */
int execute_scenario(struct campaign *c, struct scenario *s, struct tp_err *err);
/*
 * control.c: the targets scenario s probes: its catchment first (*ncatch),
 * then control_per_site targets of every other site (at most control_share
 * of each); *n in all.
 */
struct round_target *scenario_targets(const struct campaign *c, const struct scenario *s,
    size_t *ncatch, size_t *n);
/* 1 when the database site id is one of the scenario's withdrawn sites. */
int scenario_has_site(const struct campaign *c, const struct scenario *s, long long site_id);

/* bgp.c: tp-bgpctl at the sites. */
int bgp_preflight(struct campaign *c, struct tp_err *err);
int bgp_count_announcing(struct campaign *c, struct tp_err *err);
int bgp_withdraw(struct campaign *c, const struct scenario *s, struct tp_err *err);
int bgp_announce(struct campaign *c, const struct scenario *s, struct tp_err *err);
/* Re-announce every site in the ledger; -1 if any site could not be. */
int bgp_restore_all(struct campaign *c);

/*
 * round.c: one measurement round, the round interface: measure these
 * targets on lane c->lane (its test ranges, its sources; targets of a
 * family the lane has no source for are left out) through the campaign's
 * one prober, whose rate all running lanes share, and say what came back.
 */
struct round_outcome {
	long long round_id;
	size_t sent;
	size_t replies;			/* responses stored */
	size_t foreign;			/* records naming another site or round: not stored */
	int complete;			/* every listener ended cleanly */
	char lost_site[64];		/* first site whose stream lacked its end line */
};
int round_run(struct campaign *c, long long scenario_id, const char *kind,
    const struct round_target *targets, size_t n, struct round_outcome *out,
    struct tp_err *err);
/*
 * Import the round's record streams (stream[i], len[i] bytes, from the
 * listener at conf->sites[i]) in one transaction; out->round_id names the
 * round, and the counts and completeness are added to out.
 */
int round_import_streams(struct campaign *c, char *const *stream, const size_t *len,
    struct round_outcome *out, struct tp_err *err);
/*
 * Preflight: start the campaign's listener at every site (each with its
 * capture open) and its prober; they serve every round until round_hub_stop.
 */
int round_listeners_check(struct campaign *c, struct tp_err *err);
/* End the campaign's listeners and prober. */
void round_hub_stop(struct campaign *c);

/* state.c: campaign, scenario and round rows. */
int state_campaign_new(struct campaign *c, struct tp_err *err);
int state_campaign_load(struct campaign *c, long long id, struct tp_err *err);
int state_campaign_finish(struct campaign *c, const char *status);
int state_scenario_ensure(struct campaign *c, struct scenario *s, struct tp_err *err);
int state_scenario_set(struct campaign *c, const struct scenario *s, const char *status,
    long long converge_ms);
/* Record the lane the scenario runs on. */
int state_scenario_lane(struct campaign *c, const struct scenario *s);
long long state_round_new(struct campaign *c, long long scenario_id, const char *kind,
    struct tp_err *err);
int state_round_finish(struct campaign *c, long long round_id, int complete);
int state_sites_sync(struct campaign *c, struct tp_err *err);
/* The site index (not in s) where most of site x's baseline targets went in s's result, or -1. */
long state_top_destination(struct campaign *c, const struct scenario *s, size_t x);
/* The failure sets of every scenario of this campaign but the baseline, oldest first. */
int state_scenario_names(struct campaign *c, char ***names, size_t *n, struct tp_err *err);
/* Load every target with its baseline site (after the baseline round). */
int state_targets_load(struct campaign *c, struct tp_err *err);
/* Only count the targets (the dry run needs no more). */
int state_targets_count(struct campaign *c, struct tp_err *err);
/* The campaign's complete baseline round id, 0 when none. */
long long state_baseline_round(struct campaign *c);
/* Where each of the given targets replied in round_id: site ids, 0 = no reply. */
int state_round_sites(struct campaign *c, long long round_id, const struct round_target *t,
    size_t n, long long *site_of, struct tp_err *err);

/* converge.c: wait for BGP to settle after a withdrawal or an announcement. */
int converge_after_withdraw(struct campaign *c, const struct scenario *s,
    const struct round_target *catchment, size_t n, long long *converge_ms, int *converged,
    struct tp_err *err);
int converge_after_announce(struct campaign *c, const struct scenario *s,
    const struct round_target *catchment, size_t n, struct tp_err *err);

/* One convergence sample judged against the one before it. */
struct converge_verdict {
	size_t at_withdrawn;	/* sampled targets whose reply still lands at a withdrawn site */
	size_t changed;		/* sampled targets that landed elsewhere than in prev */
	int settled;		/* none at a withdrawn site, and at most tolerance * m changed */
};
/*
 * Judge sample now (site ids, 0 = no reply) of m targets against prev
 * (NULL when there is none to compare with: never settled) for a scenario
 * withdrawing the nw site ids in withdrawn.
 */
struct converge_verdict converge_judge(const long long *now, const long long *prev, size_t m,
    const long long *withdrawn, size_t nw, double tolerance);
/*
 * 1 when at least (1 - tolerance) of the m sampled targets are back at
 * their baseline site; *back counts them.
 */
int converge_back(const long long *now, const long long *baseline, size_t m, double tolerance,
    size_t *back);

/*
 * lanes.c: run the scheduler's scenarios over the lanes, one per lane at a
 * time, lanes at once, paced (see lanes.h for the hooks bgp.c and
 * execute.c call).
 */
struct sched;
int lanes_run(struct campaign *c, struct sched *sc, struct tp_err *err);
/* answer.c: the scheduler's questions on earlier explored sets and explore's choice. */
int sched_answer_resumed(struct campaign *c, struct sched *sc, struct tp_err *err);
int sched_answer_explore(struct campaign *c, struct sched *sc, struct tp_err *err);
/* Re-announce every lane's withdrawn sites; -1 if any could not be. */
int lanes_restore_all(struct campaign *c);

/* progress.c: the status line and log lines of a running campaign. */
void progress_phase(struct campaign *c, const char *scenario, const char *phase);
void progress_done(struct campaign *c);

/* explore.c: explore's next choice, from the model of this campaign's results. */
int explore_choose(struct campaign *c, const struct scenario *v, size_t n,
    struct explore_choice *choice, struct tp_err *err);

/*
 * validate.c: validate's pick number index (an earlier run's first), stored
 * as a validation; and, once its set ran, the outcome of that validation.
 */
int validate_choose(struct campaign *c, const struct scenario *v, size_t n, size_t index,
    struct validate_choice *choice, struct tp_err *err);
int validate_record(struct campaign *c, const struct scenario *s, struct tp_err *err);
struct sched;
/* Answer SCHED_ASK_VALIDATE; store the outcomes of validation sets measured since. */
int validate_answer(struct campaign *c, struct sched *sc, struct tp_err *err);
int validate_record_finished(struct campaign *c, struct sched *sc, struct tp_err *err);

/* publish.c: write tp.conf's report_html, if set; -1 (logged) when it cannot. */
int publish_report(struct campaign *c);

#endif
