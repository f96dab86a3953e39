/* Unit tests for column profiles and their sketches. */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/frame.h"
#include "cairn/profile.h"
#include "cairn/value.h"
#include "core/format.h"
#include "core/fs.h"
#include "data/fastnum.h"
#include "data/profile-internal.h"
#include "data/sketch.h"
#include "tests/unit/suites.h"

#define CHECK_NEAR(a, b, tol) \
	do { double a_ = (a), b_ = (b); \
	     if (!(fabs(a_ - b_) <= (tol))) unit_fail(__FILE__, __LINE__, "%s ~ %s: %.17g vs %.17g", \
						     #a, #b, a_, b_); } while (0)

static void write_text(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
	CHECK(fd >= 0);
	CHECK(cairn_write_full(fd, text, len) == 0);
	close(fd);
}

/* Profiles text written to a file, with nthreads threads. */
static json_t *profile_text(cairn_ctx *ctx, const char *text, size_t len, int nthreads)
{
	json_t *out = NULL;

	write_text("p.csv", text, len);
	CHECK_OK(ctx, cairn_profile_csv_file(ctx, "p.csv", "p.csv", NULL, nthreads, &out));
	return out;
}

static char *dump(const json_t *v)
{
	return json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
}

static json_t *column(const json_t *profile, const char *name)
{
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(profile, "columns"), i, c)
		if (!strcmp(json_string_value(json_object_get(c, "name")), name))
			return c;
	unit_fail(__FILE__, __LINE__, "no column %s", name);
	return json_object();
}

static double num(const json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

static long long integer(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_integer(v) ? (long long)json_integer_value(v) : -999999;
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* "value:count,value:count" of a column's top categories. */
static void top_text(const json_t *col, cairn_buf *out)
{
	size_t i;
	json_t *e;

	cairn_buf_reset(out);
	json_array_foreach(json_object_get(col, "top"), i, e)
		cairn_buf_addf(out, "%s%s:%lld", i ? "," : "", str(e, "value"), integer(e, "count"));
}

static const char small_csv[] =
	"x,fruit,flag,when,f\n"
	"1,apple,true,2026-01-01,0.5\n"
	"2,apple,TRUE,2026-01-02,-1.25\n"
	"3,kiwi,True,2026-01-03,2\n"
	"4,\"apple\",false,2026-01-04T12:00:00Z,inf\n"
	"5,fig,false,2026-01-05,0.5\n"
	",kiwi,false,,NA\n"
	"6,NA,true,2026-01-06,1e3\n"
	"7,apple,true,2026-01-07,\n"
	"8,fig,false,2026-01-08,-0\n"
	"9,kiwi,false,2026-01-09,0\n"
	"10,apple,true,2026-01-10,3.5\n";

static void test_profile_exact_small(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	json_t *p = profile_text(ctx, small_csv, sizeof(small_csv) - 1, 1), *c, *h, *q;
	cairn_buf top = CAIRN_BUF_INIT;
	static const int bins[] = { 0, 2, 4, 6, 8, 11, 13, 15, 17, 19 };

	if (!p)
		goto out;
	CHECK_INT(integer(p, "format"), ==, 1);
	CHECK_INT(integer(p, "rows"), ==, 11);
	CHECK_INT(json_array_size(json_object_get(p, "columns")), ==, 5);

	c = column(p, "x");
	CHECK_STR(str(c, "type"), "integer");
	CHECK_INT(integer(c, "count"), ==, 10);
	CHECK_INT(integer(c, "nulls"), ==, 1);
	CHECK_NEAR(num(c, "null_rate"), 1.0 / 11, 1e-15);
	CHECK_INT(integer(c, "distinct"), ==, 10);
	CHECK(!json_object_get(c, "distinct_approx"));
	CHECK_INT(integer(c, "min"), ==, 1);
	CHECK_INT(integer(c, "max"), ==, 10);
	CHECK_NEAR(num(c, "mean"), 5.5, 0);
	CHECK_NEAR(num(c, "std"), 3.0276503540974917, 1e-15);
	CHECK(!json_object_get(c, "approx"));
	CHECK_INT(json_array_size(json_object_get(c, "percentiles")), ==, 101);
	CHECK_NEAR(json_number_value(json_array_get(json_object_get(c, "percentiles"), 0)), 1, 0);
	CHECK_NEAR(json_number_value(json_array_get(json_object_get(c, "percentiles"), 100)), 10, 0);
	q = json_object_get(c, "quantiles");
	CHECK_NEAR(num(q, "p01"), 1.09, 1e-12);
	CHECK_NEAR(num(q, "p25"), 3.25, 1e-12);
	CHECK_NEAR(num(q, "p50"), 5.5, 1e-12);
	CHECK_NEAR(num(q, "p75"), 7.75, 1e-12);
	CHECK_NEAR(num(q, "p99"), 9.91, 1e-12);
	h = json_object_get(c, "histogram");
	CHECK_INT(json_array_size(json_object_get(h, "edges")), ==, 21);
	CHECK_INT(json_array_size(json_object_get(h, "counts")), ==, 20);
	CHECK_NEAR(json_number_value(json_array_get(json_object_get(h, "edges"), 0)), 1, 0);
	CHECK_NEAR(json_number_value(json_array_get(json_object_get(h, "edges"), 1)), 1.45, 1e-12);
	CHECK_NEAR(json_number_value(json_array_get(json_object_get(h, "edges"), 20)), 10, 0);
	for (int b = 0, k = 0; b < 20; b++) {
		int want = k < 10 && bins[k] == b;
		CHECK_INT(json_integer_value(json_array_get(json_object_get(h, "counts"), b)), ==, want);
		k += want;
	}
	CHECK(!json_object_get(h, "approx"));

	c = column(p, "fruit");
	CHECK_STR(str(c, "type"), "string");
	CHECK_INT(integer(c, "count"), ==, 10);
	CHECK_INT(integer(c, "nulls"), ==, 1);
	CHECK_INT(integer(c, "distinct"), ==, 3);
	top_text(c, &top);
	CHECK_STR(top.buf, "apple:5,kiwi:3,fig:2");
	CHECK_INT(integer(c, "other_count"), ==, 0);
	CHECK(!json_object_get(c, "top_approx"));
	CHECK_INT(integer(c, "min_length"), ==, 3);
	CHECK_INT(integer(c, "max_length"), ==, 5);
	CHECK_NEAR(num(c, "mean_length"), 4.3, 1e-12);
	CHECK(!json_object_get(c, "mean"));

	c = column(p, "flag");
	CHECK_STR(str(c, "type"), "boolean");
	CHECK_INT(integer(c, "distinct"), ==, 2);
	top_text(c, &top);
	CHECK_STR(top.buf, "true:6,false:5");
	CHECK_NEAR(num(c, "mean"), 6.0 / 11, 1e-15);
	CHECK_INT(integer(c, "min"), ==, 0);
	CHECK_INT(integer(c, "max"), ==, 1);

	c = column(p, "when");
	CHECK_STR(str(c, "type"), "datetime");
	CHECK_INT(integer(c, "nulls"), ==, 1);
	CHECK_STR(str(c, "min_time"), "2026-01-01T00:00:00.000Z");
	CHECK_STR(str(c, "max_time"), "2026-01-10T00:00:00.000Z");
	CHECK_INT(integer(c, "min"), ==, 1767225600000LL);

	/* Infinities are counted, not summarized; -0 and 0 are one value. */
	c = column(p, "f");
	CHECK_STR(str(c, "type"), "float");
	CHECK_INT(integer(c, "count"), ==, 9);
	CHECK_INT(integer(c, "nulls"), ==, 2);
	CHECK_INT(integer(c, "infinite"), ==, 1);
	CHECK_INT(integer(c, "distinct"), ==, 7);
	CHECK_NEAR(num(c, "min"), -1.25, 0);
	CHECK_NEAR(num(c, "max"), 1000, 0);
	CHECK_NEAR(num(c, "mean"), 1005.25 / 8, 1e-12);
	CHECK_NEAR(json_integer_value(json_array_get(json_object_get(json_object_get(c, "histogram"),
								      "counts"), 19)), 1, 0);
out:
	cairn_buf_release(&top);
	json_decref(p);
	cairn_ctx_free(ctx);
}

static void test_profile_widening_to_string(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_buf text = CAIRN_BUF_INIT, top = CAIRN_BUF_INIT;
	json_t *p, *c;

	/* Few distinct values: every value keeps its exact count. */
	cairn_buf_adds(&text, "v,w\n");
	for (int i = 0; i < 2000; i++)
		cairn_buf_addf(&text, "%d,%d.5\n", i % 20 + 1, i);
	for (int i = 0; i < 150; i++)
		cairn_buf_addf(&text, "unknown,%d\n", i);
	p = profile_text(ctx, text.buf, text.len, 1);
	if (!p)
		goto out;
	c = column(p, "v");
	CHECK_STR(str(c, "type"), "string");
	CHECK_INT(integer(c, "count"), ==, 2150);
	CHECK_INT(integer(c, "distinct"), ==, 21);
	top_text(c, &top);
	CHECK_STR(top.buf, "unknown:150,1:100,10:100,11:100,12:100,13:100,14:100,15:100,16:100,"
			   "17:100,18:100,19:100,2:100,20:100,3:100,4:100,5:100,6:100,7:100,8:100,"
			   "9:100");
	CHECK_INT(integer(c, "other_count"), ==, 0);
	CHECK(!json_object_get(c, "top_approx"));
	CHECK(!json_object_get(c, "percentiles"));
	CHECK_INT(integer(c, "max_length"), ==, 7);
	/* integer then float: float */
	c = column(p, "w");
	CHECK_STR(str(c, "type"), "float");
	CHECK_INT(integer(c, "distinct"), ==, 2150);
	CHECK_NEAR(num(c, "max"), 1999.5, 0);
	json_decref(p);

	/* Many distinct numbers, then text: approximate, and it says so. */
	cairn_buf_reset(&text);
	cairn_buf_adds(&text, "v\n");
	for (int i = 0; i < 30000; i++)
		cairn_buf_addf(&text, "%d\n", i);
	for (int i = 0; i < 500; i++)
		cairn_buf_adds(&text, "missing\n");
	p = profile_text(ctx, text.buf, text.len, 1);
	if (!p)
		goto out;
	c = column(p, "v");
	CHECK_STR(str(c, "type"), "string");
	CHECK_INT(integer(c, "count"), ==, 30500);
	CHECK(json_is_true(json_object_get(c, "top_approx")));
	CHECK(json_is_true(json_object_get(c, "distinct_approx")));
	top_text(c, &top);
	CHECK_STR(top.buf, "missing:500");
	CHECK_INT(integer(c, "other_count"), ==, 30000);
	CHECK_INT(integer(c, "min_length"), ==, 1);
	CHECK_INT(integer(c, "max_length"), ==, 7);
	CHECK_NEAR((double)integer(c, "distinct"), 30001, 30001 * 0.03);
	json_decref(p);
out:
	cairn_buf_release(&text);
	cairn_buf_release(&top);
	cairn_ctx_free(ctx);
}

/* A file with quoted fields holding delimiters and line breaks, so that
 * byte ranges begin inside quotes, and one long field across a boundary. */
static void mixed_file(cairn_buf *text, int rows)
{
	uint64_t x = 12345;

	cairn_buf_adds(text, "id,amount,label,note,ok,day\n");
	for (int i = 0; i < rows; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		cairn_buf_addf(text, "%d,%.3f,%s,", i, (double)(x >> 40) / 1000.0 - 5000,
			       (x >> 20) % 7 == 0 ? "" : (x >> 20) % 7 == 1 ? "beta" : "alpha");
		if (i == rows / 2) {
			cairn_buf_addch(text, '"');
			for (int k = 0; k < 3000; k++)
				cairn_buf_adds(text, "x,\n");
			cairn_buf_addch(text, '"');
		} else if (i % 3 == 0) {
			cairn_buf_addf(text, "\"line %d\n\"\"quoted\"\", more\"", (int)((x >> 30) % 500));
		} else {
			cairn_buf_addf(text, "plain %d", (int)((x >> 30) % 500));
		}
		cairn_buf_addf(text, ",%s,2026-%02d-%02d\n", x >> 63 ? "true" : "false",
			       (int)((x >> 33) % 12) + 1, (int)((x >> 37) % 28) + 1);
	}
}

static void test_profile_threads_equal_sequential(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_buf text = CAIRN_BUF_INIT;
	size_t saved = cairn__profile_min_range;
	json_t *one, *three, *seven;
	char *a = NULL, *b = NULL, *c = NULL;

	mixed_file(&text, 20000);
	cairn__profile_min_range = 1024;
	one = profile_text(ctx, text.buf, text.len, 1);
	three = profile_text(ctx, text.buf, text.len, 3);
	seven = profile_text(ctx, text.buf, text.len, 7);
	cairn__profile_min_range = saved;
	if (!one || !three || !seven)
		goto out;
	a = dump(one);
	b = dump(three);
	c = dump(seven);
	CHECK_INT(integer(one, "rows"), ==, 20000);
	CHECK_STR(b, a);
	CHECK_STR(c, a);
	CHECK_STR(str(column(one, "note"), "type"), "string");
	CHECK_INT(integer(column(one, "label"), "nulls"), >, 0);
	CHECK(!json_object_get(column(one, "amount"), "approx"));
out:
	free(a);
	free(b);
	free(c);
	json_decref(one);
	json_decref(three);
	json_decref(seven);
	cairn_buf_release(&text);
	cairn_ctx_free(ctx);
}

static void test_profile_threads_approx_deterministic(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_buf text = CAIRN_BUF_INIT;
	size_t saved = cairn__profile_min_range;
	json_t *one, *two, *again;
	char *a = NULL, *b = NULL;

	mixed_file(&text, 150000);
	cairn__profile_min_range = 4096;
	one = profile_text(ctx, text.buf, text.len, 1);
	two = profile_text(ctx, text.buf, text.len, 3);
	again = profile_text(ctx, text.buf, text.len, 3);
	cairn__profile_min_range = saved;
	if (!one || !two || !again)
		goto out;
	a = dump(two);
	b = dump(again);
	CHECK_STR(b, a);
	CHECK(json_is_true(json_object_get(column(two, "amount"), "approx")));
	/* Exact parts agree whatever the split. */
	CHECK_INT(integer(column(two, "amount"), "count"), ==, 150000);
	CHECK_NEAR(num(column(one, "amount"), "min"), num(column(two, "amount"), "min"), 0);
	CHECK_NEAR(num(column(one, "amount"), "mean"), num(column(two, "amount"), "mean"), 1e-9);
	CHECK_NEAR(num(column(one, "amount"), "std"), num(column(two, "amount"), "std"), 1e-9);
	{
		cairn_buf t1 = CAIRN_BUF_INIT, t2 = CAIRN_BUF_INIT;
		top_text(column(one, "label"), &t1);
		top_text(column(two, "label"), &t2);
		CHECK_STR(t1.buf, t2.buf);
		cairn_buf_release(&t1);
		cairn_buf_release(&t2);
	}
out:
	free(a);
	free(b);
	json_decref(one);
	json_decref(two);
	json_decref(again);
	cairn_buf_release(&text);
	cairn_ctx_free(ctx);
}

/* Feeds text values to a one-column profiler. */
static void add_value(struct cairn_profiler *p, const char *s)
{
	struct cairn_csv_field f = { s, strlen(s), 0 };
	cairn_profiler_add_record(p, &f, 1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The largest distance, as a fraction of n, between the rank asked for and
 * the ranks of the percentiles returned. */
static double worst_rank_error(const json_t *col, const double *sorted, size_t n)
{
	const json_t *pct = json_object_get(col, "percentiles");
	double worst = 0;

	for (int p = 1; p < 100; p++) {
		double v = json_number_value(json_array_get(pct, (size_t)p));
		double want = p / 100.0 * (double)(n - 1), err = 0;
		size_t lo = 0, hi = n;
		while (lo < hi) { /* values < v */
			size_t mid = (lo + hi) / 2;
			if (sorted[mid] < v)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (want < (double)lo - 1)
			err = (double)lo - 1 - want;
		hi = lo;
		while (hi < n && sorted[hi] <= v)
			hi++;
		if (want > (double)hi)
			err = want - (double)hi;
		if (err / (double)n > worst)
			worst = err / (double)n;
	}
	return worst;
}

static void test_profile_quantiles_approx(void)
{
	const char *name = "v";
	size_t n = 500000;
	double *v = malloc(n * sizeof(*v)), *sorted = malloc(n * sizeof(*v));
	uint64_t x = 42;

	for (size_t i = 0; i < n; i++) {
		double u1, u2;
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		u1 = ((double)(x >> 11) + 0.5) / 9007199254740992.0;
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		u2 = (double)(x >> 11) / 9007199254740992.0;
		/* log-normal, with a periodic pattern mixed in */
		v[i] = i % 24 == 0 ? (double)(i % 7) : exp(sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2));
	}
	memcpy(sorted, v, n * sizeof(*v));
	qsort(sorted, n, sizeof(*sorted), cmp_double);

	/* in random order, in ascending order, and in four parts merged */
	for (int order = 0; order < 3; order++) {
		struct cairn_profiler *p, *parts[4];
		const double *src = order == 1 ? sorted : v;
		json_t *prof, *c;
		char tmp[32];
		double err;

		for (int k = 0; k < 4; k++)
			parts[k] = cairn_profiler_new(1, &name);
		for (size_t i = 0; i < n; i++) {
			cairn_format_double(src[i], tmp);
			add_value(parts[order == 2 ? i * 4 / n : 0], tmp);
		}
		p = parts[0];
		for (int k = 1; k < 4; k++)
			cairn_profiler_merge(p, parts[k]);
		prof = cairn_profiler_finish(p);
		cairn_profiler_free(p);
		c = column(prof, "v");
		CHECK(json_is_true(json_object_get(c, "approx")));
		CHECK(json_is_true(json_object_get(json_object_get(c, "histogram"), "approx")));
		err = worst_rank_error(c, sorted, n);
		if (err > 0.01)
			unit_fail(__FILE__, __LINE__, "order %d: rank error %.4f > 1%%", order, err);
		{
			long long total = 0;
			size_t i;
			json_t *k;
			json_array_foreach(json_object_get(json_object_get(c, "histogram"), "counts"), i, k)
				total += json_integer_value(k);
			CHECK_INT(total, ==, (long long)n);
		}
		CHECK_NEAR(num(c, "min"), sorted[0], 0);
		CHECK_NEAR(num(c, "max"), sorted[n - 1], 0);
		json_decref(prof);
	}
	free(v);
	free(sorted);
}

static void test_profile_distinct_estimate(void)
{
	const char *names[] = { "id", "code" };
	struct cairn_profiler *p = cairn_profiler_new(2, names), *q = cairn_profiler_new(2, names);
	struct cairn_csv_field f[2];
	char a[32], b[32];
	json_t *prof;

	/* 1,000,000 distinct in each column, the second half merged in. */
	for (int i = 0; i < 1000000; i++) {
		snprintf(a, sizeof(a), "%d", i * 7);
		snprintf(b, sizeof(b), "user-%d", i);
		f[0] = (struct cairn_csv_field){ a, strlen(a), 0 };
		f[1] = (struct cairn_csv_field){ b, strlen(b), 0 };
		cairn_profiler_add_record(i < 600000 ? p : q, f, 2);
		if (i % 3 == 0) /* repeats change nothing */
			cairn_profiler_add_record(i < 600000 ? p : q, f, 2);
	}
	cairn_profiler_merge(p, q);
	prof = cairn_profiler_finish(p);
	cairn_profiler_free(p);
	CHECK(json_is_true(json_object_get(column(prof, "id"), "distinct_approx")));
	CHECK_NEAR((double)integer(column(prof, "id"), "distinct"), 1e6, 2e4);
	CHECK_NEAR((double)integer(column(prof, "code"), "distinct"), 1e6, 2e4);
	CHECK(json_is_true(json_object_get(column(prof, "code"), "top_approx")));
	CHECK_INT(json_array_size(json_object_get(column(prof, "code"), "top")), ==, 50);
	json_decref(prof);
}

static const char frame_csv[] =
	"i,f,b,d,s,e\n"
	"1,1.0,true,2026-03-01,red,\n"
	"-2,1,FALSE,2026-03-02T10:00:00Z,\"blue, dark\",\n"
	"3,-0,True,,red,\n"
	",0,false,2026-03-03,,\n"
	"3,2.5e3,true,2026-03-03,\"\"\"q\"\"\",\n"
	"9223372036854775807,0.1,false,2026-03-04,red,\n";

static void test_profile_frame_equals_csv(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_frame *f = NULL;
	json_t *from_csv = NULL, *from_frame = NULL;
	char *a = NULL, *b = NULL;

	from_csv = profile_text(ctx, frame_csv, sizeof(frame_csv) - 1, 1);
	CHECK_OK(ctx, cairn_frame_load_mem(ctx, frame_csv, sizeof(frame_csv) - 1, "p.csv", NULL, &f));
	if (!f || !from_csv)
		goto out;
	from_frame = cairn_profile_frame(f);
	a = dump(from_csv);
	b = dump(from_frame);
	CHECK_STR(b, a);
	CHECK_INT(integer(column(from_csv, "f"), "distinct"), ==, 4);
	CHECK_INT(integer(column(from_csv, "i"), "max"), ==, INT64_MAX);
	CHECK_STR(str(column(from_csv, "e"), "type"), "string");
	CHECK_INT(integer(column(from_csv, "e"), "nulls"), ==, 6);
out:
	free(a);
	free(b);
	json_decref(from_csv);
	json_decref(from_frame);
	cairn_frame_free(f);
	cairn_ctx_free(ctx);
}

/* What cairn__fast_number() accepts, cairn_parse_int() or cairn_parse_float()
 * accepts too, with the same value to the bit and the same type. */
static void check_fast_number(const char *s)
{
	int64_t i = 0, pi;
	double d = 0, pd;
	int kind = cairn__fast_number(s, strlen(s), &i, &d);

	if (kind == CAIRN__NUM_INT) {
		if (!cairn_parse_int(s, strlen(s), &pi) || pi != i || d != (double)i ||
		    cairn_value_type(s, strlen(s), 0) != CAIRN_TYPE_INT)
			unit_fail(__FILE__, __LINE__, "\"%s\": integer %lld", s, (long long)i);
	} else if (kind == CAIRN__NUM_FLOAT) {
		if (cairn_parse_int(s, strlen(s), &pi) || !cairn_parse_float(s, strlen(s), &pd) ||
		    memcmp(&pd, &d, sizeof(d)) || cairn_value_type(s, strlen(s), 0) != CAIRN_TYPE_FLOAT)
			unit_fail(__FILE__, __LINE__, "\"%s\": float %.17g", s, d);
	} else if (kind != CAIRN__NUM_NONE) {
		unit_fail(__FILE__, __LINE__, "\"%s\": kind %d", s, kind);
	}
}

static void test_profile_fast_numbers_agree(void)
{
	static const char *const ints[] = { "0", "-0", "+0", "7", "-12", "+12", "007",
					    "123456789012345678" };
	static const char *const floats[] = {
		"1.5", "-1.25", "0.1", "0.000001", "00.50", "-1.234567", "1234567.8", "-0.00000001",
		"1.23456789", "9999999.99999999", "-9007199254740.992", "1234567.12345678"
	};
	static const char *const others[] = {
		"1234567890123456789", "9223372036854775807", "-9223372036854775808", "1.", ".5",
		"123456789.123456789", "-9007199254740.993",
		"1e5", "1.5e-3", "9007199254740993.5", "0.30000000000000004", "1,5", "1.5.2", "--1",
		"+", "-", "", " 1", "1 ", "0x10", "inf", "1.2345678901234567890", "12.34a678",
		"12345678.9/", "1.2345678:", "0.1234567\xc3", "1.\x80" "2345678"
	};
	uint64_t x = 7;
	char buf[64];
	int64_t i;
	double d;

	for (size_t k = 0; k < sizeof(ints) / sizeof(ints[0]); k++) {
		CHECK_INT(cairn__fast_number(ints[k], strlen(ints[k]), &i, &d), ==, CAIRN__NUM_INT);
		check_fast_number(ints[k]);
	}
	for (size_t k = 0; k < sizeof(floats) / sizeof(floats[0]); k++) {
		CHECK_INT(cairn__fast_number(floats[k], strlen(floats[k]), &i, &d), ==,
			  CAIRN__NUM_FLOAT);
		check_fast_number(floats[k]);
	}
	for (size_t k = 0; k < sizeof(others) / sizeof(others[0]); k++)
		check_fast_number(others[k]);
	for (int k = 0; k < 300000; k++) {
		int len = 0, n;
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		if (k % 2) { /* any characters of numbers, and a few others */
			n = 1 + (int)((x >> 40) % 21);
			for (int j = 0; j < n; j++) {
				x = x * 6364136223846793005ULL + 1442695040888963407ULL;
				buf[len++] = "0123456789012345678901234567890123456789.-+:/e\xb0"[(x >> 33) % 47];
			}
		} else { /* sign, digits, point, digits with now and then a stray byte */
			if (x >> 63)
				buf[len++] = "-+"[(x >> 62) & 1];
			n = 1 + (int)((x >> 40) % 4);
			for (int j = 0; j < n; j++)
				buf[len++] = (char)('0' + (x >> (20 + 3 * j)) % 10);
			buf[len++] = '.';
			n = 1 + (int)((x >> 30) % 14);
			for (int j = 0; j < n; j++) {
				x = x * 6364136223846793005ULL + 1442695040888963407ULL;
				buf[len++] = (x >> 33) % 40 ? (char)('0' + (x >> 40) % 10) :
					     "/:.e\x80 -a"[(x >> 45) % 8];
			}
		}
		buf[len] = '\0';
		check_fast_number(buf);
	}
}

/* The profiler's shortcuts decide nulls and types as src/data/value.c does. */
static void test_profile_types_agree_with_values(void)
{
	static const char *const cases[] = {
		"", "NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "None", "<NA>", "#N/A",
		"N", "n", "<", "#", "NAN", "Null", "none", "na", "#NA", "<N>", "nul", "N/", "n/",
		"true", "True", "TRUE", "false", "tRUE", "yes", "1", "-7", "3.25", "1e9", "inf",
		"-Infinity", "2026-01-02", "2026-02-30", "2026-01-02 10:11", "2026-01-02T10:11:12.5Z",
		"12:30", "0x1f", "1.5.1", "+", "-", ".", "abc", "é", "18446744073709551616"
	};
	const char *name = "v";
	uint64_t x = 99;
	char buf[8];

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]) + 5000; k++) {
		const char *s = buf;
		for (int quoted = 0; quoted <= 1; quoted++) {
			struct cairn_profiler *p = cairn_profiler_new(1, &name);
			struct cairn_csv_field f;
			enum cairn_type t;
			json_t *prof, *c;

			if (k < sizeof(cases) / sizeof(cases[0])) {
				s = cases[k];
			} else if (!quoted) { /* short random texts around the markers */
				int len = 1 + (int)(k % 4);
				for (int j = 0; j < len; j++) {
					x = x * 6364136223846793005ULL + 1442695040888963407ULL;
					buf[j] = "NnAa/<>#luLUoe1T"[(x >> 33) % 16];
				}
				buf[len] = '\0';
			}
			f = (struct cairn_csv_field){ s, strlen(s), quoted };
			cairn_profiler_add_record(p, &f, 1);
			cairn_profiler_add_record(p, &f, 1); /* the second takes the fast paths */
			prof = cairn_profiler_finish(p);
			cairn_profiler_free(p);
			c = column(prof, "v");
			t = cairn_value_type(s, strlen(s), quoted);
			if (integer(c, "nulls") != (cairn_value_is_null(s, strlen(s), quoted) ? 2 : 0) ||
			    strcmp(str(c, "type"), cairn_type_name(t == CAIRN_TYPE_NULL ?
								   CAIRN_TYPE_STRING : t)))
				unit_fail(__FILE__, __LINE__, "\"%s\" (quoted %d): %s with %lld nulls", s,
					  quoted, str(c, "type"), integer(c, "nulls"));
			json_decref(prof);
		}
	}
}

/* What cairn__fast_decimal() takes is a plain decimal with exactly fd digits
 * after its point, with the value cairn_parse_float() gives (but +0 for -0)
 * and m = the value * 10^fd; must: a decimal it has to take. */
static void check_fast_decimal(const char *s, int fd, int must)
{
	static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8 };
	const char *point = strchr(s, '.');
	size_t len = strlen(s);
	double d = 0, pd = 0;
	int64_t m = 0;

	if (!cairn__fast_decimal_fd(s, len, fd, &d, &m)) {
		if (must)
			unit_fail(__FILE__, __LINE__, "\"%s\" (%d digits): not taken", s, fd);
		return;
	}
	if (!point || strlen(point + 1) != (size_t)fd || !cairn_parse_float(s, len, &pd) ||
	    cairn_value_type(s, len, 0) != CAIRN_TYPE_FLOAT || (pd += 0.0, memcmp(&pd, &d, sizeof(d))) ||
	    (double)m / pow10[fd] != d)
		unit_fail(__FILE__, __LINE__, "\"%s\" (%d digits): %.17g, m %lld", s, fd, d,
			  (long long)m);
}

static void test_profile_fast_decimals_agree(void)
{
	static const struct { const char *s; int fd, must; } cases[] = {
		{ "0.6692", 4, 1 }, { "-1.2345", 4, 1 }, { "+3.5", 1, 1 }, { ".5", 1, 1 },
		{ "-.25", 2, 1 }, { "-0.0000", 4, 1 }, { "00.50", 2, 1 }, { "123.", 0, 0 },
		{ "12345678901234.5", 1, 1 }, { "123456789012345.5", 1, 0 }, { "1.2345678", 7, 1 },
		{ "1.23456789", 8, 1 }, { "1.2345", 3, 0 }, { "1.2345", 5, 0 }, { "1,2345", 4, 0 },
		{ "-", 1, 0 }, { "-.", 0, 0 }, { ".", 1, 0 }, { "1.2a45", 4, 0 }, { "1.23\x80" "5", 4, 0 },
		{ "--1.5", 1, 0 }, { "+-1.5", 1, 0 }, { "1.5e3", 3, 0 }, { " 1.5", 1, 0 }, { "1e.5", 1, 0 },
	};
	uint64_t x = 11;
	char buf[32];

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++)
		if (cases[k].fd)
			check_fast_decimal(cases[k].s, cases[k].fd, cases[k].must);
	for (int k = 0; k < 300000; k++) {
		int len = 0, n, fd, must = 1;
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		fd = 1 + (int)((x >> 20) % 8);
		if (x >> 63)
			buf[len++] = "-+"[(x >> 62) & 1];
		n = (int)((x >> 40) % 9);
		for (int j = 0; j < n; j++)
			buf[len++] = (char)('0' + (x >> (3 * j)) % 10);
		buf[len++] = '.';
		n = fd + (k % 7 == 0 ? (int)((x >> 30) % 3) - 1 : 0);
		for (int j = 0; j < n; j++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			if ((x >> 33) % 50) {
				buf[len++] = (char)('0' + (x >> 40) % 10);
			} else { /* now and then a stray byte */
				buf[len++] = "/:.e\x80 -a"[(x >> 45) % 8];
				must = 0;
			}
		}
		buf[len] = '\0';
		check_fast_decimal(buf, fd, must && n == fd && len <= 16 && len > 1 + !!(x >> 63));
	}
}

