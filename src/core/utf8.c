/* UTF-8 validation; see src/data/utf8.h. */
#include <string.h>
#include "core/utf8.h"

int cairn_utf8_valid(const char *str, size_t len, size_t *bad)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i];
		size_t n;
		unsigned lo = 0x80, hi = 0xbf;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			if (c == 0xe0)
				lo = 0xa0; /* no overlongs */
			else if (c == 0xed)
				hi = 0x9f; /* no surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f; /* at most U+10FFFF */
		} else {
			*bad = i;
			return 0;
		}
		if (i + n >= len) { /* truncated sequence */
			*bad = i;
			return 0;
		}
		if (s[i + 1] < lo || s[i + 1] > hi) {
			*bad = i;
			return 0;
		}
		for (size_t k = 2; k <= n; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf) {
				*bad = i;
				return 0;
			}
		i += n + 1;
	}
	return 1;
}

size_t cairn_utf8_add_char(cairn_buf *out, const char *s)
{
	unsigned char c = (unsigned char)*s;
	size_t len = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2, bad;

	if (strnlen(s, len) == len && cairn_utf8_valid(s, len, &bad)) {
		cairn_buf_add(out, s, len);
		return len;
	}
	cairn_buf_adds(out, "\xef\xbf\xbd");
	return 1;
}
