/* log_time.c: request log timestamps and --since, without the locale or TZ. */
#include <stdlib.h>
#include <string.h>

#include "log_time.h"

/* Days from 1970-01-01 to the date (proleptic Gregorian; Howard Hinnant's days_from_civil). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* n decimal digits at s into *v; -1 if any is not a digit. */
static int
digits(const char *s, size_t n, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* 1 when the fields make a real date and time of day. */
static int
valid_civil(int y, int mon, int d, int h, int mi, int sec)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return y >= 1970 && y <= 9999 && mon >= 1 && mon <= 12 && d >= 1 &&
	    d <= mdays[mon - 1] && h <= 23 && mi <= 59 && sec <= 60;
}

/* Seconds since the epoch of a UTC date and time. */
static int64_t
civil_seconds(int y, int mon, int d, int h, int mi, int sec)
{
	return days_from_civil(y, (unsigned)mon, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec;
}

/* The month number (1-12) of a three-letter English abbreviation, or 0. */
static int
month_number(const char *s)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int i;

	for (i = 0; i < 12; i++)
		if (memcmp(s, names + 3 * i, 3) == 0)
			return i + 1;
	return 0;
}

/*
 * The days since the epoch of "DD/Mon/YYYY" (11 bytes at s), or -1 if it
 * is not a real date. Lines of a log share their date, so the last one
 * read is remembered (per thread).
 */
static int64_t
clf_days(const char *s)
{
	static __thread char last[11];
	static __thread int64_t last_days = -1;
	int d, mon, y;

	if (last_days >= 0 && memcmp(s, last, sizeof(last)) == 0)
		return last_days;
	if (s[2] != '/' || s[6] != '/' || digits(s, 2, &d) < 0 ||
	    (mon = month_number(s + 3)) == 0 || digits(s + 7, 4, &y) < 0 ||
	    !valid_civil(y, mon, d, 0, 0, 0))
		return -1;
	memcpy(last, s, sizeof(last));
	last_days = days_from_civil(y, (unsigned)mon, (unsigned)d);
	return last_days;
}

/* "10/Oct/2026:13:55:36 -0700": exactly 26 bytes. */
int
log_time_parse_clf(const char *s, size_t n, int64_t *t)
{
	int h, mi, sec, oh, om;
	int64_t days;

	if (n != 26 || s[11] != ':' || s[14] != ':' || s[17] != ':' || s[20] != ' ' ||
	    (s[21] != '+' && s[21] != '-'))
		return -1;
	if ((days = clf_days(s)) < 0 || digits(s + 12, 2, &h) < 0 ||
	    digits(s + 15, 2, &mi) < 0 || digits(s + 18, 2, &sec) < 0 ||
	    digits(s + 22, 2, &oh) < 0 || digits(s + 24, 2, &om) < 0 ||
	    h > 23 || mi > 59 || sec > 60 || oh > 23 || om > 59)
		return -1;
	*t = days * 86400 + h * 3600 + mi * 60 + sec -
	    (s[21] == '-' ? -1 : 1) * (int64_t)(oh * 3600 + om * 60);
	return 0;
}

/* An age such as "36h" counted back from now; -1 if s is not one. */
static int
parse_age(const char *s, time_t now, int64_t *t)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	int64_t unit;

	if (end == s || v < 0 || v > 100000 * 86400LL || s[0] == '-' || s[0] == '+')
		return -1;
	switch (*end) {
	case 's': unit = 1; break;
	case 'm': unit = 60; break;
	case 'h': unit = 3600; break;
	case 'd': unit = 86400; break;
	default: return -1;
	}
	if (end[1] != '\0')
		return -1;
	*t = (int64_t)now - v * unit;
	return 0;
}

