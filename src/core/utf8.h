/* UTF-8 validation (RFC 3629: no overlongs, no surrogates, at most U+10FFFF),
 * and copying characters through it. */
#ifndef CAIRN_CORE_UTF8_H
#define CAIRN_CORE_UTF8_H

#include <stddef.h>
#include "cairn/buf.h"

/* 1 when s[0..len) is valid UTF-8; else 0 with *bad set to the offset of the
 * first byte of the first invalid sequence. */
int cairn_utf8_valid(const char *s, size_t len, size_t *bad);

/* Appends the character that starts at s (NUL-terminated, *s not NUL) to
 * out as it is, or U+FFFD for a byte that starts no valid UTF-8 sequence (a
 * NUL ends a sequence early and makes it bad); returns the bytes read. For
 * writers that must keep their output valid UTF-8. */
size_t cairn_utf8_add_char(cairn_buf *out, const char *s);

#endif