static int cmp_double_asc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Decimals with a fixed number of digits after the point are counted by
 * value past the first 10,000 distinct texts: what comes of them must be the
 * same summary as of any numbers, exact where it says so. */
static void test_profile_decimals_counted(void)
{
	const char *name = "v";
	size_t n = 150000;
	double *sorted = malloc(n * sizeof(*sorted));
	char (*text)[32] = malloc(n * sizeof(*text));
	long double sum = 0, sq = 0;
	double mean, std;
	uint64_t x = 5;
	size_t distinct = 1;

	for (size_t i = 0; i < n; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		if (i % 997 == 0) /* beyond the counted range */
			snprintf(text[i], sizeof(text[i]), "%.4f", 30000 + (double)(x >> 44) / 1e4);
		else if (i % 1009 == 0) /* other digits after the point */
			snprintf(text[i], sizeof(text[i]), "%.2f", (double)((int64_t)(x >> 50) - 8192) / 100);
		else if (i % 5003 == 0)
			snprintf(text[i], sizeof(text[i]), "-0.0000");
		else if (i % 3 == 0) /* a value 50,000 times: counts past a byte */
			snprintf(text[i], sizeof(text[i]), "1.5000");
		else
			snprintf(text[i], sizeof(text[i]), "%.4f",
				 (double)((int64_t)((x >> 33) % 400001) - 200000) / 1e4);
		CHECK(cairn_parse_float(text[i], strlen(text[i]), &sorted[i]));
		sorted[i] += 0.0;
		sum += sorted[i];
	}
	mean = (double)(sum / n);
	for (size_t i = 0; i < n; i++)
		sq += ((long double)sorted[i] - mean) * ((long double)sorted[i] - mean);
	std = sqrt((double)(sq / (n - 1)));
	qsort(sorted, n, sizeof(*sorted), cmp_double_asc);
	for (size_t i = 1; i < n; i++)
		distinct += sorted[i] != sorted[i - 1];

	/* in one profiler, and in three parts merged */
	for (int parts = 1; parts <= 3; parts += 2) {
		struct cairn_profiler *p[3];
		json_t *prof, *c;
		for (int k = 0; k < parts; k++)
			p[k] = cairn_profiler_new(1, &name);
		for (size_t i = 0; i < n; i++)
			add_value(p[i * parts / n], text[i]);
		for (int k = 1; k < parts; k++)
			cairn_profiler_merge(p[0], p[k]);
		prof = cairn_profiler_finish(p[0]);
		cairn_profiler_free(p[0]);
		c = column(prof, "v");
		CHECK_STR(str(c, "type"), "float");
		CHECK_INT(integer(c, "count"), ==, (long long)n);
		CHECK(json_is_true(json_object_get(c, "approx")));
		CHECK_NEAR(num(c, "min"), sorted[0], 0);
		CHECK_NEAR(num(c, "max"), sorted[n - 1], 0);
		CHECK_NEAR(num(c, "mean"), mean, 1e-12 * fabs(std));
		CHECK_NEAR(num(c, "std"), std, 1e-12 * std);
		CHECK_NEAR((double)integer(c, "distinct"), (double)distinct, 0.03 * (double)distinct);
		if (worst_rank_error(c, sorted, n) > 0.001)
			unit_fail(__FILE__, __LINE__, "%d parts: rank error %.5f > 0.1%%", parts,
				  worst_rank_error(c, sorted, n));
		json_decref(prof);
	}
	free(sorted);
	free(text);
}

