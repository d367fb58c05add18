/*
 * run.c: the driver of a whole campaign. It asks the scheduler
 * (schedule.c) what comes next, answers its questions from the database
 * (state.c) and the model (explore.c), hands each scenario to the executor
 * (execute.c), and holds the safety net that re-announces everything on
 * any way out. The decisions are the scheduler's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "campaign.h"
#include "keyfile.h"
#include "log.h"
#include "output.h"
#include "run.h"
#include "schedule.h"
#include "xalloc.h"

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

/* Run a scenario the scheduler handed out, unless a resumed campaign finished it. */
static int
start_scenario(struct campaign *c, struct scenario *s, struct tp_err *err)
{
	if (state_scenario_ensure(c, s, err) < 0)
		return -1;
	if (strcmp(s->status, "pending") != 0)
		return 0;
	return execute_scenario(c, s, err);
}

/* Answer the scheduler's question about the sets an earlier run explored. */
static int
answer_resumed(struct campaign *c, struct sched *sc, struct tp_err *err)
{
	char **names;
	size_t n, i, gone;

	if (state_scenario_names(c, &names, &n, err) < 0)
		return -1;
	if ((gone = sched_resumed(sc, names, n)) > 0)
		log_warn("campaign", "explore: %zu scenarios of this campaign name a site no "
		    "longer in the configuration; left alone", gone);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return 0;
}

/* Answer the scheduler's question about explore's next set. */
static int
answer_explore(struct campaign *c, struct sched *sc, struct tp_err *err)
{
	struct explore_choice choice;

	if (explore_choose(c, sc->v, sc->n, &choice, err) < 0)
		return -1;
	sched_explored(sc, choice.set != NULL ? choice.sites : NULL, c->conf->explore_size);
	explore_choice_free(&choice);
	return 0;
}

/* Answer the scheduler's question about validate's next set. */
static int
answer_validate(struct campaign *c, struct sched *sc, struct tp_err *err)
{
	struct validate_choice choice;

	if (validate_choose(c, sc->v, sc->n, sc->validated, &choice, err) < 0)
		return -1;
	sched_validated(sc, choice.set != NULL ? choice.sites : NULL, c->conf->explore_size);
	validate_choice_free(&choice);
	return 0;
}

/* Ask the scheduler for steps and carry them out until it is done. */
static int
run_schedule(struct campaign *c, struct sched *sc, struct tp_err *err)
{
	for (;;) {
		struct sched_step st;
		int rc = 0;

		if (campaign_stop)
			return tp_err_set(err, "stopped by a signal");
		st = sched_next(sc);
		c->scenario_index = sc->index - (st.what == SCHED_START);
		c->scenario_total = sc->total;
		if (st.note != NULL) {
			if (st.warn)
				log_warn("campaign", "%s", st.note);
			else
				log_info("campaign", "%s", st.note);
		}
		switch (st.what) {
		case SCHED_START:
			rc = start_scenario(c, &sc->v[st.scenario], err);
			if (rc == 0 && sc->v[st.scenario].validation)
				rc = validate_record(c, &sc->v[st.scenario], err);
			c->scenario_index = sc->index;
			break;
		case SCHED_SKIP:
			break;
		case SCHED_ASK_TOP:
			sched_top_destination(sc, state_top_destination(c, &sc->v[st.scenario],
			    st.site));
			break;
		case SCHED_ASK_RESUMED:
			rc = answer_resumed(c, sc, err);
			break;
		case SCHED_ASK_EXPLORE:
			rc = answer_explore(c, sc, err);
			break;
		case SCHED_ASK_VALIDATE:
			rc = answer_validate(c, sc, err);
			break;
		case SCHED_DONE:
			return 0;
		}
		if (rc < 0)
			return -1;
	}
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
	if (c->conf->validate > 0)
		printf("  then up to %u sets of %u sites that the model calls determined, "
		    "measured to check it\n", c->conf->validate, c->conf->explore_size);
	if (c->conf->explore > 0)
		printf("  then up to %u sets of %u sites, each the one predicted with the lowest "
		    "confidence\n", c->conf->explore, c->conf->explore_size);
	printf("estimated time: %.0f s\n", plan_estimate(c->conf,
	    n + c->conf->nsites * c->conf->chains + c->conf->validate + c->conf->explore,
	    c->ntargets,
	    c->conf->nsites ? c->ntargets / c->conf->nsites : 0));
}

/* Run (or resume, when resume_id > 0) a campaign; returns an exit status. */
int
campaign_run(struct campaign *c, long long resume_id)
{
	struct scenario *v = NULL;
	struct sched sc;
	struct tp_err err;
	size_t n = 0;
	int status = CAMPAIGN_EXIT_FAILED;

	c->started_us = tp_mono_us();
	c->withdrawn = xcalloc(c->conf->nsites, sizeof(int));
	if (plan_scenarios(c->conf, &v, &n, &err) < 0 || state_sites_sync(c, &err) < 0 ||
	    (c->dry_run ? state_targets_count(c, &err) : state_targets_load(c, &err)) < 0) {
		log_error("campaign", "%s", err.msg);
		return EX_CONFIG_STATUS;
	}
	if (c->dry_run) {
		print_plan(c, v, n);
		scenarios_free(v, n);
		return 0;
	}
	stop_signals_install();
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
	sched_init(&sc, c->conf, v, n);
	c->scenario_total = sc.total;
	if (execute_baseline(c, &err) < 0 || run_schedule(c, &sc, &err) < 0)
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
	sched_free(&sc);
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
	sched_free(&sc);
	return status;
}
