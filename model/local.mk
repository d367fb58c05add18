# model: libmodel.a, what the programs know about a campaign's numbers:
# the loaders of campaign data, the failover matrix and its rows, the
# prediction model, and explore's choice of the next set. It stands on
# libtp only; tp-analyze and tp-campaign stand on it (program -> model ->
# lib), and see its headers through MODEL_CPPFLAGS.
MODEL_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/model

noinst_LIBRARIES += libmodel.a
libmodel_a_CPPFLAGS = $(MODEL_CPPFLAGS)
libmodel_a_SOURCES = \
	model/calibrate.c model/calibrate.h \
	model/campaign_data.c model/campaign_data.h \
	model/campaign_pick.c model/campaign_pick.h \
	model/explore_pick.c model/explore_pick.h \
	model/exposure.c model/exposure.h \
	model/load_model.c model/load_model.h \
	model/matrix.c model/matrix.h \
	model/matrix_archive.c model/matrix_archive.h \
	model/matrix_rows.c \
	model/predict.c model/predict.h \
	model/predict_model.c model/predict_model.h model/predict_leave_out.c \
	model/prune.c model/prune.h \
	model/round_landing.c model/round_landing.h \
	model/set_combination.c model/set_combination.h \
	model/validate_pick.c model/validate_pick.h \
	model/validations.c model/validations.h

TP_UNIT_LIBS += libmodel.a
tests_unit_tp_unit_SOURCES += tests/unit/test_predict_leave_out.c
