/* Classifying and parsing single tabular values; see include/cairn/value.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/value.h"
#include "core/decimal.h"

static const char *const type_names[] = {
	[CAIRN_TYPE_NULL] = "null", [CAIRN_TYPE_BOOL] = "boolean",
	[CAIRN_TYPE_INT] = "integer", [CAIRN_TYPE_FLOAT] = "float",
	[CAIRN_TYPE_DATETIME] = "datetime", [CAIRN_TYPE_STRING] = "string",
};

const char *cairn_type_name(enum cairn_type t)
{
	return (unsigned)t <= CAIRN_TYPE_STRING ? type_names[t] : "unknown";
}

int cairn_type_parse(const char *s)
{
	for (int t = 0; t <= CAIRN_TYPE_STRING; t++)
		if (!strcmp(s, type_names[t]))
			return t;
	if (!strcmp(s, "int"))
		return CAIRN_TYPE_INT;
	if (!strcmp(s, "bool"))
		return CAIRN_TYPE_BOOL;
	if (!strcmp(s, "str") || !strcmp(s, "categorical"))
		return CAIRN_TYPE_STRING;
	return -1;
}

static int eq(const char *s, size_t len, const char *lit)
{
	return strlen(lit) == len && !memcmp(s, lit, len);
}

int cairn_value_is_null(const char *s, size_t len, int quoted)
{
	static const char *const markers[] = {
		"NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "None", "<NA>", "#N/A"
	};
	if (!len)
		return 1;
	if (quoted || len > 4)
		return 0;
	for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++)
		if (eq(s, len, markers[i]))
			return 1;
	return 0;
}

int cairn_parse_bool(const char *s, size_t len, int *out)
{
	if (eq(s, len, "true") || eq(s, len, "TRUE") || eq(s, len, "True")) {
		*out = 1;
		return 1;
	}
	if (eq(s, len, "false") || eq(s, len, "FALSE") || eq(s, len, "False")) {
		*out = 0;
		return 1;
	}
	return 0;
}

int cairn_parse_int(const char *s, size_t len, int64_t *out)
{
	const char *e = s + len;
	uint64_t v = 0, limit;
	int neg = 0;

	if (s < e && (*s == '-' || *s == '+'))
		neg = *s++ == '-';
	if (s == e)
		return 0;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; s < e; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (d > 9 || v > (limit - d) / 10)
			return 0;
		v = v * 10 + d;
	}
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 1;
}

static const double exact_pow10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

static int slow_float(const char *s, size_t len, double *out)
{
	char tmp[128];
	char *end;

	if (len >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	*out = strtod(tmp, &end);
	return end == tmp + len;
}

int cairn_parse_float(const char *s, size_t len, double *out)
{
	const char *p = s, *e = s + len;
	uint64_t m = 0;
	int digits = 0, sig = 0, exp10 = 0, neg = 0, truncated = 0;

	if (p < e && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	if (p < e && (*p == 'i' || *p == 'I')) {
		size_t n = (size_t)(e - p);
		if ((n == 3 || n == 8) && !strncasecmp(p, "infinity", n)) {
			*out = neg ? -INFINITY : INFINITY;
			return 1;
		}
		return 0;
	}
	/* Clinger's fast path: up to 19 significant digits in m and a power of
	 * ten small enough that one IEEE operation gives the correctly rounded
	 * result when m fits in 53 bits; then core/decimal.h's integer
	 * arithmetic up to 10^27; anything else goes to strtod. */
	for (; p < e && (unsigned)(*p - '0') <= 9; p++, digits++)
		if (sig < 19 && (m || *p != '0')) {
			m = m * 10 + (uint64_t)(*p - '0');
			sig++;
		} else if (sig >= 19) {
			exp10++;
			truncated |= *p != '0';
		}
	if (p < e && *p == '.') {
		for (p++; p < e && (unsigned)(*p - '0') <= 9; p++, digits++)
			if (sig < 19 && (m || *p != '0')) {
				m = m * 10 + (uint64_t)(*p - '0');
				sig++;
				exp10--;
			} else if (sig < 19) {
				exp10--; /* a leading zero after the point */
			} else {
				truncated |= *p != '0';
			}
	}
	if (!digits)
		return 0;
	if (p < e && (*p == 'e' || *p == 'E')) {
		int eneg = 0, ev = 0, edigits = 0;
		p++;
		if (p < e && (*p == '-' || *p == '+'))
			eneg = *p++ == '-';
		for (; p < e && (unsigned)(*p - '0') <= 9; p++, edigits++)
			if (ev < 100000)
				ev = ev * 10 + (*p - '0');
		if (!edigits)
			return 0;
		exp10 += eneg ? -ev : ev;
	}
	if (p != e)
		return 0;
	if (!truncated && m <= (1ull << 53) && exp10 >= -22 && exp10 <= 22) {
		double v = (double)m;
		v = exp10 < 0 ? v / exact_pow10[-exp10] : v * exact_pow10[exp10];
		*out = neg ? -v : v;
		return 1;
	}
	if (!truncated && cairn__decimal_to_double(m, exp10, out)) {
		if (neg)
			*out = -*out;
		return 1;
	}
	return slow_float(s, len, out);
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int num(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if ((unsigned)(s[i] - '0') > 9)
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

int cairn_parse_datetime(const char *s, size_t len, int64_t *ms)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h = 0, mi = 0, sec = 0, frac = 0, tz = 0;
	size_t i = 10;

	if (len < 10 || s[4] != '-' || s[7] != '-' || !num(s, 4, &y) ||
	    !num(s + 5, 2, &mo) || !num(s + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))))
		return 0;
	if (i < len) {
		if ((s[i] != 'T' && s[i] != ' ') || len < i + 6 || s[i + 3] != ':' ||
		    !num(s + i + 1, 2, &h) || !num(s + i + 4, 2, &mi) || h > 23 || mi > 59)
			return 0;
		i += 6;
		if (i < len && s[i] == ':') {
			if (len < i + 3 || !num(s + i + 1, 2, &sec) || sec > 60)
				return 0;
			i += 3;
			if (i < len && s[i] == '.') {
				int scale = 100, n = 0;
				for (i++; i < len && (unsigned)(s[i] - '0') <= 9; i++, n++) {
					frac += (s[i] - '0') * scale;
					scale /= 10;
				}
				if (!n)
					return 0;
			}
		}
		if (i < len && s[i] == 'Z') {
			i++;
		} else if (i < len && (s[i] == '+' || s[i] == '-')) {
			int th, tm;
			if (len < i + 6 || s[i + 3] != ':' || !num(s + i + 1, 2, &th) ||
			    !num(s + i + 4, 2, &tm) || th > 23 || tm > 59)
				return 0;
			tz = (s[i] == '-' ? -1 : 1) * (th * 60 + tm);
			i += 6;
		}
		if (i != len)
			return 0;
	}
	*ms = ((days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 +
		mi * 60 + sec - tz * 60) * 1000) + frac;
	return 1;
}

