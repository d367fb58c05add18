/*
 * run.c: a whole campaign: preflight, baseline, every scenario (withdraw,
 * converge, measure, announce, wait for the catchment to come back), the
 * chains, and the safety net that re-announces everything on any way out.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "campaign.h"
#include "keyfile.h"
#include "log.h"
#include "output.h"
#include "run.h"
#include "site_exec.h"
#include "xalloc.h"

volatile sig_atomic_t campaign_stop;
volatile sig_atomic_t campaign_restoring;

/* Remember a stop request; the loops notice it, and waits at the sites end soon. */
static void
on_signal(int sig)
{
	(void)sig;
	campaign_stop = 1;
	if (!campaign_restoring)
		site_interrupt = 1;
}

/* SIGINT, SIGTERM and SIGHUP stop the campaign cleanly; SIGPIPE is ignored. */
static void
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/*
 * Open DB.lock without following a symbolic link. A file that is there
 * already is used only when it is a regular file of ours with one link and
 * holds nothing but a pid (an earlier campaign's lock): the lock must never
 * let anyone who can write the database's folder make us truncate or
 * write into another file. *created tells whether we made it.
 */
static int
lock_open(const char *path, int *created, struct tp_err *err)
{
	char buf[33];
	struct stat st;
	ssize_t got;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	*created = fd >= 0;
	if (fd < 0 && errno == EEXIST)
		fd = open(path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return tp_err_set(err, "lock %s: %s", path, errno == ELOOP ?
		    "is a symbolic link; refusing to follow it (remove it)" : strerror(errno));
	if (*created)
		return fd;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    st.st_uid != geteuid() || st.st_size > 32)
		goto foreign;
	got = pread(fd, buf, sizeof(buf) - 1, 0);
	if (got < 0)
		goto foreign;
	buf[got] = '\0';
	if (strspn(buf, "0123456789\n") != (size_t)got)
		goto foreign;
	return fd;
foreign:
	close(fd);
	return tp_err_set(err, "lock %s is not a tp-campaign lock file (not a regular file of "
	    "ours holding a pid); refusing to use it: remove it if it is stale", path);
}

/*
 * Take the lock next to the database: 0, or 1 when another campaign holds
 * it (saying which pid), or -1 when it cannot be used.
 */
int
campaign_lock(const char *db_path, int *fd, struct tp_err *err)
{
	char path[4096], holder[32] = "", pid[24];
	ssize_t got;
	int created, len;

	*fd = -1;
	if ((size_t)snprintf(path, sizeof(path), "%s.lock", db_path) >= sizeof(path))
		return tp_err_set(err, "%s: path too long", db_path);
	if ((*fd = lock_open(path, &created, err)) < 0)
		return -1;
	if (flock(*fd, LOCK_EX | LOCK_NB) < 0) {
		got = pread(*fd, holder, sizeof(holder) - 1, 0);
		holder[got > 0 ? got : 0] = '\0';
		holder[strcspn(holder, "\n")] = '\0';
		close(*fd);
		*fd = -1;
		tp_err_set(err, "another campaign is running on %s (lock %s held by pid %s); "
		    "wait for it or stop it first", db_path, path, holder[0] ? holder : "?");
		return 1;
	}
	/* no truncation: a stale pid a longer one leaves behind is after the newline */
	len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (pwrite(*fd, pid, (size_t)len, 0) != len)
		log_warn("lock", "%s: cannot write our pid: %s", path, strerror(errno));
	return 0;
}

