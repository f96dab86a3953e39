/* The sampled compactor quantile sketch; see src/data/sketch.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "data/sketch.h"

#define EXACT ((uint32_t)CAIRN_PROFILE_EXACT_ROWS)
#define CAP CAIRN__QS_CAP
#define PHASE ((uint64_t)CAIRN__QS_PHASE)
#define SEED 0x636169726eULL

/* Doubles as unsigned integers in the same order (for radix sorting). */
static inline uint64_t sort_key(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof(u));
	return u ^ ((uint64_t)((int64_t)u >> 63) | (1ull << 63));
}

static inline double from_key(uint64_t u)
{
	double d;
	u ^= (uint64_t)((int64_t)~u >> 63) | (1ull << 63);
	memcpy(&d, &u, sizeof(d));
	return d;
}

/* Byte d (0: the lowest) of key i, read from memory where the machine
 * allows (one load instead of a load, a shift and a mask). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define KEY_BYTE(k, i, d) (((const unsigned char *)(k))[8 * (i) + (d)])
#else
#define KEY_BYTE(k, i, d) (((k)[i] >> (8 * (d))) & 255)
#endif

/* One pass of LSD radix sort: k to t by byte d, counts in c. */
static void radix_pass(const uint64_t *k, uint64_t *t, size_t n, uint32_t *c, int d)
{
	uint32_t pos = 0;
	size_t i;

	for (int b = 0; b < 256; b++) {
		uint32_t m = c[b];
		c[b] = pos;
		pos += m;
	}
	for (i = 0; i + 2 <= n; i += 2) {
		t[c[KEY_BYTE(k, i, d)]++] = k[i];
		t[c[KEY_BYTE(k, i + 1, d)]++] = k[i + 1];
	}
	if (i < n)
		t[c[KEY_BYTE(k, i, d)]++] = k[i];
}

/* LSD radix sort of n keys on bytes from..7 (cnt: the counts of each byte's
 * values), skipping the bytes every key shares; t holds n keys; returns where
 * the result is (k or t). */
static uint64_t *radix_passes(uint64_t *k, uint64_t *t, size_t n, uint32_t cnt[8][256],
			      int from)
{
	for (int d = from; d < 8; d++) {
		uint64_t *swap;
		if (cnt[d][(k[0] >> (8 * d)) & 255] == n)
			continue;
		radix_pass(k, t, n, cnt[d], d);
		swap = k;
		k = t;
		t = swap;
	}
	return k;
}

/* Insertion sort of keys that are nearly sorted; 0 when that takes more
 * than about 4 moves a key (k is then a permutation of what it was). */
static int finish_sort(uint64_t *k, size_t n)
{
	size_t moves = 0;

	for (size_t i = 1; i < n; i++) {
		uint64_t u = k[i];
		size_t j = i;
		if (u >= k[i - 1])
			continue;
		do {
			k[j] = k[j - 1];
			j--;
		} while (j > 0 && k[j - 1] > u);
		k[j] = u;
		moves += i - j;
		if (moves > 4 * n)
			return 0;
	}
	return 1;
}

/* Sorts a[0..n) with k and t holding n keys each. Radix sort on the top four
 * bytes of the keys (sign, exponent, the first 20 bits of the mantissa) puts
 * every value next to the ones within a millionth of it, and an insertion
 * sort finishes; only when that finds many ties is the low half sorted too.
 * Half the passes of a full radix sort for most columns. */
static void sort_doubles(double *a, size_t n, uint64_t *k, uint64_t *t)
{
	uint32_t cnt[8][256];
	uint64_t *r;

	memset(cnt[4], 0, 4 * sizeof(cnt[0]));
	for (size_t i = 0; i < n; i++) {
		k[i] = sort_key(a[i]);
		cnt[4][KEY_BYTE(k, i, 4)]++;
		cnt[5][KEY_BYTE(k, i, 5)]++;
		cnt[6][KEY_BYTE(k, i, 6)]++;
		cnt[7][KEY_BYTE(k, i, 7)]++;
	}
	r = radix_passes(k, t, n, cnt, 4);
	if (!finish_sort(r, n)) {
		memset(cnt, 0, sizeof(cnt));
		for (size_t i = 0; i < n; i++)
			for (int d = 0; d < 8; d++)
				cnt[d][KEY_BYTE(r, i, d)]++;
		r = radix_passes(r, r == k ? t : k, n, cnt, 0);
	}
	for (size_t i = 0; i < n; i++)
		a[i] = from_key(r[i]);
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
	sort_doubles(a, n, k, k + n);
	free(k);
}