enum cairn_type cairn_value_type(const char *s, size_t len, int quoted)
{
	int64_t i;
	double f;
	int b;

	if (cairn_value_is_null(s, len, quoted))
		return CAIRN_TYPE_NULL;
	if (quoted)
		return CAIRN_TYPE_STRING;
	if (cairn_parse_int(s, len, &i))
		return CAIRN_TYPE_INT;
	if (cairn_parse_float(s, len, &f))
		return CAIRN_TYPE_FLOAT;
	if (cairn_parse_bool(s, len, &b))
		return CAIRN_TYPE_BOOL;
	if (len >= 10 && cairn_parse_datetime(s, len, &i))
		return CAIRN_TYPE_DATETIME;
	return CAIRN_TYPE_STRING;
}

enum cairn_type cairn_type_join(enum cairn_type a, enum cairn_type b)
{
	if (a == b || b == CAIRN_TYPE_NULL)
		return a;
	if (a == CAIRN_TYPE_NULL)
		return b;
	if ((a == CAIRN_TYPE_INT && b == CAIRN_TYPE_FLOAT) ||
	    (a == CAIRN_TYPE_FLOAT && b == CAIRN_TYPE_INT))
		return CAIRN_TYPE_FLOAT;
	return CAIRN_TYPE_STRING;
}
