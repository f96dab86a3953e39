/*
 * A string interner: maps each distinct string to a small integer code, in
 * order of first appearance, with the strings kept for lookup by code. Used
 * for dictionary-encoded columns and category counts. Not thread-safe.
 */
#ifndef CAIRN_CORE_STRMAP_H
#define CAIRN_CORE_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct cairn_strmap {
	uint32_t *slots;   /* code + 1, or 0 for an empty slot */
	uint64_t *hashes;  /* per code */
	size_t cap;        /* slots (a power of two) */
	char **keys;       /* per code, NUL-terminated */
	size_t *lens;
	uint32_t n;
	size_t keys_cap;
};

void cairn_strmap_init(struct cairn_strmap *m);
void cairn_strmap_release(struct cairn_strmap *m);
/* The code of s[0..len), adding it when new (*is_new set when not NULL). */
uint32_t cairn_strmap_intern(struct cairn_strmap *m, const char *s, size_t len, int *is_new);
/* The code of s[0..len), or -1 when absent. */
int64_t cairn_strmap_find(const struct cairn_strmap *m, const char *s, size_t len);
/* Hands the keys array (n entries) to the caller and empties the map. */
char **cairn_strmap_detach_keys(struct cairn_strmap *m, uint32_t *n);

/* A fast 64-bit hash of a byte string (not cryptographic). */
uint64_t cairn_hash_bytes(const void *p, size_t len, uint64_t seed);

#endif
