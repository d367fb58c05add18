/* import.c: being written. */
