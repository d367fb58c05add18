/* keyfile.h: the probe key shared by all sites, kept in a mode-0600 file. */
#ifndef TP_KEYFILE_H
#define TP_KEYFILE_H

#include <stdint.h>

#include "error.h"

#define TP_KEY_BYTES 32

struct tp_key {
	uint8_t bytes[TP_KEY_BYTES];
	/* Subkeys derived from bytes for the cookie hashes (id/seq, MAC); filled on load. */
	uint8_t sub[2][16];
};

/*
 * Write a fresh random key to path (created with mode 0600, never over an
 * existing file).
 */
int tp_keyfile_generate(const char *path, struct tp_err *err);
/*
 * Read the key at path. Refused: a missing or malformed file, and a file
 * that group or others may read ("chmod 600 PATH").
 */
int tp_keyfile_load(const char *path, struct tp_key *key, struct tp_err *err);
/* Make a key from 32 raw bytes (derives the subkeys; tests and tools use it). */
void tp_key_from_bytes(struct tp_key *key, const uint8_t raw[TP_KEY_BYTES]);

#endif
