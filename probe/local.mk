# probe: tp-probe (send and listen), and libprobe.a for the unit tests.
noinst_LIBRARIES += libprobe.a
libprobe_a_SOURCES = \
	probe/addr_set.c probe/addr_set.h \
	probe/icmp_method.c \
	probe/icmp_packet.c probe/icmp_packet.h \
	probe/keygen.c \
	probe/listen.c probe/listen.h \
	probe/listen_cmd.c \
	probe/listen_control.c probe/listen_control.h \
	probe/listen_multi.c \
	probe/listen_rounds.c probe/listen_rounds.h \
	probe/opt_parse.c probe/opt_parse.h \
	probe/permute.c probe/permute.h \
	probe/privdrop.c probe/privdrop.h \
	probe/probe_method.c probe/probe_method.h \
	probe/probe_packet.c probe/probe_packet.h \
	probe/probe_cmd.h \
	probe/rate_limit.c probe/rate_limit.h \
	probe/reply_decode.c probe/reply_decode.h \
	probe/reply_tally.c probe/reply_tally.h \
	probe/send.c probe/send.h \
	probe/send_cmd.c \
	probe/tcp_method.c \
	probe/send_jobs.c probe/send_jobs.h \
	probe/send_jobs_run.c \
	probe/dest_spacing.c probe/dest_spacing.h \
	probe/tcp_method.c \
	probe/tcp_packet.c probe/tcp_packet.h

sbin_PROGRAMS += tp-probe
tp_probe_SOURCES = probe/main.c
tp_probe_LDADD = libprobe.a $(TP_LIBS) $(PCAP_LIBS) $(LIBNET_LIBS) $(CAPNG_LIBS)

TP_UNIT_LIBS += libprobe.a
tests_unit_tp_unit_SOURCES += \
	tests/unit/test_probe_packet.c \
	tests/unit/test_probe_decode.c \
	tests/unit/test_probe_pcap.c \
	tests/unit/test_probe_send.c \
	tests/unit/test_probe_lanes.c \
	tests/unit/test_probe_tcp.c \
	tests/unit/test_probe_flows.c \
	tests/unit/probe_fixture.c tests/unit/probe_fixture.h \
	tests/unit/test_one_family.c

# Writes the pcap fixtures in tests/fixtures/pcap (run by hand; they are committed).
noinst_PROGRAMS += tests/fixtures/pcap/make-fixtures
tests_fixtures_pcap_make_fixtures_SOURCES = tests/fixtures/pcap/make-fixtures.c
tests_fixtures_pcap_make_fixtures_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/probe
tests_fixtures_pcap_make_fixtures_LDADD = libprobe.a $(TP_LIBS) $(PCAP_LIBS) $(LIBNET_LIBS)

EXTRA_DIST += tests/fixtures/pcap
