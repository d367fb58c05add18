# libtp: the core every program shares.
noinst_LIBRARIES += libtp.a
libtp_a_SOURCES = \
	lib/addr.c lib/addr.h \
	lib/clock.c lib/clock.h \
	lib/command.c lib/command.h \
	lib/cookie.c lib/cookie.h \
	lib/config.c lib/config.h lib/config_load.h lib/config_read.c lib/config_value.c \
	lib/config_lanes.c \
	lib/db.c lib/db.h lib/db_rows.c lib/db_file.c lib/db_file.h lib/db_migrations.c lib/db_migrations.h \
	lib/db_readonly.c lib/db_readonly.h \
	lib/decompress.c lib/decompress.h lib/decompress_codec.c lib/decompress_impl.h \
	lib/defaults.h \
	lib/error.c lib/error.h \
	lib/escape.c lib/escape.h \
	lib/exclude.c lib/exclude.h \
	lib/failure_set.c lib/failure_set.h \
	lib/fields.c lib/fields.h \
	lib/import.c lib/import.h lib/import_cache.c lib/import_cache.h \
	lib/keyfile.c lib/keyfile.h \
	lib/log.c lib/log.h \
	lib/name_index.c lib/name_index.h \
	lib/output.c lib/output.h \
	lib/pacing.c lib/pacing.h \
	lib/probe_methods.c lib/probe_methods.h \
	lib/records.c lib/records.h \
	lib/targets.c lib/targets.h \
	lib/xalloc.c lib/xalloc.h

tests_unit_tp_unit_SOURCES += \
	tests/unit/test_addr.c \
	tests/unit/test_command.c \
	tests/unit/test_config.c \
	tests/unit/test_config_lanes.c \
	tests/unit/test_cookie.c \
	tests/unit/test_db.c \
	tests/unit/test_db_rows.c \
	tests/unit/test_escape.c \
	tests/unit/test_db_file.c \
	tests/unit/test_decompress.c \
	tests/unit/test_exclude.c \
	tests/unit/test_fields.c \
	tests/unit/test_import.c \
	tests/unit/test_keyfile.c \
	tests/unit/test_name_index.c \
	tests/unit/test_output.c \
	tests/unit/test_records.c \
	tests/unit/test_targets.c
