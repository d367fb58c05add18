/*
 * db_migrations.c: the schema, as an ordered list of steps. Step i brings
 * PRAGMA user_version from i to i+1; never edit a step that has shipped,
 * add a new one.
 */
#include <stddef.h>

#include "db_migrations.h"

const struct tp_migration tp_migrations[] = {
	{ 1,
	  "CREATE TABLE sites ("
	  "  id INTEGER PRIMARY KEY,"
	  "  name TEXT NOT NULL UNIQUE,"
	  "  capacity REAL);"
	  "CREATE TABLE targets ("
	  "  id INTEGER PRIMARY KEY,"
	  "  addr BLOB NOT NULL UNIQUE CHECK (length(addr) IN (4, 16)),"
	  "  family INTEGER NOT NULL CHECK (family IN (4, 6)),"
	  "  site_id INTEGER REFERENCES sites(id),"
	  "  weight REAL NOT NULL DEFAULT 1 CHECK (weight >= 0));"
	  "CREATE INDEX targets_site ON targets(site_id);"
	  "CREATE TABLE campaigns ("
	  "  id INTEGER PRIMARY KEY,"
	  "  started_us INTEGER NOT NULL,"
	  "  finished_us INTEGER,"
	  "  status TEXT NOT NULL DEFAULT 'running'"
	  "    CHECK (status IN ('running', 'done', 'aborted', 'failed')),"
	  "  config_path TEXT);"
	  "CREATE TABLE scenarios ("
	  "  id INTEGER PRIMARY KEY,"
	  "  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
	  "  withdrawn TEXT NOT NULL,"
	  "  status TEXT NOT NULL DEFAULT 'pending'"
	  "    CHECK (status IN ('pending', 'running', 'done', 'unconverged', 'aborted')),"
	  "  converge_ms INTEGER,"
	  "  started_us INTEGER,"
	  "  finished_us INTEGER,"
	  "  UNIQUE (campaign_id, withdrawn));"
	  "CREATE TABLE scenario_sites ("
	  "  scenario_id INTEGER NOT NULL REFERENCES scenarios(id),"
	  "  site_id INTEGER NOT NULL REFERENCES sites(id),"
	  "  PRIMARY KEY (scenario_id, site_id)) WITHOUT ROWID;"
	  "CREATE TABLE rounds ("
	  "  id INTEGER PRIMARY KEY,"
	  "  campaign_id INTEGER REFERENCES campaigns(id),"
	  "  scenario_id INTEGER REFERENCES scenarios(id),"
	  "  kind TEXT NOT NULL CHECK (kind IN ('baseline', 'scenario', 'convergence')),"
	  "  status TEXT NOT NULL DEFAULT 'running'"
	  "    CHECK (status IN ('running', 'complete', 'incomplete')),"
	  "  started_us INTEGER,"
	  "  finished_us INTEGER);"
	  "CREATE INDEX rounds_scenario ON rounds(scenario_id);"
	  "CREATE TABLE responses ("
	  "  round_id INTEGER NOT NULL REFERENCES rounds(id),"
	  "  target_id INTEGER NOT NULL REFERENCES targets(id),"
	  "  site_id INTEGER NOT NULL REFERENCES sites(id),"
	  "  rtt_us INTEGER,"
	  "  ttl INTEGER,"
	  "  received_us INTEGER NOT NULL,"
	  "  PRIMARY KEY (round_id, target_id)) WITHOUT ROWID;" },
	/* Retention (retain_days): when an import last listed each target, and the
	 * failover matrices of campaigns whose replies were pruned. */
	{ 2,
	  "ALTER TABLE targets ADD COLUMN seen_us INTEGER;"
	  "UPDATE targets SET seen_us = CAST(strftime('%s', 'now') AS INTEGER) * 1000000;"
	  "CREATE TABLE campaign_aggregates ("
	  "  campaign_id INTEGER PRIMARY KEY REFERENCES campaigns(id),"
	  "  pruned_us INTEGER NOT NULL,"
	  "  matrix TEXT NOT NULL);" },
	/* Lanes: the [lane NAME] a scenario ran on (NULL before lanes). */
	{ 3,
	  "ALTER TABLE scenarios ADD COLUMN lane TEXT;" },
	/* validate = N: failure sets the model called determined, measured to
	 * check it; the counts stay NULL until the set was measured. groups:
	 * distinct known orders among the answering determined targets. */
	{ 4,
	  "CREATE TABLE validations ("
	  "  id INTEGER PRIMARY KEY,"
	  "  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),"
	  "  withdrawn TEXT NOT NULL,"
	  "  chosen TEXT NOT NULL CHECK (chosen IN ('cost', 'random')),"
	  "  determined INTEGER,"
	  "  answered INTEGER,"
	  "  held INTEGER,"
	  "  exposed_answered INTEGER,"
	  "  exposed_held INTEGER,"
	  "  groups INTEGER,"
	  "  exposed_groups INTEGER,"
	  "  UNIQUE (campaign_id, withdrawn));" },
};

const size_t tp_migrations_count = sizeof(tp_migrations) / sizeof(tp_migrations[0]);
