/* Evaluating an expectation suite on a frame into a JSON report; see
 * include/cairn/expect.h. Row checks skip nulls (not_null aside), so
 * `mostly` is a fraction of the non-null values, as in Great Expectations. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/id.h"
#include "core/format.h"
#include "core/strmap.h"
#include "data/expect.h"

/* Unexpected values listed per expectation (string columns). */
#define TOP_UNEXPECTED 20

/* A plain number; JSON has no infinities or NaN, so those become text. */
static json_t *real_json(double v)
{
	char tmp[32];
	if (isfinite(v))
		return json_real(v);
	if (isnan(v))
		return json_null();
	cairn_format_double(v, tmp);
	return json_string(tmp);
}

/* A number of a column, as the column's type shows it. */
static json_t *typed_json(enum cairn_type t, double v)
{
	char tmp[32];

	if (isnan(v))
		return json_null();
	switch (t) {
	case CAIRN_TYPE_BOOL:
		return json_boolean(v != 0);
	case CAIRN_TYPE_INT:
		return json_integer((json_int_t)llround(v));
	case CAIRN_TYPE_DATETIME:
		cairn_format_time((int64_t)llround(v), tmp);
		return json_string(tmp);
	default:
		return real_json(v);
	}
}

static json_t *cell_json(const struct cairn_frame *f, size_t row, size_t col)
{
	const struct cairn_column *c = &f->cols[col];

	if (!c->valid[row])
		return json_null();
	if (c->type == CAIRN_TYPE_STRING)
		return json_string(c->dict[c->code[row]]);
	if (c->type == CAIRN_TYPE_INT)
		return json_integer((json_int_t)c->i64[row]);
	return typed_json(c->type, c->num[row]);
}

static json_t *bound_json(const struct cairn__bound *b)
{
	if (b->is_time)
		return typed_json(CAIRN_TYPE_DATETIME, b->v);
	if (b->is_int)
		return json_integer((json_int_t)b->i);
	return real_json(b->v);
}

