/* test_keyfile.c: key file generation (mode 0600, 64 hex) and the loader's refusals. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "fixture.h"
#include "keyfile.h"

TestSuite(keyfile, .fini = fixture_cleanup);

/* Read a small file into buf (NUL-terminated); returns its length. */
static size_t
slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n;

	cr_assert_not_null(f, "cannot read %s", path);
	n = fread(buf, 1, cap - 1, f);
	buf[n] = '\0';
	fclose(f);
	return n;
}

/* Write text to name with the given mode; returns the path. */
static const char *
write_mode(const char *name, const char *text, mode_t mode)
{
	const char *path = fixture_write(name, text);

	cr_assert_eq(chmod(path, mode), 0);
	return path;
}

Test(keyfile, generate_gives_0600_and_64_hex_even_with_open_umask)
{
	const char *path = fixture_path("key");
	struct tp_err err = { "" };
	struct stat st;
	char buf[256];
	size_t i;
	mode_t old = umask(0);
	int rc = tp_keyfile_generate(path, &err);

	umask(old);
	cr_assert_eq(rc, 0, "%s", err.msg);
	cr_assert_eq(stat(path, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0600, "mode %o", st.st_mode & 07777);
	cr_assert_eq(slurp(path, buf, sizeof(buf)), 65);
	cr_assert_eq(buf[64], '\n');
	for (i = 0; i < 64; i++)
		cr_assert(strchr("0123456789abcdef", buf[i]) != NULL,
		    "char %zu is %c", i, buf[i]);
}

Test(keyfile, generated_key_loads_to_the_written_bytes)
{
	const char *path = fixture_path("key");
	struct tp_err err = { "" };
	struct tp_key key;
	char buf[256], hex[65];
	size_t i;

	cr_assert_eq(tp_keyfile_generate(path, &err), 0, "%s", err.msg);
	cr_assert_eq(tp_keyfile_load(path, &key, &err), 0, "%s", err.msg);
	slurp(path, buf, sizeof(buf));
	for (i = 0; i < TP_KEY_BYTES; i++)
		snprintf(hex + 2 * i, 3, "%02x", key.bytes[i]);
	cr_assert_str_eq(hex, (buf[64] = '\0', buf));
}

Test(keyfile, two_keys_differ)
{
	struct tp_err err = { "" };
	struct tp_key a, b;

	cr_assert_eq(tp_keyfile_generate(fixture_path("a"), &err), 0, "%s", err.msg);
	cr_assert_eq(tp_keyfile_generate(fixture_path("b"), &err), 0, "%s", err.msg);
	cr_assert_eq(tp_keyfile_load(fixture_path("a"), &a, &err), 0, "%s", err.msg);
	cr_assert_eq(tp_keyfile_load(fixture_path("b"), &b, &err), 0, "%s", err.msg);
	cr_assert_neq(memcmp(a.bytes, b.bytes, TP_KEY_BYTES), 0);
}

Test(keyfile, generate_never_overwrites)
{
	const char *path = write_mode("key", "precious\n", 0600);
	struct tp_err err = { "" };
	char buf[64], want[300];

	cr_assert_eq(tp_keyfile_generate(path, &err), -1);
	snprintf(want, sizeof(want), "%s: already exists", path);
	cr_assert(strncmp(err.msg, want, strlen(want)) == 0, "got: %s", err.msg);
	slurp(path, buf, sizeof(buf));
	cr_assert_str_eq(buf, "precious\n");
}

Test(keyfile, generate_refuses_a_symlink)
{
	const char *path = fixture_path("link");
	const char *target = fixture_path("elsewhere");
	struct tp_err err = { "" };

	cr_assert_eq(symlink(target, path), 0);
	cr_assert_eq(tp_keyfile_generate(path, &err), -1);
	cr_assert_eq(access(target, F_OK), -1, "followed the link");
}

Test(keyfile, generate_in_missing_folder_fails_naming_the_file)
{
	const char *path = fixture_path("no/such/dir/key");
	struct tp_err err = { "" };

	cr_assert_eq(tp_keyfile_generate(path, &err), -1);
	cr_assert(strstr(err.msg, path) != NULL, "got: %s", err.msg);
	cr_assert(strstr(err.msg, "No such file") != NULL, "got: %s", err.msg);
}

#define GOOD_HEX "00112233445566778899aabbccddeeff0123456789abcdef0011223344556677"

Test(keyfile, loose_modes_are_refused_with_the_chmod_hint)
{
	static const mode_t modes[] = { 0644, 0640, 0604, 0660, 0610, 0601, 0602, 0620, 0666 };
	struct tp_err err;
	struct tp_key key;
	char want[600];
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		const char *path = write_mode("key", GOOD_HEX "\n", modes[i]);

		err.msg[0] = '\0';
		cr_assert_eq(tp_keyfile_load(path, &key, &err), -1, "mode %o loaded", modes[i]);
		snprintf(want, sizeof(want),
		    "%s: readable by group or others; run chmod 600 %s", path, path);
		cr_assert_str_eq(err.msg, want, "mode %o", modes[i]);
	}
}

