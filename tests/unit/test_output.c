/* test_output.c: being written. */
