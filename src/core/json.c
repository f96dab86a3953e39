/* JSON reading and writing over jansson; see include/cairn/json.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "core/format.h"
#include "core/fs.h"
#include "core/json.h"

int cairn_json_load_text(cairn_ctx *ctx, const char *what, const char *text,
			 size_t len, json_t **out)
{
	json_error_t err;
	json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);

	if (!v)
		return cairn_error(ctx, CAIRN_EPARSE, "cannot parse '%s' line %d column %d: %s",
				   what, err.line, err.column, err.text);
	*out = v;
	return 0;
}

int cairn_json_load_file(cairn_ctx *ctx, const char *path, json_t **out)
{
	cairn_buf b = CAIRN_BUF_INIT;
	int rc = cairn_read_file(ctx, path, &b);

	if (!rc)
		rc = cairn_json_load_text(ctx, path, b.buf, b.len, out);
	cairn_buf_release(&b);
	return rc;
}

void cairn_json_append_string(cairn_buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";

	cairn_buf_addch(b, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': cairn_buf_adds(b, "\\\""); break;
		case '\\': cairn_buf_adds(b, "\\\\"); break;
		case '\n': cairn_buf_adds(b, "\\n"); break;
		case '\r': cairn_buf_adds(b, "\\r"); break;
		case '\t': cairn_buf_adds(b, "\\t"); break;
		case '\b': cairn_buf_adds(b, "\\b"); break;
		case '\f': cairn_buf_adds(b, "\\f"); break;
		default:
			/* Every control character, DEL and the C1 controls
			 * (U+0080..U+009F, UTF-8 C2 80..C2 9F) too, so that
			 * JSON shown on a terminal cannot drive it. */
			if (c == 0xc2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
			    (unsigned char)s[i + 1] <= 0x9f)
				c = (unsigned char)s[++i];
			else if (c >= 0x80)
				c = 0xff; /* any other byte of UTF-8 text is kept */
			if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
				cairn_buf_adds(b, "\\u00");
				cairn_buf_addch(b, hex[c >> 4]);
				cairn_buf_addch(b, hex[c & 15]);
			} else {
				cairn_buf_addch(b, s[i]);
			}
		}
	}
	cairn_buf_addch(b, '"');
}

void cairn_json_append_real(cairn_buf *b, double d)
{
	char num[32];
	size_t n;

	if (!isfinite(d)) {
		cairn_buf_adds(b, "null"); /* JSON has no NaN or infinity */
		return;
	}
	n = cairn_format_double(d, num);
	cairn_buf_add(b, num, n);
	/* Keep it a real when read back: "2" would be an integer. */
	if (!memchr(num, '.', n) && !memchr(num, 'e', n))
		cairn_buf_adds(b, ".0");
}

static void newline(cairn_buf *b, int pretty, int depth)
{
	if (!pretty)
		return;
	cairn_buf_addch(b, '\n');
	for (int i = 0; i < depth; i++)
		cairn_buf_adds(b, "  ");
}

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void append_value(cairn_buf *b, const json_t *v, int pretty, int depth)
{
	size_t n, i;

	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char **keys;
		const char *key;
		json_t *val;
		n = json_object_size(v);
		if (!n) {
			cairn_buf_adds(b, "{}");
			return;
		}
		keys = cairn_xmalloc(n * sizeof(*keys));
		i = 0;
		json_object_foreach((json_t *)v, key, val)
			keys[i++] = key;
		qsort(keys, n, sizeof(*keys), cmp_keys);
		cairn_buf_addch(b, '{');
		for (i = 0; i < n; i++) {
			if (i)
				cairn_buf_addch(b, ',');
			newline(b, pretty, depth + 1);
			cairn_json_append_string(b, keys[i], strlen(keys[i]));
			cairn_buf_adds(b, pretty ? ": " : ":");
			append_value(b, json_object_get(v, keys[i]), pretty, depth + 1);
		}
		newline(b, pretty, depth);
		cairn_buf_addch(b, '}');
		free(keys);
		return;
	}
	case JSON_ARRAY:
		n = json_array_size(v);
		if (!n) {
			cairn_buf_adds(b, "[]");
			return;
		}
		cairn_buf_addch(b, '[');
		for (i = 0; i < n; i++) {
			if (i)
				cairn_buf_addch(b, ',');
			newline(b, pretty, depth + 1);
			append_value(b, json_array_get(v, i), pretty, depth + 1);
		}
		newline(b, pretty, depth);
		cairn_buf_addch(b, ']');
		return;
	case JSON_STRING:
		cairn_json_append_string(b, json_string_value(v), json_string_length(v));
		return;
	case JSON_INTEGER:
		cairn_buf_addf(b, "%lld", (long long)json_integer_value(v));
		return;
	case JSON_REAL:
		cairn_json_append_real(b, json_real_value(v));
		return;
	case JSON_TRUE:
		cairn_buf_adds(b, "true");
		return;
	case JSON_FALSE:
		cairn_buf_adds(b, "false");
		return;
	default:
		cairn_buf_adds(b, "null");
	}
}

void cairn_json_append(cairn_buf *b, const json_t *v, int pretty)
{
	if (!v)
		cairn_buf_adds(b, "null");
	else
		append_value(b, v, pretty, 0);
}

int cairn_json_print(FILE *f, const json_t *v, int pretty)
{
	cairn_buf b = CAIRN_BUF_INIT;
	int rc;

	cairn_json_append(&b, v, pretty);
	cairn_buf_addch(&b, '\n');
	rc = fwrite(b.buf, 1, b.len, f) == b.len ? 0 : -1;
	cairn_buf_release(&b);
	return rc;
}
