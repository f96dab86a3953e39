/* Reading expectation suites from YAML (libyaml's document loader) into
 * struct cairn_suite, with errors naming the file, line, column and field;
 * see include/cairn/expect.h and docs/commands/data-check.md. */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "cairn/error.h"
#include "cairn/value.h"
#include "core/fs.h"
#include "core/yaml.h"
#include "data/expect.h"

/* The fields an expectation may have, one bit each. */
enum {
	K_EXPECT = 1 << 0,
	K_DESCRIPTION = 1 << 1,
	K_COLUMN = 1 << 2,
	K_COLUMNS = 1 << 3,
	K_STRICT = 1 << 4,
	K_TYPE = 1 << 5,
	K_MOSTLY = 1 << 6,
	K_MIN = 1 << 7,
	K_MAX = 1 << 8,
	K_VALUES = 1 << 9,
	K_REGEX = 1 << 10,
	K_QUANTILE = 1 << 11,
	K_THAN = 1 << 12,
	K_OR_EQUAL = 1 << 13,
	K_NKEYS = 14
};

static const char *const key_names[K_NKEYS] = {
	"expect", "description", "column", "columns", "strict", "type", "mostly", "min", "max",
	"values", "regex", "quantile", "than", "or_equal"
};

#define K_BOUNDS (K_MIN | K_MAX)

static const struct {
	const char *name;
	unsigned allowed;   /* besides expect and description */
	unsigned required;
} kinds[CAIRN__EXPECT_KIND_COUNT] = {
	[CAIRN__EXPECT_COLUMNS_PRESENT] = { "columns_present", K_COLUMNS | K_STRICT, K_COLUMNS },
	[CAIRN__EXPECT_COLUMN_TYPE] = { "column_type", K_COLUMN | K_TYPE, K_COLUMN | K_TYPE },
	[CAIRN__EXPECT_NOT_NULL] = { "not_null", K_COLUMN | K_MOSTLY, K_COLUMN },
	[CAIRN__EXPECT_UNIQUE] = { "unique", K_COLUMN | K_MOSTLY, K_COLUMN },
	[CAIRN__EXPECT_BETWEEN] = { "between", K_COLUMN | K_BOUNDS | K_MOSTLY, K_COLUMN },
	[CAIRN__EXPECT_IN_SET] = { "in_set", K_COLUMN | K_VALUES | K_MOSTLY, K_COLUMN | K_VALUES },
	[CAIRN__EXPECT_MATCHES] = { "matches", K_COLUMN | K_REGEX | K_MOSTLY, K_COLUMN | K_REGEX },
	[CAIRN__EXPECT_LENGTH_BETWEEN] = { "length_between", K_COLUMN | K_BOUNDS | K_MOSTLY,
					   K_COLUMN },
	[CAIRN__EXPECT_ROW_COUNT_BETWEEN] = { "row_count_between", K_BOUNDS, 0 },
	[CAIRN__EXPECT_MEAN_BETWEEN] = { "mean_between", K_COLUMN | K_BOUNDS, K_COLUMN },
	[CAIRN__EXPECT_STD_BETWEEN] = { "std_between", K_COLUMN | K_BOUNDS, K_COLUMN },
	[CAIRN__EXPECT_QUANTILE_BETWEEN] = { "quantile_between", K_COLUMN | K_QUANTILE | K_BOUNDS,
					     K_COLUMN | K_QUANTILE },
	[CAIRN__EXPECT_GREATER_THAN] = { "greater_than", K_COLUMN | K_THAN | K_OR_EQUAL | K_MOSTLY,
					 K_COLUMN | K_THAN },
};

const char *cairn__expect_kind_name(enum cairn__expect_kind k)
{
	return (unsigned)k < CAIRN__EXPECT_KIND_COUNT ? kinds[k].name : "?";
}

struct parse {
	cairn_ctx *ctx;
	const char *name;
	yaml_document_t doc;
	size_t index;         /* the expectation being read, from 1; 0 outside one */
	const char *kind;     /* its type, once known */
	size_t values;        /* list items read, aliases expanded */
};

