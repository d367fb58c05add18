# campaign: tp-campaign, a whole failover campaign from a config file.
noinst_LIBRARIES += libcampaign.a
libcampaign_a_CPPFLAGS = $(MODEL_CPPFLAGS) -I$(top_srcdir)/analyze
libcampaign_a_SOURCES = \
	campaign/answer.c \
	campaign/bgp.c \
	campaign/campaign.h \
	campaign/control.c \
	campaign/converge.c \
	campaign/execute.c \
	campaign/explore.c \
	campaign/lanes.c campaign/lanes.h \
	campaign/metrics.c campaign/metrics.h \
	campaign/methods.c campaign/methods.h \
	campaign/metrics_file.c \
	campaign/plan.c campaign/plan.h \
	campaign/plan_show.c \
	campaign/progress.c \
	campaign/publish.c \
	campaign/probe_hub.c campaign/probe_hub.h campaign/probe_hub_int.h \
	campaign/probe_hub_read.c campaign/probe_hub_jobs.c campaign/probe_hub_revive.c \
	campaign/round.c \
	campaign/run.c campaign/run.h \
	campaign/schedule.c campaign/schedule.h \
	campaign/show.c \
	campaign/site_exec.c campaign/site_exec.h \
	campaign/state.c \
	campaign/stop.c campaign/stop.h \
	campaign/validate.c

sbin_PROGRAMS += tp-campaign
tp_campaign_SOURCES = campaign/main.c
# publish.c writes the HTML report of analyze/ (html_report.h): the one
# place where tp-campaign stands on libanalyze.
tp_campaign_CPPFLAGS = $(MODEL_CPPFLAGS)
tp_campaign_LDADD = libcampaign.a libpacing.a libanalyze.a libmodel.a $(TP_LIBS) $(GVC_LIBS) -lpthread

TP_UNIT_LIBS += libcampaign.a
tests_unit_tp_unit_SOURCES += tests/unit/test_campaign_plan.c tests/unit/test_campaign_schedule.c \
	tests/unit/test_campaign_lanes.c \
	tests/unit/test_site_exec.c tests/unit/test_campaign_metrics.c tests/unit/test_probe_hub.c \
	tests/unit/test_campaign_methods.c tests/unit/test_campaign_round.c
EXTRA_DIST += tests/fixtures/metrics
