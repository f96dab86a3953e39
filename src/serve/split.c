/*
 * The common MLflow body decoded straight into the frame's columns:
 * {"dataframe_split": {"columns": [...], "data": [[...], ...]}} of numbers
 * and nulls for a model whose columns are all numbers, with optional
 * "index" and "params" ({"predict_method": ...}). No JSON tree is built:
 * each number goes from the body into its column's num[], read as jansson
 * reads it (an integer as its int64's double, else the correctly rounded
 * double: by one floating-point operation when its digits make at most
 * 2^53 and its power of ten is at most 22, in integers (core/decimal.h) up
 * to 19 digits and 10^27, by strtod otherwise), so the frame equals the
 * general path's bit
 * for bit (fuzz/fuzz-serve-split.c checks it). Anything else, valid or
 * not, is left to the general path (cairn__mlflow_decode and
 * cairn__serve_input_frame), which also makes every error message.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "core/decimal.h"
#include "serve/decode.h"

struct scan {
	const char *p, *end;
};

static inline void ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
		s->p++;
}

/* Skips c (after white space): 1, or 0 when the next byte is not c. */
static inline int eat(struct scan *s, char c)
{
	ws(s);
	if (s->p < s->end && *s->p == c) {
		s->p++;
		return 1;
	}
	return 0;
}

/* A string of printable ASCII without escapes: its bytes in [*str, +*len). */
static int string(struct scan *s, const char **str, size_t *len)
{
	if (!eat(s, '"'))
		return 0;
	*str = s->p;
	while (s->p < s->end && *s->p != '"') {
		if (*s->p == '\\' || (unsigned char)*s->p < 0x20 || (unsigned char)*s->p > 0x7e)
			return 0;
		s->p++;
	}
	if (s->p == s->end)
		return 0;
	*len = (size_t)(s->p++ - *str);
	return 1;
}

static int is_key(const char *str, size_t len, const char *key)
{
	return len == strlen(key) && !memcmp(str, key, len);
}

static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
				1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21,
				1e22 };

static int digit(const struct scan *s, const char *p)
{
	return p < s->end && *p >= '0' && *p <= '9';
}

/* Eight bytes of the body, each xor '0': a digit byte becomes its value. */
static inline uint64_t load8(const char *p)
{
	uint64_t x;

	memcpy(&x, p, sizeof(x));
	return x ^ 0x3030303030303030ull;
}

/* How many of the eight bytes x (from load8) are digits before the first
 * that is not: a byte is a digit when its high nibble is 0 (3 before the
 * xor) and its low one below 10. */
static inline int leading_digits(uint64_t x)
{
	uint64_t nondigit = (x & 0xf0f0f0f0f0f0f0f0ull) |
			    (((x & 0x0f0f0f0f0f0f0f0full) + 0x0606060606060606ull) &
			     0xf0f0f0f0f0f0f0f0ull);

	return nondigit ? __builtin_ctzll(nondigit) / 8 : 8;
}

/* The value of the first n (1 to 8) digits of x (from load8): moved to the
 * top bytes, then combined in pairs, fours and eights. */
static inline uint64_t digits_value(uint64_t x, int n)
{
	x <<= 8 * (8 - n);
	x = x * 10 + (x >> 8);
	return (((x & 0x000000ff000000ffull) * (100 + (1000000ull << 32))) +
		(((x >> 16) & 0x000000ff000000ffull) * (1 + (10000ull << 32)))) >> 32;
}

/* The digits at p (at most 8, fewer near the end): how many, and their
 * value in *val. */
static inline int digits8(const struct scan *s, const char *p, uint64_t *val)
{
	uint64_t x, v;
	int n;

	if (s->end - p < 8) {
		for (n = 0, v = 0; digit(s, p + n); n++)
			v = v * 10 + (uint64_t)(p[n] - '0');
		*val = v;
		return n;
	}
	x = load8(p);
	n = leading_digits(x);
	*val = n ? digits_value(x, n) : 0;
	return n;
}

static const uint64_t ten_to[] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
				   100000000 };

