/*
 * keyfile.c: the probe key file: 64 hex characters and a newline, mode 0600.
 * Generated from libsodium's random bytes; loading refuses a file that
 * group or others may touch.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "keyfile.h"

#define KEY_HEX_LEN (TP_KEY_BYTES * 2)
/* Context for crypto_kdf: exactly crypto_kdf_CONTEXTBYTES (8) characters. */
#define KEY_KDF_CONTEXT "tpcookie"

/* Start libsodium once; -1 with a message if it cannot run. */
static int
key_sodium_init(struct tp_err *err)
{
	if (sodium_init() < 0)
		return tp_err_set(err, "libsodium: initialisation failed");
	return 0;
}

/* Write all of buf to fd, retrying short writes and EINTR. */
static int
key_write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Fill key->bytes from raw and derive the two cookie subkeys. */
void
tp_key_from_bytes(struct tp_key *key, const uint8_t raw[TP_KEY_BYTES])
{
	_Static_assert(crypto_kdf_KEYBYTES == TP_KEY_BYTES, "key size");
	_Static_assert(sizeof(key->sub[0]) >= crypto_kdf_BYTES_MIN, "subkey size");
	_Static_assert(sizeof(key->sub[0]) == crypto_shorthash_KEYBYTES, "siphash key");

	if (sodium_init() < 0)
		abort();
	memmove(key->bytes, raw, TP_KEY_BYTES);
	crypto_kdf_derive_from_key(key->sub[0], sizeof(key->sub[0]), 1,
	    KEY_KDF_CONTEXT, key->bytes);
	crypto_kdf_derive_from_key(key->sub[1], sizeof(key->sub[1]), 2,
	    KEY_KDF_CONTEXT, key->bytes);
}

/* Create path with a fresh random key, mode 0600, never replacing a file. */
int
tp_keyfile_generate(const char *path, struct tp_err *err)
{
	uint8_t raw[TP_KEY_BYTES];
	char hex[KEY_HEX_LEN + 2];
	int fd, saved;

	if (key_sodium_init(err) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			return tp_err_set(err, "%s: already exists; not overwriting "
			    "a key (remove it first to make a new one)", path);
		return tp_err_set(err, "%s: cannot create key file: %s", path,
		    strerror(errno));
	}
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, sizeof(hex), raw, sizeof(raw));
	hex[KEY_HEX_LEN] = '\n';
	/* fchmod: the umask may have taken bits we need, never add any. */
	if (fchmod(fd, 0600) < 0 || key_write_all(fd, hex, KEY_HEX_LEN + 1) < 0 ||
	    fsync(fd) < 0) {
		saved = errno;
		close(fd);
		unlink(path);
		sodium_memzero(raw, sizeof(raw));
		sodium_memzero(hex, sizeof(hex));
		return tp_err_set(err, "%s: cannot write key file: %s", path,
		    strerror(saved));
	}
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(hex, sizeof(hex));
	if (close(fd) < 0) {
		saved = errno;
		unlink(path);
		return tp_err_set(err, "%s: cannot write key file: %s", path,
		    strerror(saved));
	}
	return 0;
}

/* Read the whole (small) file into buf; returns bytes read or -1 (errno set). */
static ssize_t
key_read_all(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	ssize_t n;

	while (got < cap) {
		n = read(fd, buf + got, cap - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Check the text of a key file and decode it into raw; -1 with a reason. */
static int
key_parse(const char *path, const char *buf, size_t len,
    uint8_t raw[TP_KEY_BYTES], struct tp_err *err)
{
	size_t bin_len = 0, i;
	const char *end = NULL;

	if (len == KEY_HEX_LEN + 1 && buf[KEY_HEX_LEN] == '\n')
		len--;
	if (len != KEY_HEX_LEN)
		return tp_err_set(err, "%s: not a key file: expected %d hex characters "
		    "and a newline", path, KEY_HEX_LEN);
	for (i = 0; i < len; i++)
		if (!((buf[i] >= '0' && buf[i] <= '9') ||
		    (buf[i] >= 'a' && buf[i] <= 'f') ||
		    (buf[i] >= 'A' && buf[i] <= 'F')))
			return tp_err_set(err, "%s: not a key file: character %zu is "
			    "not a hex digit", path, i + 1);
	if (sodium_hex2bin(raw, TP_KEY_BYTES, buf, len, NULL, &bin_len, &end) != 0 ||
	    bin_len != TP_KEY_BYTES || end != buf + len)
		return tp_err_set(err, "%s: not a key file: bad hex", path);
	return 0;
}

/* Load the key at path; refuses files others may read and malformed contents. */
int
tp_keyfile_load(const char *path, struct tp_key *key, struct tp_err *err)
{
	uint8_t raw[TP_KEY_BYTES];
	char buf[KEY_HEX_LEN + 8];
	struct stat st;
	ssize_t n;
	int fd, rc;

	if (key_sodium_init(err) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tp_err_set(err, "%s: cannot open key file: %s", path,
		    strerror(errno));
	if (fstat(fd, &st) < 0) {
		rc = errno;
		close(fd);
		return tp_err_set(err, "%s: cannot stat key file: %s", path,
		    strerror(rc));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return tp_err_set(err, "%s: not a regular file", path);
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		close(fd);
		return tp_err_set(err, "%s: readable by group or others; "
		    "run chmod 600 %s", path, path);
	}
	n = key_read_all(fd, buf, sizeof(buf));
	rc = errno;
	close(fd);
	if (n < 0)
		return tp_err_set(err, "%s: cannot read key file: %s", path,
		    strerror(rc));
	rc = key_parse(path, buf, (size_t)n, raw, err);
	sodium_memzero(buf, sizeof(buf));
	if (rc == 0)
		tp_key_from_bytes(key, raw);
	sodium_memzero(raw, sizeof(raw));
	return rc;
}
