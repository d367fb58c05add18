# test-privilege.sh's stand-in for BIRD's control socket: it logs every
# line tp-bgpctl sends (built by make check; the script builds it if needed).
check_PROGRAMS += tests/integration/fake-bird
tests_integration_fake_bird_SOURCES = tests/integration/fake_bird.c