static int fail(struct parse *p, const yaml_node_t *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct parse *p, const yaml_node_t *at, const char *fmt, ...)
{
	cairn_buf msg = CAIRN_BUF_INIT;
	va_list ap;

	cairn_buf_addf(&msg, "'%s' line %zu column %zu: ", p->name, at->start_mark.line + 1,
		       at->start_mark.column + 1);
	if (p->index) {
		cairn_buf_addf(&msg, "expectation %zu", p->index);
		if (p->kind)
			cairn_buf_addf(&msg, " (%s)", p->kind);
		cairn_buf_adds(&msg, ": ");
	}
	va_start(ap, fmt);
	cairn_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	cairn_error(p->ctx, CAIRN_EPARSE, "%s", msg.buf);
	cairn_buf_release(&msg);
	return CAIRN_EPARSE;
}

static yaml_node_t *node(struct parse *p, int id)
{
	return yaml_document_get_node(&p->doc, id);
}

static const char *text(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static int get_string(struct parse *p, const yaml_node_t *n, const char *key, char **out)
{
	if (n->type != YAML_SCALAR_NODE || cairn__yaml_is_null(n))
		return fail(p, n, "'%s' must be a string", key);
	free(*out);
	*out = cairn_xstrndup(text(n), n->data.scalar.length);
	return 0;
}

/* A plain scalar as a number; an integer also exactly in *i (may be NULL). */
static int parse_number(const yaml_node_t *n, double *v, int *is_int, int64_t *i)
{
	const char *s = text(n);
	size_t len = n->data.scalar.length;
	int64_t k;

	if (!cairn__yaml_is_plain(n))
		return 0;
	if (cairn_parse_int(s, len, &k)) {
		*v = (double)k;
		if (i)
			*i = k;
		*is_int = 1;
		return 1;
	}
	*is_int = 0;
	return cairn_parse_float(s, len, v) && !isnan(*v);
}

/* A quoted scalar that would be a number without its quotes. */
static int quoted_number(const yaml_node_t *n)
{
	double v;
	return n->type == YAML_SCALAR_NODE && !cairn__yaml_is_plain(n) &&
	       cairn_parse_float(text(n), n->data.scalar.length, &v) && !isnan(v);
}

static int get_number(struct parse *p, const yaml_node_t *n, const char *key, double *out)
{
	int is_int;
	if (quoted_number(n))
		return fail(p, n, "'%s' must be a number, not the string '%s' (drop the quotes)",
			    key, text(n));
	if (!parse_number(n, out, &is_int, NULL))
		return fail(p, n, "'%s' must be a number", key);
	return 0;
}

static int get_fraction(struct parse *p, const yaml_node_t *n, const char *key, double *out)
{
	if (get_number(p, n, key, out))
		return CAIRN_EPARSE;
	if (!(*out >= 0 && *out <= 1))
		return fail(p, n, "'%s' must be between 0 and 1, not %s", key, text(n));
	return 0;
}

static int get_bool(struct parse *p, const yaml_node_t *n, const char *key, int *out)
{
	if (!cairn__yaml_is_plain(n) || !cairn_parse_bool(text(n), n->data.scalar.length, out))
		return fail(p, n, "'%s' must be true or false", key);
	return 0;
}

/* A bound: a number, a date and time (for datetime columns), or null. */
static int get_bound(struct parse *p, const yaml_node_t *n, const char *key,
		     struct cairn__bound *b)
{
	int64_t ms;

	memset(b, 0, sizeof(*b));
	if (n->type == YAML_SCALAR_NODE && cairn__yaml_is_null(n))
		return 0;
	if (quoted_number(n))
		return fail(p, n, "'%s' must be a number, not the string '%s' (drop the quotes)",
			    key, text(n));
	if (n->type == YAML_SCALAR_NODE && parse_number(n, &b->v, &b->is_int, &b->i)) {
		b->set = 1;
		return 0;
	}
	if (n->type == YAML_SCALAR_NODE &&
	    cairn_parse_datetime(text(n), n->data.scalar.length, &ms)) {
		b->set = b->is_time = 1;
		b->v = (double)ms;
		return 0;
	}
	if (n->type == YAML_SCALAR_NODE)
		return fail(p, n, "'%s' must be a number or a date, not '%s'", key, text(n));
	return fail(p, n, "'%s' must be a number or a date", key);
}

/* A sequence of scalars (a lone scalar is a list of one when single is set). */
static int get_list(struct parse *p, const yaml_node_t *n, const char *key, int single,
		    char ***out, size_t *nout)
{
	yaml_node_item_t *it;
	size_t n_items, i = 0;

	if (single && n->type == YAML_SCALAR_NODE && !cairn__yaml_is_null(n)) {
		*out = cairn_xcalloc(1, sizeof(char *));
		(*out)[0] = cairn_xstrndup(text(n), n->data.scalar.length);
		*nout = 1;
		return 0;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(p, n, "'%s' must be a list, like [a, b]", key);
	n_items = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (!n_items)
		return fail(p, n, "'%s' must list at least one value", key);
	/* Aliases let a short file repeat a long list many times. */
	p->values += n_items;
	if (p->values > cairn__yaml_max_nodes)
		return fail(p, n, "more than %zu YAML nodes once aliases are expanded (an alias"
			    " bomb?)", cairn__yaml_max_nodes);
	*out = cairn_xcalloc(n_items, sizeof(char *));
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *v = node(p, *it);
		if (v->type != YAML_SCALAR_NODE)
			return fail(p, v, "each of '%s' must be a single value", key);
		(*out)[i++] = cairn_xstrndup(text(v), v->data.scalar.length);
		*nout = i;
	}
	return 0;
}

static int get_types(struct parse *p, const yaml_node_t *n, unsigned *types)
{
	char **names = NULL;
	size_t nnames = 0;
	int rc = get_list(p, n, "type", 1, &names, &nnames);

	for (size_t i = 0; i < nnames && !rc; i++) {
		int t = cairn_type_parse(names[i]);
		if (!strcmp(names[i], "numeric"))
			*types |= 1u << CAIRN_TYPE_INT | 1u << CAIRN_TYPE_FLOAT;
		else if (t <= CAIRN_TYPE_NULL)
			rc = fail(p, n, "'type' must be integer, float, numeric, boolean, datetime or string, not '%s'",
				  names[i]);
		else
			*types |= 1u << t;
	}
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	return rc;
}

static int get_regex(struct parse *p, const yaml_node_t *n, struct cairn__expectation *e)
{
	char *src = NULL;
	int err;

	if (get_string(p, n, "regex", &src))
		return CAIRN_EPARSE;
	if ((err = regcomp(&e->re, src, REG_EXTENDED | REG_NOSUB))) {
		char why[256];
		regerror(err, &e->re, why, sizeof(why));
		fail(p, n, "invalid 'regex' '%s': %s", src, why);
		free(src);
		return CAIRN_EPARSE;
	}
	e->regex = src;
	return 0;
}

static void allowed_keys(unsigned allowed, cairn_buf *out)
{
	for (int k = 0; k < K_NKEYS; k++)
		if (allowed & (1u << k))
			cairn_buf_addf(out, "%s%s", out->len ? ", " : "", key_names[k]);
}

static int find_kind(const char *name)
{
	for (int k = 0; k < CAIRN__EXPECT_KIND_COUNT; k++)
		if (!strcmp(name, kinds[k].name))
			return k;
	return -1;
}

static int parse_value(struct parse *p, unsigned key, const yaml_node_t *v,
		       struct cairn__expectation *e)
{
	switch (key) {
	case K_DESCRIPTION: return get_string(p, v, "description", &e->description);
	case K_COLUMN: return get_string(p, v, "column", &e->column);
	case K_COLUMNS: return get_list(p, v, "columns", 0, &e->columns, &e->ncolumns);
	case K_STRICT: return get_bool(p, v, "strict", &e->strict);
	case K_TYPE: return get_types(p, v, &e->types);
	case K_MOSTLY: e->mostly_set = 1; return get_fraction(p, v, "mostly", &e->mostly);
	case K_MIN: return get_bound(p, v, "min", &e->min);
	case K_MAX: return get_bound(p, v, "max", &e->max);
	case K_VALUES: return get_list(p, v, "values", 0, &e->values, &e->nvalues);
	case K_REGEX: return get_regex(p, v, e);
	case K_QUANTILE: return get_fraction(p, v, "quantile", &e->quantile);
	case K_THAN: return get_string(p, v, "than", &e->than);
	case K_OR_EQUAL: return get_bool(p, v, "or_equal", &e->or_equal);
	}
	return 0;
}

/* Checks that hold between fields once all are read. */
static int check_item(struct parse *p, const yaml_node_t *n, const yaml_node_t *min_node,
		      struct cairn__expectation *e)
{
	unsigned allowed = kinds[e->kind].allowed;
	int counts = e->kind == CAIRN__EXPECT_LENGTH_BETWEEN ||
		     e->kind == CAIRN__EXPECT_ROW_COUNT_BETWEEN;

	if ((allowed & K_BOUNDS) && !e->min.set && !e->max.set)
		return fail(p, n, "needs 'min', 'max' or both");
	if (e->min.set && e->max.set && e->min.v > e->max.v)
		return fail(p, min_node, "'min' is greater than 'max'");
	if (counts && ((e->min.set && (!e->min.is_int || e->min.v < 0)) ||
		       (e->max.set && (!e->max.is_int || e->max.v < 0))))
		return fail(p, n, "'min' and 'max' must be whole numbers from 0 to %" PRId64,
			    INT64_MAX);
	return 0;
}

static int parse_item(struct parse *p, const yaml_node_t *n, struct cairn__expectation *e)
{
	const yaml_node_t *kind_node = NULL, *min_node = n;
	yaml_node_pair_t *pr;
	unsigned seen = 0, allowed, missing;
	int k;

	e->line = n->start_mark.line + 1;
	e->col = n->start_mark.column + 1;
	e->mostly = 1;
	if (n->type != YAML_MAPPING_NODE)
		return fail(p, n, "must be a mapping with 'expect' and its fields");
	for (pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *key = node(p, pr->key);
		if (key->type == YAML_SCALAR_NODE && !strcmp(text(key), "expect"))
			kind_node = node(p, pr->value);
	}
	if (!kind_node)
		return fail(p, n, "missing 'expect' (the expectation type)");
	if (kind_node->type != YAML_SCALAR_NODE)
		return fail(p, kind_node, "'expect' must be a string");
	if ((k = find_kind(text(kind_node))) < 0) {
		cairn_buf known = CAIRN_BUF_INIT;
		for (int i = 0; i < CAIRN__EXPECT_KIND_COUNT; i++)
			cairn_buf_addf(&known, "%s%s", i ? ", " : "", kinds[i].name);
		fail(p, kind_node, "unknown expectation type '%s' (known: %s)", text(kind_node),
		     known.buf);
		cairn_buf_release(&known);
		return CAIRN_EPARSE;
	}
	e->kind = (enum cairn__expect_kind)k;
	p->kind = kinds[k].name;
	allowed = kinds[k].allowed | K_EXPECT | K_DESCRIPTION;
	for (pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *key = node(p, pr->key), *val = node(p, pr->value);
		unsigned bit = 0;
		if (key->type != YAML_SCALAR_NODE)
			return fail(p, key, "keys must be strings");
		for (int i = 0; i < K_NKEYS; i++)
			if (!strcmp(text(key), key_names[i]))
				bit = 1u << i;
		if (!(bit & allowed)) {
			cairn_buf keys = CAIRN_BUF_INIT;
			allowed_keys(allowed, &keys);
			fail(p, key, "unknown key '%s' (%s takes %s)", text(key), p->kind, keys.buf);
			cairn_buf_release(&keys);
			return CAIRN_EPARSE;
		}
		if (seen & bit)
			return fail(p, key, "'%s' is given twice", text(key));
		seen |= bit;
		if (bit == K_MIN)
			min_node = val;
		if (bit != K_EXPECT && parse_value(p, bit, val, e))
			return CAIRN_EPARSE;
	}
	if ((missing = kinds[k].required & ~seen)) {
		for (int i = 0; i < K_NKEYS; i++)
			if (missing & (1u << i))
				return fail(p, n, "missing '%s'", key_names[i]);
	}
	return check_item(p, n, min_node, e);
}

static int parse_expectations(struct parse *p, const yaml_node_t *n, struct cairn_suite *s)
{
	yaml_node_item_t *it;

	if (n->type != YAML_SEQUENCE_NODE)
		return fail(p, n, "'expectations' must be a list of mappings, each with 'expect'");
	s->items = cairn_xcalloc((size_t)(n->data.sequence.items.top - n->data.sequence.items.start) + 1,
				 sizeof(*s->items));
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		p->index = s->n + 1;
		p->kind = NULL;
		/* Counted first so that a failed item is freed with the suite. */
		s->n++;
		if (parse_item(p, node(p, *it), &s->items[s->n - 1]))
			return CAIRN_EPARSE;
	}
	p->index = 0;
	return 0;
}

