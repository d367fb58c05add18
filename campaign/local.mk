# campaign: tp-campaign, a whole failover campaign from a config file.
noinst_LIBRARIES += libcampaign.a
libcampaign_a_SOURCES = \
	campaign/bgp.c \
	campaign/campaign.h \
	campaign/control.c \
	campaign/converge.c \
	campaign/explore.c \
	campaign/plan.c \
	campaign/progress.c \
	campaign/publish.c \
	campaign/round.c \
	campaign/run.c campaign/run.h \
	campaign/show.c \
	campaign/site_exec.c campaign/site_exec.h \
	campaign/state.c

sbin_PROGRAMS += tp-campaign
tp_campaign_SOURCES = campaign/main.c
tp_campaign_LDADD = libcampaign.a libanalyze.a $(TP_LIBS) $(GVC_LIBS)

TP_UNIT_LIBS += libcampaign.a libanalyze.a
tests_unit_tp_unit_SOURCES += tests/unit/test_campaign_plan.c tests/unit/test_site_exec.c
