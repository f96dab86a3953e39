/* SpaceSaving heavy hitters; see src/data/topk.h. */
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "data/topk.h"

#define NSLOTS (4 * CAIRN__TOPK_CAP)
#define MASK (NSLOTS - 1)

struct cairn__topk *cairn__topk_new(void)
{
	return cairn_xcalloc(1, sizeof(struct cairn__topk));
}

void cairn__topk_free(struct cairn__topk *t)
{
	if (!t)
		return;
	for (uint32_t i = 0; i < t->n; i++)
		free(t->items[i].key);
	free(t);
}

static uint64_t count_at(const struct cairn__topk *t, uint32_t pos)
{
	return t->items[t->heap[pos]].count;
}

static void heap_set(struct cairn__topk *t, uint32_t pos, uint32_t item)
{
	t->heap[pos] = item;
	t->items[item].heap = pos;
}

static void sift_up(struct cairn__topk *t, uint32_t pos)
{
	uint32_t item = t->heap[pos];
	uint64_t c = t->items[item].count;

	while (pos) {
		uint32_t parent = (pos - 1) / 2;
		if (count_at(t, parent) <= c)
			break;
		heap_set(t, pos, t->heap[parent]);
		pos = parent;
	}
	heap_set(t, pos, item);
}

static void sift_down(struct cairn__topk *t, uint32_t pos)
{
	uint32_t item = t->heap[pos];
	uint64_t c = t->items[item].count;

	for (;;) {
		uint32_t child = 2 * pos + 1;
		if (child >= t->n)
			break;
		if (child + 1 < t->n && count_at(t, child + 1) < count_at(t, child))
			child++;
		if (count_at(t, child) >= c)
			break;
		heap_set(t, pos, t->heap[child]);
		pos = child;
	}
	heap_set(t, pos, item);
}

/* The slot holding s, or the empty slot where it would go (*found tells). */
static uint32_t find(const struct cairn__topk *t, const char *s, size_t len, uint64_t hash,
		     int *found)
{
	uint32_t i = (uint32_t)hash & MASK;

	for (; t->slots[i]; i = (i + 1) & MASK) {
		const struct cairn__topk_item *it = &t->items[t->slots[i] - 1];
		if (it->hash == hash && it->len == len && !memcmp(it->key, s, len)) {
			*found = 1;
			return i;
		}
	}
	*found = 0;
	return i;
}

/* Removes the slot i by shifting later entries of its probe run back. */
static void unslot(struct cairn__topk *t, uint32_t i)
{
	uint32_t j = i;

	for (;;) {
		uint32_t home;
		j = (j + 1) & MASK;
		if (!t->slots[j])
			break;
		home = (uint32_t)t->items[t->slots[j] - 1].hash & MASK;
		/* Move j back to i unless its home lies cyclically in (i, j]. */
		if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
			t->slots[i] = t->slots[j];
			i = j;
		}
	}
	t->slots[i] = 0;
}

static void set_key(struct cairn__topk_item *it, const char *s, size_t len, uint64_t hash)
{
	if (!it->key || it->len < len)
		it->key = cairn_xrealloc(it->key, len + 1);
	memcpy(it->key, s, len);
	it->key[len] = '\0';
	it->len = len;
	it->hash = hash;
}

void cairn__topk_add(struct cairn__topk *t, const char *s, size_t len, uint64_t hash,
		     uint64_t weight)
{
	int found;
	uint32_t slot = find(t, s, len, hash, &found), item;

	if (found) {
		item = t->slots[slot] - 1;
		t->items[item].count += weight;
		sift_down(t, t->items[item].heap);
		return;
	}
	if (t->n < CAIRN__TOPK_CAP) {
		item = t->n++;
		set_key(&t->items[item], s, len, hash);
		t->items[item].count = weight;
		t->slots[slot] = item + 1;
		heap_set(t, item, item);
		sift_up(t, item);
		return;
	}
	/* Not monitored: it takes the place (and the count) of the least counted. */
	item = t->heap[0];
	{
		int f;
		uint32_t old = find(t, t->items[item].key, t->items[item].len, t->items[item].hash, &f);
		unslot(t, old);
	}
	set_key(&t->items[item], s, len, hash);
	t->items[item].count += weight;
	slot = find(t, s, len, hash, &found);
	t->slots[slot] = item + 1;
	sift_down(t, 0);
}

static int by_count(const void *a, const void *b)
{
	const struct cairn__topk_item *x = *(const struct cairn__topk_item *const *)a;
	const struct cairn__topk_item *y = *(const struct cairn__topk_item *const *)b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	c = memcmp(x->key, y->key, n);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

const struct cairn__topk_item **cairn__topk_sorted(const struct cairn__topk *t, uint32_t *n)
{
	const struct cairn__topk_item **v = cairn_xmalloc((t->n ? t->n : 1) * sizeof(*v));

	for (uint32_t i = 0; i < t->n; i++)
		v[i] = &t->items[i];
	qsort(v, t->n, sizeof(*v), by_count);
	*n = t->n;
	return v;
}

void cairn__topk_merge(struct cairn__topk *into, const struct cairn__topk *from)
{
	uint32_t n;
	const struct cairn__topk_item **v = cairn__topk_sorted(from, &n);

	for (uint32_t i = 0; i < n; i++)
		cairn__topk_add(into, v[i]->key, v[i]->len, v[i]->hash, v[i]->count);
	free(v);
}
