/*
 * metrics.c: the Prometheus text exposition of a run and of the newest
 * done campaign (metrics.h; names and meanings in tp-campaign(8)).
 */
#include <math.h>
#include <string.h>

#include "load_model.h"
#include "matrix.h"
#include "metrics.h"

/* The run statuses, in the order their samples are printed. */
static const char *const run_statuses[] = { "done", "failed", "aborted", "refused" };
/* The scenario statuses a run's scenarios are counted by (a finished run has no running one). */
static const char *const scenario_statuses[] = { "done", "unconverged", "aborted", "pending" };

/* The status word of a tp-campaign exit status. */
const char *
metrics_status_of_exit(int exit_code)
{
	switch (exit_code) {
	case 0:
		return "done";
	case CAMPAIGN_EXIT_ABORTED:
		return "aborted";
	case CAMPAIGN_EXIT_PREFLIGHT:
		return "refused";
	default:
		return "failed";
	}
}

/* # HELP and # TYPE of one metric family. */
static void
family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value with \, " and newline escaped as the exposition format wants. */
static void
label_value(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

/* One sample: name{k1="v1",k2="v2"} value; k1 and k2 may be NULL. */
static void
sample(FILE *f, const char *name, const char *k1, const char *v1, const char *k2,
    const char *v2, double value)
{
	fputs(name, f);
	if (k1 != NULL) {
		fprintf(f, "{%s=\"", k1);
		label_value(f, v1);
		if (k2 != NULL) {
			fprintf(f, "\",%s=\"", k2);
			label_value(f, v2);
		}
		fputs("\"}", f);
	}
	if (isnan(value))
		fputs(" NaN\n", f);
	else
		fprintf(f, " %.16g\n", value);
}

/* Microseconds since the epoch as seconds. */
static double
seconds(int64_t us)
{
	return (double)us / 1e6;
}

/* The run's own metrics: times, status, exit code, campaign id. */
static void
print_run(FILE *f, const struct metrics_run *run)
{
	size_t i;

	family(f, "tp_campaign_last_run_start_timestamp_seconds", "gauge",
	    "When the last tp-campaign run or resume started, in seconds since the epoch.");
	sample(f, "tp_campaign_last_run_start_timestamp_seconds", NULL, NULL, NULL, NULL,
	    seconds(run->start_us));
	family(f, "tp_campaign_last_run_end_timestamp_seconds", "gauge",
	    "When the last tp-campaign run or resume ended, in seconds since the epoch.");
	sample(f, "tp_campaign_last_run_end_timestamp_seconds", NULL, NULL, NULL, NULL,
	    seconds(run->end_us));
	family(f, "tp_campaign_last_run_status", "gauge",
	    "1 for the status the last run ended with (done, failed, aborted, refused), else 0.");
	for (i = 0; i < sizeof(run_statuses) / sizeof(run_statuses[0]); i++)
		sample(f, "tp_campaign_last_run_status", "status", run_statuses[i], NULL, NULL,
		    strcmp(run->status, run_statuses[i]) == 0);
	family(f, "tp_campaign_last_run_exit_code", "gauge",
	    "The exit status of the last run (see EXIT STATUS in tp-campaign(8)).");
	sample(f, "tp_campaign_last_run_exit_code", NULL, NULL, NULL, NULL, run->exit_code);
	if (run->campaign > 0) {
		family(f, "tp_campaign_last_run_campaign_id", "gauge",
		    "The campaign the last run worked on (tp-campaign status ID).");
		sample(f, "tp_campaign_last_run_campaign_id", NULL, NULL, NULL, NULL,
		    (double)run->campaign);
	}
}

/* How many of campaign's scenarios are in each status (all 0 without a campaign). */
static int
print_run_scenarios(FILE *f, struct tp_db *db, long long campaign, struct tp_err *err)
{
	double count[sizeof(scenario_statuses) / sizeof(scenario_statuses[0])] = { 0 };
	sqlite3_stmt *st;
	size_t i;
	int rc;

	if (tp_db_prepare(db, "SELECT status, COUNT(*) FROM scenarios WHERE campaign_id = ? "
	    "AND withdrawn <> '' GROUP BY status", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, campaign);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		for (i = 0; i < sizeof(count) / sizeof(count[0]); i++)
			if (strcmp((const char *)sqlite3_column_text(st, 0), scenario_statuses[i]) == 0)
				count[i] = sqlite3_column_double(st, 1);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return tp_err_set(err, "%s: scenarios: %s", db->path, sqlite3_errmsg(db->h));
	family(f, "tp_campaign_last_run_scenarios", "gauge",
	    "Scenarios of the last run's campaign by status: done, unconverged (BGP did not "
	    "settle within converge_timeout), aborted (no result), pending (not reached).");
	for (i = 0; i < sizeof(count) / sizeof(count[0]); i++)
		sample(f, "tp_campaign_last_run_scenarios", "status", scenario_statuses[i], NULL, NULL,
		    count[i]);
	return 0;
}

/*
 * The newest done campaign: its id and end time (0 when there is none), and
 * how many campaigns are done.
 */
static int
print_last_success(FILE *f, struct tp_db *db, long long *done_id, struct tp_err *err)
{
	sqlite3_stmt *st;
	double finished = 0, ndone = 0;
	int rc;

	*done_id = 0;
	if (tp_db_prepare(db, "SELECT (SELECT id FROM campaigns WHERE status = 'done' "
	    "ORDER BY id DESC LIMIT 1), (SELECT finished_us FROM campaigns WHERE status = 'done' "
	    "ORDER BY id DESC LIMIT 1), (SELECT COUNT(*) FROM campaigns WHERE status = 'done')",
	    &st, err) < 0)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*done_id = sqlite3_column_int64(st, 0);
		finished = sqlite3_column_double(st, 1);
		ndone = sqlite3_column_double(st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return tp_err_set(err, "%s: campaigns: %s", db->path, sqlite3_errmsg(db->h));
	family(f, "tp_campaigns_done_total", "counter",
	    "Campaigns in the database that finished with status done.");
	sample(f, "tp_campaigns_done_total", NULL, NULL, NULL, NULL, ndone);
	if (*done_id == 0)
		return 0;
	family(f, "tp_campaign_last_success_timestamp_seconds", "gauge",
	    "When the newest campaign with status done ended, in seconds since the epoch.");
	sample(f, "tp_campaign_last_success_timestamp_seconds", NULL, NULL, NULL, NULL,
	    finished / 1e6);
	family(f, "tp_campaign_last_success_campaign_id", "gauge",
	    "The newest campaign with status done; the result metrics below are its.");
	sample(f, "tp_campaign_last_success_campaign_id", NULL, NULL, NULL, NULL, (double)*done_id);
	return 0;
}

/* Seconds each of campaign's scenarios took to converge after its withdrawal. */
static int
print_convergence(FILE *f, struct tp_db *db, long long campaign, struct tp_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (tp_db_prepare(db, "SELECT withdrawn, converge_ms FROM scenarios WHERE campaign_id = ? "
	    "AND withdrawn <> '' AND converge_ms >= 0 ORDER BY withdrawn", &st, err) < 0)
		return -1;
	sqlite3_bind_int64(st, 1, campaign);
	family(f, "tp_scenario_convergence_seconds", "gauge",
	    "Seconds BGP took to settle after the set's withdrawal (none when it did not).");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		sample(f, "tp_scenario_convergence_seconds", "set",
		    (const char *)sqlite3_column_text(st, 0), NULL, NULL,
		    sqlite3_column_double(st, 1) / 1000.0);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return tp_err_set(err, "%s: scenarios: %s", db->path, sqlite3_errmsg(db->h));
	return 0;
}

/* Per site, the targets whose baseline reply landed there. */
static void
print_responsive(FILE *f, const struct failover_matrix *m)
{
	size_t i;

	family(f, "tp_site_targets_responsive", "gauge",
	    "Targets whose baseline reply landed at the site.");
	for (i = 0; i < m->nsites; i++)
		sample(f, "tp_site_targets_responsive", "site", m->sites[i].name, NULL, NULL,
		    (double)m->sites[i].catchment);
}

/*
 * Per failed set, the weighted share of its targets whose reply landed at
 * each site, and the share that did not answer: the set's whole row, as
 * in tp-analyze matrix.
 */
static void
print_failover(FILE *f, const struct failover_matrix *m)
{
	size_t s, i;

	family(f, "tp_failover_share", "gauge",
	    "Weighted share of the failed set's targets whose reply landed at the site.");
	for (s = 0; s < m->nscenarios; s++) {
		const struct mx_scenario *sc = &m->scenarios[s];
		const struct mx_row *r = &m->rows[sc->first_row + sc->nrows - 1];

		for (i = 0; i < m->nsites && r->responsive_weight > 0; i++)
			if (r->to[i] > 0)
				sample(f, "tp_failover_share", "set", sc->withdrawn, "site",
				    m->sites[i].name, r->to_weight[i] / r->responsive_weight);
	}
	family(f, "tp_failover_lost_share", "gauge",
	    "Weighted share of the failed set's targets that did not answer at all.");
	for (s = 0; s < m->nscenarios; s++) {
		const struct mx_scenario *sc = &m->scenarios[s];
		const struct mx_row *r = &m->rows[sc->first_row + sc->nrows - 1];

		if (r->responsive_weight > 0)
			sample(f, "tp_failover_lost_share", "set", sc->withdrawn, NULL, NULL,
			    (r->responsive_weight - r->answered_weight) / r->responsive_weight);
	}
}

/*
 * Per failed set and destination with a capacity: expected load over
 * capacity (tp-analyze report's capacity table); and how many sets send
 * some destination more than it can take.
 */
static void
print_overload(FILE *f, const struct failover_matrix *m, const struct tp_conf *conf)
{
	struct lm_scenario *lm;
	size_t n, i, k, overloaded = 0;

	lm = load_model_build(m, conf, &n);
	family(f, "tp_failover_load_ratio", "gauge",
	    "Expected load at the site when the set fails (its own plus what it receives), "
	    "over its capacity; above 1 it is overloaded.");
	for (i = 0; i < n; i++) {
		int over = 0;

		for (k = 0; k < lm[i].ndests; k++) {
			const struct lm_dest *d = &lm[i].dests[k];
			double ratio;

			if (d->share <= 0 || d->capacity <= 0)
				continue;
			ratio = (d->baseline + d->incoming) / d->capacity;
			over |= ratio > 1;
			sample(f, "tp_failover_load_ratio", "set", m->scenarios[lm[i].scenario].withdrawn,
			    "site", m->sites[d->site].name, ratio);
		}
		overloaded += over;
	}
	family(f, "tp_failover_overloaded_scenarios", "gauge",
	    "Failed sets whose expected load exceeds the capacity of some site.");
	sample(f, "tp_failover_overloaded_scenarios", NULL, NULL, NULL, NULL, (double)overloaded);
	load_model_free(lm, n);
}

/* Print every metric (see metrics.h). */
int
metrics_print(FILE *f, struct tp_db *db, const struct tp_conf *conf,
    const struct metrics_run *run, struct tp_err *err)
{
	struct failover_matrix m;
	long long done_id;

	print_run(f, run);
	if (print_run_scenarios(f, db, run->campaign, err) < 0 ||
	    print_last_success(f, db, &done_id, err) < 0)
		return -1;
	if (done_id == 0)
		return 0;
	if (print_convergence(f, db, done_id, err) < 0 ||
	    matrix_build(db, done_id, NULL, &m, err) < 0)
		return -1;
	print_responsive(f, &m);
	print_failover(f, &m);
	print_overload(f, &m, conf);
	matrix_free(&m);
	return 0;
}
