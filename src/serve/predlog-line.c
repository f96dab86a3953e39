/* The prediction log's record as one JSON line, written straight into the
 * output buffer (no json_t per field or value): the bytes cairn_json_append
 * makes of the same record built with jansson, which the unit test checks;
 * see predlog.h. */
#include <math.h>
#include <string.h>
#include "core/json.h"
#include "serve/predlog.h"

/* What jansson takes for UTF-8 (utf8_check_string): no overlong form, no
 * surrogate, nothing above U+10FFFF. */
static int utf8_ok(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char u = s[i];
		size_t n;
		unsigned v;

		if (u < 0x80)
			continue;
		if (u >= 0xc2 && u <= 0xdf)
			n = 2, v = u & 0x1f;
		else if (u >= 0xe0 && u <= 0xef)
			n = 3, v = u & 0x0f;
		else if (u >= 0xf0 && u <= 0xf4)
			n = 4, v = u & 0x07;
		else
			return 0;
		if (n > len - i)
			return 0;
		for (size_t k = 1; k < n; k++) {
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return 0;
			v = (v << 6) | (s[i + k] & 0x3f);
		}
		if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) ||
		    (n == 3 && v < 0x800) || (n == 4 && v < 0x10000))
			return 0;
		i += n - 1;
	}
	return 1;
}

int cairn__predlog_string(cairn_buf *out, const char *s)
{
	size_t len = strlen(s);

	if (!utf8_ok((const unsigned char *)s, len))
		return 0;
	cairn_json_append_string(out, s, len);
	return 1;
}

/* ,"key": before a field (the line's first has no comma); the key is one of
 * ours, plain ASCII. */
static void key(cairn_buf *out, const char *k)
{
	if (out->buf[out->len - 1] != '{')
		cairn_buf_addch(out, ',');
	cairn_buf_addch(out, '"');
	cairn_buf_adds(out, k);
	cairn_buf_adds(out, "\":");
}

/* A string field; left out, as jansson does, when value is not UTF-8. */
static void string_field(cairn_buf *out, const char *k, const char *value)
{
	size_t at = out->len;

	key(out, k);
	if (!cairn__predlog_string(out, value))
		cairn_buf_setlen(out, at);
}

static void value_field(cairn_buf *out, const char *k, json_t *value,
			cairn__predlog_value_fn *fn, const struct cairn__predlog_values *values)
{
	key(out, k);
	if (fn)
		fn(values->arg, out);
	else
		cairn_json_append(out, value, 0);
}

void cairn__predlog_record_line(const struct cairn__predlog_record *r, cairn_buf *out)
{
	cairn__predlog_record_write(r, NULL, out);
}

void cairn__predlog_record_write(const struct cairn__predlog_record *r,
				 const struct cairn__predlog_values *values, cairn_buf *out)
{
	char when[32];

	cairn_format_time(r->time_ms, when);
	/* The keys in cairn_json_append's (sorted) order. */
	cairn_buf_addch(out, '{');
	if (r->deployment)
		string_field(out, "deployment", r->deployment);
	string_field(out, "id", r->request_id ? r->request_id : "");
	value_field(out, "inputs", r->inputs, values ? values->inputs : NULL, values);
	if (isfinite(r->latency_s)) {
		key(out, "latency_s");
		cairn_json_append_real(out, r->latency_s);
	}
	string_field(out, "model", r->model ? r->model : "");
	value_field(out, "outputs", r->outputs, values ? values->outputs : NULL, values);
	string_field(out, "protocol", r->protocol ? r->protocol : "");
	if (r->shadow) {
		key(out, "shadow");
		cairn_buf_adds(out, "true");
	}
	key(out, "status");
	cairn_buf_addf(out, "%d", r->status);
	string_field(out, "time", when);
	key(out, "time_ms");
	cairn_buf_addf(out, "%lld", (long long)r->time_ms);
	string_field(out, "version", r->version ? r->version : "");
	cairn_buf_adds(out, "}\n");
}
