/* test_import.c: being written. */
