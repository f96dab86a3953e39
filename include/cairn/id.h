/*
 * Time-sortable identifiers for runs and other records.
 *
 * An id is 26 lower-case Crockford base32 characters: 48 bits of Unix time in
 * milliseconds followed by 80 random bits (the ULID layout). Ids made later
 * sort later as strings; ids made in the same millisecond by one process still
 * sort in creation order. Thread-safe.
 */
#ifndef CAIRN_ID_H
#define CAIRN_ID_H

#include <stdint.h>
#include "cairn/common.h"

CAIRN_BEGIN_DECLS

#define CAIRN_ID_LEN 26

void cairn_id_new(char out[CAIRN_ID_LEN + 1]);
/* 1 when s is a well-formed id. */
int cairn_id_valid(const char *s);
/* The millisecond timestamp inside a valid id. */
int64_t cairn_id_time_ms(const char *id);

/* Milliseconds since the Unix epoch. */
int64_t cairn_now_ms(void);
/* Formats ms as RFC 3339 UTC with milliseconds: 2026-11-26T06:49:39.123Z. */
void cairn_format_time(int64_t ms, char out[32]);

CAIRN_END_DECLS

#endif
