# probe: tp-probe (send and listen), and libprobe.a for the unit tests.
noinst_LIBRARIES += libprobe.a
libprobe_a_SOURCES = \
	probe/addr_set.c probe/addr_set.h \
	probe/icmp_packet.c probe/icmp_packet.h \
	probe/keygen.c \
	probe/listen.c probe/listen.h \
	probe/opt_parse.c probe/opt_parse.h \
	probe/permute.c probe/permute.h \
	probe/privdrop.c probe/privdrop.h \
	probe/probe_cmd.h \
	probe/rate_limit.c probe/rate_limit.h \
	probe/reply_decode.c probe/reply_decode.h \
	probe/reply_tally.c probe/reply_tally.h \
	probe/send.c probe/send.h

sbin_PROGRAMS += tp-probe
tp_probe_SOURCES = probe/main.c
tp_probe_LDADD = libprobe.a $(TP_LIBS) $(PCAP_LIBS) $(LIBNET_LIBS) $(CAPNG_LIBS)

TP_UNIT_LIBS += libprobe.a
tests_unit_tp_unit_SOURCES += \
	tests/unit/test_probe_packet.c \
	tests/unit/test_probe_decode.c \
	tests/unit/test_probe_pcap.c \
	tests/unit/test_probe_send.c

# Writes the pcap fixtures in tests/fixtures/pcap (run by hand; they are committed).
noinst_PROGRAMS += tests/fixtures/pcap/make-fixtures
tests_fixtures_pcap_make_fixtures_SOURCES = tests/fixtures/pcap/make-fixtures.c
tests_fixtures_pcap_make_fixtures_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/probe
tests_fixtures_pcap_make_fixtures_LDADD = libprobe.a $(TP_LIBS) $(PCAP_LIBS) $(LIBNET_LIBS)

EXTRA_DIST += tests/fixtures/pcap

# Fuzz the reply decoder and judge with libFuzzer (clang):
#   make fuzz-reply-decode [FUZZ_SECONDS=300]
# New inputs go to fuzz-corpus-reply_decode/ in the build folder; the seed
# corpus is tests/fuzz/corpus/reply_decode (frames from the pcap fixtures,
# each behind one byte naming its link type).
fuzz-reply-decode:
	clang -g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 \
	    -include $(top_builddir)/config.h -I$(top_srcdir)/lib -I$(top_srcdir)/probe \
	    -o fuzz_reply_decode $(top_srcdir)/tests/fuzz/fuzz_reply_decode.c \
	    $(top_srcdir)/probe/reply_decode.c $(top_srcdir)/probe/reply_tally.c \
	    $(top_srcdir)/probe/addr_set.c $(top_srcdir)/lib/cookie.c \
	    $(top_srcdir)/lib/keyfile.c $(top_srcdir)/lib/addr.c $(top_srcdir)/lib/error.c \
	    $(top_srcdir)/lib/xalloc.c $(top_srcdir)/lib/log.c $(SODIUM_LIBS)
	mkdir -p fuzz-corpus-reply_decode
	./fuzz_reply_decode -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    fuzz-corpus-reply_decode $(top_srcdir)/tests/fuzz/corpus/reply_decode
.PHONY: fuzz-reply-decode
CLEANFILES += fuzz_reply_decode
