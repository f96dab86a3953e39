/* Column profiles in one streaming pass, mergeable across threads; see
 * include/cairn/profile.h and docs/internals/profile.md. */
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/profile.h"
#include "cairn/value.h"
#include "data/fastnum.h"
#include "data/hll.h"
#include "data/profile-internal.h"
#include "data/sketch.h"
#include "data/strmap.h"
#include "data/topk.h"

#define MAX_CATEGORIES CAIRN_PROFILE_MAX_CATEGORIES
#define TOP_N 50
#define NBINS 20
#define MAX_THREADS 64
#define BLOCK 64
#define PENDING 32

size_t cairn__profile_min_range = (size_t)1 << 20;

/* Short texts (up to 16 bytes) held in two words, so that finding a known
 * category needs neither a byte hash nor a memcmp: a direct-mapped cache in
 * front of the string map. */
#define CACHE_SLOTS 256
struct cat_cache {
	uint64_t a, b;
	uint32_t len, code;  /* len 0: empty */
};

struct pcol {
	char *name;
	enum cairn_type type;   /* the join of the types of the values so far */
	int bin_keys;           /* category keys are doubles' bytes (frames) */
	uint64_t count, nulls, ninf;
	/* numeric types, over the finite values */
	uint64_t n;             /* finite values, folded into mean and m2 */
	double mean, m2;        /* running mean and sum of squared deviations */
	uint32_t bn;            /* values in the current block */
	double shift, bs1, bs2; /* the block's sums of d - shift and (d - shift)² */
	double min, max;
	int64_t imin, imax;     /* integers, exactly */
	struct cairn__qsketch qs;
	/* every type: exact counts per text while there are few distinct texts */
	int over;               /* more than MAX_CATEGORIES: the sketches below */
	struct cairn_strmap cats;
	uint64_t *cat_counts;
	size_t cat_cap;
	struct cat_cache *cache;
	struct cairn__hll *hll;
	uint32_t npend;         /* numbers waiting to be hashed into hll */
	uint64_t pend[PENDING];
	struct cairn__topk *topk;  /* string columns */
	uint64_t len_n, len_sum, len_min, len_max;
};

struct cairn_profiler {
	size_t ncols;
	uint64_t rows;
	struct pcol *cols;
};

struct cairn_profiler *cairn_profiler_new(size_t ncols, const char *const *names)
{
	struct cairn_profiler *p = cairn_xcalloc(1, sizeof(*p));

	p->ncols = ncols;
	p->cols = cairn_xcalloc(ncols ? ncols : 1, sizeof(*p->cols));
	for (size_t c = 0; c < ncols; c++) {
		struct pcol *col = &p->cols[c];
		col->name = cairn_xstrdup(names[c]);
		col->min = INFINITY;
		col->max = -INFINITY;
		col->imin = INT64_MAX;
		col->imax = INT64_MIN;
		col->len_min = UINT64_MAX;
		cairn__qsketch_init(&col->qs);
		cairn_strmap_init(&col->cats);
	}
	return p;
}

static void drop_numeric(struct pcol *c)
{
	cairn__qsketch_release(&c->qs);
}

static void drop_categories(struct pcol *c)
{
	free(c->cache);
	c->cache = NULL;
	cairn_strmap_release(&c->cats);
	free(c->cat_counts);
	c->cat_counts = NULL;
	c->cat_cap = 0;
}

void cairn_profiler_free(struct cairn_profiler *p)
{
	if (!p)
		return;
	for (size_t c = 0; c < p->ncols; c++) {
		struct pcol *col = &p->cols[c];
		free(col->name);
		drop_numeric(col);
		drop_categories(col);
		free(col->hll);
		cairn__topk_free(col->topk);
	}
	free(p->cols);
	free(p);
}

/* --- values ------------------------------------------------------------ */

/* cairn_value_is_null() with the common answer first: every marker starts
 * with one of these four characters. */
static inline int is_null(const char *s, size_t len, int quoted)
{
	if (!len)
		return 1;
	if (quoted || len > 4)
		return 0;
	switch (s[0]) {
	case 'N': case 'n': case '<': case '#':
		return cairn_value_is_null(s, len, 0);
	}
	return 0;
}

/* cairn_value_type() of a non-null value, keeping what the parsers read. */
static enum cairn_type classify(const char *s, size_t len, int quoted, double *d, int64_t *i)
{
	int b;

	if (quoted)
		return CAIRN_TYPE_STRING;
	if (cairn_parse_int(s, len, i)) {
		*d = (double)*i;
		return CAIRN_TYPE_INT;
	}
	if (cairn_parse_float(s, len, d))
		return CAIRN_TYPE_FLOAT;
	if (cairn_parse_bool(s, len, &b)) {
		*d = b;
		return CAIRN_TYPE_BOOL;
	}
	if (len >= 10 && cairn_parse_datetime(s, len, i)) {
		*d = (double)*i;
		return CAIRN_TYPE_DATETIME;
	}
	return CAIRN_TYPE_STRING;
}