static json_t *list_json(char **v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* The result object, starting with the expectation as written. */
static json_t *result_new(const struct cairn__expectation *e, size_t index)
{
	json_t *r = json_object();

	json_object_set_new(r, "index", json_integer((json_int_t)index));
	json_object_set_new(r, "expect", json_string(cairn__expect_kind_name(e->kind)));
	json_object_set_new(r, "line", json_integer((json_int_t)e->line));
	if (e->description)
		json_object_set_new(r, "description", json_string(e->description));
	if (e->column)
		json_object_set_new(r, "column", json_string(e->column));
	if (e->than)
		json_object_set_new(r, "than", json_string(e->than));
	if (e->kind == CAIRN__EXPECT_GREATER_THAN)
		json_object_set_new(r, "or_equal", json_boolean(e->or_equal));
	if (e->columns) {
		json_object_set_new(r, "columns", list_json(e->columns, e->ncolumns));
		json_object_set_new(r, "strict", json_boolean(e->strict));
	}
	if (e->types) {
		json_t *t = json_array();
		for (int i = CAIRN_TYPE_BOOL; i <= CAIRN_TYPE_STRING; i++)
			if (e->types & (1u << i))
				json_array_append_new(t, json_string(cairn_type_name((enum cairn_type)i)));
		json_object_set_new(r, "type", t);
	}
	if (e->kind == CAIRN__EXPECT_QUANTILE_BETWEEN)
		json_object_set_new(r, "quantile", json_real(e->quantile));
	if (e->min.set)
		json_object_set_new(r, "min", bound_json(&e->min));
	if (e->max.set)
		json_object_set_new(r, "max", bound_json(&e->max));
	if (e->values)
		json_object_set_new(r, "values", list_json(e->values, e->nvalues));
	if (e->regex)
		json_object_set_new(r, "regex", json_string(e->regex));
	if (e->mostly_set)
		json_object_set_new(r, "mostly", json_real(e->mostly));
	return r;
}

static int in_bounds(const struct cairn__expectation *e, double v)
{
	return !(e->min.set && v < e->min.v) && !(e->max.set && v > e->max.v);
}

/* Everything a row check prepares once before looking at the rows. */
struct rowcheck {
	const struct cairn__expectation *e;
	const struct cairn_frame *f;
	size_t ci, c2i;
	const struct cairn_column *c, *c2;
	uint8_t *code_fails;   /* string columns: the verdict per dictionary entry */
	uint8_t *dup;          /* unique: rows whose value occurs more than once */
	double *set;           /* in_set on numeric columns: sorted values */
	size_t nset;
	cairn_buf tmp;
};

static size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* -1: the row is not checked (a null); 0: it passes; 1: it fails. */
static int row_verdict(struct rowcheck *rc, size_t row)
{
	const struct cairn__expectation *e = rc->e;
	const struct cairn_column *c = rc->c;
	double v;

	if (e->kind == CAIRN__EXPECT_NOT_NULL)
		return !c->valid[row];
	if (!c->valid[row] || (rc->c2 && !rc->c2->valid[row]))
		return -1;
	if (rc->code_fails)
		return rc->code_fails[c->code[row]];
	v = c->num ? c->num[row] : NAN;
	switch (e->kind) {
	case CAIRN__EXPECT_UNIQUE:
		return rc->dup[row];
	case CAIRN__EXPECT_BETWEEN:
		return !in_bounds(e, v);
	case CAIRN__EXPECT_IN_SET:
		return !bsearch(&v, rc->set, rc->nset, sizeof(double), cmp_double);
	case CAIRN__EXPECT_MATCHES:
		cairn_buf_reset(&rc->tmp);
		cairn_frame_cell_text(rc->f, row, rc->ci, &rc->tmp);
		return regexec(&e->re, rc->tmp.buf, 0, NULL, 0) != 0;
	case CAIRN__EXPECT_LENGTH_BETWEEN:
		cairn_buf_reset(&rc->tmp);
		cairn_frame_cell_text(rc->f, row, rc->ci, &rc->tmp);
		return !in_bounds(e, (double)rc->tmp.len);
	case CAIRN__EXPECT_GREATER_THAN:
		return e->or_equal ? !(v >= rc->c2->num[row]) : !(v > rc->c2->num[row]);
	default:
		return 0;
	}
}

/* For string columns the verdict depends on the value only: one per entry. */
static void prepare_codes(struct rowcheck *rc)
{
	const struct cairn__expectation *e = rc->e;
	const struct cairn_column *c = rc->c;
	struct cairn_strmap set;

	if (c->type != CAIRN_TYPE_STRING || (e->kind != CAIRN__EXPECT_IN_SET &&
	    e->kind != CAIRN__EXPECT_MATCHES && e->kind != CAIRN__EXPECT_LENGTH_BETWEEN))
		return;
	rc->code_fails = cairn_xcalloc(c->ndict ? c->ndict : 1, 1);
	cairn_strmap_init(&set);
	for (size_t i = 0; i < e->nvalues; i++)
		cairn_strmap_intern(&set, e->values[i], strlen(e->values[i]), NULL);
	for (uint32_t k = 0; k < c->ndict; k++) {
		const char *s = c->dict[k];
		size_t len = strlen(s);
		if (e->kind == CAIRN__EXPECT_IN_SET)
			rc->code_fails[k] = cairn_strmap_find(&set, s, len) < 0;
		else if (e->kind == CAIRN__EXPECT_MATCHES)
			rc->code_fails[k] = regexec(&e->re, s, 0, NULL, 0) != 0;
		else
			rc->code_fails[k] = !in_bounds(e, (double)utf8_chars(s, len));
	}
	cairn_strmap_release(&set);
}

/* in_set on a numeric column: the listed values read as the column's type. */
static void prepare_set(struct rowcheck *rc)
{
	const struct cairn__expectation *e = rc->e;
	enum cairn_type t = rc->c->type;

	rc->set = cairn_xcalloc(e->nvalues + 1, sizeof(double));
	for (size_t i = 0; i < e->nvalues; i++) {
		const char *s = e->values[i];
		size_t len = strlen(s);
		int64_t n;
		int b;
		double d;
		if (t == CAIRN_TYPE_BOOL && cairn_parse_bool(s, len, &b))
			rc->set[rc->nset++] = b;
		else if (t == CAIRN_TYPE_DATETIME && cairn_parse_datetime(s, len, &n))
			rc->set[rc->nset++] = (double)n;
		else if ((t == CAIRN_TYPE_INT || t == CAIRN_TYPE_FLOAT) && cairn_parse_float(s, len, &d))
			rc->set[rc->nset++] = d;
	}
	qsort(rc->set, rc->nset, sizeof(double), cmp_double);
}

struct keyed {
	double d;
	int64_t i;
	size_t row;
};

static int cmp_keyed_i(const void *a, const void *b)
{
	int64_t x = ((const struct keyed *)a)->i, y = ((const struct keyed *)b)->i;
	return x < y ? -1 : x > y;
}

static int cmp_keyed_d(const void *a, const void *b)
{
	double x = ((const struct keyed *)a)->d, y = ((const struct keyed *)b)->d;
	return x < y ? -1 : x > y;
}

/* unique: marks the rows whose value occurs more than once; reports the
 * number of distinct values and of those that repeat. */
static void prepare_dup(struct rowcheck *rc, json_t *observed)
{
	const struct cairn_column *c = rc->c;
	size_t n = rc->f->nrows, distinct = 0, repeated = 0;

	rc->dup = cairn_xcalloc(n ? n : 1, 1);
	if (c->type == CAIRN_TYPE_STRING) {
		size_t *count = cairn_xcalloc(c->ndict ? c->ndict : 1, sizeof(size_t));
		for (size_t r = 0; r < n; r++)
			if (c->valid[r])
				count[c->code[r]]++;
		for (uint32_t k = 0; k < c->ndict; k++) {
			distinct += count[k] > 0;
			repeated += count[k] > 1;
		}
		for (size_t r = 0; r < n; r++)
			rc->dup[r] = c->valid[r] && count[c->code[r]] > 1;
		free(count);
	} else {
		struct keyed *k = cairn_xcalloc(n ? n : 1, sizeof(*k));
		int (*cmp)(const void *, const void *) = c->i64 ? cmp_keyed_i : cmp_keyed_d;
		size_t m = 0;
		for (size_t r = 0; r < n; r++)
			if (c->valid[r]) {
				k[m].d = c->num[r];
				k[m].i = c->i64 ? c->i64[r] : 0;
				k[m++].row = r;
			}
		qsort(k, m, sizeof(*k), cmp);
		for (size_t i = 0, j; i < m; i = j) {
			for (j = i + 1; j < m && !cmp(&k[i], &k[j]); j++)
				;
			distinct++;
			if (j - i > 1) {
				repeated++;
				for (size_t x = i; x < j; x++)
					rc->dup[k[x].row] = 1;
			}
		}
		free(k);
	}
	json_object_set_new(observed, "distinct", json_integer((json_int_t)distinct));
	json_object_set_new(observed, "repeated_values", json_integer((json_int_t)repeated));
}

struct counted {
	uint32_t code;
	size_t n;
	const char *value;
};

static int cmp_counted(const void *a, const void *b)
{
	const struct counted *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->value, y->value);
}

