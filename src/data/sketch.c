/* The sampled compactor quantile sketch; see src/data/sketch.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "data/sketch.h"

#define EXACT ((uint32_t)CAIRN_PROFILE_EXACT_ROWS)

/* Doubles as unsigned integers in the same order (for radix sorting). */
static inline uint64_t sort_key(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof(u));
	return u >> 63 ? ~u : u | (1ull << 63);
}

static inline double from_key(uint64_t u)
{
	double d;
	u = u >> 63 ? u & ~(1ull << 63) : ~u;
	memcpy(&d, &u, sizeof(d));
	return d;
}

/* LSD radix sort on bytes, skipping the bytes every key shares; k and t hold
 * n keys each, the result ends in a. */
static void radix_sort(double *a, size_t n, uint64_t *k, uint64_t *t)
{
	uint32_t cnt[8][256];

	memset(cnt, 0, sizeof(cnt));
	for (size_t i = 0; i < n; i++) {
		uint64_t u = sort_key(a[i]);
		k[i] = u;
		for (int d = 0; d < 8; d++)
			cnt[d][(u >> (8 * d)) & 255]++;
	}
	for (int d = 0; d < 8; d++) {
		uint32_t pos = 0, *c = cnt[d];
		uint64_t *swap;
		if (c[(k[0] >> (8 * d)) & 255] == n)
			continue;
		for (int b = 0; b < 256; b++) {
			uint32_t m = c[b];
			c[b] = pos;
			pos += m;
		}
		for (size_t i = 0; i < n; i++)
			t[c[(k[i] >> (8 * d)) & 255]++] = k[i];
		swap = k;
		k = t;
		t = swap;
	}
	for (size_t i = 0; i < n; i++)
		a[i] = from_key(k[i]);
}

static void insertion_sort(double *a, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		double x = a[i];
		size_t j = i;
		for (; j > 0 && a[j - 1] > x; j--)
			a[j] = a[j - 1];
		a[j] = x;
	}
}

void cairn__sort_doubles(double *a, size_t n)
{
	uint64_t *k;

	if (n < 64) {
		insertion_sort(a, n);
		return;
	}
	k = cairn_xmalloc(2 * n * sizeof(*k));
	radix_sort(a, n, k, k + n);
	free(k);
}

void cairn__qsketch_init(struct cairn__qsketch *q)
{
	memset(q, 0, sizeof(*q));
}

void cairn__qsketch_release(struct cairn__qsketch *q)
{
	free(q->buf);
	free(q->scratch);
	for (int h = 0; h < CAIRN__QS_LEVELS; h++)
		free(q->lv[h]);
	cairn__qsketch_init(q);
}

/* splitmix64 */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void push(struct cairn__qsketch *q, int h, const double *v, size_t n);

/* Sorts level h: levels above the sampler's hold two sorted runs (halves
 * of compacted levels), merged in one pass; others are radix sorted. */
static void sort_level(struct cairn__qsketch *q, int h)
{
	double *v = q->lv[h], *out;
	uint32_t n = q->lvn[h], mid = 0, i, j, o;

	for (i = 1; i < n; i++) {
		if (v[i] < v[i - 1]) {
			if (mid)
				break;
			mid = i;
		}
	}
	if (!mid)
		return;
	if (!q->scratch)
		q->scratch = cairn_xmalloc(2 * CAIRN__QS_CAP * sizeof(uint64_t));
	if (i < n || n > CAIRN__QS_CAP) {
		if (n > CAIRN__QS_CAP)
			cairn__sort_doubles(v, n);
		else
			radix_sort(v, n, q->scratch, q->scratch + CAIRN__QS_CAP);
		return;
	}
	out = (double *)(void *)q->scratch;
	for (i = 0, j = mid, o = 0; i < mid || j < n;)
		out[o++] = j == n || (i < mid && v[i] <= v[j]) ? v[i++] : v[j++];
	memcpy(v, out, n * sizeof(double));
}

