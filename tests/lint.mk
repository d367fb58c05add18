# make lint: static analysis of every .c in lib/ probe/ bgpctl/ analyze/
# campaign/ with cppcheck and clang-tidy, compiled as the build compiles
# them (the build's config.h forced in, lib/ on the include path, the same
# -D paths). Clean means no finding at all; a finding fails the target.
# Needs the Debian packages cppcheck and clang-tidy.
#
# cppcheck: warning, portability and performance classes (real defects;
# "style" is left out: it mostly asks to move declarations into inner
# scopes, against this tree's OpenBSD style). Suppressed: system headers
# it cannot find (tests/lint-jansson.cfg spells out the one jansson macro
# the code uses), and ctuuninitvar, which flags every `struct tp_err err;`
# handed down for a callee to fill (the project's out-parameter pattern).
#
# clang-tidy: clang-analyzer-* (the static analyzer: null dereferences,
# leaks, garbage values, API misuse), bugprone-*, and the CERT C checks
# that are not already in those two (env33 system(), err34 atoi & co.,
# fio38 FILE copies, flp30 float loop counters, msc30/msc32 rand and its
# seeding, str34 signed char to int, dcl37 reserved identifiers). Left out:
#   bugprone-easily-swappable-parameters   fires on any two adjacent
#                                          parameters of one type
#   bugprone-narrowing-conversions         size_t/int/double arithmetic everywhere;
#                                          -Wall -Wextra and UBSan cover the real cases
#   bugprone-implicit-widening-of-multiplication-result
#                                          small constant products (KEY_HEX_LEN * 2)
#   clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling
#                                          asks for C11 Annex K (memcpy_s), not in glibc
#   clang-analyzer-security.insecureAPI.strcpy
#                                          flags every strcpy; each one in the
#                                          tree follows a length check
#   clang-analyzer-valist.Uninitialized    clang 14 false positive on every
#                                          va_start + vsnprintf (llvm-project #40656)
#   clang-analyzer-optin.performance.Padding
#                                          struct layout advice, not a defect
# A justified exception in the code is marked NOLINT(check) on its line.

LINT_FILES = $(top_srcdir)/lib/*.c $(top_srcdir)/probe/*.c $(top_srcdir)/bgpctl/*.c \
	$(top_srcdir)/analyze/*.c $(top_srcdir)/campaign/*.c
LINT_DEFS = -I$(top_srcdir)/lib \
	-DPKGDATADIR='"$(pkgdatadir)"' -DSYSCONFDIR='"$(sysconfdir)"' \
	-DLOCALSTATEDIR='"$(localstatedir)"'
LINT_CFLAGS = -std=gnu11 -include $(top_builddir)/config.h $(LINT_DEFS) $(PCAP_CFLAGS) $(SQLITE_CFLAGS) \
	$(SODIUM_CFLAGS) $(JANSSON_CFLAGS) $(INIH_CFLAGS) $(CAPNG_CFLAGS) $(ZLIB_CFLAGS) $(ZSTD_CFLAGS) \
	$(GVC_CFLAGS)
LINT_TIDY_CHECKS = -*,clang-analyzer-*,bugprone-*,cert-env33-c,cert-err34-c,\
cert-fio38-c,cert-flp30-c,cert-msc30-c,cert-msc32-c,cert-str34-c,cert-dcl37-c,\
-bugprone-easily-swappable-parameters,-bugprone-narrowing-conversions,\
-bugprone-implicit-widening-of-multiplication-result,\
-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling,\
-clang-analyzer-security.insecureAPI.strcpy,-clang-analyzer-valist.Uninitialized,\
-clang-analyzer-optin.performance.Padding
LINT_JOBS = 2
CPPCHECK = cppcheck
CLANG_TIDY = clang-tidy

lint: config.h
	@command -v $(CPPCHECK) >/dev/null || \
	    { echo "lint: $(CPPCHECK) not found; install the Debian package cppcheck" >&2; exit 1; }
	@command -v $(CLANG_TIDY) >/dev/null || \
	    { echo "lint: $(CLANG_TIDY) not found; install the Debian package clang-tidy" >&2; exit 1; }
	@echo "lint: cppcheck"
	@$(CPPCHECK) -q --std=c11 --enable=warning,portability,performance \
	    --error-exitcode=1 --inline-suppr -j $(LINT_JOBS) \
	    --suppress=missingIncludeSystem --suppress=ctuuninitvar \
	    --library=$(top_srcdir)/tests/lint-jansson.cfg \
	    --include=$(top_builddir)/config.h $(LINT_DEFS) $(LINT_FILES)
	@echo "lint: clang-tidy"
	@ls $(LINT_FILES) | xargs -P $(LINT_JOBS) -I @ $(CLANG_TIDY) --quiet \
	    --checks='$(LINT_TIDY_CHECKS)' --warnings-as-errors='*' @ \
	    -- $(LINT_CFLAGS) >lint-tidy.log 2>&1; rc=$$?; \
	grep -v '^[0-9]* warnings* \(and [0-9]* errors* \)*generated\.$$' lint-tidy.log; \
	rm -f lint-tidy.log; test $$rc -eq 0
	@echo "lint: clean"
.PHONY: lint
EXTRA_DIST += tests/lint-jansson.cfg