/* Withdraw, converge, measure, announce, wait for the catchment to return. */
static int
run_scenario(struct campaign *c, struct scenario *s, struct tp_err *err)
{
	struct round_target *targets;	/* the catchment first */
	size_t ncatch, ntargets;
	struct round_outcome o;
	long long converge_ms = -1;
	int converged = 0, rc = -1;

	targets = scenario_targets(c, s, &ncatch, &ntargets);
	state_scenario_set(c, s, "running", -1);
	progress_phase(c, s->name, "withdrawing");
	if (bgp_withdraw(c, s, err) < 0)
		goto out;
	progress_phase(c, s->name, "converging");
	if (converge_after_withdraw(c, s, targets, ncatch, &converge_ms, &converged, err) < 0)
		goto out;
	progress_phase(c, s->name, "measuring");
	if (round_run(c, s->id, "scenario", targets, ntargets, &o, err) < 0)
		goto out;
	if (!o.complete) {
		/* listener_failure = continue: no result for s; resume measures it again. */
		log_warn("campaign", "%s: the listener at site %s died mid-round; the scenario is "
		    "left aborted and the campaign goes on (listener_failure = continue)", s->name,
		    o.lost_site);
	}
	progress_phase(c, s->name, "announcing");
	if (bgp_announce(c, s, err) < 0)
		goto out;
	progress_phase(c, s->name, "waiting for the catchment to return");
	if (converge_after_announce(c, s, targets, ncatch, err) < 0)
		goto out;
	s->status = !o.complete ? "aborted" : converged ? "done" : "unconverged";
	state_scenario_set(c, s, s->status, converge_ms);
	c->incomplete += !o.complete;
	log_info("campaign", "%s: %s, converged in %.1f s, %zu probed, %zu replies", s->name,
	    s->status, converge_ms / 1000.0, ntargets, o.replies);
	rc = 0;
out:
	if (rc < 0)
		state_scenario_set(c, s, "aborted", converge_ms);
	free(targets);
	return rc;
}

