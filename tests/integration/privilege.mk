# test-privilege.sh's stand-in for BIRD's control socket: it logs every
# line tp-bgpctl sends (built by make check; the script builds it if needed).
check_PROGRAMS += tests/integration/fake-bird
tests_integration_fake_bird_SOURCES = tests/integration/fake_bird.c

# test-html.sh's check that a browser screenshot is not blank (libpng).
check_PROGRAMS += tests/integration/png-check
tests_integration_png_check_SOURCES = tests/integration/png_check.c
tests_integration_png_check_CFLAGS = $(AM_CFLAGS) $(PNG_CFLAGS)
tests_integration_png_check_LDADD = $(PNG_LIBS)
