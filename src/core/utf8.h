/* UTF-8 validation (RFC 3629: no overlongs, no surrogates, at most U+10FFFF). */
#ifndef CAIRN_CORE_UTF8_H
#define CAIRN_CORE_UTF8_H

#include <stddef.h>

/* 1 when s[0..len) is valid UTF-8; else 0 with *bad set to the offset of the
 * first byte of the first invalid sequence. */
int cairn_utf8_valid(const char *s, size_t len, size_t *bad);

#endif
