/* test_cookie.c: being written. */
