/* prune_cmd.c: tp-analyze prune; the retention itself is model/prune.c. */
#include "analyze.h"
#include "clock.h"
#include "prune.h"

/* tp-analyze prune [--days N]: retain_days from -c tp.conf unless --days. */
int
cmd_prune(struct analyze_ctx *ctx, struct tp_err *err)
{
	static const char *cols[] = { "retain_days", "campaigns", "responses", "targets" };
	struct prune_counts c;
	struct tp_table *t;
	long long days = ctx->days;

	if (days == 0 && ctx->conf != NULL)
		days = ctx->conf->retain_days;
	if (days == 0)
		return tp_err_set(err, "no retention: give --days N, or -c tp.conf with "
		    "retain_days set");
	if (days > 36500)
		return tp_err_set(err, "--days %lld: at most 36500", days);
	if (prune_older_than(ctx->db, (unsigned)days, tp_now_us(), &c, err) < 0)
		return -1;
	t = tp_table_new(4, cols);
	tp_table_row(t);
	tp_table_int(t, 0, days);
	tp_table_int(t, 1, (long long)c.campaigns);
	tp_table_int(t, 2, (long long)c.responses);
	tp_table_int(t, 3, (long long)c.targets);
	tp_table_print(t, ctx->out, ctx->fmt);
	tp_table_free(t);
	return 0;
}