/* Sorts a full level and moves every other value up. */
static void compact(struct cairn__qsketch *q, int h)
{
	double *v = q->lv[h], last;
	uint32_t n = q->lvn[h], keep = n & 1, j = 0;

	if (h + 1 >= CAIRN__QS_LEVELS)
		return; /* 2^63 values: cannot happen */
	sort_level(q, h);
	last = v[n - 1];
	/* An odd value out (after merges) stays behind: the largest. */
	for (uint32_t i = q->parity[h]; i + keep < n; i += 2)
		v[j++] = v[i];
	q->parity[h] ^= 1;
	q->lvn[h] = 0;
	push(q, h + 1, v, j); /* copies; only levels above h change */
	if (keep)
		v[0] = last;
	q->lvn[h] = keep;
}

static void push(struct cairn__qsketch *q, int h, const double *v, size_t n)
{
	while (n) {
		size_t room, take;
		if (!q->lv[h])
			q->lv[h] = cairn_xmalloc(CAIRN__QS_CAP * sizeof(double));
		if (h >= q->nlevels)
			q->nlevels = h + 1;
		room = CAIRN__QS_CAP - q->lvn[h];
		take = n < room ? n : room;
		memcpy(q->lv[h] + q->lvn[h], v, take * sizeof(double));
		q->lvn[h] += (uint32_t)take;
		v += take;
		n -= take;
		if (q->lvn[h] == CAIRN__QS_CAP)
			compact(q, h);
	}
}

/* Keeps x (the chosen value of its group) and draws the next group's. */
static void keep(struct cairn__qsketch *q, double x)
{
	uint64_t r = 0;
	int h = q->s;

	if (q->lv[h] && q->lvn[h] + 1 < CAIRN__QS_CAP)
		q->lv[h][q->lvn[h]++] = x;
	else
		push(q, h, &x, 1);
	q->skip = q->after;
	if (--q->groups == 0) {
		if (q->s < 62)
			q->s++;
		q->groups = CAIRN__QS_PHASE;
	}
	if (q->s)
		r = next_random(&q->rng) >> (64 - q->s);
	q->skip += r;
	q->after = (1ull << q->s) - 1 - r;
}

static void feed(struct cairn__qsketch *q, double x)
{
	if (q->skip)
		q->skip--;
	else
		keep(q, x);
}

static void to_approx(struct cairn__qsketch *q)
{
	double *v = q->buf;
	uint32_t n = q->nbuf;

	q->buf = NULL;
	q->nbuf = q->capbuf = 0;
	q->approx = 1;
	q->s = 0;
	q->groups = CAIRN__QS_PHASE;
	q->skip = q->after = 0;
	q->rng = 0x636169726e;
	for (uint32_t i = 0; i < n; i++)
		feed(q, v[i]);
	free(v);
}

void cairn__qsketch_add_slow(struct cairn__qsketch *q, double x)
{
	if (!q->approx) {
		if (q->nbuf < EXACT) {
			uint32_t cap = q->capbuf ? q->capbuf * 2 : 1024;
			q->capbuf = cap < EXACT ? cap : EXACT;
			q->buf = cairn_xrealloc(q->buf, q->capbuf * sizeof(double));
			q->buf[q->nbuf++] = x;
			return;
		}
		to_approx(q);
	}
	feed(q, x);
}

void cairn__qsketch_merge(struct cairn__qsketch *into, struct cairn__qsketch *from)
{
	if (!into->approx && !from->approx && (uint64_t)into->nbuf + from->nbuf <= EXACT) {
		if (into->nbuf + from->nbuf > into->capbuf) {
			into->capbuf = into->nbuf + from->nbuf;
			into->buf = cairn_xrealloc(into->buf, into->capbuf * sizeof(double));
		}
		if (from->nbuf)
			memcpy(into->buf + into->nbuf, from->buf, from->nbuf * sizeof(double));
		into->nbuf += from->nbuf;
	} else {
		if (!into->approx)
			to_approx(into);
		if (!from->approx) {
			for (uint32_t i = 0; i < from->nbuf; i++)
				feed(into, from->buf[i]);
		} else {
			for (int h = 0; h < from->nlevels; h++)
				push(into, h, from->lv[h], from->lvn[h]);
		}
	}
	cairn__qsketch_release(from);
}

