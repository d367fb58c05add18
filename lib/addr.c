/* addr.c: being written. */
