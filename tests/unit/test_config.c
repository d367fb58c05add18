/* test_config.c: being written. */
