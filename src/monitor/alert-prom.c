/* A server's Prometheus metrics for the alert signals: the text exposition
 * parsed line by line, histogram_quantile over buckets, and the GET of
 * /metrics with libcurl; see src/monitor/alerts-internal.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "core/curl-loader.h"
#include "monitor/alerts-internal.h"

#define MAX_LABELS 32

static int is_name_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

static int is_name_char(int c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static int parse_value(const char *s, double *out)
{
	char *end;

	if (!strncmp(s, "+Inf", 4) || !strncmp(s, "Inf", 3)) {
		*out = INFINITY;
		end = (char *)s + (*s == '+' ? 4 : 3);
	} else if (!strncmp(s, "-Inf", 4)) {
		*out = -INFINITY;
		end = (char *)s + 4;
	} else if (!strncmp(s, "NaN", 3)) {
		*out = NAN;
		end = (char *)s + 3;
	} else {
		if (!*s || !(*s == '-' || *s == '+' || *s == '.' || (*s >= '0' && *s <= '9')))
			return -1;
		*out = strtod(s, &end);
		if (end == s)
			return -1;
	}
	end = (char *)skip_blanks(end);
	/* An optional timestamp (milliseconds) follows. */
	if (*end) {
		char *ts_end;
		if (*end == '-')
			end++;
		strtoll(end, &ts_end, 10);
		if (ts_end == end || *skip_blanks(ts_end))
			return -1;
	}
	return 0;
}

/* Parses one sample line (NUL-terminated), unescaped label values into vals;
 * a message into *why on failure. */
static int parse_line(const char *line, cairn_buf *name, cairn_buf *vals, size_t *name_off,
		      size_t *val_off, size_t *nlabels, double *value, const char **why)
{
	const char *p = line;

	cairn_buf_reset(name);
	cairn_buf_reset(vals);
	*nlabels = 0;
	if (!is_name_start((unsigned char)*p))
		return *why = "a metric name must start the line", -1;
	while (is_name_char((unsigned char)*p))
		cairn_buf_addch(name, *p++);
	if (*skip_blanks(p) == '{') {
		p = skip_blanks(p);
		p = skip_blanks(p + 1);
		while (*p != '}') {
			if (*nlabels == MAX_LABELS)
				return *why = "too many labels", -1;
			if (!is_name_start((unsigned char)*p))
				return *why = "a label name expected", -1;
			name_off[*nlabels] = vals->len;
			while (is_name_char((unsigned char)*p))
				cairn_buf_addch(vals, *p++);
			cairn_buf_addch(vals, '\0');
			p = skip_blanks(p);
			if (*p++ != '=')
				return *why = "'=' expected after a label name", -1;
			p = skip_blanks(p);
			if (*p++ != '"')
				return *why = "a label value must be quoted", -1;
			val_off[*nlabels] = vals->len;
			while (*p != '"') {
				if (!*p)
					return *why = "a label value is not closed", -1;
				if (*p == '\\') {
					p++;
					if (*p == 'n')
						cairn_buf_addch(vals, '\n');
					else if (*p == '\\' || *p == '"')
						cairn_buf_addch(vals, *p);
					else
						return *why = "an unknown escape in a label value", -1;
					p++;
				} else {
					cairn_buf_addch(vals, *p++);
				}
			}
			cairn_buf_addch(vals, '\0');
			(*nlabels)++;
			p = skip_blanks(p + 1);
			if (*p == ',')
				p = skip_blanks(p + 1);
			else if (*p != '}')
				return *why = "',' or '}' expected after a label", -1;
		}
		p++;
	}
	if (*p != ' ' && *p != '\t')
		return *why = "a value must follow the name after a space", -1;
	if (parse_value(skip_blanks(p), value))
		return *why = "the value is no number", -1;
	return 0;
}

