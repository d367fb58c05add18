/* test_db.c: being written. */
