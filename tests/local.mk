# Unit tests: one Criterion binary built from every folder's test files,
# so a run ends in one summary line.
check_PROGRAMS += tests/unit/tp-unit
TESTS += tests/unit/tp-unit
tests_unit_tp_unit_SOURCES += tests/unit/fixture.c tests/unit/fixture.h
tests_unit_tp_unit_CPPFLAGS = $(MODEL_CPPFLAGS) -I$(top_srcdir)/analyze \
	-I$(top_srcdir)/bgpctl -I$(top_srcdir)/campaign -I$(top_srcdir)/probe -DTESTS_SRCDIR='"$(abs_top_srcdir)/tests"' \
	-DDATA_SRCDIR='"$(abs_top_srcdir)/data"'
tests_unit_tp_unit_CFLAGS = $(AM_CFLAGS) $(CRITERION_CFLAGS)
tests_unit_tp_unit_LDADD = $(TP_UNIT_LIBS) $(TP_LIBS) $(PCAP_LIBS) $(LIBNET_LIBS) \
	$(CAPNG_LIBS) $(CRITERION_LIBS)
EXTRA_DIST += tests/integration tests/fuzz tests/run-all
