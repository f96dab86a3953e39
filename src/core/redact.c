/* Credentials out of URLs and connection strings; see src/core/redact.h. */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include "core/redact.h"

static int is_secret_key(const char *key, size_t len)
{
	return (len == 8 && !strncasecmp(key, "password", 8)) ||
	       (len == 11 && !strncasecmp(key, "sslpassword", 11));
}

/* A URL: the user information goes, and so do secret query parameters. */
static void redact_url(const char *url, const char *scheme_end, cairn_buf *out)
{
	const char *auth = scheme_end + 3, *end = auth + strcspn(auth, "/?#"), *at = NULL;
	const char *q, *p;
	int first = 1;

	for (p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	cairn_buf_add(out, url, (size_t)(auth - url));
	p = at ? at + 1 : auth;
	q = strchr(p, '?');
	if (!q) {
		cairn_buf_adds(out, p);
		return;
	}
	cairn_buf_add(out, p, (size_t)(q - p));
	for (p = q + 1; *p && *p != '#'; ) {
		size_t n = strcspn(p, "&#");
		size_t klen = strcspn(p, "=&#");

		if (!is_secret_key(p, klen < n ? klen : n)) {
			cairn_buf_addch(out, first ? '?' : '&');
			cairn_buf_add(out, p, n);
			first = 0;
		}
		p += n;
		if (*p == '&')
			p++;
	}
	cairn_buf_adds(out, p);
}

/* The end of a key-value connection string's value starting at p (quoted
 * with '...' and backslash escapes, or up to the next blank). */
static const char *value_end(const char *p)
{
	if (*p == '\'') {
		for (p++; *p && *p != '\''; p++)
			if (*p == '\\' && p[1])
				p++;
		return *p ? p + 1 : p;
	}
	for (; *p && !isspace((unsigned char)*p); p++)
		if (*p == '\\' && p[1])
			p++;
	return p;
}

/* A libpq key-value string; 0 (nothing appended) when s is not one. */
static int redact_keyvalue(const char *s, cairn_buf *out)
{
	cairn_buf kept = CAIRN_BUF_INIT;
	const char *p = s;

	while (*p) {
		const char *key, *start;
		size_t klen;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		start = key = p;
		while (isalnum((unsigned char)*p) || *p == '_')
			p++;
		klen = (size_t)(p - key);
		while (isspace((unsigned char)*p))
			p++;
		if (!klen || *p != '=') {
			cairn_buf_release(&kept);
			return 0;
		}
		p++;
		while (isspace((unsigned char)*p))
			p++;
		p = value_end(p);
		if (is_secret_key(key, klen))
			continue;
		if (kept.len)
			cairn_buf_addch(&kept, ' ');
		cairn_buf_add(&kept, start, (size_t)(p - start));
	}
	cairn_buf_add(out, kept.buf, kept.len);
	cairn_buf_release(&kept);
	return 1;
}

void cairn__redact_credentials(const char *s, cairn_buf *out)
{
	const char *scheme_end = strstr(s, "://");

	if (scheme_end && scheme_end > s && !memchr(s, '/', (size_t)(scheme_end - s)) &&
	    !memchr(s, '=', (size_t)(scheme_end - s))) {
		redact_url(s, scheme_end, out);
		return;
	}
	if (strchr(s, '=') && redact_keyvalue(s, out))
		return;
	cairn_buf_adds(out, s);
}