static inline uint64_t hash_double(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof(u));
	return cairn__hash64(u);
}

/* Hashes the numbers waiting into the HyperLogLog. Done in batches so that
 * the multiplications and the register lookups of one value do not hold up
 * the parsing of the next. */
static void flush_pending(struct pcol *c)
{
	for (uint32_t k = 0; k < c->npend; k++)
		cairn__hll_add(c->hll, cairn__hash64(c->pend[k]));
	c->npend = 0;
}

static inline uint64_t hash_text(const char *s, size_t len)
{
	return cairn_hash_bytes(s, len, 0);
}

static uint64_t char_len(const char *s, size_t len)
{
	uint64_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

static void add_length(struct pcol *c, uint64_t len, uint64_t times)
{
	c->len_n += times;
	c->len_sum += len * times;
	if (len < c->len_min)
		c->len_min = len;
	if (len > c->len_max)
		c->len_max = len;
}

/* The value of a category key of a numeric column; 0 when it has none. */
static int key_value(const struct pcol *c, const char *key, size_t len, double *d)
{
	int64_t i;
	int b;

	if (c->bin_keys && len == sizeof(double)) {
		memcpy(d, key, sizeof(*d));
		return 1;
	}
	switch (c->type) {
	case CAIRN_TYPE_INT:
	case CAIRN_TYPE_FLOAT:
		if (cairn__fast_number(key, len, &i, d))
			break;
		if (!cairn_parse_float(key, len, d))
			return 0;
		break;
	case CAIRN_TYPE_BOOL:
		if (!cairn_parse_bool(key, len, &b))
			return 0;
		*d = b;
		break;
	case CAIRN_TYPE_DATETIME:
		if (!cairn_parse_datetime(key, len, &i))
			return 0;
		*d = (double)i;
		break;
	default:
		return 0;
	}
	*d += 0.0;
	return 1;
}

/* Counts times more occurrences of key in the sketches of an over column. */
static void over_add_key(struct pcol *c, const char *key, size_t len, uint64_t times)
{
	double d;
	int numeric = c->type != CAIRN_TYPE_STRING && key_value(c, key, len, &d);
	uint64_t h = numeric ? hash_double(d) : hash_text(key, len);

	cairn__hll_add(c->hll, h);
	if (c->topk)
		cairn__topk_add(c->topk, key, len, h, times);
	if (!c->bin_keys)
		add_length(c, numeric ? len : char_len(key, len), times);
}

struct entry {
	const char *key;
	size_t len;
	uint64_t count;
};

static int by_count(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	c = memcmp(x->key, y->key, n);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* The exact category counts, most frequent first (free() the array). */
static struct entry *sorted_categories(const struct pcol *c)
{
	struct entry *e = cairn_xmalloc((c->cats.n ? c->cats.n : 1) * sizeof(*e));

	for (uint32_t k = 0; k < c->cats.n; k++)
		e[k] = (struct entry){ c->cats.keys[k], c->cats.lens[k], c->cat_counts[k] };
	qsort(e, c->cats.n, sizeof(*e), by_count);
	return e;
}

/* Too many distinct values: from now on a HyperLogLog for the distinct count,
 * heavy hitters for string columns and running string lengths. */
static void overflow(struct pcol *c)
{
	c->over = 1;
	c->hll = cairn__hll_new();
	if (c->type == CAIRN_TYPE_STRING) {
		/* The most frequent first, so that they are the ones monitored. */
		struct entry *e = sorted_categories(c);
		c->topk = cairn__topk_new();
		for (uint32_t k = 0; k < c->cats.n; k++)
			over_add_key(c, e[k].key, e[k].len, e[k].count);
		free(e);
	} else {
		for (uint32_t k = 0; k < c->cats.n; k++)
			over_add_key(c, c->cats.keys[k], c->cats.lens[k], c->cat_counts[k]);
	}
	drop_categories(c);
}

/* The words of a text of 1 to 16 bytes: with the length, they tell it apart
 * from any other (the loads overlap; none reads outside the text). */
static inline int short_key(const char *s, size_t len, uint64_t *a, uint64_t *b)
{
	if (len - 1 >= 16)
		return 0;
	if (len >= 8) {
		memcpy(a, s, 8);
		memcpy(b, s + len - 8, 8);
	} else if (len >= 4) {
		uint32_t x, y;
		memcpy(&x, s, 4);
		memcpy(&y, s + len - 4, 4);
		*a = x;
		*b = y;
	} else {
		*a = (uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[len >> 1] << 8 |
		     (uint64_t)(unsigned char)s[len - 1] << 16;
		*b = 0;
	}
	return 1;
}

static inline uint32_t cache_slot(uint64_t a, uint64_t b, size_t len)
{
	return (uint32_t)((a * 0x9e3779b97f4a7c15ULL + b * 0xc2b2ae3d27d4eb4fULL + len) >> 56) &
	       (CACHE_SLOTS - 1);
}

static void count_category_slow(struct pcol *c, const char *s, size_t len, uint64_t times)
{
	int is_new;
	uint32_t code = cairn_strmap_intern(&c->cats, s, len, &is_new);
	uint64_t a, b;

	if (is_new) {
		if (code >= c->cat_cap) {
			c->cat_cap = c->cat_cap ? c->cat_cap * 2 : 16;
			c->cat_counts = cairn_xrealloc(c->cat_counts, c->cat_cap * sizeof(uint64_t));
		}
		c->cat_counts[code] = 0;
	}
	c->cat_counts[code] += times;
	if (is_new && c->cats.n > MAX_CATEGORIES) {
		overflow(c);
		return;
	}
	if (short_key(s, len, &a, &b)) {
		if (!c->cache)
			c->cache = cairn_xcalloc(CACHE_SLOTS, sizeof(*c->cache));
		c->cache[cache_slot(a, b, len)] = (struct cat_cache){ a, b, (uint32_t)len, code };
	}
}

static inline void count_category(struct pcol *c, const char *s, size_t len, uint64_t times)
{
	uint64_t a, b;

	if (c->cache && short_key(s, len, &a, &b)) {
		struct cat_cache *e = &c->cache[cache_slot(a, b, len)];
		if (e->len == len && e->a == a && e->b == b) {
			c->cat_counts[e->code] += times;
			return;
		}
	}
	count_category_slow(c, s, len, times);
}

/* The column turns out to hold strings: numeric summaries no longer apply. */
static void widen(struct pcol *c)
{
	if (c->over)
		flush_pending(c);
	c->type = CAIRN_TYPE_STRING;
	drop_numeric(c);
	if (c->over && !c->topk)
		c->topk = cairn__topk_new(); /* the values so far are not in it */
}

static void add_string(struct pcol *c, const char *s, size_t len)
{
	if (!c->over) {
		count_category(c, s, len, 1);
	} else {
		uint64_t h = hash_text(s, len);
		cairn__hll_add(c->hll, h);
		cairn__topk_add(c->topk, s, len, h, 1);
		add_length(c, char_len(s, len), 1);
	}
}

/* Chan et al.'s update of (n, mean, m2) with another part's (nb, mb, m2b). */
static void chan_update(struct pcol *c, uint64_t nb, double mb, double m2b)
{
	uint64_t n = c->n + nb;
	double delta = mb - c->mean;

	c->mean += delta * ((double)nb / (double)n);
	c->m2 += m2b + delta * delta * ((double)c->n * (double)nb / (double)n);
	c->n = n;
}

/* Welford's algorithm, one block at a time: within a block of BLOCK values,
 * sums of the deviations from a shift (the running mean, so they stay
 * small), folded in with Chan's update. As stable as value-by-value Welford
 * without a division per value. */
static void fold_block(struct pcol *c)
{
	double nb = c->bn;

	if (c->bn)
		chan_update(c, c->bn, c->shift + c->bs1 / nb, c->bs2 - c->bs1 * c->bs1 / nb);
	c->bn = 0;
	c->bs1 = c->bs2 = 0;
}

static inline __attribute__((always_inline)) void add_number(struct pcol *c, double d, int64_t i,
							      int is_int, size_t len)
{
	double delta;

	d += 0.0; /* -0 is 0 */
	if (is_int) {
		if (i < c->imin)
			c->imin = i;
		if (i > c->imax)
			c->imax = i;
	}
	if (isfinite(d)) {
		c->min = d < c->min ? d : c->min;
		c->max = d > c->max ? d : c->max;
		if (!c->bn)
			c->shift = c->n ? c->mean : d;
		delta = d - c->shift;
		c->bs1 += delta;
		c->bs2 += delta * delta;
		if (++c->bn == BLOCK)
			fold_block(c);
		cairn__qsketch_add(&c->qs, d);
	} else {
		c->ninf++;
	}
	if (c->over) {
		memcpy(&c->pend[c->npend], &d, sizeof(d));
		if (++c->npend == PENDING)
			flush_pending(c);
		add_length(c, len, 1);
	}
}

static inline void add_text(struct pcol *c, const char *s, size_t len, int quoted)
{
	enum cairn_type t, nt;
	int64_t i = 0;
	double d = 0;
	int k;

	if (is_null(s, len, quoted)) {
		c->nulls++;
		return;
	}
	c->count++;
	if (c->type == CAIRN_TYPE_STRING) {
		add_string(c, s, len);
		return;
	}
	if (!quoted) {
		/* The parser the column's type calls for first; what it accepts is
		 * what cairn_value_type() would say, joined with the column's type. */
		switch (c->type) {
		case CAIRN_TYPE_NULL:
		case CAIRN_TYPE_INT:
		case CAIRN_TYPE_FLOAT:
			k = cairn__fast_number(s, len, &i, &d);
			if (k == CAIRN__NUM_FLOAT) {
				c->type = CAIRN_TYPE_FLOAT;
				add_number(c, d, 0, 0, len);
				goto categories;
			}
			if (k == CAIRN__NUM_INT) {
				if (c->type == CAIRN_TYPE_NULL)
					c->type = CAIRN_TYPE_INT;
				add_number(c, d, i, 1, len);
				goto categories;
			}
			break;
		case CAIRN_TYPE_DATETIME:
			if (cairn_parse_datetime(s, len, &i)) {
				add_number(c, (double)i, 0, 0, len);
				goto categories;
			}
			break;
		case CAIRN_TYPE_BOOL:
			if (cairn_parse_bool(s, len, &k)) {
				add_number(c, k, 0, 0, len);
				goto categories;
			}
			break;
		default:
			break;
		}
	}
	t = classify(s, len, quoted, &d, &i);
	nt = cairn_type_join(c->type, t);
	if (nt == CAIRN_TYPE_STRING) {
		widen(c);
		add_string(c, s, len);
		return;
	}
	c->type = nt;
	add_number(c, d, i, t == CAIRN_TYPE_INT, len);
categories:
	if (!c->over)
		count_category(c, s, len, 1);
}

void cairn_profiler_add_record(struct cairn_profiler *p, const struct cairn_csv_field *fields,
			       size_t n)
{
	size_t m = n < p->ncols ? n : p->ncols;

	p->rows++;
	for (size_t c = 0; c < m; c++)
		add_text(&p->cols[c], fields[c].p, fields[c].len, fields[c].quoted);
	for (size_t c = m; c < p->ncols; c++)
		p->cols[c].nulls++;
}

/* --- merging ----------------------------------------------------------- */

static void merge_col(struct pcol *a, struct pcol *b)
{
	enum cairn_type nt = cairn_type_join(a->type, b->type);

	if (nt == CAIRN_TYPE_STRING) {
		if (a->type != CAIRN_TYPE_STRING)
			widen(a);
		if (b->type != CAIRN_TYPE_STRING)
			widen(b);
	} else {
		fold_block(a);
		fold_block(b);
		if (b->n)
			chan_update(a, b->n, b->mean, b->m2);
		cairn__qsketch_merge(&a->qs, &b->qs);
		a->min = b->min < a->min ? b->min : a->min;
		a->max = b->max > a->max ? b->max : a->max;
		a->imin = b->imin < a->imin ? b->imin : a->imin;
		a->imax = b->imax > a->imax ? b->imax : a->imax;
		a->ninf += b->ninf;
	}
	a->type = nt;
	a->count += b->count;
	a->nulls += b->nulls;

	if (!b->over) {
		/* In b's order of first appearance, as if read after a's. */
		for (uint32_t k = 0; k < b->cats.n; k++) {
			if (!a->over)
				count_category(a, b->cats.keys[k], b->cats.lens[k], b->cat_counts[k]);
			else
				over_add_key(a, b->cats.keys[k], b->cats.lens[k], b->cat_counts[k]);
		}
		return;
	}
	if (!a->over)
		overflow(a);
	flush_pending(a);
	flush_pending(b);
	cairn__hll_merge(a->hll, b->hll);
	if (a->topk && b->topk)
		cairn__topk_merge(a->topk, b->topk);
	a->len_n += b->len_n;
	a->len_sum += b->len_sum;
	a->len_min = b->len_min < a->len_min ? b->len_min : a->len_min;
	a->len_max = b->len_max > a->len_max ? b->len_max : a->len_max;
}

void cairn_profiler_merge(struct cairn_profiler *into, struct cairn_profiler *from)
{
	size_t n = into->ncols < from->ncols ? into->ncols : from->ncols;

	into->rows += from->rows;
	for (size_t c = 0; c < n; c++)
		merge_col(&into->cols[c], &from->cols[c]);
	cairn_profiler_free(from);
}

/* --- the profile as JSON ------------------------------------------------ */

static json_t *jreal(double d)
{
	return isfinite(d) ? json_real(d) : json_null();
}

static int is_numeric(enum cairn_type t)
{
	return t == CAIRN_TYPE_BOOL || t == CAIRN_TYPE_INT || t == CAIRN_TYPE_FLOAT ||
	       t == CAIRN_TYPE_DATETIME;
}

/* Distinct values of a numeric column from its exact category keys ("1.0"
 * and "1" are one value). */
static uint64_t distinct_values(const struct pcol *c)
{
	double *v = cairn_xmalloc((c->cats.n ? c->cats.n : 1) * sizeof(*v));
	uint64_t n = 0, distinct = 0;

	for (uint32_t k = 0; k < c->cats.n; k++)
		if (key_value(c, c->cats.keys[k], c->cats.lens[k], &v[n]))
			n++;
		else
			distinct++; /* cannot happen: every key parsed as the column's type */
	cairn__sort_doubles(v, n);
	for (uint64_t k = 0; k < n; k++)
		distinct += !k || v[k] != v[k - 1];
	free(v);
	return distinct;
}

/* Neumaier's compensated sum of a[i] - shift (or its square). */
static double sum(const double *a, size_t n, double shift, int square)
{
	double s = 0, comp = 0;

	for (size_t i = 0; i < n; i++) {
		double x = a[i] - shift, t;
		if (square)
			x *= x;
		t = s + x;
		comp += fabs(s) >= fabs(x) ? (s - t) + x : (x - t) + s;
		s = t;
	}
	return s + comp;
}

static void exact_moments(const double *v, size_t n, double *mean, double *var)
{
	*mean = sum(v, n, 0, 0) / (double)n;
	if (!isfinite(*mean)) /* the sum overflowed */
		*mean = sum(v, n, v[n / 2], 0) / (double)n + v[n / 2];
	*var = n > 1 ? sum(v, n, *mean, 1) / (double)(n - 1) : NAN;
}

static uint64_t scale(uint64_t w, uint64_t total, uint64_t n)
{
	if (total == n || !total)
		return w;
	return (uint64_t)(((unsigned __int128)w * n + total / 2) / total);
}

static void numeric_summary(struct pcol *c, json_t *o)
{
	static const int quantiles[] = { 1, 5, 25, 50, 75, 95, 99 };
	struct cairn__qsummary s;
	json_t *pct, *q, *edges, *counts, *hist;
	uint64_t n, cum[NBINS + 1];
	double mean, var, e[NBINS + 1], lo, hi, width, pv[101];

	fold_block(c);
	n = c->n;

	if (c->type == CAIRN_TYPE_INT && n) {
		json_object_set_new(o, "min", json_integer(c->imin));
		json_object_set_new(o, "max", json_integer(c->imax));
	} else if (n && c->type != CAIRN_TYPE_FLOAT) {
		json_object_set_new(o, "min", json_integer((json_int_t)c->min));
		json_object_set_new(o, "max", json_integer((json_int_t)c->max));
	} else {
		json_object_set_new(o, "min", n ? jreal(c->min) : json_null());
		json_object_set_new(o, "max", n ? jreal(c->max) : json_null());
	}
	if (c->type == CAIRN_TYPE_DATETIME && n) {
		char t[32];
		cairn_format_time((int64_t)c->min, t);
		json_object_set_new(o, "min_time", json_string(t));
		cairn_format_time((int64_t)c->max, t);
		json_object_set_new(o, "max_time", json_string(t));
	}
	if (!n) {
		json_object_set_new(o, "mean", json_null());
		json_object_set_new(o, "std", json_null());
		if (c->ninf)
			json_object_set_new(o, "infinite", json_integer((json_int_t)c->ninf));
		json_object_set_new(o, "percentiles", json_null());
		json_object_set_new(o, "quantiles", json_null());
		json_object_set_new(o, "histogram", json_null());
		return;
	}
	cairn__qsketch_summary(&c->qs, &s);
	if (!s.approx) {
		/* Every value is at hand, in sorted order: two passes over them give
		 * the most accurate moments and the same ones however the values
		 * were split and merged. */
		exact_moments(s.v, s.k, &mean, &var);
	} else {
		mean = c->mean;
		var = n > 1 ? c->m2 / (double)(n - 1) : NAN;
	}
	json_object_set_new(o, "mean", jreal(mean));
	json_object_set_new(o, "std", n > 1 ? jreal(sqrt(var)) : json_null());
	if (c->ninf)
		json_object_set_new(o, "infinite", json_integer((json_int_t)c->ninf));

	pct = json_array();
	for (int p = 0; p <= 100; p++) {
		double v = p == 0 ? c->min : p == 100 ? c->max : cairn__qsummary_quantile(&s, p / 100.0);
		pv[p] = v < c->min ? c->min : v > c->max ? c->max : v;
		json_array_append_new(pct, jreal(pv[p]));
	}
	json_object_set_new(o, "percentiles", pct);
	q = json_object();
	for (size_t k = 0; k < sizeof(quantiles) / sizeof(quantiles[0]); k++) {
		char key[8];
		snprintf(key, sizeof(key), "p%02d", quantiles[k]);
		json_object_set_new(q, key, jreal(pv[quantiles[k]]));
	}
	json_object_set_new(o, "quantiles", q);

	/* 20 equal-width bins from min to max; each holds [e_i, e_i+1), the
	 * last one also max. numpy's rule for a single value: +-0.5. */
	lo = c->min;
	hi = c->max;
	if (lo == hi) {
		lo -= 0.5;
		hi += 0.5;
	}
	width = hi / NBINS - lo / NBINS;
	for (int b = 0; b < NBINS; b++)
		e[b] = lo + width * b;
	e[NBINS] = hi;
	cum[0] = 0;
	for (int b = 1; b < NBINS; b++)
		cum[b] = cairn__qsummary_below(&s, e[b]);
	cum[NBINS] = s.total;
	edges = json_array();
	counts = json_array();
	for (int b = 0; b <= NBINS; b++)
		json_array_append_new(edges, jreal(e[b]));
	for (int b = 0; b < NBINS; b++)
		json_array_append_new(counts, json_integer((json_int_t)(scale(cum[b + 1], s.total, n) -
									 scale(cum[b], s.total, n))));
	hist = json_pack("{s:o, s:o}", "edges", edges, "counts", counts);
	if (s.approx) {
		json_object_set_new(hist, "approx", json_true());
		json_object_set_new(o, "approx", json_true());
	}
	json_object_set_new(o, "histogram", hist);
	cairn__qsummary_release(&s);
}

static json_t *top_entry(const char *key, size_t len, uint64_t count)
{
	return json_pack("{s:s%, s:I}", "value", key, len, "count", (json_int_t)count);
}

static void categorical_summary(struct pcol *c, json_t *o)
{
	json_t *top = json_array();
	uint64_t in_top = 0;

	if (c->type == CAIRN_TYPE_BOOL) {
		uint64_t n[2] = { 0, 0 };
		for (uint32_t k = 0; !c->over && k < c->cats.n; k++) {
			double d;
			if (key_value(c, c->cats.keys[k], c->cats.lens[k], &d))
				n[d != 0] += c->cat_counts[k];
		}
		for (int first = 1; first >= 0; first--) {
			/* by descending count, then "false" before "true" */
			int v = first ? n[1] > n[0] : n[1] <= n[0];
			if (n[v]) {
				json_array_append_new(top, top_entry(v ? "true" : "false", v ? 4 : 5, n[v]));
				in_top += n[v];
			}
		}
	} else if (!c->over) {
		struct entry *e = sorted_categories(c);
		for (uint32_t k = 0; k < c->cats.n && k < TOP_N; k++) {
			json_array_append_new(top, top_entry(e[k].key, e[k].len, e[k].count));
			in_top += e[k].count;
		}
		free(e);
	} else if (c->topk) {
		uint32_t n;
		const struct cairn__topk_item **v = cairn__topk_sorted(c->topk, &n);
		for (uint32_t k = 0; k < n && k < TOP_N && in_top < c->count; k++) {
			uint64_t cnt = v[k]->count;
			if (cnt > c->count - in_top)
				cnt = c->count - in_top;
			json_array_append_new(top, top_entry(v[k]->key, v[k]->len, cnt));
			in_top += cnt;
		}
		free(v);
	}
	json_object_set_new(o, "top", top);
	json_object_set_new(o, "other_count", json_integer((json_int_t)(c->count - in_top)));
	if (c->over)
		json_object_set_new(o, "top_approx", json_true());
}

static void length_summary(struct pcol *c, json_t *o)
{
	if (!c->over) {
		for (uint32_t k = 0; k < c->cats.n; k++)
			add_length(c, char_len(c->cats.keys[k], c->cats.lens[k]), c->cat_counts[k]);
	}
	if (!c->len_n) {
		json_object_set_new(o, "min_length", json_null());
		json_object_set_new(o, "max_length", json_null());
		json_object_set_new(o, "mean_length", json_null());
		return;
	}
	json_object_set_new(o, "min_length", json_integer((json_int_t)c->len_min));
	json_object_set_new(o, "max_length", json_integer((json_int_t)c->len_max));
	json_object_set_new(o, "mean_length", json_real((double)c->len_sum / (double)c->len_n));
}

static json_t *column_json(struct pcol *c)
{
	enum cairn_type type = c->type == CAIRN_TYPE_NULL ? CAIRN_TYPE_STRING : c->type;
	uint64_t rows = c->count + c->nulls;
	json_t *o = json_object();

	c->type = type;
	json_object_set_new(o, "name", json_string(c->name));
	json_object_set_new(o, "type", json_string(cairn_type_name(type)));
	json_object_set_new(o, "count", json_integer((json_int_t)c->count));
	json_object_set_new(o, "nulls", json_integer((json_int_t)c->nulls));
	json_object_set_new(o, "null_rate", json_real(rows ? (double)c->nulls / (double)rows : 0));
	if (!c->over) {
		uint64_t d = type == CAIRN_TYPE_STRING ? c->cats.n : distinct_values(c);
		json_object_set_new(o, "distinct", json_integer((json_int_t)d));
	} else {
		double est;
		flush_pending(c);
		est = floor(cairn__hll_estimate(c->hll) + 0.5);
		if (est > (double)c->count)
			est = (double)c->count;
		if (est < 1)
			est = 1;
		json_object_set_new(o, "distinct", json_integer((json_int_t)est));
		json_object_set_new(o, "distinct_approx", json_true());
	}
	if (is_numeric(type))
		numeric_summary(c, o);
	if (type == CAIRN_TYPE_BOOL || type == CAIRN_TYPE_STRING)
		categorical_summary(c, o);
	if (type == CAIRN_TYPE_STRING)
		length_summary(c, o);
	return o;
}

json_t *cairn_profiler_finish(struct cairn_profiler *p)
{
	json_t *cols = json_array();

	for (size_t c = 0; c < p->ncols; c++)
		json_array_append_new(cols, column_json(&p->cols[c]));
	return json_pack("{s:i, s:I, s:o}", "format", 1, "rows", (json_int_t)p->rows,
			 "columns", cols);
}

json_t *cairn_profile_schema(const json_t *profile)
{
	json_t *out = json_array(), *col;
	size_t i;

	json_array_foreach(json_object_get(profile, "columns"), i, col)
		json_array_append_new(out, json_pack("{s:O?, s:O?, s:O?}",
			"name", json_object_get(col, "name"), "type", json_object_get(col, "type"),
			"nulls", json_object_get(col, "nulls")));
	return out;
}

/* --- frames ------------------------------------------------------------ */

static void add_frame_number(struct pcol *c, double d, int64_t i, int is_int)
{
	c->count++;
	add_number(c, d, i, is_int, 0);
	if (!c->over) {
		d += 0.0;
		count_category(c, (const char *)&d, sizeof(d), 1);
	}
}

json_t *cairn_profile_frame(const struct cairn_frame *f)
{
	const char **names = cairn_xcalloc(f->ncols ? f->ncols : 1, sizeof(*names));
	struct cairn_profiler *p;
	json_t *out;

	for (size_t c = 0; c < f->ncols; c++)
		names[c] = f->cols[c].name;
	p = cairn_profiler_new(f->ncols, names);
	free(names);
	p->rows = f->nrows;
	for (size_t c = 0; c < f->ncols; c++) {
		const struct cairn_column *fc = &f->cols[c];
		struct pcol *pc = &p->cols[c];

		if (fc->type == CAIRN_TYPE_STRING) {
			size_t *lens = cairn_xmalloc((fc->ndict ? fc->ndict : 1) * sizeof(*lens));
			for (uint32_t k = 0; k < fc->ndict; k++)
				lens[k] = strlen(fc->dict[k]);
			for (size_t r = 0; r < f->nrows; r++) {
				if (fc->valid[r])
					add_text(pc, fc->dict[fc->code[r]], lens[fc->code[r]], 1);
				else
					pc->nulls++;
			}
			free(lens);
			continue;
		}
		pc->type = fc->type;
		pc->bin_keys = 1;
		for (size_t r = 0; r < f->nrows; r++) {
			if (!fc->valid[r])
				pc->nulls++;
			else
				add_frame_number(pc, fc->num[r], fc->i64 ? fc->i64[r] : 0,
						 fc->type == CAIRN_TYPE_INT);
		}
	}
	out = cairn_profiler_finish(p);
	cairn_profiler_free(p);
	return out;
}

/* --- files, by byte ranges in threads ------------------------------------ */

struct range_job {
	pthread_t thread;
	const cairn_csv *like;
	int fd;
	size_t ncols;
	const char *const *names;
	uint64_t start, end;    /* the byte range asked for */
	uint64_t first, last;   /* where the reader started, and its last record ended */
	struct cairn_profiler *p;
	int rc;
};

static int profile_reader(cairn_csv *r, struct cairn_profiler *p)
{
	const struct cairn_csv_field *fields;
	size_t n;
	int rc;

	while ((rc = cairn_csv_next(r, &fields, &n)) == 1)
		cairn_profiler_add_record(p, fields, n);
	return rc;
}

/* Profiles [start, end) of the file with ctx; first and last tell where the
 * reader started and stopped. */
static int profile_range(cairn_ctx *ctx, struct range_job *j)
{
	cairn_csv *r;
	int rc;

	if ((rc = cairn_csv_open_range(ctx, j->like, j->fd, j->start, j->end, 0, &r)))
		return rc;
	j->p = cairn_profiler_new(j->ncols, j->names);
	if (profile_reader(r, j->p) < 0 && !(rc = cairn_errcode(ctx)))
		rc = CAIRN_EPARSE;
	j->first = cairn_csv_start_offset(r);
	j->last = cairn_csv_end_offset(r);
	cairn_csv_close(r);
	return rc;
}

static void *range_thread(void *arg)
{
	struct range_job *j = arg;
	cairn_ctx *ctx = cairn_ctx_new();

	/* Messages of a thread are dropped: errors are read again in order. */
	j->rc = ctx ? profile_range(ctx, j) : CAIRN_ENOMEM;
	cairn_ctx_free(ctx);
	return NULL;
}

/* Profiles the ranges in parallel and merges them in order; 1 when a range
 * failed and the file must be read again from the start for the message. */
static int profile_parallel(cairn_ctx *ctx, const cairn_csv *like, int fd, uint64_t size,
			    int nranges, struct cairn_profiler **out)
{
	struct range_job jobs[MAX_THREADS];
	const char **names = cairn_xcalloc(cairn_csv_ncols(like) + 1, sizeof(*names));
	uint64_t start = cairn_csv_start_offset(like), pos = start;
	struct cairn_profiler *merged = NULL;
	int started[MAX_THREADS] = { 0 }, failed = 0;

	for (size_t c = 0; c < cairn_csv_ncols(like); c++)
		names[c] = cairn_csv_colname(like, c);
	for (int k = 0; k < nranges; k++) {
		jobs[k] = (struct range_job){ .like = like, .fd = fd, .ncols = cairn_csv_ncols(like),
					      .names = names };
		jobs[k].start = start + (size - start) * (uint64_t)k / (uint64_t)nranges;
		jobs[k].end = start + (size - start) * (uint64_t)(k + 1) / (uint64_t)nranges;
	}
	for (int k = 1; k < nranges; k++)
		started[k] = !pthread_create(&jobs[k].thread, NULL, range_thread, &jobs[k]);
	range_thread(&jobs[0]);
	for (int k = 1; k < nranges; k++) {
		if (started[k])
			pthread_join(jobs[k].thread, NULL);
		else
			range_thread(&jobs[k]);
	}

	for (int k = 0; k < nranges; k++) {
		struct range_job *j = &jobs[k];
		if (!failed && j->rc == 0 && j->first == pos) {
			pos = j->last;
		} else if (!failed && j->first != pos && j->p) {
			/* The range began inside a quoted field (or it failed because
			 * of that): read it again from where the previous one ended. */
			cairn_profiler_free(j->p);
			j->p = NULL;
			j->start = pos;
			if (profile_range(ctx, j) || j->first != pos)
				failed = 1;
			else
				pos = j->last;
		} else {
			failed = 1;
		}
		if (failed) {
			cairn_profiler_free(j->p);
		} else if (!merged) {
			merged = j->p;
		} else {
			cairn_profiler_merge(merged, j->p);
		}
		j->p = NULL;
	}
	free(names);
	if (failed) {
		cairn_profiler_free(merged);
		return 1;
	}
	*out = merged;
	return 0;
}

int cairn_profile_csv_file(cairn_ctx *ctx, const char *path, const char *name,
			   const struct cairn_csv_options *opts, int nthreads, json_t **out)
{
	struct cairn_profiler *p = NULL;
	cairn_csv *like = NULL;
	struct stat st;
	uint64_t size, start;
	int fd, rc, nranges;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cairn_error_errno(ctx, "cannot open '%s'", path);
	if (fstat(fd, &st) < 0) {
		rc = cairn_error_errno(ctx, "cannot read '%s'", path);
		goto out;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if ((rc = cairn_csv_open_fd(ctx, fd, name ? name : path, opts, &like)))
		goto out;
	size = (uint64_t)st.st_size;
	start = cairn_csv_start_offset(like);
	if (nthreads <= 0)
		nthreads = (int)sysconf(_SC_NPROCESSORS_ONLN);
	nranges = nthreads < 1 ? 1 : nthreads > MAX_THREADS ? MAX_THREADS : nthreads;
	while (nranges > 1 && (size - start) / (uint64_t)nranges < cairn__profile_min_range)
		nranges--;
	if (!S_ISREG(st.st_mode) || size <= start)
		nranges = 1;

	if (nranges > 1 && !profile_parallel(ctx, like, fd, size, nranges, &p)) {
		*out = cairn_profiler_finish(p);
		goto out;
	}
	/* One reader from the start: one thread, or a range failed and the
	 * message must name the exact line. */
	{
		const char **names = cairn_xcalloc(cairn_csv_ncols(like) + 1, sizeof(*names));
		for (size_t c = 0; c < cairn_csv_ncols(like); c++)
			names[c] = cairn_csv_colname(like, c);
		p = cairn_profiler_new(cairn_csv_ncols(like), names);
		free(names);
	}
	if (profile_reader(like, p) < 0) {
		rc = cairn_errcode(ctx);
		goto out;
	}
	*out = cairn_profiler_finish(p);
out:
	cairn_profiler_free(p);
	cairn_csv_close(like);
	close(fd);
	return rc;
}
