/* String interning with open addressing; see src/core/strmap.h. */
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "core/strmap.h"

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

uint64_t cairn_hash_bytes(const void *p, size_t len, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h = seed ^ (len * 0x9e3779b97f4a7c15ULL);

	while (len >= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ mix(w)) * 0x9e3779b97f4a7c15ULL;
		s += 8;
		len -= 8;
	}
	if (len) {
		uint64_t w = 0;
		memcpy(&w, s, len);
		h = (h ^ mix(w ^ len)) * 0x9e3779b97f4a7c15ULL;
	}
	return mix(h);
}

void cairn_strmap_init(struct cairn_strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void cairn_strmap_release(struct cairn_strmap *m)
{
	for (uint32_t i = 0; i < m->n; i++)
		free(m->keys ? m->keys[i] : NULL);
	free(m->keys);
	free(m->lens);
	free(m->hashes);
	free(m->slots);
	cairn_strmap_init(m);
}

static void rehash(struct cairn_strmap *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	uint32_t *slots = cairn_xcalloc(cap, sizeof(*slots));

	for (uint32_t code = 0; code < m->n; code++) {
		size_t i = (size_t)m->hashes[code] & (cap - 1);
		while (slots[i])
			i = (i + 1) & (cap - 1);
		slots[i] = code + 1;
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
}

static int64_t lookup(const struct cairn_strmap *m, const char *s, size_t len,
		      uint64_t h, size_t *slot)
{
	size_t i;

	if (!m->cap) {
		*slot = 0;
		return -1;
	}
	for (i = (size_t)h & (m->cap - 1); m->slots[i]; i = (i + 1) & (m->cap - 1)) {
		uint32_t code = m->slots[i] - 1;
		if (m->hashes[code] == h && m->lens[code] == len &&
		    !memcmp(m->keys[code], s, len))
			return code;
	}
	*slot = i;
	return -1;
}

int64_t cairn_strmap_find(const struct cairn_strmap *m, const char *s, size_t len)
{
	size_t slot;
	return lookup(m, s, len, cairn_hash_bytes(s, len, 0), &slot);
}

uint32_t cairn_strmap_intern(struct cairn_strmap *m, const char *s, size_t len, int *is_new)
{
	uint64_t h = cairn_hash_bytes(s, len, 0);
	size_t slot;
	int64_t code = lookup(m, s, len, h, &slot);

	if (is_new)
		*is_new = code < 0;
	if (code >= 0)
		return (uint32_t)code;
	if ((size_t)(m->n + 1) * 4 > m->cap * 3) {
		rehash(m);
		lookup(m, s, len, h, &slot);
	}
	if (m->n == m->keys_cap) {
		m->keys_cap = m->keys_cap ? m->keys_cap * 2 : 32;
		m->keys = cairn_xrealloc(m->keys, sizeof(*m->keys) * m->keys_cap);
		m->lens = cairn_xrealloc(m->lens, sizeof(*m->lens) * m->keys_cap);
		m->hashes = cairn_xrealloc(m->hashes, sizeof(*m->hashes) * m->keys_cap);
	}
	m->keys[m->n] = cairn_xstrndup(s, len);
	m->lens[m->n] = len;
	m->hashes[m->n] = h;
	m->slots[slot] = m->n + 1;
	return m->n++;
}

char **cairn_strmap_detach_keys(struct cairn_strmap *m, uint32_t *n)
{
	char **keys = m->keys;
	*n = m->n;
	m->keys = NULL;
	m->n = 0;
	cairn_strmap_release(m);
	return keys;
}
