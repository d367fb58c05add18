/*
 * fuzz_config.c: libFuzzer target for the tp.conf reader (lib/config.c).
 * The input becomes the contents of a memory-backed file (memfd), which
 * tp_conf_load opens by its /proc/self/fd path, so the real reader runs,
 * inih included. A loaded config must hold only what the reader promises:
 * valid site and protocol names, no duplicate sites, a prober that is a
 * site, sources inside the test ranges, a dead-man switch that outlasts a
 * scenario. A rejection must say FILE:LINE.
 * Build and run: make fuzz-config [FUZZ_SECONDS=300]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "log.h"

/* Abort unless c is a configuration tp_conf_load may hand out. */
static void
check_conf(const struct tp_conf *c)
{
	struct tp_prefix p;
	size_t i, j;

	for (i = 0; i < c->nsites; i++) {
		const struct tp_site_conf *s = &c->sites[i];

		if (!tp_name_valid(s->name) || s->bird_socket == NULL ||
		    tp_conf_site(c, s->name) != s)
			abort();
		for (j = 0; j < s->nprotocols; j++)
			if (!tp_name_valid(s->protocols[j]))
				abort();
	}
	if (c->nsites > 0 && (c->prober == NULL || tp_conf_site(c, c->prober) == NULL))
		abort();
	p.addr = c->source4;
	p.len = 32;
	if (!tp_conf_in_test_ranges(c, &p))
		abort();
	if (c->min_announcing < 1 || c->deadman <= c->settle + c->converge_timeout)
		abort();
}

/* Load the input as a config file and check the result either way. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct tp_conf c;
	struct tp_err err;

	if (fd < 0) {
		log_init("fuzz", TP_LOG_ERROR);
		if ((fd = memfd_create("fuzz-tp.conf", 0)) < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	err.msg[0] = '\0';
	if (tp_conf_load(path, &c, &err) == 0) {
		check_conf(&c);
		tp_conf_free(&c);
	} else if (strncmp(err.msg, path, strlen(path)) != 0 || err.msg[strlen(path)] != ':')
		abort();	/* "FILE:LINE: reason" */
	return 0;
}
