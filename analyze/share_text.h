/*
 * share_text.h: a share as people read it everywhere in tp-analyze's
 * output ("99.8%", as tp_table_share prints it), and "n/a" when there is
 * none.
 */
#ifndef TP_SHARE_TEXT_H
#define TP_SHARE_TEXT_H

#include <stdio.h>

/* Write share (0..1, NAN for none) as "99.8%" into buf. */
static inline void
share_text(double share, char *buf, size_t len)
{
	if (share == share)
		snprintf(buf, len, "%.1f%%", share * 100.0);
	else
		snprintf(buf, len, "n/a");
}

#endif