int cairn__prom_parse(cairn_ctx *ctx, const char *what, const char *text, size_t len,
		      int (*fn)(void *arg, const char *name, const struct cairn__prom_label *labels,
				size_t nlabels, double value),
		      void *arg)
{
	cairn_buf line = CAIRN_BUF_INIT, name = CAIRN_BUF_INIT, vals = CAIRN_BUF_INIT;
	size_t name_off[MAX_LABELS], val_off[MAX_LABELS], nlabels, lineno = 0, i = 0;
	struct cairn__prom_label labels[MAX_LABELS];
	int rc = 0;

	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		const char *why = NULL, *p;
		double value;

		lineno++;
		cairn_buf_reset(&line);
		cairn_buf_add(&line, text + i, end - i);
		i = end + 1;
		if (line.len && line.buf[line.len - 1] == '\r')
			cairn_buf_setlen(&line, line.len - 1);
		if (memchr(line.buf, '\0', line.len)) {
			rc = cairn_error(ctx, CAIRN_EPARSE, "%s line %zu: a NUL byte", what, lineno);
			break;
		}
		p = skip_blanks(line.buf);
		if (!*p || *p == '#')
			continue;
		if (parse_line(p, &name, &vals, name_off, val_off, &nlabels, &value, &why)) {
			rc = cairn_error(ctx, CAIRN_EPARSE, "%s line %zu: %s", what, lineno, why);
			break;
		}
		for (size_t k = 0; k < nlabels; k++) {
			labels[k].name = vals.buf + name_off[k];
			labels[k].value = vals.buf + val_off[k];
		}
		if ((rc = fn(arg, name.buf, labels, nlabels, value)))
			break;
	}
	cairn_buf_release(&line);
	cairn_buf_release(&name);
	cairn_buf_release(&vals);
	return rc;
}

double cairn__histogram_quantile(double q, const struct cairn__prom_bucket *b, size_t n)
{
	double rank, start, count_before, in_bucket;
	size_t i;

	if (n < 2 || !isinf(b[n - 1].le) || b[n - 1].le < 0 || b[n - 1].count <= 0 || isnan(q))
		return NAN;
	if (q < 0)
		return -INFINITY;
	if (q > 1)
		return INFINITY;
	rank = q * b[n - 1].count;
	for (i = 0; i < n - 1 && b[i].count < rank; i++)
		;
	if (i == n - 1)
		return b[n - 2].le;
	if (i == 0 && b[0].le <= 0)
		return b[0].le;
	start = i ? b[i - 1].le : 0;
	count_before = i ? b[i - 1].count : 0;
	in_bucket = b[i].count - count_before;
	if (in_bucket <= 0)
		return b[i].le;
	return start + (b[i].le - start) * ((rank - count_before) / in_bucket);
}

static size_t write_body(char *data, size_t size, size_t n, void *arg)
{
	cairn_buf *body = arg;

	if (body->len + size * n > 64u << 20)
		return 0;  /* a /metrics page is small; refuse an endless one */
	cairn_buf_add(body, data, size * n);
	return size * n;
}

int cairn__alert_http_get(cairn_ctx *ctx, const char *url, int64_t timeout_ms, cairn_buf *body)
{
	const struct cairn__curl_api *curl;
	char errbuf[CURL_ERROR_SIZE] = "";
	long status = 0;
	CURLcode res;
	CURL *c;
	int rc;

	if ((rc = cairn__curl(ctx, "reading a server's metrics", &curl)))
		return rc;
	if (!(c = curl->easy_init()))
		return cairn_error(ctx, CAIRN_ENOMEM, "cannot start a transfer of '%s'", url);
	cairn_buf_reset(body);
	curl->easy_setopt(c, CURLOPT_URL, url);
	curl->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl->easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	curl->easy_setopt(c, CURLOPT_USERAGENT, "cairn");
	curl->easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl->easy_setopt(c, CURLOPT_WRITEFUNCTION, write_body);
	curl->easy_setopt(c, CURLOPT_WRITEDATA, body);
	curl->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	res = curl->easy_perform(c);
	curl->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (res != CURLE_OK)
		rc = cairn_error(ctx, CAIRN_EIO, "cannot read '%s': %s", url,
				 *errbuf ? errbuf : curl->easy_strerror(res));
	else if (status != 200)
		rc = cairn_error(ctx, CAIRN_EIO, "cannot read '%s': HTTP status %ld", url, status);
	curl->easy_cleanup(c);
	return rc;
}