Test(keyfile, owner_only_modes_load)
{
	static const mode_t modes[] = { 0600, 0400, 0700 };
	struct tp_err err = { "" };
	struct tp_key key;
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		const char *path = write_mode("key", GOOD_HEX "\n", modes[i]);

		cr_assert_eq(tp_keyfile_load(path, &key, &err), 0, "mode %o: %s",
		    modes[i], err.msg);
		cr_assert_eq(key.bytes[0], 0x00);
		cr_assert_eq(key.bytes[5], 0x55);
		cr_assert_eq(key.bytes[15], 0xff);
		cr_assert_eq(key.bytes[31], 0x77);
	}
}

Test(keyfile, uppercase_and_missing_final_newline_load)
{
	struct tp_err err = { "" };
	struct tp_key a, b;

	cr_assert_eq(tp_keyfile_load(write_mode("a", GOOD_HEX, 0600), &a, &err), 0,
	    "%s", err.msg);
	cr_assert_eq(tp_keyfile_load(write_mode("b",
	    "00112233445566778899AABBCCDDEEFF0123456789ABCDEF0011223344556677\n", 0600),
	    &b, &err), 0, "%s", err.msg);
	cr_assert_eq(memcmp(a.bytes, b.bytes, TP_KEY_BYTES), 0);
	cr_assert_eq(memcmp(a.sub, b.sub, sizeof(a.sub)), 0);
}

Test(keyfile, malformed_contents_are_refused)
{
	static const struct {
		const char *text;
		const char *reason;
	} rows[] = {
		{ "", "expected 64 hex" },
		{ "\n", "expected 64 hex" },
		{ "0011223344\n", "expected 64 hex" },
		{ GOOD_HEX "0\n", "expected 64 hex" },	/* 65 digits */
		{ "0" GOOD_HEX "\n", "expected 64 hex" },
		{ GOOD_HEX "\n\n", "expected 64 hex" },
		{ GOOD_HEX "\r\n", "expected 64 hex" },
		{ GOOD_HEX "\n" GOOD_HEX "\n", "expected 64 hex" },
		{ "0011223344556677 8899aabbccddeeff0123456789abcdef001122334455667\n",
		    "character 17 is not a hex digit" },
		{ "g0112233445566778899aabbccddeeff0123456789abcdef0011223344556677\n",
		    "character 1 is not a hex digit" },
		{ "0x112233445566778899aabbccddeeff0123456789abcdef0011223344556677\n",
		    "character 2 is not a hex digit" },
		{ "00112233445566778899aabbccddeeff0123456789abcdef001122334455667z\n",
		    "character 64 is not a hex digit" },
	};
	struct tp_err err;
	struct tp_key key;
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *path = write_mode("key", rows[i].text, 0600);

		err.msg[0] = '\0';
		cr_assert_eq(tp_keyfile_load(path, &key, &err), -1, "row %zu loaded", i);
		cr_assert(strstr(err.msg, path) == err.msg, "row %zu: %s", i, err.msg);
		cr_assert(strstr(err.msg, rows[i].reason) != NULL, "row %zu: %s", i, err.msg);
	}
}

Test(keyfile, missing_file_and_folder_are_refused)
{
	struct tp_err err = { "" };
	struct tp_key key;
	const char *path = fixture_path("absent");

	cr_assert_eq(tp_keyfile_load(path, &key, &err), -1);
	cr_assert(strstr(err.msg, path) == err.msg, "got: %s", err.msg);
	cr_assert(strstr(err.msg, "No such file") != NULL, "got: %s", err.msg);
	cr_assert_eq(tp_keyfile_load(fixture_dir(), &key, &err), -1);
	cr_assert(strstr(err.msg, "not a regular file") != NULL, "got: %s", err.msg);
}

Test(keyfile, subkeys_are_derived_and_depend_on_the_key)
{
	uint8_t raw[TP_KEY_BYTES] = { 0 };
	struct tp_key a, a2, b;

	tp_key_from_bytes(&a, raw);
	tp_key_from_bytes(&a2, raw);
	raw[31] = 1;
	tp_key_from_bytes(&b, raw);
	cr_assert_eq(memcmp(a.sub, a2.sub, sizeof(a.sub)), 0);
	cr_assert_neq(memcmp(a.sub[0], a.sub[1], sizeof(a.sub[0])), 0);
	cr_assert_neq(memcmp(a.sub[0], b.sub[0], sizeof(a.sub[0])), 0);
	cr_assert_neq(memcmp(a.sub[1], b.sub[1], sizeof(a.sub[1])), 0);
	cr_assert_neq(memcmp(a.sub[0], raw, sizeof(a.sub[0])), 0);
}
