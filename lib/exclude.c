/* exclude.c: being written. */