static int parse_root(struct parse *p, const yaml_node_t *root, struct cairn_suite *s)
{
	const yaml_node_t *list = NULL;
	yaml_node_pair_t *pr;

	if (root->type != YAML_MAPPING_NODE)
		return fail(p, root, "a suite must be a mapping with 'suite' and 'expectations'");
	for (pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
		yaml_node_t *key = node(p, pr->key), *val = node(p, pr->value);
		const char *k = key->type == YAML_SCALAR_NODE ? text(key) : "";
		int rc = 0;
		for (yaml_node_pair_t *q = root->data.mapping.pairs.start; q < pr; q++) {
			yaml_node_t *prev = node(p, q->key);
			if (*k && prev->type == YAML_SCALAR_NODE && !strcmp(text(prev), k))
				return fail(p, key, "'%s' is given twice", k);
		}
		if (!strcmp(k, "suite"))
			rc = get_string(p, val, "suite", &s->name);
		else if (!strcmp(k, "description"))
			rc = get_string(p, val, "description", &s->description);
		else if (!strcmp(k, "expectations"))
			list = val;
		else if (key->type != YAML_SCALAR_NODE)
			rc = fail(p, key, "keys must be strings");
		else
			rc = fail(p, key, "unknown key '%s' (a suite takes suite, description, expectations)",
				  k);
		if (rc)
			return rc;
	}
	if (!list)
		return fail(p, root, "missing 'expectations'");
	return parse_expectations(p, list, s);
}

