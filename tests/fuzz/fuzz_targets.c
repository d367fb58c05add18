/*
 * fuzz_targets.c: libFuzzer target for the target list reader
 * (lib/targets.c). The input is read as a whole file through fmemopen,
 * once strict and once skipping bad lines, and each line is parsed on its
 * own too; every target that comes out must be one the reader could have
 * been given: a real address, a valid or empty site, a finite weight >= 0.
 * Build and run: make fuzz-targets [FUZZ_SECONDS=300]
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "targets.h"

/* Abort unless t is a target the reader may hand out. */
static void
check_target(const struct tp_target *t)
{
	char text[TP_ADDR_STRLEN];
	struct tp_addr again;

	if (t->addr.family != AF_INET && t->addr.family != AF_INET6)
		abort();
	tp_addr_format(&t->addr, text, sizeof(text));
	if (tp_addr_parse(text, &again, NULL) < 0 ||
	    tp_addr_cmp(&t->addr, &again) != 0)
		abort();
	if (!isfinite(t->weight) || t->weight < 0 || signbit(t->weight))
		abort();
	if (t->site[0] != '\0' && !tp_name_valid(t->site))
		abort();
}

/* Read data as a whole list with the given flags and check what comes out. */
static void
read_list(const uint8_t *data, size_t size, int flags, size_t nlines)
{
	struct tp_target_list l;
	struct tp_err err;
	FILE *f;
	size_t i;
	int rc;

	memset(&l, 0, sizeof(l));
	if ((f = fmemopen((void *)data, size, "r")) == NULL)
		abort();
	rc = tp_targets_read(f, "fuzz", flags, &l, &err);
	fclose(f);
	for (i = 0; i < l.n; i++)
		check_target(&l.v[i]);
	if (rc == 0 && (flags & TP_TARGETS_SKIP_BAD) &&
	    l.n + l.skipped + l.comments != nlines)
		abort();		/* every line is counted once */
	if (rc < 0 && strncmp(err.msg, "fuzz:", 5) != 0)
		abort();		/* messages name the file */
	tp_target_list_free(&l);
}

/* Parse every line of the input on its own, as tp_target_parse_line. */
static void
parse_lines(const uint8_t *data, size_t size)
{
	struct tp_target t;
	struct tp_err err;
	char *text, *line, *nl;
	int rc;

	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	for (line = text; line != NULL; line = nl) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl++ = '\0';
		err.msg[0] = '\0';
		rc = tp_target_parse_line(line, &t, &err);
		if (rc == 0)
			check_target(&t);
		else if (rc == -1 && err.msg[0] == '\0')
			abort();	/* a rejection always says why */
		else if (rc != 1 && rc != -1)
			abort();
	}
	free(text);
}

/* Read and parse one input in every way the programs do. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i, nlines = 0;

	log_init("fuzz", TP_LOG_ERROR);		/* no skipped-line warnings */
	if (size == 0)
		return 0;	/* fmemopen wants at least one byte */
	for (i = 0; i < size; i++)
		if (data[i] == '\n')
			nlines++;
	if (size > 0 && data[size - 1] != '\n')
		nlines++;
	read_list(data, size, TP_TARGETS_STRICT, nlines);
	read_list(data, size, TP_TARGETS_SKIP_BAD, nlines);
	parse_lines(data, size);
	return 0;
}
