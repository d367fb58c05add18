/* progress.c: where a running campaign is, on a TTY status line and in the log. */
#include <stdio.h>
#include <unistd.h>

#include "clock.h"
#include "campaign.h"
#include "log.h"
#include "output.h"

/* Show "[i/n] scenario: phase (elapsed, ETA)" on a TTY; log it at info level. */
void
progress_phase(struct campaign *c, const char *scenario, const char *phase)
{
	double elapsed = (tp_mono_us() - c->started_us) / 1e6;
	double per = c->scenario_index > 0 ? elapsed / c->scenario_index : 0;
	double eta = per * (c->scenario_total - c->scenario_index);

	log_info("campaign", "[%zu/%zu] %s%s%s: %s", c->scenario_index + 1 > c->scenario_total ?
	    c->scenario_total : c->scenario_index + 1, c->scenario_total,
	    c->conf->nlanes > 1 && c->lane != NULL ? c->lane->name : "",
	    c->conf->nlanes > 1 && c->lane != NULL ? " " : "", scenario, phase);
	if (!isatty(STDERR_FILENO) || log_get_level() < TP_LOG_WARN || log_get_level() >= TP_LOG_INFO)
		return;
	fprintf(stderr, "\r\033[K[%zu/%zu] %s: %s (%dm%02ds elapsed", c->scenario_index + 1 >
	    c->scenario_total ? c->scenario_total : c->scenario_index + 1, c->scenario_total,
	    scenario, phase, (int)elapsed / 60, (int)elapsed % 60);
	if (c->scenario_index > 0)
		fprintf(stderr, ", ETA %dm%02ds", (int)eta / 60, (int)eta % 60);
	fputc(')', stderr);
	fflush(stderr);
}

/* Clear the status line. */
void
progress_done(struct campaign *c)
{
	(void)c;
	if (isatty(STDERR_FILENO) && log_get_level() == TP_LOG_WARN)
		fputs("\r\033[K", stderr);
}