int cairn_suite_parse(cairn_ctx *ctx, const char *name, const char *text_, size_t len,
		      struct cairn_suite **out)
{
	struct parse p;
	struct cairn_suite *s = cairn_xcalloc(1, sizeof(*s));
	yaml_parser_t y;
	yaml_node_t *root;
	int rc = 0;

	memset(&p, 0, sizeof(p));
	p.ctx = ctx;
	p.name = name;
	*out = NULL;
	if (!yaml_parser_initialize(&y)) {
		free(s);
		return cairn_error(ctx, CAIRN_ENOMEM, "out of memory reading '%s'", name);
	}
	yaml_parser_set_input_string(&y, (const unsigned char *)text_, len);
	if (!yaml_parser_load(&y, &p.doc)) {
		rc = cairn__yaml_parser_error(ctx, name, &y);
		yaml_parser_delete(&y);
		free(s);
		return rc;
	}
	if (!(root = yaml_document_get_root_node(&p.doc))) {
		rc = cairn_error(ctx, CAIRN_EPARSE, "'%s' is empty: a suite needs 'expectations'",
				 name);
	} else if (!(rc = parse_root(&p, root, s))) {
		yaml_document_t next;
		if (!yaml_parser_load(&y, &next)) {
			rc = cairn__yaml_parser_error(ctx, name, &y);
		} else {
			yaml_node_t *extra = yaml_document_get_root_node(&next);
			if (extra)
				rc = fail(&p, extra, "a suite file holds one YAML document, this is a second");
			yaml_document_delete(&next);
		}
	}
	yaml_document_delete(&p.doc);
	yaml_parser_delete(&y);
	if (!s->name)
		s->name = cairn_xstrdup("");
	if (rc)
		cairn_suite_free(s);
	else
		*out = s;
	return rc;
}

int cairn_suite_load(cairn_ctx *ctx, const char *path, struct cairn_suite **out)
{
	cairn_buf b = CAIRN_BUF_INIT;
	int rc;

	*out = NULL;
	if ((rc = cairn_read_file(ctx, path, &b)))
		return rc;
	rc = cairn_suite_parse(ctx, path, b.buf, b.len, out);
	cairn_buf_release(&b);
	return rc;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void cairn_suite_free(struct cairn_suite *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		struct cairn__expectation *e = &s->items[i];
		free(e->description);
		free(e->column);
		free(e->than);
		free_list(e->columns, e->ncolumns);
		free_list(e->values, e->nvalues);
		if (e->regex) {
			regfree(&e->re);
			free(e->regex);
		}
	}
	free(s->items);
	free(s->name);
	free(s->description);
	free(s);
}

const char *cairn_suite_name(const struct cairn_suite *s)
{
	return s->name;
}

size_t cairn_suite_size(const struct cairn_suite *s)
{
	return s->n;
}
