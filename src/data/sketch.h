/*
 * A mergeable quantile sketch for one numeric profile column.
 *
 * Up to CAIRN_PROFILE_EXACT_ROWS values it keeps every value, so quantiles
 * and histograms are exact (and the same whatever the split). Beyond, it is a
 * hierarchy of compactors (a value at level h stands for 2^h values; each
 * level is kept sorted; a level that reaches CAIRN__QS_CAP values moves every
 * other value, alternately the odd and the even ones, up a level) fed by a
 * stratified sampler: the stream is cut into phases of CAIRN__QS_PHASE
 * groups, groups of 2^s values in phase s, and one value drawn at random from
 * each group enters at level s. Dropping a value costs a decrement, so adding
 * is O(1) amortized however long the column. The values kept by the sampler
 * are sorted once, CAIRN__QS_CAP at a time, and merged into their level;
 * nothing is sorted twice, so only about CAIRN__QS_PHASE values per doubling
 * of the stream are ever sorted. The rank error is well under 1% (about
 * 0.3/sqrt(CAIRN__QS_PHASE) from sampling plus at most levels/CAP from
 * compaction, usually far less).
 *
 * When the exact buffer overflows, its values are sampled at the rate of the
 * phase the stream has reached (groups of 4 at 100,000 values). A sketch
 * also takes exact counts of distinct values (cairn__qsketch_add_counts),
 * which enter the compactors unsampled.
 *
 * The random draws come from a fixed-seed generator, so a sketch is a
 * deterministic function of its input order and merge order: the same file
 * split the same way gives the same sketch. Different splits give slightly
 * different approximate sketches.
 *
 * Not thread-safe; one sketch per column per thread, merged in stream order.
 */
#ifndef CAIRN_DATA_SKETCH_H
#define CAIRN_DATA_SKETCH_H

#include <stddef.h>
#include <stdint.h>
#include "cairn/profile.h"

#define CAIRN__QS_CAP 4096
#define CAIRN__QS_PHASE 16384
#define CAIRN__QS_LEVELS 64
#define CAIRN__QS_CHUNK 8192 /* the exact values are kept in chunks: no copies as they grow */
#define CAIRN__QS_CHUNKS ((CAIRN_PROFILE_EXACT_ROWS + CAIRN__QS_CHUNK - 1) / CAIRN__QS_CHUNK)

struct cairn__qsketch {
	/* exact: every value, unsorted, in full chunks and then buf */
	double *buf;         /* the chunk being filled */
	uint32_t nbuf, capbuf;
	double *chunk[CAIRN__QS_CHUNKS];
	uint32_t nchunks;    /* full ones, of CAIRN__QS_CHUNK values each */
	int approx;
	/* sampler (approximate) */
	uint64_t skip;       /* values to drop before the next one kept */
	uint64_t after;      /* values of the current group after the kept one */
	uint64_t groups;     /* groups left in this phase, the current one included */
	int s;               /* kept values enter level s (weight 2^s) */
	uint64_t rng;
	uint64_t bits;       /* random bits not used yet, nbits of them */
	int nbits;
	double *sample;      /* values kept at level s, not yet sorted */
	uint32_t nsample;
	/* compactors (approximate), each level sorted ascending */
	int nlevels;
	double *lv[CAIRN__QS_LEVELS];
	uint32_t lvn[CAIRN__QS_LEVELS], lvcap[CAIRN__QS_LEVELS];
	uint8_t parity[CAIRN__QS_LEVELS];
	uint64_t *scratch;   /* radix sort keys, 2 * CAIRN__QS_CAP */
};

/* A sorted, weighted view of a sketch for queries. */
struct cairn__qsummary {
	double *v;           /* ascending */
	uint64_t *cum;       /* cum[i]: weight of v[0..i]; NULL when every weight is 1 */
	size_t k;
	uint64_t total;
	int approx;
};

void cairn__qsketch_init(struct cairn__qsketch *q);
void cairn__qsketch_release(struct cairn__qsketch *q);
void cairn__qsketch_add_slow(struct cairn__qsketch *q, double x);
/* Adds exact counts: v[0..k) ascending finite values, w[i] the count of
 * v[i]. While the sketch stays within CAIRN_PROFILE_EXACT_ROWS values they
 * join the exact ones; beyond, they enter the compactors unsampled, as
 * weighted values, and the sampler moves on past them. */
void cairn__qsketch_add_counts(struct cairn__qsketch *q, const double *v, const uint64_t *w,
			       size_t k);
/* Adds from's values after into's; from is left empty (released). */
void cairn__qsketch_merge(struct cairn__qsketch *into, struct cairn__qsketch *from);

/* Adds a finite value. */
static inline void cairn__qsketch_add(struct cairn__qsketch *q, double x)
{
	if (q->skip) {
		q->skip--;
		return;
	}
	if (q->nbuf < q->capbuf) {
		q->buf[q->nbuf++] = x;
		return;
	}
	cairn__qsketch_add_slow(q, x);
}

/* Builds the summary of q (afterwards q holds the same values, rearranged);
 * release it with cairn__qsummary_release(). */
void cairn__qsketch_summary(struct cairn__qsketch *q, struct cairn__qsummary *out);
/* A summary of exact counts (v[0..k) ascending, w[i] the count of v[i]); it
 * takes v and w, which must come from malloc(). */
void cairn__qsummary_counts(struct cairn__qsummary *out, double *v, uint64_t *w, size_t k);
void cairn__qsummary_release(struct cairn__qsummary *s);
/* The p-quantile (0 <= p <= 1), interpolating linearly between the two
 * closest ranks (numpy's default) over the weighted values. */
double cairn__qsummary_quantile(const struct cairn__qsummary *s, double p);
/* The weight of the values below x. */
uint64_t cairn__qsummary_below(const struct cairn__qsummary *s, double x);

/* Sorts n doubles (no NaN) ascending, -0 before +0. */
void cairn__sort_doubles(double *a, size_t n);

#endif
