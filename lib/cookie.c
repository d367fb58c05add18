/* cookie.c: being written. */
