# analyze: tp-analyze, targets and replies in; failover matrices, reports
# and traffic-manager policies out. Everything but main.c is a convenience
# library so the unit tests can call it.
noinst_LIBRARIES += libanalyze.a
libanalyze_a_CPPFLAGS = $(MODEL_CPPFLAGS)
libanalyze_a_SOURCES = \
	analyze/analyze.h \
	analyze/create_cmd.c \
	analyze/evaluate.c analyze/evaluate.h \
	analyze/graph.c analyze/graph.h \
	analyze/html_cmd.c \
	analyze/html_matrix.c \
	analyze/html_page.c analyze/html_report.h \
	analyze/html_policy.c \
	analyze/html_text.c analyze/html_text.h \
	analyze/html_tree.c \
	analyze/import_cmd.c \
	analyze/independence.c analyze/independence.h \
	analyze/log_formats.c analyze/log_formats.h \
	analyze/log_import.c \
	analyze/log_tally.c analyze/log_tally.h \
	analyze/log_time.c analyze/log_time.h \
	analyze/matrix_output.c analyze/matrix_output.h \
	analyze/policy.c analyze/policy.h \
	analyze/predict_cmd.c \
	analyze/predict_output.c \
	analyze/prune_cmd.c \
	analyze/report.c analyze/report.h \
	analyze/responsiveness.c analyze/responsiveness.h \
	analyze/report_predicted.c \
	analyze/share_text.h \
	analyze/target_select.c analyze/target_select.h \
	analyze/targets_cmd.c analyze/targets_import.h

bin_PROGRAMS += tp-analyze
tp_analyze_SOURCES = analyze/main.c
tp_analyze_CPPFLAGS = $(MODEL_CPPFLAGS)
tp_analyze_LDADD = libanalyze.a libmodel.a $(TP_LIBS) $(GVC_LIBS)

TP_UNIT_LIBS += libanalyze.a $(GVC_LIBS)
tests_unit_tp_unit_SOURCES += \
	tests/unit/test_analyze_matrix.c \
	tests/unit/test_split.c \
	tests/unit/test_analyze_independence.c \
	tests/unit/test_analyze_html.c \
	tests/unit/test_analyze_targets.c \
	tests/unit/test_analyze_cli.c \
	tests/unit/test_log_formats.c \
	tests/unit/test_log_import.c \
	tests/unit/test_prune.c \
	tests/unit/test_predict.c \
	tests/unit/test_validate.c \
	tests/unit/test_calibrate_sample.c
EXTRA_DIST += tests/fixtures/analyze
