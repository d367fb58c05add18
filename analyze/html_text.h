/*
 * html_text.h: text into the HTML report. Everything from the database or
 * the configuration goes through html_esc, so a site name cannot open a
 * tag or an attribute.
 */
#ifndef TP_HTML_TEXT_H
#define TP_HTML_TEXT_H

#include <stdio.h>

/* Write s with & < > " ' as character references (safe in text and in quoted attributes). */
void html_esc(FILE *f, const char *s);
/* Write a share as the tables show it ("99.8%", "n/a"). */
void html_share(FILE *f, double share);
/* A background colour for a share 0..1: white to dark blue; text colour to match in *ink. */
void html_shade(double share, char *bg, size_t len, const char **ink);

#endif