/* The most frequent failing values of a string column, with their counts. */
static json_t *unexpected_values(const struct cairn_column *c, const size_t *fails)
{
	struct counted *v = cairn_xcalloc(c->ndict ? c->ndict : 1, sizeof(*v));
	json_t *a = json_array();
	size_t m = 0;

	for (uint32_t k = 0; k < c->ndict; k++)
		if (fails[k]) {
			v[m].code = k;
			v[m].value = c->dict[k];
			v[m++].n = fails[k];
		}
	qsort(v, m, sizeof(*v), cmp_counted);
	for (size_t i = 0; i < m && i < TOP_UNEXPECTED; i++)
		json_array_append_new(a, json_pack("{s:s, s:I}", "value", v[i].value,
						   "count", (json_int_t)v[i].n));
	free(v);
	return a;
}

/* Runs a row check over every row and records counts and examples in r. */
static int check_rows(struct rowcheck *rc, json_t *r, json_t *observed, size_t max_examples)
{
	const struct cairn__expectation *e = rc->e;
	const struct cairn_frame *f = rc->f;
	const struct cairn_column *c = rc->c;
	size_t checked = 0, failing = 0, *fails = NULL;
	double lo = INFINITY, hi = -INFINITY;
	size_t minlen = SIZE_MAX, maxlen = 0;
	json_t *examples = json_array();
	int passed;

	if (c->type == CAIRN_TYPE_STRING && e->kind != CAIRN__EXPECT_NOT_NULL)
		fails = cairn_xcalloc(c->ndict ? c->ndict : 1, sizeof(size_t));
	for (size_t row = 0; row < f->nrows; row++) {
		int v = row_verdict(rc, row);
		if (v < 0)
			continue;
		checked++;
		if (e->kind == CAIRN__EXPECT_BETWEEN) {
			lo = fmin(lo, c->num[row]);
			hi = fmax(hi, c->num[row]);
		}
		if (!v)
			continue;
		failing++;
		if (fails)
			fails[c->code[row]]++;
		if (json_array_size(examples) < max_examples) {
			json_t *vals = json_object();
			json_object_set_new(vals, c->name, cell_json(f, row, rc->ci));
			if (rc->c2)
				json_object_set_new(vals, rc->c2->name, cell_json(f, row, rc->c2i));
			json_array_append_new(examples, json_pack("{s:I, s:o}", "row",
				(json_int_t)(row + 1 + (f->has_header ? 1 : 0)), "values", vals));
		}
	}
	if (e->kind == CAIRN__EXPECT_BETWEEN && checked) {
		json_object_set_new(observed, "min", typed_json(c->type, lo));
		json_object_set_new(observed, "max", typed_json(c->type, hi));
	}
	if (e->kind == CAIRN__EXPECT_LENGTH_BETWEEN && checked) {
		for (size_t row = 0; row < f->nrows; row++) {
			size_t len;
			if (!c->valid[row])
				continue;
			if (c->type == CAIRN_TYPE_STRING) {
				const char *s = c->dict[c->code[row]];
				len = utf8_chars(s, strlen(s));
			} else {
				cairn_buf_reset(&rc->tmp);
				cairn_frame_cell_text(f, row, rc->ci, &rc->tmp);
				len = rc->tmp.len;
			}
			minlen = len < minlen ? len : minlen;
			maxlen = len > maxlen ? len : maxlen;
		}
		json_object_set_new(observed, "min_length", json_integer((json_int_t)minlen));
		json_object_set_new(observed, "max_length", json_integer((json_int_t)maxlen));
	}
	if (e->kind == CAIRN__EXPECT_NOT_NULL)
		json_object_set_new(observed, "nulls", json_integer((json_int_t)failing));
	if (fails && failing)
		json_object_set_new(observed, "unexpected_values", unexpected_values(c, fails));
	free(fails);
	/* The tolerance keeps mostly: 0.99 of 100 rows at 99 whatever the rounding. */
	passed = !failing || (e->mostly < 1 &&
			      (double)(checked - failing) >= e->mostly * (double)checked - 1e-9);
	json_object_set_new(r, "rows_checked", json_integer((json_int_t)checked));
	json_object_set_new(r, "failing_rows", json_integer((json_int_t)failing));
	json_object_set_new(r, "failing_fraction",
			    json_real(checked ? (double)failing / (double)checked : 0));
	json_object_set_new(r, "examples", examples);
	return passed;
}

