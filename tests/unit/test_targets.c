/* test_targets.c: being written. */
