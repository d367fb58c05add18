/* metrics_file.c: replace the metrics file atomically, and the hook tp-campaign calls. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "metrics.h"
#include "output.h"
#include "xalloc.h"

/*
 * Write the metrics to a temporary file next to path (its name does not end
 * in .prom, so the textfile collector skips it), flush it to disk, then
 * rename it over path. Readable by everyone: node_exporter runs as its own user.
 */
int
metrics_write_file(const char *path, struct tp_db *db, const struct tp_conf *conf,
    const struct metrics_run *run, struct tp_err *err)
{
	char *tmp = xasprintf("%s.XXXXXX", path);
	FILE *f = NULL;
	int fd, rc = -1;

	if ((fd = mkstemp(tmp)) < 0) {
		tp_err_set(err, "metrics_file %s: cannot create a file beside it: %s", path,
		    strerror(errno));
		free(tmp);
		return -1;
	}
	if (fchmod(fd, 0644) < 0 || (f = fdopen(fd, "w")) == NULL) {
		tp_err_set(err, "metrics_file %s: %s", tmp, strerror(errno));
		close(fd);
		goto out;
	}
	if (metrics_print(f, db, conf, run, err) < 0) {
		tp_err_prefix(err, "metrics_file %s", path);
		fclose(f);
		goto out;
	}
	if (fflush(f) != 0 || fsync(fileno(f)) < 0) {
		tp_err_set(err, "metrics_file %s: writing: %s", tmp, strerror(errno));
		fclose(f);
		goto out;
	}
	if (fclose(f) != 0) {
		tp_err_set(err, "metrics_file %s: writing: %s", tmp, strerror(errno));
		goto out;
	}
	if (rename(tmp, path) < 0) {
		tp_err_set(err, "metrics_file %s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* The hook at the end of every run (see metrics.h). */
void
campaign_metrics(const struct campaign *c, int exit_code)
{
	struct metrics_run run;
	struct tp_err err;
	int64_t now = tp_now_us();

	if (c->conf->metrics_file == NULL || c->dry_run || c->db == NULL)
		return;
	run.campaign = c->id;
	run.status = metrics_status_of_exit(exit_code);
	run.exit_code = exit_code;
	run.end_us = now;
	run.start_us = now - (tp_mono_us() - c->started_us);	/* started_us is monotonic */
	if (metrics_write_file(c->conf->metrics_file, c->db, c->conf, &run, &err) < 0)
		log_error("metrics", "%s", err.msg);
	else
		log_info("metrics", "wrote %s", c->conf->metrics_file);
}