/* The finite values of a numeric column, sorted. */
static double *finite_values(const struct cairn_column *c, size_t nrows, size_t *n)
{
	double *v = cairn_xcalloc(nrows ? nrows : 1, sizeof(double));
	*n = 0;
	for (size_t r = 0; r < nrows; r++)
		if (c->valid[r] && isfinite(c->num[r]))
			v[(*n)++] = c->num[r];
	qsort(v, *n, sizeof(double), cmp_double);
	return v;
}

/* mean, std or quantile of a column; NaN when there are too few values. */
static double column_stat(const struct cairn__expectation *e, const struct cairn_column *c,
			  size_t nrows)
{
	size_t n;
	double *v = finite_values(c, nrows, &n), sum = 0, comp = 0, mean, out = NAN;

	for (size_t i = 0; i < n; i++) {
		/* Neumaier's compensated sum. */
		double t = sum + v[i];
		comp += fabs(sum) >= fabs(v[i]) ? (sum - t) + v[i] : (v[i] - t) + sum;
		sum = t;
	}
	mean = n ? (sum + comp) / (double)n : NAN;
	if (e->kind == CAIRN__EXPECT_MEAN_BETWEEN) {
		out = mean;
	} else if (e->kind == CAIRN__EXPECT_STD_BETWEEN) {
		double ss = 0;
		for (size_t i = 0; i < n; i++)
			ss += (v[i] - mean) * (v[i] - mean);
		out = n > 1 ? sqrt(ss / (double)(n - 1)) : NAN;
	} else if (n) {
		/* Linear interpolation between the closest ranks, as numpy does. */
		double pos = e->quantile * (double)(n - 1);
		size_t lo = (size_t)floor(pos);
		size_t hi = lo + 1 < n ? lo + 1 : lo;
		out = v[lo] + (v[hi] - v[lo]) * (pos - (double)lo);
	}
	free(v);
	return out;
}