/* A zone offset "+HH:MM", "+HHMM" or "+HH" (or '-') of n bytes at s, in seconds; -1 if not one. */
static int
parse_offset(const char *s, size_t n, int64_t *off)
{
	int oh, om = 0;

	if (n < 3 || (s[0] != '+' && s[0] != '-') || digits(s + 1, 2, &oh) < 0 ||
	    (n == 6 && (s[3] != ':' || digits(s + 4, 2, &om) < 0)) ||
	    (n == 5 && digits(s + 3, 2, &om) < 0) || (n != 3 && n != 5 && n != 6) ||
	    oh > 23 || om > 59)
		return -1;
	*off = (s[0] == '-' ? -1 : 1) * (int64_t)(oh * 3600 + om * 60);
	return 0;
}

/*
 * "YYYY-MM-DD[(T| )HH:MM[:SS[.FRACTION]]][Z|+HH:MM|+HHMM|+HH]", n bytes
 * at s (UTC without a zone; the fraction is dropped); -1 if not one.
 */
static int
parse_iso(const char *s, size_t n, int64_t *t)
{
	int y, mon, d, h = 0, mi = 0, sec = 0;
	int64_t off = 0;
	size_t k = 10;

	if (n < 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) < 0 ||
	    digits(s + 5, 2, &mon) < 0 || digits(s + 8, 2, &d) < 0)
		return -1;
	if (k < n && (s[k] == 'T' || s[k] == ' ')) {
		if (n < k + 6 || s[k + 3] != ':' || digits(s + k + 1, 2, &h) < 0 ||
		    digits(s + k + 4, 2, &mi) < 0)
			return -1;
		k += 6;
		if (k < n && s[k] == ':') {
			if (n < k + 3 || digits(s + k + 1, 2, &sec) < 0)
				return -1;
			k += 3;
			if (k + 1 < n && (s[k] == '.' || s[k] == ',') && s[k + 1] >= '0' &&
			    s[k + 1] <= '9')
				for (k++; k < n && s[k] >= '0' && s[k] <= '9'; k++)
					;
		}
	}
	if (k < n && s[k] == 'Z' && k + 1 == n)
		k++;
	else if (k < n && parse_offset(s + k, n - k, &off) == 0)
		k = n;
	if (k != n || !valid_civil(y, mon, d, h, mi, sec))
		return -1;
	*t = civil_seconds(y, mon, d, h, mi, sec) - off;
	return 0;
}

/* Seconds since the epoch as digits, with a fraction that is dropped; -1 if not that. */
static int
parse_epoch(const char *s, size_t n, int64_t *t)
{
	size_t i = 0;
	int64_t v = 0;

	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (i == 0)
		return -1;
	if (i < n && s[i] == '.')
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			;
	if (i != n)
		return -1;
	*t = v;
	return 0;
}

/* A timestamp from a JSON or CSV log: ISO 8601, epoch seconds, or the Common Log Format's. */
int
log_time_parse_value(const char *s, size_t n, int64_t *t)
{
	if (n == 28 && s[0] == '[' && s[27] == ']')
		return log_time_parse_clf(s + 1, 26, t);
	if (n == 26 && s[2] == '/')
		return log_time_parse_clf(s, n, t);
	if (parse_epoch(s, n, t) == 0)
		return 0;
	return parse_iso(s, n, t);
}

/* --since TIME: a date, a date and time, @SECONDS, or an age. */
int
log_time_parse_since(const char *s, time_t now, int64_t *t, struct tp_err *err)
{
	char *end;

	if (s[0] == '@') {
		long long v = strtoll(s + 1, &end, 10);

		if (end != s + 1 && *end == '\0' && v >= 0) {
			*t = v;
			return 0;
		}
	} else if (parse_age(s, now, t) == 0 || parse_iso(s, strlen(s), t) == 0)
		return 0;
	return tp_err_set(err, "--since \"%.40s\": want a date (2026-11-28), a date and "
	    "time (2026-11-28T06:00:00Z), @SECONDS or an age such as 36h or 7d", s);
}
