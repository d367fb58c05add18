# campaign/pacing: the lane pacing model and the lane scheduler, pure
# functions that tp-campaign will use for lanes (issue 12).
noinst_LIBRARIES += libpacing.a
libpacing_a_SOURCES = \
	campaign/pacing.c campaign/pacing.h \
	campaign/lane_schedule.c campaign/lane_schedule.h

TP_UNIT_LIBS += libpacing.a
tests_unit_tp_unit_SOURCES += tests/unit/test_pacing.c tests/unit/test_lane_schedule.c
