/* html_text.c: escaping and the small formatting the HTML report shares. */
#include <math.h>

#include "html_text.h"
#include "share_text.h"

/* Write s escaped for HTML text and quoted attributes. */
void
html_esc(FILE *f, const char *s)
{
	for (; *s != '\0'; s++)
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
}

/* Write a share the way the text tables print it. */
void
html_share(FILE *f, double share)
{
	char buf[32];

	share_text(share, buf, sizeof(buf));
	fputs(buf, f);
}

/* White at 0, #08306b at 1 (the Blues scale), white text on the darker half. */
void
html_shade(double share, char *bg, size_t len, const char **ink)
{
	double s = isfinite(share) ? (share < 0 ? 0 : share > 1 ? 1 : share) : 0;
	int r = (int)lround(255 - (255 - 8) * s), g = (int)lround(255 - (255 - 48) * s),
	    b = (int)lround(255 - (255 - 107) * s);

	snprintf(bg, len, "#%02x%02x%02x", r, g, b);
	*ink = s > 0.5 ? "#ffffff" : "#111111";
}