void cairn__qsketch_summary(struct cairn__qsketch *q, struct cairn__qsummary *out)
{
	double *v, *tv;
	uint64_t *w, *tw;
	size_t k = 0;

	memset(out, 0, sizeof(*out));
	if (!q->approx) {
		cairn__sort_doubles(q->buf, q->nbuf);
		out->k = q->nbuf;
		out->total = q->nbuf;
		out->v = cairn_xmalloc((q->nbuf ? q->nbuf : 1) * sizeof(double));
		if (q->nbuf)
			memcpy(out->v, q->buf, q->nbuf * sizeof(double));
		return;
	}
	for (int h = 0; h < q->nlevels; h++)
		k += q->lvn[h];
	v = cairn_xmalloc((k ? k : 1) * sizeof(*v));
	w = cairn_xmalloc((k ? k : 1) * sizeof(*w));
	tv = cairn_xmalloc((k ? k : 1) * sizeof(*tv));
	tw = cairn_xmalloc((k ? k : 1) * sizeof(*tw));
	k = 0;
	/* Merge the sorted levels one after the other into (v, w). */
	for (int h = 0; h < q->nlevels; h++) {
		const double *lv = q->lv[h];
		size_t n = q->lvn[h], i = 0, j = 0, o = 0;
		double *sv;
		uint64_t *sw;
		if (!n)
			continue;
		sort_level(q, h);
		while (i < k || j < n) {
			if (j == n || (i < k && v[i] <= lv[j])) {
				tv[o] = v[i];
				tw[o++] = w[i++];
			} else {
				tv[o] = lv[j++];
				tw[o++] = 1ull << h;
			}
		}
		k = o;
		sv = v, v = tv, tv = sv;
		sw = w, w = tw, tw = sw;
	}
	free(tv);
	free(tw);
	for (size_t i = 1; i < k; i++)
		w[i] += w[i - 1];
	out->v = v;
	out->cum = w;
	out->k = k;
	out->total = k ? w[k - 1] : 0;
	out->approx = 1;
}

void cairn__qsummary_release(struct cairn__qsummary *s)
{
	free(s->v);
	free(s->cum);
	memset(s, 0, sizeof(*s));
}

/* The value at 0-based position pos of the weighted sequence. */
static double at(const struct cairn__qsummary *s, uint64_t pos)
{
	size_t lo = 0, hi = s->k - 1;

	if (!s->cum)
		return s->v[pos < s->k ? pos : s->k - 1];
	while (lo < hi) { /* the first i with cum[i] > pos */
		size_t mid = lo + (hi - lo) / 2;
		if (s->cum[mid] > pos)
			hi = mid;
		else
			lo = mid + 1;
	}
	return s->v[lo];
}

double cairn__qsummary_quantile(const struct cairn__qsummary *s, double p)
{
	double pos, frac, a, b, r;
	uint64_t i;

	if (!s->k)
		return NAN;
	pos = p * (double)(s->total - 1);
	i = (uint64_t)pos;
	frac = pos - (double)i;
	a = at(s, i);
	if (frac <= 0 || i + 1 >= s->total)
		return a;
	b = at(s, i + 1);
	r = a + (b - a) * frac;
	if (!isfinite(r))
		r = a * (1 - frac) + b * frac;
	return r;
}

uint64_t cairn__qsummary_below(const struct cairn__qsummary *s, double x)
{
	size_t lo = 0, hi = s->k;

	while (lo < hi) { /* the first i with v[i] >= x */
		size_t mid = lo + (hi - lo) / 2;
		if (s->v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return 0;
	return s->cum ? s->cum[lo - 1] : lo;
}
