# bgpctl: tp-bgpctl, BIRD control-socket client. Everything but main.c is
# in libbgpctl.a so the unit tests can link it.
noinst_LIBRARIES += libbgpctl.a
libbgpctl_a_SOURCES = \
	bgpctl/bgpctl.h \
	bgpctl/bgpctl_checks.c \
	bgpctl/bgpctl_cmd.c \
	bgpctl/bgpctl_output.c \
	bgpctl/bgpctl_policy.c \
	bgpctl/bgpctl_status.c \
	bgpctl/bird_client.c bgpctl/bird_client.h \
	bgpctl/bird_command.c bgpctl/bird_command.h \
	bgpctl/bird_reply.c bgpctl/bird_reply.h \
	bgpctl/bird_session.c bgpctl/bird_session.h \
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
