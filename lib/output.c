/* output.c: being written. */
