/*
 * test_campaign_round.c: a round's record streams go into the database in
 * one transaction (one commit for all its sites), each stream all or
 * nothing: a bad stream among good ones keeps the ones before it and
 * nothing of itself, and a failure while storing leaves nothing at all.
 */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>
#include <sqlite3.h>

#include "campaign.h"
#include "db.h"
#include "fixture.h"
#include "import_cache.h"

static struct tp_conf conf;
static struct campaign camp;
static int commits;

/* Count the commits of write transactions on the test's connection. */
static int
count_commit(void *arg)
{
	(void)arg;
	commits++;
	return 0;
}

/*
 * Sites AKL, CHC, SYD (in the config and the database), targets
 * 198.18.0.1-4, round 7; the commit counter starts at 0.
 */
static void
setup(void)
{
	struct tp_err err;

	cr_assert_eq(fixture_conf_load("[site AKL]\nbird_socket = /a\n[site CHC]\n"
	    "bird_socket = /c\n[site SYD]\nbird_socket = /s\n", &conf, &err), 0, "%s", err.msg);
	memset(&camp, 0, sizeof(camp));
	camp.conf = &conf;
	camp.db = fixture_db("r.db",
	    "INSERT INTO sites (id, name) VALUES (1, 'AKL'), (2, 'CHC'), (3, 'SYD');"
	    "INSERT INTO targets (id, addr, family, weight) VALUES (1, X'C6120001', 4, 1),"
	    " (2, X'C6120002', 4, 1), (3, X'C6120003', 4, 1), (4, X'C6120004', 4, 1);"
	    "INSERT INTO campaigns (id, started_us) VALUES (1, 0);"
	    "INSERT INTO rounds (id, campaign_id, kind) VALUES (7, 1, 'baseline');");
	commits = 0;
	sqlite3_commit_hook(camp.db->h, count_commit, NULL);
}

/* Free the cache, the database and the config. */
static void
teardown(void)
{
	tp_import_cache_free(camp.import_cache);
	tp_db_close(camp.db);
	tp_conf_free(&conf);
	fixture_cleanup();
}

TestSuite(campaign_round, .init = setup, .fini = teardown);

/* The one integer a query returns. */
static long long
count_of(const char *sql)
{
	return (long long)fixture_query(camp.db->h, sql);
}

/* Import the three streams (AKL, CHC, SYD) as round 7. */
static int
import_round(const char *akl, const char *chc, const char *syd, struct round_outcome *out,
    struct tp_err *err)
{
	char *stream[3] = { (char *)akl, (char *)chc, (char *)syd };
	size_t len[3] = { strlen(akl), strlen(chc), strlen(syd) };

	memset(out, 0, sizeof(*out));
	out->round_id = 7;
	return round_import_streams(&camp, stream, len, out, err);
}

static const char *akl = "tp-records 1\nreply 7 AKL 198.18.0.1 5 60 1\n"
    "reply 7 AKL 198.18.0.2 5 60 2\nend 7 AKL 2 2 0 0\n";
static const char *chc = "tp-records 1\nreply 7 CHC 198.18.0.3 5 60 3\nend 7 CHC 1 1 0 0\n";
static const char *syd = "tp-records 1\nreply 7 SYD 198.18.0.4 5 60 4\n"
    "reply 7 AKL 198.18.0.1 5 60 5\nend 7 SYD 2 2 0 0\n";

/* Three good streams: every reply stored, one commit for the round, its counts right. */
Test(campaign_round, one_commit_for_all_streams_of_a_round)
{
	struct round_outcome out;
	struct tp_err err;

	cr_assert_eq(import_round(akl, chc, syd, &out, &err), 0, "%s", err.msg);
	cr_expect_eq(commits, 1, "the round's streams took %d commits", commits);
	cr_expect_eq(count_of("SELECT count(*) FROM responses WHERE round_id = 7"), 4);
	cr_expect_eq(out.replies, 4);
	cr_expect_eq(out.foreign, 1, "SYD's stream named AKL");
	cr_expect(out.complete);
	cr_expect(sqlite3_get_autocommit(camp.db->h), "a transaction was left open");
	cr_expect_eq(count_of("PRAGMA foreign_keys"), 1);
}

/*
 * A bad stream among good ones: the one before it is stored, nothing of
 * it, and the import stops there as it always did (SYD's is not read).
 */
Test(campaign_round, a_bad_stream_keeps_the_ones_before_and_nothing_of_itself)
{
	struct round_outcome out;
	struct tp_err err;

	cr_expect_eq(import_round(akl, "tp-records 1\nreply 7 CHC 198.18.0.3 5 60 3\n"
	    "reply 7 CHC not-an-address 5 60 4\nend 7 CHC 2 2 0 0\n", syd, &out, &err), -1);
	cr_expect(strstr(err.msg, "listener at CHC:3") != NULL, "%s", err.msg);
	cr_expect_eq(commits, 1);
	cr_expect_eq(count_of("SELECT count(*) FROM responses WHERE site_id = 1"), 2);
	cr_expect_eq(count_of("SELECT count(*) FROM responses WHERE site_id <> 1"), 0);
	cr_expect_eq(out.replies, 2);
	cr_expect(sqlite3_get_autocommit(camp.db->h), "a transaction was left open");
}

/*
 * Storing fails half-way (a trigger refuses target 3, CHC's): the whole
 * round is rolled back, AKL's replies too, and none is counted.
 */
Test(campaign_round, a_failure_while_storing_leaves_nothing)
{
	struct round_outcome out;
	struct tp_err err;

	/* The cache first: its settings (temp_store) would drop a temporary trigger made before. */
	camp.import_cache = tp_import_cache_new(camp.db);
	cr_assert_eq(tp_db_exec(camp.db, "CREATE TEMP TRIGGER refuse BEFORE INSERT ON responses "
	    "WHEN NEW.target_id = 3 BEGIN SELECT RAISE(ABORT, 'refused'); END", &err), 0,
	    "%s", err.msg);
	cr_expect_eq(import_round(akl, chc, syd, &out, &err), -1);
	cr_expect(strstr(err.msg, "refused") != NULL, "%s", err.msg);
	cr_expect_eq(count_of("SELECT count(*) FROM responses"), 0);
	cr_expect_eq(out.replies, 0);
	cr_expect(sqlite3_get_autocommit(camp.db->h), "a transaction was left open");
	cr_expect_eq(count_of("PRAGMA foreign_keys"), 1);
	/* The next round imports as before. */
	cr_assert_eq(tp_db_exec(camp.db, "DROP TRIGGER refuse", &err), 0, "%s", err.msg);
	cr_assert_eq(import_round(akl, chc, syd, &out, &err), 0, "%s", err.msg);
	cr_expect_eq(count_of("SELECT count(*) FROM responses"), 4);
}

/* A stream without its end line marks the round incomplete and names the first such site. */
Test(campaign_round, a_stream_without_end_line_makes_the_round_incomplete)
{
	struct round_outcome out;
	struct tp_err err;

	cr_assert_eq(import_round(akl, "tp-records 1\nreply 7 CHC 198.18.0.3 5 60 3\n",
	    "tp-records 1\n", &out, &err), 0, "%s", err.msg);
	cr_expect_not(out.complete);
	cr_expect_str_eq(out.lost_site, "CHC");
	cr_expect_eq(out.replies, 3);
	cr_expect_eq(commits, 1);
}
