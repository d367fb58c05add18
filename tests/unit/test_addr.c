/* test_addr.c: being written. */
