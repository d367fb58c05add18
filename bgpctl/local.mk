# bgpctl: tp-bgpctl, BIRD control-socket client. Everything but main.c is
# in libbgpctl.a so the unit tests can link it.
noinst_LIBRARIES += libbgpctl.a
libbgpctl_a_SOURCES = \
	bgpctl/bgpctl.h \
	bgpctl/bgpctl_cmd.c \
	bgpctl/bgpctl_do.c \
	bgpctl/bgpctl_output.c \
	bgpctl/bird_client.c bgpctl/bird_client.h \
	bgpctl/bird_command.c bgpctl/bird_command.h \
	bgpctl/bird_reply.c bgpctl/bird_reply.h \
	bgpctl/bird_status.c bgpctl/bird_status.h

sbin_PROGRAMS += tp-bgpctl
tp_bgpctl_SOURCES = bgpctl/main.c
tp_bgpctl_LDADD = libbgpctl.a $(TP_LIBS)

TP_UNIT_LIBS += libbgpctl.a
tests_unit_tp_unit_SOURCES += \
	tests/unit/test_bird_reply.c \
	tests/unit/test_bird_client.c \
	tests/unit/test_bird_command.c \
	tests/unit/test_bird_site.c \
	tests/unit/test_bird_status.c

EXTRA_DIST += tests/fixtures/bird

# Fuzz the BIRD reply reader with libFuzzer (clang):
#   make fuzz-bird-reply [FUZZ_SECONDS=300]
# New inputs go to fuzz-corpus-bird_reply/ in the build folder; the seed
# corpus is tests/fuzz/corpus/bird_reply (recorded BIRD 2.0.12 replies).
FUZZ_SECONDS = 60
fuzz-bird-reply:
	clang -g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 \
	    -include $(top_builddir)/config.h -I$(top_srcdir)/lib -o fuzz_bird_reply \
	    $(top_srcdir)/tests/fuzz/fuzz_bird_reply.c $(top_srcdir)/bgpctl/bird_reply.c \
	    $(top_srcdir)/lib/error.c $(top_srcdir)/lib/xalloc.c $(top_srcdir)/lib/log.c
	mkdir -p fuzz-corpus-bird_reply
	./fuzz_bird_reply -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    fuzz-corpus-bird_reply $(top_srcdir)/tests/fuzz/corpus/bird_reply
.PHONY: fuzz-bird-reply
CLEANFILES += fuzz_bird_reply
