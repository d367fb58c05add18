/*
 * run.c: a whole campaign: preflight, the baseline, then the lane driver
 * (lanes.c) runs the scheduler's scenarios over the lanes, and the safety
 * net re-announces everything, on every lane, on any way out. The
 * decisions are the scheduler's (schedule.c, lane_schedule.c).
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
#include "lanes.h"
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
	if (c->conf->deadman <= plan_hold_estimate(c->conf, c->ntargets))
		return tp_err_set(err, "preflight: deadman %u s is not longer than a scenario may "
		    "hold its withdrawal (%.0f s: settle + converge_timeout + listen_grace + a "
		    "round of %zu targets at %u probes/s per lane, at least min_change_interval); "
		    "BIRD would re-announce mid-scenario: raise deadman", c->conf->deadman,
		    plan_hold_estimate(c->conf, c->ntargets), c->ntargets, c->conf->rate /
		    (unsigned)c->conf->nlanes);
	return 0;
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
		int rc = campaign_print_plan(c, v, n, &err);

		if (rc < 0)
			log_error("campaign", "%s", err.msg);
		scenarios_free(v, n);
		return rc < 0 ? CAMPAIGN_EXIT_FAILED : 0;
	}
	stop_signals_install();
	if (preflight(c, &err) < 0) {
		log_error("campaign", "%s; nothing was changed", err.msg);
		scenarios_free(v, n);
		return CAMPAIGN_EXIT_PREFLIGHT;
	}
	if ((resume_id > 0 ? state_campaign_load(c, resume_id, &err) :
	    state_campaign_new(c, &err)) < 0) {
		round_hub_stop(c);
		log_error("campaign", "%s", err.msg);
		scenarios_free(v, n);
		return CAMPAIGN_EXIT_FAILED;
	}
	log_info("campaign", "campaign %lld: %zu scenarios planned", c->id, n);
	sched_init(&sc, c->conf, v, n);
	c->scenario_total = sc.total;
	/*
	 * The baseline alone, on no lane in particular: from
	 * the [campaign] sources (the first lane's of each family), capturing
	 * replies to every lane's ranges, so every family some lane measures
	 * has its baseline.
	 */
	c->lane = NULL;
	if (execute_baseline(c, &err) < 0 || lanes_run(c, &sc, &err) < 0)
		goto fail;
	round_hub_stop(c);
	progress_done(c);
	if (lanes_restore_all(c) < 0) {
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
	lanes_free(c);
	return status;
fail:
	round_hub_stop(c);
	progress_done(c);
	status = campaign_stop ? CAMPAIGN_EXIT_ABORTED : CAMPAIGN_EXIT_FAILED;
	if (!campaign_stop)
		log_error("campaign", "campaign %lld: %s", c->id, err.msg);
	else
		log_error("campaign", "campaign %lld: stopped by a signal", c->id);
	log_error("campaign", "re-announcing everything this campaign withdrew, on every lane");
	if (lanes_restore_all(c) < 0)
		status = CAMPAIGN_EXIT_RESTORE;
	state_campaign_finish(c, campaign_stop ? "aborted" : "failed");
	publish_report(c);
	log_error("campaign", "campaign %lld stopped; finish it with tp-campaign resume %lld",
	    c->id, c->id);
	sched_free(&sc);
	lanes_free(c);
	return status;
}
