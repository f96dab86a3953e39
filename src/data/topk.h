/*
 * Heavy hitters (the most frequent values) of a column with too many distinct
 * values to count them all: the SpaceSaving algorithm (Metwally, Agrawal and
 * El Abbadi, 2005) with CAIRN__TOPK_CAP counters.
 *
 * A value not monitored replaces the one with the smallest count and inherits
 * that count as its possible overcount, so every count is an upper bound that
 * exceeds the true count by at most N / CAIRN__TOPK_CAP, and every value more
 * frequent than that is monitored. Adding is a hash lookup and a sift in a
 * min-heap. Merging adds the other summary's counters as weighted updates in
 * a fixed order, so the result is a deterministic function of the inputs and
 * the merge order (Agarwal et al., "Mergeable summaries", 2012).
 *
 * Values are byte strings; callers pass their hash (the same hash function for
 * every call on one summary). Not thread-safe.
 */
#ifndef CAIRN_DATA_TOPK_H
#define CAIRN_DATA_TOPK_H

#include <stddef.h>
#include <stdint.h>

#define CAIRN__TOPK_CAP 1024

struct cairn__topk_item {
	char *key;           /* NUL-terminated */
	size_t len;
	uint64_t hash;
	uint64_t count;      /* an upper bound of the true count */
	uint32_t heap;       /* position in the heap */
};

struct cairn__topk {
	struct cairn__topk_item items[CAIRN__TOPK_CAP];
	uint32_t heap[CAIRN__TOPK_CAP];      /* item indices, a min-heap on count */
	uint32_t slots[4 * CAIRN__TOPK_CAP]; /* item index + 1, 0 when empty */
	uint32_t n;
};

struct cairn__topk *cairn__topk_new(void);
void cairn__topk_free(struct cairn__topk *t);
/* Counts weight more occurrences of s[0..len). */
void cairn__topk_add(struct cairn__topk *t, const char *s, size_t len, uint64_t hash,
		     uint64_t weight);
/* Adds from's counters to into (from is unchanged). */
void cairn__topk_merge(struct cairn__topk *into, const struct cairn__topk *from);
/* The monitored items ordered by descending count, then ascending key (a new
 * array of pointers into t, valid until t changes; free() it). */
const struct cairn__topk_item **cairn__topk_sorted(const struct cairn__topk *t, uint32_t *n);

#endif