void cairn__qsketch_init(struct cairn__qsketch *q)
{
	memset(q, 0, sizeof(*q));
}

void cairn__qsketch_release(struct cairn__qsketch *q)
{
	free(q->buf);
	for (uint32_t c = 0; c < q->nchunks; c++)
		free(q->chunk[c]);
	free(q->sample);
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

/* --- compactors ---------------------------------------------------------- */

static void push(struct cairn__qsketch *q, int h, const double *v, size_t n);

/* Merges the sorted run v[0..n) into level h (sorted), from the back so that
 * it needs no room but the level's own. */
static void merge_into_level(struct cairn__qsketch *q, int h, const double *v, size_t n)
{
	size_t i = q->lvn[h], j = n, k = i + n;
	double *a;

	if (k > q->lvcap[h]) {
		q->lvcap[h] = k <= CAP ? CAP : k <= 2 * CAP ? 2 * CAP : (uint32_t)k;
		q->lv[h] = cairn_xrealloc(q->lv[h], q->lvcap[h] * sizeof(double));
	}
	a = q->lv[h];
	q->lvn[h] = (uint32_t)k;
	if (!i || a[i - 1] <= v[0]) { /* the common case: all of v goes after */
		memcpy(a + i, v, n * sizeof(double));
		return;
	}
	while (j > 0 && i > 0)
		a[--k] = a[i - 1] > v[j - 1] ? a[--i] : v[--j];
	memcpy(a, v, j * sizeof(double)); /* what is left of v goes first */
}

/* Level h is full: every other value (alternately the odd and the even ones)
 * moves up with twice the weight; an odd value out, the largest, stays. */
static void compact(struct cairn__qsketch *q, int h)
{
	double *v = q->lv[h], last;
	uint32_t n = q->lvn[h], keep = n & 1, j = 0;

	if (h + 1 >= CAIRN__QS_LEVELS)
		return; /* 2^63 values: cannot happen */
	last = v[n - 1];
	for (uint32_t i = q->parity[h]; i + keep < n; i += 2)
		v[j++] = v[i];
	q->parity[h] ^= 1;
	q->lvn[h] = 0;
	push(q, h + 1, v, j); /* copies; only levels above h change */
	if (keep)
		v[0] = last;
	q->lvn[h] = keep;
}

/* Adds the sorted run v[0..n) at level h. */
static void push(struct cairn__qsketch *q, int h, const double *v, size_t n)
{
	if (!n)
		return;
	if (h >= q->nlevels)
		q->nlevels = h + 1;
	merge_into_level(q, h, v, n);
	if (q->lvn[h] >= CAP)
		compact(q, h);
}

/* --- exact values ------------------------------------------------------- */

static uint64_t exact_count(const struct cairn__qsketch *q)
{
	return (uint64_t)q->nchunks * CAIRN__QS_CHUNK + q->nbuf;
}

/* Room for at least one more exact value (the caller checks the limit). */
static void exact_room(struct cairn__qsketch *q)
{
	uint64_t room;

	if (q->nbuf < q->capbuf)
		return;
	if (q->buf)
		q->chunk[q->nchunks++] = q->buf; /* full: CAIRN__QS_CHUNK values */
	q->nbuf = 0;
	room = EXACT - exact_count(q);
	q->capbuf = (uint32_t)(room < CAIRN__QS_CHUNK ? room : CAIRN__QS_CHUNK);
	q->buf = cairn_xmalloc(q->capbuf * sizeof(double));
}

static void exact_add(struct cairn__qsketch *q, double x)
{
	exact_room(q);
	q->buf[q->nbuf++] = x;
}

/* Calls f(q2, run, n) for each run of exact values of q, in order. */
static void exact_runs(const struct cairn__qsketch *q, struct cairn__qsketch *q2,
		       void (*f)(struct cairn__qsketch *, const double *, size_t))
{
	for (uint32_t c = 0; c < q->nchunks; c++)
		f(q2, q->chunk[c], CAIRN__QS_CHUNK);
	if (q->nbuf)
		f(q2, q->buf, q->nbuf);
}

static void exact_add_run(struct cairn__qsketch *q, const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		exact_add(q, v[i]);
}

/* Frees the exact values (the chunks and buf). */
static void exact_free(struct cairn__qsketch *q)
{
	for (uint32_t c = 0; c < q->nchunks; c++)
		free(q->chunk[c]);
	free(q->buf);
	q->buf = NULL;
	q->nbuf = q->capbuf = q->nchunks = 0;
}

/* --- sampler ------------------------------------------------------------- */

/* Sorts the values the sampler kept and merges them into their level. */
static void flush_sample(struct cairn__qsketch *q)
{
	if (!q->nsample)
		return;
	if (!q->scratch)
		q->scratch = cairn_xmalloc(2 * CAP * sizeof(uint64_t));
	if (q->nsample < 64)
		insertion_sort(q->sample, q->nsample);
	else
		sort_doubles(q->sample, q->nsample, q->scratch, q->scratch + CAP);
	push(q, q->s, q->sample, q->nsample);
	q->nsample = 0;
}

/* Draws which value of the next group of 2^s is kept, with s random bits
 * from a pool refilled 64 at a time. */
static void draw(struct cairn__qsketch *q)
{
	uint64_t r = 0;

	if (q->s) {
		if (q->nbits < q->s) {
			q->bits = next_random(&q->rng);
			q->nbits = 64;
		}
		r = q->bits & ((1ull << q->s) - 1);
		q->bits >>= q->s;
		q->nbits -= q->s;
	}
	q->skip += r;
	q->after = (1ull << q->s) - 1 - r;
}

/* Keeps x (the chosen value of its group) and draws the next group's. */
static void keep(struct cairn__qsketch *q, double x)
{
	q->sample[q->nsample++] = x;
	if (q->nsample == CAP)
		flush_sample(q);
	q->skip = q->after;
	if (--q->groups == 0) {
		flush_sample(q); /* at the weight of the phase that ends */
		if (q->s < 62)
			q->s++;
		q->groups = PHASE;
	}
	draw(q);
}

static void feed(struct cairn__qsketch *q, double x)
{
	if (q->skip)
		q->skip--;
	else
		keep(q, x);
}

/* feed() of n values, jumping from one kept value to the next. */
static void feed_run(struct cairn__qsketch *q, const double *v, size_t n)
{
	size_t i = 0;

	while (q->skip < n - i) {
		i += q->skip;
		q->skip = 0;
		keep(q, v[i++]);
	}
	q->skip -= n - i;
}

/* The phase the stream is in after pos values: phase s ends after
 * PHASE * (2^(s+1) - 1) values. */
static int phase_of(uint64_t pos)
{
	int s = 0;

	while (s < 62 && PHASE * ((2ull << s) - 1) <= pos)
		s++;
	return s;
}

/* Starts sampling as if the stream were at position pos, with the groups of
 * its phase counted from position from (the values in between are sampled
 * at this phase's rate too). */
static void start_sampler(struct cairn__qsketch *q, uint64_t from, uint64_t pos)
{
	int s = phase_of(pos);
	uint64_t end = PHASE * ((2ull << s) - 1);

	q->approx = 1;
	q->rng = SEED;
	q->nbits = 0;
	q->s = s;
	q->groups = ((end - from) + (1ull << s) - 1) >> s;
	q->skip = q->after = 0;
	q->sample = cairn_xmalloc(CAP * sizeof(double));
	q->nsample = 0;
	draw(q);
}

/* The exact values are too many: they are sampled at the rate of the phase
 * the stream has reached, so that few of them need sorting. */
static void to_approx(struct cairn__qsketch *q)
{
	struct cairn__qsketch exact = *q;

	q->buf = NULL;
	q->nbuf = q->capbuf = q->nchunks = 0;
	start_sampler(q, 0, exact_count(&exact));
	exact_runs(&exact, q, feed_run);
	exact_free(&exact);
}

void cairn__qsketch_add_slow(struct cairn__qsketch *q, double x)
{
	if (!q->approx) {
		if (exact_count(q) < EXACT) {
			exact_add(q, x);
			return;
		}
		to_approx(q);
	}
	feed(q, x);
}

/* Moves the sampler on by n values that entered otherwise (unsampled): the
 * phase is the one the stream is in after them, and a new group starts. */
static void skip_sampler(struct cairn__qsketch *q, uint64_t n)
{
	int s = q->s;
	uint64_t end = PHASE * ((2ull << s) - 1), left = q->groups << s;
	uint64_t pos = (left < end ? end - left : 0) + n; /* where the stream is, roughly */

	if (phase_of(pos) > s) {
		flush_sample(q); /* at the weight of the phase that ends */
		s = phase_of(pos);
	}
	q->s = s;
	end = PHASE * ((2ull << s) - 1);
	q->groups = pos < end ? (end - pos + (1ull << s) - 1) >> s : 1;
	q->skip = q->after = 0;
	draw(q);
}

/* Adds the weighted sorted values v, w (total weight total > CAP / 2) as one
 * compaction of them would leave them: with W = 2^h, the least power of two
 * that leaves at most CAP / 2 values, the value at the middle rank of every
 * W ranks, at level h (off by at most W / 2 ranks, under 1/CAP of them), and
 * the last total mod W ranks by the bits of their number, as their middle
 * value. One pass, however many the values. */
static void add_compacted(struct cairn__qsketch *q, const double *v, const uint64_t *w,
			  size_t k, uint64_t total)
{
	int h = 0;
	uint64_t n, rest, cum = 0, r;
	double *run;
	size_t i = 0, o = 0;

	while ((total >> h) > CAP / 2)
		h++;
	n = total >> h;
	rest = total - (n << h);
	run = cairn_xmalloc((n ? n : 1) * sizeof(*run));
	for (uint64_t m = 0; m < n; m++) {
		r = (m << h) + (1ull << (h - 1)); /* the middle rank of the m-th W ranks */
		while (cum + w[i] <= r)
			cum += w[i++];
		run[o++] = v[i];
	}
	push(q, h, run, o);
	if (rest) {
		r = (n << h) + rest / 2;
		while (cum + w[i] <= r)
			cum += w[i++];
		for (int b = 0; b < h; b++)
			if (rest >> b & 1)
				push(q, b, &v[i], 1);
	}
	free(run);
}

void cairn__qsketch_add_counts(struct cairn__qsketch *q, const double *v, const uint64_t *w,
			       size_t k)
{
	uint64_t total = 0, bits = 0;
	double *run;

	for (size_t i = 0; i < k; i++) {
		total += w[i];
		bits |= w[i];
	}
	if (!total)
		return;
	if (!q->approx && exact_count(q) + total <= EXACT) {
		for (size_t i = 0; i < k; i++)
			for (uint64_t r = 0; r < w[i]; r++)
				exact_add(q, v[i]);
		return;
	}
	if (!q->approx)
		to_approx(q);
	if (total > CAP / 2) {
		add_compacted(q, v, w, k, total);
	} else {
		/* A count is a sum of powers of two: v enters level h once for
		 * each bit h of its count, so every level receives a sorted run. */
		run = cairn_xmalloc((k ? k : 1) * sizeof(*run));
		for (int h = 0; h < 64 && bits >> h; h++) {
			size_t n = 0;
			for (size_t i = 0; i < k; i++)
				if (w[i] >> h & 1)
					run[n++] = v[i];
			push(q, h, run, n);
		}
		free(run);
	}
	skip_sampler(q, total);
}

void cairn__qsketch_merge(struct cairn__qsketch *into, struct cairn__qsketch *from)
{
	if (!into->approx && !from->approx && exact_count(into) + exact_count(from) <= EXACT) {
		exact_runs(from, into, exact_add_run);
	} else {
		if (!into->approx)
			to_approx(into);
		if (!from->approx) {
			exact_runs(from, into, feed_run);
		} else {
			flush_sample(from);
			for (int h = 0; h < from->nlevels; h++)
				push(into, h, from->lv[h], from->lvn[h]);
		}
	}
	cairn__qsketch_release(from);
}

/* --- summaries ----------------------------------------------------------- */

void cairn__qsketch_summary(struct cairn__qsketch *q, struct cairn__qsummary *out)
{
	double *v, *tv;
	uint64_t *w, *tw;
	size_t k = 0;

	memset(out, 0, sizeof(*out));
	if (!q->approx) {
		size_t n = 0;
		k = exact_count(q);
		out->v = cairn_xmalloc((k ? k : 1) * sizeof(double));
		for (uint32_t c = 0; c < q->nchunks; c++, n += CAIRN__QS_CHUNK)
			memcpy(out->v + n, q->chunk[c], CAIRN__QS_CHUNK * sizeof(double));
		if (q->nbuf)
			memcpy(out->v + n, q->buf, q->nbuf * sizeof(double));
		cairn__sort_doubles(out->v, k);
		out->k = k;
		out->total = k;
		return;
	}
	flush_sample(q);
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

void cairn__qsummary_counts(struct cairn__qsummary *out, double *v, uint64_t *w, size_t k)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 1; i < k; i++)
		w[i] += w[i - 1];
	out->v = v;
	out->cum = w;
	out->k = k;
	out->total = k ? w[k - 1] : 0;
}

void cairn__qsummary_release(struct cairn__qsummary *s)
{
	free(s->v);
	free(s->cum);
	memset(s, 0, sizeof(*s));
}

/* The value at 0-based position pos of the weighted sequence. */
static double qsummary_at(const struct cairn__qsummary *s, uint64_t pos)
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
	a = qsummary_at(s, i);
	if (frac <= 0 || i + 1 >= s->total)
		return a;
	b = qsummary_at(s, i + 1);
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
