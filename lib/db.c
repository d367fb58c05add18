/* db.c: being written. */
