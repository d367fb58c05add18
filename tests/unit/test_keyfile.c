/* test_keyfile.c: being written. */
