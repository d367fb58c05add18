# Fuzz targets (libFuzzer, built with clang, with ASan and UBSan; UBSan
# reports abort so they count as crashes).
#
#   make fuzz [FUZZ_SECONDS=60]	build and run every fuzzer in turn, then
#				print one line each: "fuzz NAME: ok, N execs
#				in S s" or "fuzz NAME: FAILED ..."
#   make fuzz-NAME [FUZZ_SECONDS=N]	build and run one (NAME below)
#
# Each fuzzer starts from its seed corpus tests/fuzz/corpus/NAME and keeps
# what it finds in fuzz-corpus-NAME/ in the build folder (not committed);
# a crash is written to crash-* (leak-*, timeout-*, oom-*) in the build
# folder. tests/fuzz/run-all wraps "make fuzz" for CI.
#
#   bird_reply     BIRD control-socket reply reader   bgpctl/bird_reply.c
#   reply_decode   captured frame decoder and judge   probe/reply_decode.c, reply_tally.c,
#                                                     listen_rounds.c
#   targets        target list reader                 lib/targets.c
#   config         tp.conf reader (with inih)         lib/config.c
#   records        record stream parser and importer  lib/records.c, lib/import.c, lib/import_cache.c
#   logs           request logs, gzip/zstd by magic   lib/decompress.c, analyze/log_formats.c
#   listen_control stdin lines of listen --multi-round probe/listen_control.c, listen_rounds.c,
#                  and send --jobs                    send_jobs.c

FUZZ_SECONDS = 60
FUZZ_CC = clang
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-std=gnu11 $(AM_CPPFLAGS)
FUZZ_NAMES = bird_reply reply_decode targets config records logs listen_control
FUZZERS = fuzz_bird_reply fuzz_reply_decode fuzz_targets fuzz_config fuzz_records fuzz_logs \
	fuzz_listen_control
FUZZ_BASE = $(top_srcdir)/lib/error.c $(top_srcdir)/lib/xalloc.c $(top_srcdir)/lib/log.c \
	$(top_srcdir)/lib/escape.c $(top_srcdir)/lib/name_index.c

FUZZ_BIRD_REPLY_SRC = $(top_srcdir)/tests/fuzz/fuzz_bird_reply.c \
	$(top_srcdir)/bgpctl/bird_reply.c $(FUZZ_BASE)
FUZZ_REPLY_DECODE_SRC = $(top_srcdir)/tests/fuzz/fuzz_reply_decode.c \
	$(top_srcdir)/probe/reply_decode.c $(top_srcdir)/probe/reply_tally.c \
	$(top_srcdir)/probe/listen_rounds.c \
	$(top_srcdir)/probe/addr_set.c $(top_srcdir)/lib/cookie.c \
	$(top_srcdir)/probe/probe_method.c $(top_srcdir)/probe/icmp_method.c \
	$(top_srcdir)/probe/tcp_method.c $(top_srcdir)/probe/icmp_packet.c \
	$(top_srcdir)/probe/tcp_packet.c $(top_srcdir)/probe/probe_packet.c \
	$(top_srcdir)/lib/keyfile.c $(top_srcdir)/lib/addr.c $(FUZZ_BASE)
FUZZ_LISTEN_CONTROL_SRC = $(top_srcdir)/tests/fuzz/fuzz_listen_control.c \
	$(top_srcdir)/probe/listen_control.c $(top_srcdir)/probe/listen_rounds.c \
	$(top_srcdir)/probe/send_jobs.c $(top_srcdir)/probe/dest_spacing.c \
	$(top_srcdir)/probe/reply_decode.c $(top_srcdir)/probe/reply_tally.c \
	$(top_srcdir)/probe/addr_set.c $(top_srcdir)/probe/opt_parse.c $(top_srcdir)/lib/fields.c \
	$(top_srcdir)/lib/cookie.c \
	$(top_srcdir)/probe/probe_method.c $(top_srcdir)/probe/icmp_method.c \
	$(top_srcdir)/probe/tcp_method.c $(top_srcdir)/probe/icmp_packet.c \
	$(top_srcdir)/probe/tcp_packet.c $(top_srcdir)/probe/probe_packet.c \
	$(top_srcdir)/lib/keyfile.c $(top_srcdir)/lib/addr.c $(FUZZ_BASE)
# tp.conf's reader and what it stands on.
FUZZ_CONF = $(top_srcdir)/lib/config.c $(top_srcdir)/lib/config_read.c \
	$(top_srcdir)/lib/config_value.c $(top_srcdir)/lib/config_lanes.c $(top_srcdir)/lib/pacing.c \
	$(top_srcdir)/lib/failure_set.c $(top_srcdir)/lib/addr.c $(top_srcdir)/lib/probe_methods.c \
	$(top_srcdir)/lib/records.c
FUZZ_TARGETS_SRC = $(top_srcdir)/tests/fuzz/fuzz_targets.c $(top_srcdir)/lib/targets.c \
	$(FUZZ_CONF) $(FUZZ_BASE)