/* Up to 100,000 values, decimals counted by value give the exact profile:
 * the same as a frame's, whose numbers take another way. */
static void test_profile_decimals_exact(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_buf text = CAIRN_BUF_INIT;
	struct cairn_frame *f = NULL;
	json_t *from_csv = NULL, *from_frame = NULL;
	char *a = NULL, *b = NULL;
	uint64_t x = 3;

	cairn_buf_adds(&text, "v,w\n");
	for (int i = 0; i < 60000; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		cairn_buf_addf(&text, "%.3f,%s\n", (double)((int64_t)((x >> 33) % 30001) - 15000) / 1e3,
			       i % 7 ? "1.25" : "-0.5");
	}
	from_csv = profile_text(ctx, text.buf, text.len, 1);
	CHECK_OK(ctx, cairn_frame_load_mem(ctx, text.buf, text.len, "p.csv", NULL, &f));
	if (!f || !from_csv)
		goto out;
	from_frame = cairn_profile_frame(f);
	a = dump(from_csv);
	b = dump(from_frame);
	CHECK_STR(b, a);
	CHECK(!json_object_get(column(from_csv, "v"), "approx"));
	CHECK(json_is_true(json_object_get(column(from_csv, "v"), "distinct_approx")));
out:
	free(a);
	free(b);
	json_decref(from_csv);
	json_decref(from_frame);
	cairn_frame_free(f);
	cairn_buf_release(&text);
	cairn_ctx_free(ctx);
}

