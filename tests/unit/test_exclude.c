/* test_exclude.c: being written. */
