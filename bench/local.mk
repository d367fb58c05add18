# bench: benchmarks that put numbers beside peers.
# Built with the rest (noinst), run by the bench/run-* scripts.
noinst_PROGRAMS += bench/bench-exclude
bench_bench_exclude_SOURCES = bench/bench_exclude.c
bench_bench_exclude_LDADD = $(TP_LIBS)
EXTRA_DIST += bench/README.md bench/run-exclude

# bench/run-analyze: synthetic campaign for tp-analyze (import rate, matrix time).
noinst_PROGRAMS += bench/bench-analyze-gen
bench_bench_analyze_gen_SOURCES = bench/bench_analyze_gen.c bench/bench_gen.c bench/bench_gen.h
EXTRA_DIST += bench/run-analyze
EXTRA_DIST += bench/run-probe bench/run-tcp

# bench/run-logs: a synthetic combined log for targets import --format combined.
noinst_PROGRAMS += bench/bench-logs-gen
bench_bench_logs_gen_SOURCES = bench/bench_logs_gen.c
EXTRA_DIST += bench/run-logs
noinst_PROGRAMS += bench/bench-decompress
bench_bench_decompress_SOURCES = bench/bench_decompress.c
bench_bench_decompress_LDADD = $(TP_LIBS)

# bench/run-scale: campaigns of 30 to 300 sites and 1 to 10 million targets.
noinst_PROGRAMS += bench/bench-scale-gen
bench_bench_scale_gen_SOURCES = bench/bench_scale_gen.c bench/bench_gen.c bench/bench_gen.h
EXTRA_DIST += bench/run-scale

# bench/run-html: the HTML report of a synthetic 100-site campaign (bench-analyze-gen).
EXTRA_DIST += bench/run-html

# bench/run-prediction: calibrated confidence on hiding, held-out accuracy on regional (testbed, root).
EXTRA_DIST += bench/run-prediction
# bench/run-campaign: 1 lane against 4 on the slow regional testbed.
noinst_PROGRAMS += bench/bench-lane-changes
bench_bench_lane_changes_SOURCES = bench/bench_lane_changes.c
bench_bench_lane_changes_LDADD = $(TP_LIBS)
EXTRA_DIST += bench/run-campaign bench/poll-lanes bench/estimate-300