/* Texts of every length from 1 to 40 bytes that share prefixes and
 * suffixes (the keys of the count table change at 8 and 16 bytes), and
 * quoted null markers, which are values. */
static void test_profile_category_keys(void)
{
	static const char nulls_csv[] = "s,n\nNA,1\n\"NA\",NA\n\"NA\",\"2\"\nx,1\n";
	const char *name = "s";
	struct cairn_profiler *p = cairn_profiler_new(1, &name);
	char t[3][64][48];
	int ntext = 0;
	json_t *prof, *c, *top;
	cairn_ctx *ctx = cairn_ctx_new();

	for (int len = 1; len <= 40; len++) {
		memset(t[0][len], 'a', (size_t)len);
		memcpy(t[1][len], t[0][len], (size_t)len);
		memcpy(t[2][len], t[0][len], (size_t)len);
		t[1][len][len - 1] = len % 2 ? 'b' : '\x01';
		t[2][len][0] = 'c';
		t[0][len][len] = t[1][len][len] = t[2][len][len] = '\0';
	}
	/* text k (0..119) k + 1 times: the 50 most frequent are k = 119..70 */
	for (int v = 0; v < 3; v++) {
		for (int len = 1; len <= 40; len++, ntext++) {
			for (int r = 0; r <= ntext; r++)
				add_value(p, t[v][len]);
		}
	}
	prof = cairn_profiler_finish(p);
	cairn_profiler_free(p);
	c = column(prof, "s");
	CHECK_INT(integer(c, "distinct"), ==, 120);
	top = json_object_get(c, "top");
	CHECK_INT(json_array_size(top), ==, 50);
	for (int k = 0; k < 50; k++) {
		int want = 119 - k;
		json_t *e = json_array_get(top, (size_t)k);
		CHECK_STR(str(e, "value"), t[want / 40][want % 40 + 1]);
		CHECK_INT(integer(e, "count"), ==, want + 1);
	}
	json_decref(prof);

	/* "NA" quoted is a value; unquoted, a null */
	prof = profile_text(ctx, nulls_csv, sizeof(nulls_csv) - 1, 1);
	if (prof) {
		cairn_buf tt = CAIRN_BUF_INIT;
		c = column(prof, "s");
		CHECK_INT(integer(c, "nulls"), ==, 1);
		top_text(c, &tt);
		CHECK_STR(tt.buf, "NA:2,x:1");
		c = column(prof, "n");
		CHECK_STR(str(c, "type"), "string");
		CHECK_INT(integer(c, "nulls"), ==, 1);
		top_text(c, &tt);
		CHECK_STR(tt.buf, "1:2,2:1");
		cairn_buf_release(&tt);
		json_decref(prof);
	}
	cairn_ctx_free(ctx);
}