/* A run of digits at *p: adds them to *w (exact while *nd, the digits so
 * far, stays at most 19) and moves *p past them; how many. */
static inline int digit_run(const struct scan *s, const char **p, uint64_t *w, int *nd)
{
	uint64_t v;
	int n, total = 0;

	do {
		n = digits8(s, *p, &v);
		*w = *w * ten_to[n] + v;
		*p += n;
		total += n;
	} while (n == 8);
	*nd += total;
	return total;
}

/*
 * The most common number, digits, a point and digits with at most 7 on
 * each side (and no sign: the caller has taken it), at p with 16 bytes of
 * the body from p: its value in *d and its length, or 0 for anything else
 * (a leading zero before more digits, an exponent, longer digits, too near
 * the end), which the general code reads. Its two runs of digits are found
 * and valued eight bytes at a time, each independently of the other; their
 * at most 14 digits and the power of ten make exact doubles, so the one
 * division is correctly rounded, as the general code's is.
 */
static inline int short_decimal(const struct scan *s, const char *p, double *d)
{
	uint64_t whole, frac;
	int nw, nf;
	char after;

	if (s->end - p < 16)
		return 0;
	whole = load8(p);
	nw = leading_digits(whole);
	if (!nw || nw == 8 || p[nw] != '.' || (*p == '0' && nw > 1))
		return 0;
	frac = load8(p + nw + 1);
	nf = leading_digits(frac);
	after = p[nw + 1 + nf];
	if (!nf || nf == 8 || after == 'e' || after == 'E')
		return 0;
	*d = (double)(digits_value(whole, nw) * ten_to[nf] + digits_value(frac, nf)) / pow10[nf];
	return nw + 1 + nf;
}

/* A JSON number or null into *d (NaN for null), as jansson and the frame
 * builder read it. */
