/* test_records.c: being written. */