/* cairn__sort_doubles() sorts radix first by the top half of the keys,
 * then finishes; with many ties there (values within a millionth of each
 * other, in random order) it sorts the low half too. */
static void test_profile_sort_doubles(void)
{
	size_t n = 20000;
	double *a = malloc(n * sizeof(*a)), *b = malloc(n * sizeof(*b));
	uint64_t x = 17;

	for (int kind = 0; kind < 3; kind++) {
		for (size_t i = 0; i < n; i++) {
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			if (kind == 0) /* any sign and size, a few infinities and zeros */
				a[i] = i % 1000 == 0 ? (i % 3000 ? -INFINITY : INFINITY) :
				       i % 777 == 0 ? (i % 2 ? -0.0 : 0.0) :
				       ldexp((double)(int64_t)(x >> 11) / 4503599627370496.0,
					     (int)(x % 200) - 100);
			else if (kind == 1) /* milliseconds within four minutes: ties */
				a[i] = 1.7e12 + (double)((x >> 20) % 240000);
			else /* sorted already, but for a few */
				a[i] = (double)i + (i % 5000 == 0 ? -3.5 : 0);
		}
		memcpy(b, a, n * sizeof(*a));
		cairn__sort_doubles(a, n);
		qsort(b, n, sizeof(*b), cmp_double_asc);
		for (size_t i = 0; i < n; i++) {
			if (a[i] != b[i] || (i && a[i] == 0 && a[i - 1] == 0 && signbit(a[i]) &&
					     !signbit(a[i - 1]))) {
				unit_fail(__FILE__, __LINE__, "kind %d: [%zu] %.17g vs %.17g", kind, i,
					  a[i], b[i]);
				break;
			}
		}
	}
	free(a);
	free(b);
}