/* The site (not in s) where most of site x's baseline targets went in s's result, or -1. */
static int
top_destination(struct campaign *c, const struct scenario *s, size_t x, struct tp_err *err)
{
	sqlite3_stmt *st;
	int best = -1, rc;

	if (tp_db_prepare(c->db, "SELECT r.site_id, COUNT(*) AS n FROM responses r "
	    "JOIN responses b ON b.target_id = r.target_id AND b.round_id = ?1 "
	    "WHERE r.round_id = (SELECT id FROM rounds WHERE scenario_id = ?2 AND kind = 'scenario' "
	    "ORDER BY status = 'complete' DESC, id DESC LIMIT 1) AND b.site_id = ?3 "
	    "GROUP BY r.site_id ORDER BY n DESC, r.site_id", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, c->baseline_round);
	sqlite3_bind_int64(st, 2, s->id);
	sqlite3_bind_int64(st, 3, c->site_ids[x]);
	while (best < 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		int i = campaign_site_index(c, sqlite3_column_int64(st, 0));
		size_t k;
		int member = 0;

		for (k = 0; k < s->nsites; k++)
			member |= (int)s->sites[k] == i;
		if (i >= 0 && !member)
			best = i;
	}
	if (best < 0 && rc != SQLITE_DONE)	/* say why no chain grows here */
		log_warn("campaign", "%s: %s", c->db->path, sqlite3_errmsg(c->db->h));
	sqlite3_finalize(st);
	return best;
}

/* Find the scenario with this canonical name among v, or NULL. */
static struct scenario *
find_scenario(struct scenario *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

/* Run s unless it is already finished (resume); count it for progress. */
int
run_if_pending(struct campaign *c, struct scenario *s, struct tp_err *err)
{
	int rc = 0;

	if (c->conf->nsites - s->nsites < c->conf->min_announcing) {
		log_warn("campaign", "%s skipped: it would leave fewer than min_announcing "
		    "%u sites announcing", s->name, c->conf->min_announcing);
		c->scenario_index++;
		return 0;	/* no row: nothing was measured */
	}
	if (state_scenario_ensure(c, s, err) < 0)
		return -1;
	if (strcmp(s->status, "pending") == 0)
		rc = run_scenario(c, s, err);
	c->scenario_index++;
	return rc;
}

/*
 * The chains: for each site X, {X, its top destination}, then that set plus
 * the top destination of X's traffic in it, up to conf->chains more sites.
 */
static int
run_chains(struct campaign *c, struct scenario **v, size_t *n, struct tp_err *err)
{
	size_t x, depth;

	for (x = 0; x < c->conf->nsites; x++) {
		struct scenario *base = NULL;
		char name[256];

		snprintf(name, sizeof(name), "%s", c->conf->sites[x].name);
		for (depth = 1; depth <= c->conf->chains; depth++) {
			struct scenario next = { 0 };
			int dest;

			/* No chain grows from a scenario without a complete round. */
			if ((base = find_scenario(*v, *n, name)) == NULL ||
			    strcmp(base->status, "aborted") == 0 ||
			    (dest = top_destination(c, base, x, err)) < 0) {
				c->scenario_total -= c->conf->chains - depth + 1;	/* none deeper */
				break;
			}
			next.sites = xcalloc(base->nsites + 1, sizeof(size_t));
			memcpy(next.sites, base->sites, base->nsites * sizeof(size_t));
			next.sites[base->nsites] = (size_t)dest;
			next.nsites = base->nsites + 1;
			next.status = "pending";
			next.chain = 1;
			scenario_canonical(c->conf, &next);
			snprintf(name, sizeof(name), "%s", next.name);
			if (find_scenario(*v, *n, next.name) != NULL) {
				free(next.sites);
				c->scenario_total--;	/* measured already */
				continue;
			}
			*v = xreallocarray(*v, *n + 1, sizeof(**v));
			(*v)[(*n)++] = next;
			if (run_if_pending(c, &(*v)[*n - 1], err) < 0)
				return -1;
		}
	}
	return 0;
}

/* Everything that must hold before anything is touched. */
static int
preflight(struct campaign *c, struct tp_err *err)
{
	struct tp_key key;

	if (tp_keyfile_load(c->conf->key_file, &key, err) < 0)
		return tp_err_prefix(err, "preflight: probe key");
	if (tp_db_begin(c->db, err) < 0)
		return tp_err_prefix(err, "preflight: database not writable");
	tp_db_rollback(c->db);
	if (c->ntargets == 0)
		return tp_err_set(err, "preflight: %s holds no targets; import some with "
		    "tp-analyze targets import", c->db->path);
	if (tp_conf_site(c->conf, c->conf->prober) == NULL)
		return tp_err_set(err, "preflight: prober %s is not a site", c->conf->prober);
	if (bgp_preflight(c, err) < 0)
		return tp_err_prefix(err, "preflight");
	if (round_listeners_check(c, err) < 0)
		return tp_err_prefix(err, "preflight");
	return 0;
}

/* Print what a run would do and how long it would take. */
static void
print_plan(struct campaign *c, struct scenario *v, size_t n)
{
	size_t i;

	printf("campaign plan: %zu targets, %zu sites, prober %s\n", c->ntargets,
	    c->conf->nsites, c->conf->prober);
	printf("  baseline over every target\n");
	for (i = 0; i < n; i++)
		printf("  scenario %zu: withdraw %s\n", i + 1, v[i].name);
	if (c->conf->chains > 0)
		printf("  then chains of depth %u: up to %zu more scenarios, chosen from the "
		    "measured results\n", c->conf->chains, c->conf->nsites * c->conf->chains);
	if (c->conf->explore > 0)
		printf("  then up to %u sets of %u sites, each the one predicted with the lowest "
		    "confidence\n", c->conf->explore, c->conf->explore_size);
	printf("estimated time: %.0f s\n", plan_estimate(c->conf,
	    n + c->conf->nsites * c->conf->chains + c->conf->explore, c->ntargets,
	    c->conf->nsites ? c->ntargets / c->conf->nsites : 0));
}

/* Run (or resume, when resume_id > 0) a campaign; returns an exit status. */
int
campaign_run(struct campaign *c, long long resume_id)
{
	struct scenario *v = NULL;
	struct tp_err err;
	size_t n = 0, i;
	int status = CAMPAIGN_EXIT_FAILED;

	c->started_us = tp_mono_us();
	c->withdrawn = xcalloc(c->conf->nsites, sizeof(int));
	if (plan_scenarios(c->conf, &v, &n, &err) < 0 || state_sites_sync(c, &err) < 0 ||
	    state_targets_load(c, &err) < 0) {
		log_error("campaign", "%s", err.msg);
		return EX_CONFIG_STATUS;
	}
	if (c->dry_run) {
		print_plan(c, v, n);
		scenarios_free(v, n);
		return 0;
	}
	install_signals();
	if (preflight(c, &err) < 0) {
		log_error("campaign", "%s; nothing was changed", err.msg);
		scenarios_free(v, n);
		return CAMPAIGN_EXIT_PREFLIGHT;
	}
	if ((resume_id > 0 ? state_campaign_load(c, resume_id, &err) :
	    state_campaign_new(c, &err)) < 0) {
		log_error("campaign", "%s", err.msg);
		scenarios_free(v, n);
		return CAMPAIGN_EXIT_FAILED;
	}
	log_info("campaign", "campaign %lld: %zu scenarios planned", c->id, n);
	c->scenario_total = n + c->conf->nsites * c->conf->chains +	/* chains: at most */
	    c->conf->explore;
	c->baseline_round = state_baseline_round(c);
	if (c->baseline_round == 0) {
		struct round_outcome o;

		progress_phase(c, "baseline", "measuring");
		if (round_run(c, 0, "baseline", c->targets, c->ntargets, &o, &err) < 0)
			goto fail;
		if (!o.complete) {
			tp_err_set(&err, "the baseline round %lld is incomplete", o.round_id);
			goto fail;
		}
		c->baseline_round = o.round_id;
	}
	if (state_targets_load(c, &err) < 0)
		goto fail;
	for (i = 0; i < n; i++)
		if (run_if_pending(c, &v[i], &err) < 0)
			goto fail;
	if (run_chains(c, &v, &n, &err) < 0 || explore_run(c, &v, &n, &err) < 0)
		goto fail;
	progress_done(c);
	if (bgp_restore_all(c) < 0) {
		state_campaign_finish(c, "failed");
		status = CAMPAIGN_EXIT_RESTORE;
	} else if (c->incomplete > 0) {
		log_error("campaign", "campaign %lld: %zu scenarios have no complete round (a "
		    "listener died); measure them with tp-campaign resume %lld", c->id,
		    c->incomplete, c->id);
		state_campaign_finish(c, "failed");
		status = CAMPAIGN_EXIT_INCOMPLETE;
	} else {
		state_campaign_finish(c, "done");
		status = 0;
	}
	campaign_print_summary(c, c->id);
	if (publish_report(c) < 0 && status == 0)
		status = CAMPAIGN_EXIT_FAILED;
	scenarios_free(v, n);
	return status;
fail:
	progress_done(c);
	status = campaign_stop ? CAMPAIGN_EXIT_ABORTED : CAMPAIGN_EXIT_FAILED;
	if (!campaign_stop)
		log_error("campaign", "campaign %lld: %s", c->id, err.msg);
	else
		log_error("campaign", "campaign %lld: stopped by a signal", c->id);
	log_error("campaign", "re-announcing everything this campaign withdrew");
	if (bgp_restore_all(c) < 0)
		status = CAMPAIGN_EXIT_RESTORE;
	state_campaign_finish(c, campaign_stop ? "aborted" : "failed");
	publish_report(c);
	log_error("campaign", "campaign %lld stopped; finish it with tp-campaign resume %lld",
	    c->id, c->id);
	scenarios_free(v, n);
	return status;
}
