/* db_migrations.h: the ordered schema steps applied by tp_db_open. */
#ifndef TP_DB_MIGRATIONS_H
#define TP_DB_MIGRATIONS_H

#include <stddef.h>

struct tp_migration {
	int version;		/* user_version after this step */
	const char *sql;
};

extern const struct tp_migration tp_migrations[];
extern const size_t tp_migrations_count;

#endif
