# campaign/pacing: the lane scheduler over lib/pacing.c's damping model,
# pure functions that tp-campaign's lane driver uses.
noinst_LIBRARIES += libpacing.a
libpacing_a_SOURCES = \
	campaign/lane_schedule.c campaign/lane_schedule.h

TP_UNIT_LIBS += libpacing.a
tests_unit_tp_unit_SOURCES += tests/unit/test_pacing.c tests/unit/test_lane_schedule.c