static const char *stat_name(enum cairn__expect_kind k)
{
	return k == CAIRN__EXPECT_MEAN_BETWEEN ? "mean" : k == CAIRN__EXPECT_STD_BETWEEN ? "std" :
	       "quantile";
}

static int set_error(json_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int set_error(json_t *r, const char *fmt, ...)
{
	cairn_buf b = CAIRN_BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	cairn_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	json_object_set_new(r, "error", json_string(b.buf));
	cairn_buf_release(&b);
	return 0;
}

static int needs_number(const struct cairn__expectation *e)
{
	switch (e->kind) {
	case CAIRN__EXPECT_BETWEEN:
	case CAIRN__EXPECT_MEAN_BETWEEN:
	case CAIRN__EXPECT_STD_BETWEEN:
	case CAIRN__EXPECT_QUANTILE_BETWEEN:
	case CAIRN__EXPECT_GREATER_THAN:
		return 1;
	default:
		return 0;
	}
}

/* Checks that the columns exist and fit the expectation; 0 with an error in
 * r when they do not. */
static int columns_fit(const struct cairn_frame *f, const struct cairn__expectation *e,
		       json_t *r, int *ci, int *c2i)
{
	const struct cairn_column *c, *c2;

	if ((*ci = cairn_frame_col(f, e->column)) < 0)
		return set_error(r, "no column '%s'", e->column);
	c = &f->cols[*ci];
	if (needs_number(e) && c->type == CAIRN_TYPE_STRING)
		return set_error(r, "column '%s' is a string column: %s needs numbers or datetimes",
				 e->column, cairn__expect_kind_name(e->kind));
	if ((e->min.set && e->min.is_time) || (e->max.set && e->max.is_time)) {
		if (c->type != CAIRN_TYPE_DATETIME && e->kind != CAIRN__EXPECT_ROW_COUNT_BETWEEN)
			return set_error(r, "a bound is a date but column '%s' is %s", e->column,
					 cairn_type_name(c->type));
	}
	if (!e->than)
		return 1;
	if ((*c2i = cairn_frame_col(f, e->than)) < 0)
		return set_error(r, "no column '%s'", e->than);
	c2 = &f->cols[*c2i];
	if (c2->type == CAIRN_TYPE_STRING)
		return set_error(r, "column '%s' is a string column: greater_than needs numbers or datetimes",
				 e->than);
	if ((c->type == CAIRN_TYPE_DATETIME) != (c2->type == CAIRN_TYPE_DATETIME))
		return set_error(r, "cannot compare %s column '%s' with %s column '%s'",
				 cairn_type_name(c->type), e->column, cairn_type_name(c2->type),
				 e->than);
	return 1;
}

static int check_columns_present(const struct cairn_frame *f, const struct cairn__expectation *e,
				 json_t *observed)
{
	json_t *missing = json_array(), *unexpected = json_array();
	int passed;

	for (size_t i = 0; i < e->ncolumns; i++)
		if (cairn_frame_col(f, e->columns[i]) < 0)
			json_array_append_new(missing, json_string(e->columns[i]));
	for (size_t c = 0; c < f->ncols && e->strict; c++) {
		size_t i;
		for (i = 0; i < e->ncolumns && strcmp(e->columns[i], f->cols[c].name); i++)
			;
		if (i == e->ncolumns)
			json_array_append_new(unexpected, json_string(f->cols[c].name));
	}
	passed = !json_array_size(missing) && !json_array_size(unexpected);
	json_object_set_new(observed, "missing", missing);
	if (e->strict)
		json_object_set_new(observed, "unexpected", unexpected);
	else
		json_decref(unexpected);
	return passed;
}

/* Evaluates one expectation into r; returns 1 when it held. */
static int check_one(const struct cairn_frame *f, const struct cairn__expectation *e, json_t *r,
		     size_t max_examples)
{
	json_t *observed = json_object();
	struct rowcheck rc;
	int ci = -1, c2i = -1, passed = 0;

	json_object_set_new(r, "observed", observed);
	switch (e->kind) {
	case CAIRN__EXPECT_COLUMNS_PRESENT:
		return check_columns_present(f, e, observed);
	case CAIRN__EXPECT_ROW_COUNT_BETWEEN:
		json_object_set_new(observed, "rows", json_integer((json_int_t)f->nrows));
		return in_bounds(e, (double)f->nrows);
	default:
		break;
	}
	if (!columns_fit(f, e, r, &ci, &c2i))
		return 0;
	if (e->kind == CAIRN__EXPECT_COLUMN_TYPE) {
		enum cairn_type t = f->cols[ci].type;
		json_object_set_new(observed, "type", json_string(cairn_type_name(t)));
		return (e->types & (1u << t)) != 0;
	}
	if (e->kind == CAIRN__EXPECT_MEAN_BETWEEN || e->kind == CAIRN__EXPECT_STD_BETWEEN ||
	    e->kind == CAIRN__EXPECT_QUANTILE_BETWEEN) {
		const struct cairn_column *c = &f->cols[ci];
		double v = column_stat(e, c, f->nrows);
		json_object_set_new(observed, stat_name(e->kind),
				    e->kind == CAIRN__EXPECT_STD_BETWEEN ? real_json(v) :
				    c->type == CAIRN_TYPE_DATETIME ? typed_json(c->type, v) : real_json(v));
		if (isnan(v))
			return set_error(r, "column '%s' has too few finite values for a %s",
					 e->column, stat_name(e->kind));
		return in_bounds(e, v);
	}
	memset(&rc, 0, sizeof(rc));
	rc.e = e;
	rc.f = f;
	rc.ci = (size_t)ci;
	rc.c = &f->cols[ci];
	if (c2i >= 0) {
		rc.c2i = (size_t)c2i;
		rc.c2 = &f->cols[c2i];
	}
	cairn_buf_init(&rc.tmp);
	prepare_codes(&rc);
	if (e->kind == CAIRN__EXPECT_UNIQUE)
		prepare_dup(&rc, observed);
	if (e->kind == CAIRN__EXPECT_IN_SET && !rc.code_fails)
		prepare_set(&rc);
	passed = check_rows(&rc, r, observed, max_examples);
	free(rc.code_fails);
	free(rc.dup);
	free(rc.set);
	cairn_buf_release(&rc.tmp);
	return passed;
}

int cairn_expect_check(cairn_ctx *ctx, const struct cairn_frame *f, const struct cairn_suite *s,
		       const struct cairn_expect_options *opts, json_t **report, int *passed)
{
	size_t max_examples = opts ? opts->max_examples : CAIRN_EXPECT_EXAMPLES, npassed = 0;
	json_t *results = json_array();

	for (size_t i = 0; i < s->n; i++) {
		json_t *r = result_new(&s->items[i], i + 1);
		int ok = check_one(f, &s->items[i], r, max_examples);
		json_object_set_new(r, "passed", json_boolean(ok));
		json_array_append_new(results, r);
		npassed += ok != 0;
	}
	*passed = npassed == s->n;
	*report = json_pack("{s:s, s:I, s:I, s:b, s:{s:I, s:I, s:I}, s:o}",
			    "suite", s->name, "rows", (json_int_t)f->nrows,
			    "columns", (json_int_t)f->ncols, "passed", *passed,
			    "summary", "expectations", (json_int_t)s->n,
			    "passed", (json_int_t)npassed, "failed", (json_int_t)(s->n - npassed),
			    "results", results);
	if (!*report)
		return cairn_error(ctx, CAIRN_EINTERNAL, "cannot build the check report");
	return 0;
}