static int number(struct scan *s, double *d)
{
	const char *p, *start;
	uint64_t w = 0;
	int neg = 0, real = 0, nd = 0, exp = 0, eneg = 0, frac = 0;

	ws(s);
	p = start = s->p;
	if (s->end - p >= 4 && !memcmp(p, "null", 4)) {
		s->p += 4;
		*d = NAN;
		return 1;
	}
	if (p < s->end && *p == '-') {
		neg = 1;
		p++;
	}
	if (!digit(s, p))
		return 0;
	if (*p == '0' && digit(s, p + 1))
		return 0;
	digit_run(s, &p, &w, &nd);
	if (p < s->end && *p == '.') {
		real = 1;
		p++;
		if (!(frac = digit_run(s, &p, &w, &nd)))
			return 0;
	}
	if (p < s->end && (*p == 'e' || *p == 'E')) {
		real = 1;
		p++;
		if (p < s->end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (!digit(s, p))
			return 0;
		for (; digit(s, p); p++)
			if (exp < 100000)
				exp = exp * 10 + (*p - '0');
	}
	/* The byte after the number ends it (the caller checks which). */
	if (p == s->end)
		return 0;
	s->p = p;
	if (!real) {
		if (nd > 18)
			return 0;  /* jansson's int64 may overflow: its error */
		*d = (double)(neg ? -(int64_t)w : (int64_t)w);
		return 1;
	}
	exp = (eneg ? -exp : exp) - frac;
	if (nd <= 19 && w <= (1ull << 53) && exp >= -22 && exp <= 22) {
		*d = exp >= 0 ? (double)w * pow10[exp] : (double)w / pow10[-exp];
	} else if (nd > 19 || !cairn__decimal_to_double(w, exp, d)) {
		*d = strtod(start, NULL);
		return !isinf(*d);   /* jansson refuses an overflow */
	}
	if (neg)
		*d = -*d;
	return !isinf(*d);   /* jansson refuses an overflow */
}

/* A value of a row (after white space): the common short decimal read
 * here, anything else by number. */
static inline int cell(struct scan *s, double *d)
{
	const char *p = s->p;
	int neg = p < s->end && *p == '-', n;

	if (!(n = short_decimal(s, p + neg, d)))
		return number(s, d);
	s->p = p + neg + n;
	if (neg)
		*d = -*d;
	return 1;
}

/* Skips a value of "index": a number or a string. */
static int scalar(struct scan *s)
{
	const char *str;
	size_t len;
	double d;

	ws(s);
	if (s->p < s->end && *s->p == '"')
		return string(s, &str, &len);
	return number(s, &d);
}

/* [v, ...] of scalars. */
static int skip_index(struct scan *s)
{
	if (!eat(s, '['))
		return 0;
	if (eat(s, ']'))
		return 1;
	do {
		if (!scalar(s))
			return 0;
	} while (eat(s, ','));
	return eat(s, ']');
}

/* ["name", ...]: from[c] is the signature's index of the body's column c
 * (every signature column once, no other). */
static int columns(struct scan *s, const struct cairn__serve_signature *sig, size_t *from)
{
	uint8_t seen[256] = { 0 };
	const char *str;
	size_t len, n = 0, i;

	if (sig->ncols > sizeof(seen) || !eat(s, '['))
		return 0;
	do {
		if (n == sig->ncols || !string(s, &str, &len))
			return 0;
		for (i = 0; i < sig->ncols && !is_key(str, len, sig->cols[i]); i++)
			;
		if (i == sig->ncols || seen[i]++)
			return 0;
		from[n++] = i;
	} while (eat(s, ','));
	return n == sig->ncols && eat(s, ']');
}

/* [[v, ...], ...] of ncols numbers or nulls a row, into vals (row-major,
 * the body's column order), each row read straight into room reserved for
 * it; with where, each value's offset and length in the body too. */
static int data(struct scan *s, const char *body, size_t ncols, cairn_buf *vals,
		cairn_buf *where, size_t *nrows)
{
	double *row;
	uint32_t *at = NULL;

	if (!eat(s, '[') || eat(s, ']'))
		return 0;
	do {
		if (!eat(s, '['))
			return 0;
		cairn_buf_grow(vals, ncols * sizeof(*row));
		row = (double *)(void *)(vals->buf + vals->len);
		if (where) {
			cairn_buf_grow(where, 2 * ncols * sizeof(*at));
			at = (uint32_t *)(void *)(where->buf + where->len);
		}
		for (size_t c = 0; c < ncols; c++) {
			if (c && !eat(s, ','))
				return 0;
			ws(s);
			if (at)
				at[2 * c] = (uint32_t)(s->p - body);
			if (!cell(s, &row[c]))
				return 0;
			if (at)
				at[2 * c + 1] = (uint32_t)(s->p - body) - at[2 * c];
		}
		vals->len += ncols * sizeof(*row);
		if (where)
			where->len += 2 * ncols * sizeof(*at);
		if (!eat(s, ']'))
			return 0;
		(*nrows)++;
	} while (eat(s, ','));
	return eat(s, ']');
}

/* {"predict_method": "predict" | "predict_proba"} or {}. */
static int params(struct scan *s, int *proba)
{
	const char *str;
	size_t len;

	if (!eat(s, '{'))
		return 0;
	if (eat(s, '}'))
		return 1;
	if (!string(s, &str, &len) || !is_key(str, len, "predict_method") || !eat(s, ':') ||
	    !string(s, &str, &len))
		return 0;
	if (is_key(str, len, "predict_proba"))
		*proba = 1;
	else if (!is_key(str, len, "predict"))
		return 0;
	return eat(s, '}');
}

static int split(struct scan *s, const char *body, const struct cairn__serve_signature *sig,
		 size_t *from, cairn_buf *vals, cairn_buf *where, size_t *nrows)
{
	int have_cols = 0, have_data = 0, have_index = 0;
	const char *key;
	size_t len;

	if (!eat(s, '{'))
		return 0;
	do {
		if (!string(s, &key, &len) || !eat(s, ':'))
			return 0;
		if (is_key(key, len, "columns") && !have_cols++) {
			if (!columns(s, sig, from))
				return 0;
		} else if (is_key(key, len, "data") && !have_data++ && have_cols) {
			if (!data(s, body, sig->ncols, vals, where, nrows))
				return 0;
		} else if (is_key(key, len, "index") && !have_index++) {
			if (!skip_index(s))
				return 0;
		} else
			return 0;
	} while (eat(s, ','));
	return have_data && eat(s, '}');
}

void cairn__cell_spans_release(struct cairn__cell_spans *sp)
{
	if (!sp)
		return;
	free(sp->at);
	sp->at = NULL;
}

int cairn__mlflow_split_frame(const char *body, size_t len,
			      const struct cairn__serve_signature *sig, struct cairn_frame **out,
			      int *proba, struct cairn__cell_spans *spans)
{
	struct scan s = { body, body + len };
	size_t from[256], nrows = 0, n;
	int have_split = 0, have_params = 0, p = 0;
	cairn_buf vals = CAIRN_BUF_INIT, where = CAIRN_BUF_INIT, *wp = NULL;
	struct cairn_frame *f;
	const char *key;
	const double *v;
	const uint32_t *w;

	*out = NULL;
	if (spans)
		spans->at = NULL;
	for (size_t i = 0; i < sig->ncols; i++)
		if (sig->types[i] == CAIRN_TYPE_STRING)
			return 0;
	if (!sig->ncols || !eat(&s, '{'))
		return 0;
	/* The doubles of a body of numbers: about as many bytes as its text
	 * (a number and its comma take 8 bytes or more, most often), grown
	 * once or twice if not. */
	cairn_buf_grow(&vals, len);
	if (spans && len <= UINT32_MAX) {
		cairn_buf_grow(&where, len);
		wp = &where;
	}
	do {
		if (!string(&s, &key, &n) || !eat(&s, ':'))
			goto bail;
		if (is_key(key, n, "dataframe_split") && !have_split++) {
			if (!split(&s, body, sig, from, &vals, wp, &nrows))
				goto bail;
		} else if (is_key(key, n, "params") && !have_params++) {
			if (!params(&s, &p))
				goto bail;
		} else
			goto bail;
	} while (eat(&s, ','));
	if (!have_split || !eat(&s, '}'))
		goto bail;
	ws(&s);
	if (s.p != s.end)
		goto bail;
	f = cairn_xcalloc(1, sizeof(*f));
	f->name = cairn_xstrdup("request");
	f->format = CAIRN_FORMAT_JSONL;
	f->nrows = nrows;
	f->ncols = sig->ncols;
	f->cols = cairn_xcalloc(sig->ncols, sizeof(*f->cols));
	v = (const double *)(void *)vals.buf;
	for (size_t c = 0; c < sig->ncols; c++) {
		struct cairn_column *col = &f->cols[from[c]];
		col->name = cairn_xstrdup(sig->cols[from[c]]);
		col->type = CAIRN_TYPE_FLOAT;
		col->valid = cairn_xmalloc(nrows);
		col->num = cairn_xmalloc(nrows * sizeof(*col->num));
		for (size_t r = 0; r < nrows; r++) {
			double d = v[r * sig->ncols + c];
			col->num[r] = d;
			col->valid[r] = !isnan(d);
			col->nnull += isnan(d);
		}
	}
	/* The spans by signature column, as the frame's columns are. */
	if (wp) {
		w = (const uint32_t *)(void *)where.buf;
		spans->at = cairn_xmalloc(2 * nrows * sig->ncols * sizeof(*spans->at));
		for (size_t c = 0; c < sig->ncols; c++)
			for (size_t r = 0; r < nrows; r++) {
				size_t i = 2 * (from[c] * nrows + r), j = 2 * (r * sig->ncols + c);
				spans->at[i] = w[j];
				spans->at[i + 1] = w[j + 1];
			}
	}
	cairn_buf_release(&vals);
	cairn_buf_release(&where);
	*proba = p;
	*out = f;
	return 1;
bail:
	cairn_buf_release(&vals);
	cairn_buf_release(&where);
	return 0;
}