static void test_profile_error_names_line(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_buf text = CAIRN_BUF_INIT;
	size_t saved = cairn__profile_min_range;
	json_t *out = NULL;

	cairn_buf_adds(&text, "a,b,c\n");
	for (int i = 0; i < 5000; i++)
		cairn_buf_addf(&text, i == 3700 ? "%d,%d\n" : "%d,%d,\"x\ny\"\n", i, i * 2);
	write_text("bad.csv", text.buf, text.len);
	cairn__profile_min_range = 1024;
	CHECK_ERR(ctx, cairn_profile_csv_file(ctx, "bad.csv", NULL, NULL, 3, &out), CAIRN_EPARSE,
		  "'bad.csv' line 7402: 2 fields, expected 3");
	cairn__profile_min_range = saved;
	CHECK(!out);
	CHECK_ERR(ctx, cairn_profile_csv_file(ctx, "missing.csv", NULL, NULL, 2, &out), CAIRN_ENOTFOUND,
		  "cannot open 'missing.csv'");
	cairn_buf_release(&text);
	cairn_ctx_free(ctx);
}

static void test_profile_schema(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	json_t *p = profile_text(ctx, small_csv, sizeof(small_csv) - 1, 2), *s;
	char *text;

	if (!p)
		goto out;
	s = cairn_profile_schema(p);
	text = dump(s);
	CHECK_STR(text, "[{\"name\":\"x\",\"nulls\":1,\"type\":\"integer\"},"
			"{\"name\":\"fruit\",\"nulls\":1,\"type\":\"string\"},"
			"{\"name\":\"flag\",\"nulls\":0,\"type\":\"boolean\"},"
			"{\"name\":\"when\",\"nulls\":1,\"type\":\"datetime\"},"
			"{\"name\":\"f\",\"nulls\":2,\"type\":\"float\"}]");
	free(text);
	json_decref(s);
out:
	json_decref(p);
	cairn_ctx_free(ctx);
}

const struct unit_test profile_tests[] = {
	{ "profile_exact_small", test_profile_exact_small },
	{ "profile_widening_to_string", test_profile_widening_to_string },
	{ "profile_threads_equal_sequential", test_profile_threads_equal_sequential },
	{ "profile_threads_approx_deterministic", test_profile_threads_approx_deterministic },
	{ "profile_quantiles_approx", test_profile_quantiles_approx },
	{ "profile_distinct_estimate", test_profile_distinct_estimate },
	{ "profile_frame_equals_csv", test_profile_frame_equals_csv },
	{ "profile_fast_numbers_agree", test_profile_fast_numbers_agree },
	{ "profile_fast_decimals_agree", test_profile_fast_decimals_agree },
	{ "profile_decimals_counted", test_profile_decimals_counted },
	{ "profile_decimals_exact", test_profile_decimals_exact },
	{ "profile_category_keys", test_profile_category_keys },
	{ "profile_sort_doubles", test_profile_sort_doubles },
	{ "profile_types_agree_with_values", test_profile_types_agree_with_values },
	{ "profile_error_names_line", test_profile_error_names_line },
	{ "profile_schema", test_profile_schema },
	{ NULL, NULL }
};
