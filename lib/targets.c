/* targets.c: being written. */