FUZZ_CONFIG_SRC = $(top_srcdir)/tests/fuzz/fuzz_config.c $(FUZZ_CONF) $(FUZZ_BASE)
FUZZ_RECORDS_SRC = $(top_srcdir)/tests/fuzz/fuzz_records.c \
	$(top_srcdir)/lib/import.c $(top_srcdir)/lib/import_cache.c $(top_srcdir)/lib/db.c \
	$(top_srcdir)/lib/db_rows.c \
	$(top_srcdir)/lib/db_file.c $(top_srcdir)/lib/db_migrations.c $(top_srcdir)/lib/db_readonly.c \
	$(FUZZ_CONF) $(FUZZ_BASE)
FUZZ_LOGS_SRC = $(top_srcdir)/tests/fuzz/fuzz_logs.c $(top_srcdir)/lib/decompress.c \
	$(top_srcdir)/lib/decompress_codec.c \
	$(top_srcdir)/analyze/log_formats.c $(top_srcdir)/analyze/log_time.c \
	$(top_srcdir)/lib/addr.c $(FUZZ_BASE)

fuzz_bird_reply: $(FUZZ_BIRD_REPLY_SRC) config.h
	$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(top_srcdir)/bgpctl -o $@ $(FUZZ_BIRD_REPLY_SRC)
fuzz_reply_decode: $(FUZZ_REPLY_DECODE_SRC) config.h
	$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(top_srcdir)/probe -o $@ $(FUZZ_REPLY_DECODE_SRC) \
	    $(SODIUM_LIBS) $(LIBNET_LIBS)
fuzz_targets: $(FUZZ_TARGETS_SRC) config.h
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_TARGETS_SRC) $(INIH_LIBS) -lm
fuzz_config: $(FUZZ_CONFIG_SRC) config.h
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_CONFIG_SRC) $(INIH_LIBS) -lm
fuzz_records: $(FUZZ_RECORDS_SRC) config.h
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_RECORDS_SRC) $(SQLITE_LIBS) $(INIH_LIBS) -lm
fuzz_listen_control: $(FUZZ_LISTEN_CONTROL_SRC) config.h
	$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(top_srcdir)/probe -o $@ $(FUZZ_LISTEN_CONTROL_SRC) \
	    $(SODIUM_LIBS) $(LIBNET_LIBS)
fuzz_logs: $(FUZZ_LOGS_SRC) config.h
	$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(top_srcdir)/analyze -o $@ $(FUZZ_LOGS_SRC) $(JANSSON_LIBS) $(ZLIB_LIBS) \
	    $(ZSTD_LIBS) $(ISAL_LIBS) -lm

# Run one fuzzer for FUZZ_SECONDS; the shell variable n holds its name.
FUZZ_RUN = mkdir -p fuzz-corpus-$$n && \
	./fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
	    fuzz-corpus-$$n $(top_srcdir)/tests/fuzz/corpus/$$n

fuzz-bird-reply: fuzz_bird_reply
	n=bird_reply; $(FUZZ_RUN)
fuzz-reply-decode: fuzz_reply_decode
	n=reply_decode; $(FUZZ_RUN)
fuzz-targets: fuzz_targets
	n=targets; $(FUZZ_RUN)
fuzz-config: fuzz_config
	n=config; $(FUZZ_RUN)
fuzz-records: fuzz_records
	n=records; $(FUZZ_RUN)
fuzz-logs: fuzz_logs
	n=logs; $(FUZZ_RUN)
fuzz-listen-control: fuzz_listen_control
	n=listen_control; $(FUZZ_RUN)

# Every fuzzer in turn (each log in fuzz-NAME.log); fails if any found a crash.
fuzz: $(FUZZERS)
	@failed=0; \
	for n in $(FUZZ_NAMES); do \
	    if ($(FUZZ_RUN)) >fuzz-$$n.log 2>&1; then \
	        st=ok; else st=FAILED; failed=1; fi; \
	    execs=`sed -n 's/^stat::number_of_executed_units: *//p' fuzz-$$n.log`; \
	    secs=`sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' fuzz-$$n.log`; \
	    if test $$st = ok; then \
	        echo "fuzz $$n: ok, $${execs:-?} execs in $${secs:-?} s"; \
	    else \
	        art=`sed -n 's/.*Test unit written to \(.*\)$$/\1/p' fuzz-$$n.log | head -n 1`; \
	        echo "fuzz $$n: FAILED after $${execs:-?} execs, input $${art:-?} (see fuzz-$$n.log)"; \
	    fi; \
	done; \
	test $$failed = 0

.PHONY: fuzz fuzz-bird-reply fuzz-reply-decode fuzz-targets fuzz-config fuzz-records fuzz-logs \
	fuzz-listen-control
CLEANFILES += $(FUZZERS) fuzz-bird_reply.log fuzz-reply_decode.log \
	fuzz-targets.log fuzz-config.log fuzz-records.log fuzz-logs.log fuzz-listen_control.log
