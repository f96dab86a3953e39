/* Reading UBJSON into a jansson value, every count checked against the
 * input; see ml/ubjson.h. */
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "cairn/error.h"
#include "ml/ubjson.h"

#define MAX_DEPTH 64

struct reader {
	cairn_ctx *ctx;
	const char *what;
	const unsigned char *p;
	size_t len, pos;
	int failed;
};

static json_t *fail(struct reader *r, const char *problem)
{
	if (!r->failed)
		cairn_error(r->ctx, CAIRN_EPARSE, "cannot parse '%s' (UBJSON) at byte %zu: %s",
			    r->what, r->pos, problem);
	r->failed = 1;
	return NULL;
}

static int need(struct reader *r, size_t n)
{
	if (r->len - r->pos < n) {
		fail(r, "the data ends early");
		return -1;
	}
	return 0;
}

static uint64_t big_endian(const unsigned char *p, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* The payload size of a fixed-size type, or 0. */
static size_t fixed_size(int type)
{
	switch (type) {
	case 'i': case 'U': case 'C': return 1;
	case 'I': return 2;
	case 'l': case 'd': return 4;
	case 'L': case 'D': return 8;
	default: return 0;
	}
}

/* A number of a fixed-size type as an integer (floats are not counts). */
static int read_int(struct reader *r, int type, int64_t *out)
{
	size_t n = fixed_size(type);
	uint64_t v;

	if (!n || type == 'd' || type == 'D' || type == 'C') {
		fail(r, "expected an integer type");
		return -1;
	}
	if (need(r, n))
		return -1;
	v = big_endian(r->p + r->pos, n);
	r->pos += n;
	if (type == 'U')
		*out = (int64_t)v;
	else if (n == 8)
		*out = (int64_t)v;
	else if (v >> (8 * n - 1))
		*out = (int64_t)(v | ~(uint64_t)0 << (8 * n));
	else
		*out = (int64_t)v;
	return 0;
}

/* A length or count: an integer marker, then a value in [0, left]. */
static int read_count(struct reader *r, size_t unit, size_t *out)
{
	size_t at = r->pos;
	int64_t v;

	if (need(r, 1) || read_int(r, r->p[r->pos++], &v))
		return -1;
	if (v < 0 || (uint64_t)v > (r->len - r->pos) / (unit ? unit : 1)) {
		r->pos = at;
		fail(r, "a length or count larger than the data left");
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

static json_t *read_value(struct reader *r, int type, int depth);

static json_t *read_string(struct reader *r)
{
	size_t n;
	json_t *s;

	if (read_count(r, 1, &n))
		return NULL;
	if (memchr(r->p + r->pos, 0, n))
		return fail(r, "a string holds a NUL byte");
	if (!(s = json_stringn((const char *)r->p + r->pos, n)))
		return fail(r, "a string is not valid UTF-8");
	r->pos += n;
	return s;
}

static json_t *read_number(struct reader *r, int type)
{
	size_t n = fixed_size(type);
	uint64_t bits;
	double d;

	if (type == 'd' || type == 'D') {
		if (need(r, n))
			return NULL;
		bits = big_endian(r->p + r->pos, n);
		r->pos += n;
		if (type == 'd') {
			uint32_t b32 = (uint32_t)bits;
			float f;
			memcpy(&f, &b32, sizeof(f));
			d = f;
		} else
			memcpy(&d, &bits, sizeof(d));
		/* JSON has no NaN or infinity: null stands for them. */
		return isfinite(d) ? json_real(d) : json_null();
	}
	if (type == 'C') {
		if (need(r, 1))
			return NULL;
		return json_stringn((const char *)r->p + r->pos++, 1);
	}
	{
		int64_t v;
		if (read_int(r, type, &v))
			return NULL;
		return json_integer(v);
	}
}

/* After '[' or '{': an optional "$type", then an optional "#count". */
static int read_container_header(struct reader *r, int *type, size_t *count, int *counted)
{
	*type = 0;
	*counted = 0;
	if (r->pos < r->len && r->p[r->pos] == '$') {
		r->pos++;
		if (need(r, 1))
			return -1;
		*type = r->p[r->pos++];
		if (r->pos >= r->len || r->p[r->pos] != '#') {
			fail(r, "a typed container without a count");
			return -1;
		}
	}
	if (r->pos < r->len && r->p[r->pos] == '#') {
		size_t unit = *type ? fixed_size(*type) : 1;
		r->pos++;
		if (read_count(r, unit ? unit : 1, count))
			return -1;
		*counted = 1;
	}
	return 0;
}

/* After '[' or '{': the items, or the key and value pairs, up to the count
 * or the closing bracket; "N" (no-op) between array items is skipped. */
static json_t *read_container(struct reader *r, int depth, int object)
{
	json_t *c = object ? json_object() : json_array(), *k = NULL, *e;
	size_t count = 0;
	int type, counted;

	if (read_container_header(r, &type, &count, &counted))
		goto fail;
	for (size_t i = 0; !counted || i < count; i++) {
		int t = type;
		if (!counted) {
			if (need(r, 1))
				goto fail;
			if (r->p[r->pos] == (object ? '}' : ']')) {
				r->pos++;
				break;
			}
		}
		if (object && !(k = read_string(r)))
			goto fail;
		if (k && json_object_get(c, json_string_value(k))) {
			fail(r, "a key appears twice in an object");
			goto fail;
		}
		if (!t) {
			if (need(r, 1))
				goto fail;
			t = r->p[r->pos++];
			if (t == 'N' && !object) {
				i--;
				continue;
			}
		}
		if (!(e = read_value(r, t, depth + 1)))
			goto fail;
		if (object) {
			json_object_set_new(c, json_string_value(k), e);
			json_decref(k);
			k = NULL;
		} else
			json_array_append_new(c, e);
	}
	return c;
fail:
	json_decref(k);
	json_decref(c);
	return NULL;
}

static json_t *read_value(struct reader *r, int type, int depth)
{
	if (depth > MAX_DEPTH)
		return fail(r, "nesting deeper than 64");
	switch (type) {
	case '{': return read_container(r, depth, 1);
	case '[': return read_container(r, depth, 0);
	case 'S': return read_string(r);
	case 'T': return json_true();
	case 'F': return json_false();
	case 'Z': return json_null();
	case 'H': return fail(r, "a high-precision number");
	default:
		if (fixed_size(type))
			return read_number(r, type);
		return fail(r, "an unknown type marker");
	}
}

int cairn__ubjson_load(cairn_ctx *ctx, const char *what, const void *p, size_t len,
		       json_t **out)
{
	struct reader r = { ctx, what, p, len, 0, 0 };
	json_t *v;

	if (!len) {
		fail(&r, "no data");
		return CAIRN_EPARSE;
	}
	r.pos = 1;
	if (!(v = read_value(&r, r.p[0], 0)))
		return CAIRN_EPARSE;
	if (r.pos != len) {
		json_decref(v);
		fail(&r, "data after the value");
		return CAIRN_EPARSE;
	}
	*out = v;
	return 0;
}
