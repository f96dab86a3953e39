/* The search filter's parser: MLflow's filter and order grammar (see
 * include/cairn/search.h) into the syntax tree of filter-internal.h, with
 * errors that name the column at fault. A recursive descent over the text,
 * with no separate lexer: the grammar has a handful of tokens. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "core/utf8.h"
#include "track/filter-internal.h"

#define MAX_KEY 250

static const struct cairn__attribute attributes[] = {
	{ "run_id", "r.id", 0, 0 },
	{ "run_name", "r.name", 0, 0 },
	{ "status", "r.status", 0, 0 },
	{ "user_id", "r.user", 0, 0 },
	{ "experiment", "e.name", 0, 0 },
	{ "experiment_id", "r.experiment_id", 0, 0 },
	{ "parent_id", "r.parent_id", 0, 1 },
	{ "host", "r.host", 0, 0 },
	{ "start_time", "r.start_ms", 1, 0 },
	{ "end_time", "r.end_ms", 1, 1 },
	{ "duration", "(r.end_ms - r.start_ms)", 1, 1 },
};

/* Other spellings, MLflow's among them. */
static const struct { const char *alias, *name; } attribute_aliases[] = {
	{ "id", "run_id" }, { "run_uuid", "run_id" }, { "name", "run_name" },
	{ "run name", "run_name" }, { "user", "user_id" }, { "created", "start_time" },
	{ "experiment_name", "experiment" }, { "parent", "parent_id" },
	{ "parent_run_id", "parent_id" }, { "duration_ms", "duration" },
};

static const struct { const char *name; enum cairn__entity entity; } entities[] = {
	{ "metrics", CAIRN__METRIC }, { "metric", CAIRN__METRIC },
	{ "params", CAIRN__PARAM }, { "param", CAIRN__PARAM },
	{ "parameters", CAIRN__PARAM }, { "parameter", CAIRN__PARAM },
	{ "tags", CAIRN__TAG }, { "tag", CAIRN__TAG },
	{ "attributes", CAIRN__ATTRIBUTE }, { "attribute", CAIRN__ATTRIBUTE },
	{ "attr", CAIRN__ATTRIBUTE }, { "run", CAIRN__ATTRIBUTE },
};

static const char *const op_names[] = {
	"=", "!=", "<", "<=", ">", ">=", "LIKE", "ILIKE", "IN", "NOT IN"
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int match_name(const char *name, const char *s, size_t len)
{
	return strlen(name) == len && !strncasecmp(name, s, len);
}

/* The attribute called name (case-insensitive, with MLflow's aliases). */
static const struct cairn__attribute *attribute_find(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(attribute_aliases); i++)
		if (match_name(attribute_aliases[i].alias, name, len)) {
			name = attribute_aliases[i].name;
			len = strlen(name);
			break;
		}
	for (i = 0; i < ARRAY_SIZE(attributes); i++)
		if (match_name(attributes[i].name, name, len))
			return &attributes[i];
	return NULL;
}

struct parser {
	cairn_ctx *ctx;
	const char *s;
	size_t pos;
	const char *order; /* the text of the order being parsed, else NULL */
};

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_word(int c)
{
	return is_alpha(c) || is_digit(c);
}

/* A character of an unquoted key. */
static int is_key_char(int c)
{
	return is_word(c) || c == '.' || c == '-' || c == '/' || c == ':' || (c & 0x80);
}

static void skip_space(struct parser *p)
{
	while (is_space((unsigned char)p->s[p->pos]))
		p->pos++;
}

/* The column of byte offset off: characters before it, plus one. */
static size_t column_of(const char *s, size_t off)
{
	size_t col = 1;

	for (size_t i = 0; i < off && s[i]; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			col++;
	return col;
}

/* At most max bytes of s[0..len), cut on a character boundary. */
static int clip(const char *s, size_t len, size_t max)
{
	if (len > max) {
		len = max;
		while (len && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	return (int)len;
}

static int syntax_error(struct parser *p, size_t at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int syntax_error(struct parser *p, size_t at, const char *fmt, ...)
{
	cairn_buf msg = CAIRN_BUF_INIT;
	size_t col = column_of(p->s, at);
	va_list ap;
	int rc;

	va_start(ap, fmt);
	cairn_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (p->order)
		rc = cairn_error(p->ctx, CAIRN_EINVAL, "cannot parse order '%.*s' at column %zu: %s",
				 clip(p->order, strlen(p->order), 200), p->order, col, msg.buf);
	else
		rc = cairn_error(p->ctx, CAIRN_EINVAL, "cannot parse filter at column %zu: %s",
				 col, msg.buf);
	cairn_buf_release(&msg);
	return rc;
}

/* Says what stands at offset at, for "found ..." in messages. */
static void describe(struct parser *p, size_t at, cairn_buf *out)
{
	const char *s = p->s + at;
	size_t n = 0;

	if (!*s) {
		cairn_buf_addf(out, "the end of the %s", p->order ? "order" : "filter");
		return;
	}
	if (is_space((unsigned char)*s)) {
		cairn_buf_adds(out, "a space");
		return;
	}
	if (*s == '\'' || *s == '"' || *s == '`') {
		const char *end = strchr(s + 1, *s);
		n = end ? (size_t)(end - s) + 1 : strlen(s);
		cairn_buf_addf(out, "%s%.*s", *s == '`' ? "the key " : "the string ", clip(s, n, 60), s);
		return;
	}
	while (is_key_char((unsigned char)s[n]))
		n++;
	if (!n)
		for (n = 1; ((unsigned char)s[n] & 0xc0) == 0x80; n++)
			;
	cairn_buf_addf(out, "'%.*s'", clip(s, n, 60), s);
}

static int expected(struct parser *p, const char *what, size_t after_start, size_t after_end)
{
	cairn_buf found = CAIRN_BUF_INIT;
	int rc;

	describe(p, p->pos, &found);
	if (after_end > after_start)
		rc = syntax_error(p, p->pos, "expected %s after '%.*s', found %s", what,
				  clip(p->s + after_start, after_end - after_start, 80),
				  p->s + after_start, found.buf);
	else
		rc = syntax_error(p, p->pos, "expected %s, found %s", what, found.buf);
	cairn_buf_release(&found);
	return rc;
}

/* Consumes keyword kw (any case) when it stands at the current position as
 * a whole word. */
static int keyword(struct parser *p, const char *kw)
{
	size_t n = strlen(kw);

	if (strncasecmp(p->s + p->pos, kw, n) || is_word((unsigned char)p->s[p->pos + n]))
		return 0;
	p->pos += n;
	return 1;
}

/* A string or key between quotes q, with a doubled q standing for itself. */
static int quoted(struct parser *p, const char *what, char **out)
{
	cairn_buf b = CAIRN_BUF_INIT;
	size_t start = p->pos;
	char q = p->s[p->pos++];

	for (;;) {
		const char *c = p->s + p->pos;
		if (!*c) {
			cairn_buf_release(&b);
			return syntax_error(p, start, "unterminated %s: no closing %c", what, q);
		}
		p->pos++;
		if (*c == q) {
			if (c[1] != q)
				break;
			p->pos++;
		}
		cairn_buf_addch(&b, *c);
	}
	*out = cairn_buf_detach(&b, NULL);
	return 0;
}

static int check_key(struct parser *p, size_t at, const char *key)
{
	if (!*key)
		return syntax_error(p, at, "the key is empty");
	if (strlen(key) > MAX_KEY)
		return syntax_error(p, at, "key '%.*s...' is longer than %d characters",
				    clip(key, strlen(key), 40), key, MAX_KEY);
	for (const char *c = key; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return syntax_error(p, at, "the key holds a control character");
	return 0;
}

static void list_attributes(cairn_buf *out)
{
	for (size_t i = 0; i < ARRAY_SIZE(attributes); i++)
		cairn_buf_addf(out, "%s%s", i ? ", " : "", attributes[i].name);
}

/*
 * An identifier: ENTITY.KEY (KEY bare or quoted) or a bare attribute name.
 * [*start, p->pos) is its text, for messages.
 */
static int identifier(struct parser *p, enum cairn__entity *entity, char **key,
		      const struct cairn__attribute **attr, size_t *start)
{
	size_t wstart, wlen, kstart;
	const char *w;
	int rc;

	skip_space(p);
	*start = wstart = p->pos;
	*key = NULL;
	*attr = NULL;
	if (!is_alpha((unsigned char)p->s[p->pos]))
		return expected(p, "metrics.KEY, params.KEY, tags.KEY or attributes.NAME", 0, 0);
	while (is_word((unsigned char)p->s[p->pos]))
		p->pos++;
	w = p->s + wstart;
	wlen = p->pos - wstart;
	if (p->s[p->pos] != '.') {
		/* A bare name is an attribute, as in MLflow. */
		if ((*attr = attribute_find(w, wlen))) {
			*entity = CAIRN__ATTRIBUTE;
			*key = cairn_xstrdup((*attr)->name);
			return 0;
		}
		for (size_t i = 0; i < ARRAY_SIZE(entities); i++)
			if (match_name(entities[i].name, w, wlen))
				return expected(p, "'.' and a key", wstart, p->pos);
		p->pos = wstart;
		return expected(p, "metrics.KEY, params.KEY, tags.KEY or attributes.NAME", 0, 0);
	}
	{
		size_t i;
		for (i = 0; i < ARRAY_SIZE(entities) && !match_name(entities[i].name, w, wlen); i++)
			;
		if (i == ARRAY_SIZE(entities))
			return syntax_error(p, wstart, "unknown entity '%.*s' (metrics, params, tags or"
					    " attributes)", clip(w, wlen, 60), w);
		*entity = entities[i].entity;
	}
	p->pos++; /* the dot */
	kstart = p->pos;
	if (p->s[p->pos] == '`' || p->s[p->pos] == '"') {
		if ((rc = quoted(p, "key", key)))
			return rc;
	} else {
		while (is_key_char((unsigned char)p->s[p->pos]))
			p->pos++;
		if (p->pos == kstart)
			return expected(p, "a key", wstart, p->pos);
		*key = cairn_xstrndup(p->s + kstart, p->pos - kstart);
	}
	if ((rc = check_key(p, kstart, *key)))
		goto fail;
	if (*entity == CAIRN__ATTRIBUTE) {
		if (!(*attr = attribute_find(*key, strlen(*key)))) {
			cairn_buf names = CAIRN_BUF_INIT;
			list_attributes(&names);
			rc = syntax_error(p, kstart, "unknown attribute '%s' (%s)", *key, names.buf);
			cairn_buf_release(&names);
			goto fail;
		}
		free(*key);
		*key = cairn_xstrdup((*attr)->name);
	}
	return 0;
fail:
	free(*key);
	*key = NULL;
	return rc;
}

static int comparator(struct parser *p, enum cairn__op *op, size_t id_start, size_t id_end)
{
	static const struct { const char *text; enum cairn__op op; } symbols[] = {
		{ "<=", CAIRN__LE }, { ">=", CAIRN__GE }, { "!=", CAIRN__NE },
		{ "=", CAIRN__EQ }, { "<", CAIRN__LT }, { ">", CAIRN__GT },
	};

	skip_space(p);
	for (size_t i = 0; i < ARRAY_SIZE(symbols); i++) {
		size_t n = strlen(symbols[i].text);
		if (!strncmp(p->s + p->pos, symbols[i].text, n)) {
			p->pos += n;
			*op = symbols[i].op;
			return 0;
		}
	}
	if (keyword(p, "LIKE"))
		*op = CAIRN__LIKE;
	else if (keyword(p, "ILIKE"))
		*op = CAIRN__ILIKE;
	else if (keyword(p, "IN"))
		*op = CAIRN__IN;
	else if (keyword(p, "NOT")) {
		size_t not_end = p->pos;
		skip_space(p);
		if (!keyword(p, "IN"))
			return expected(p, "IN", id_start, not_end);
		*op = CAIRN__NOT_IN;
	} else
		return expected(p, "a comparator", id_start, id_end);
	return 0;
}

/* A number: [+-] digits [. digits] [e [+-] digits], with a digit somewhere
 * before the exponent. */
static int number(struct parser *p, double *out, size_t after_start, size_t after_end)
{
	size_t start = p->pos, i = p->pos, digits = 0;
	const char *s = p->s;
	char *copy, *end;

	if (s[i] == '+' || s[i] == '-')
		i++;
	for (; is_digit((unsigned char)s[i]); i++)
		digits++;
	if (s[i] == '.')
		for (i++; is_digit((unsigned char)s[i]); i++)
			digits++;
	if (!digits)
		return expected(p, "a number", after_start, after_end);
	if ((s[i] == 'e' || s[i] == 'E') &&
	    (is_digit((unsigned char)s[i + 1]) ||
	     ((s[i + 1] == '+' || s[i + 1] == '-') && is_digit((unsigned char)s[i + 2])))) {
		i += 2;
		while (is_digit((unsigned char)s[i]))
			i++;
	}
	if (is_key_char((unsigned char)s[i]))
		return expected(p, "a number", after_start, after_end);
	copy = cairn_xstrndup(s + start, i - start);
	*out = strtod(copy, &end);
	free(copy);
	if (!isfinite(*out))
		return syntax_error(p, start, "number '%.*s' is out of range", clip(s + start, i - start, 60),
				    s + start);
	p->pos = i;
	return 0;
}

static int string(struct parser *p, char **out, size_t after_start, size_t after_end)
{
	skip_space(p);
	if (p->s[p->pos] != '\'' && p->s[p->pos] != '"')
		return expected(p, "a quoted string", after_start, after_end);
	return quoted(p, "string", out);
}

static int list(struct parser *p, struct cairn__clause *c, size_t after_start, size_t after_end)
{
	size_t alloc = 0;
	int rc;

	skip_space(p);
	if (p->s[p->pos] != '(')
		return expected(p, "'('", after_start, after_end);
	p->pos++;
	for (;;) {
		char *v;
		skip_space(p);
		if (c->nlist == CAIRN__FILTER_MAX_LIST)
			return syntax_error(p, p->pos, "a list holds at most %d strings",
					    CAIRN__FILTER_MAX_LIST);
		if (p->s[p->pos] != '\'' && p->s[p->pos] != '"')
			return expected(p, c->nlist ? "a quoted string after ','" : "a quoted string in the list",
					0, 0);
		if ((rc = quoted(p, "string", &v)))
			return rc;
		if (c->nlist == alloc) {
			alloc = alloc ? 2 * alloc : 4;
			c->list = cairn_xrealloc(c->list, alloc * sizeof(*c->list));
		}
		c->list[c->nlist++] = v;
		skip_space(p);
		if (p->s[p->pos] == ')') {
			p->pos++;
			return 0;
		}
		if (p->s[p->pos] != ',')
			return expected(p, "',' or ')' in the list", 0, 0);
		p->pos++;
	}
}

/* What a clause on this identifier may compare with, for messages. */
static const char *subject(const struct cairn__clause *c)
{
	switch (c->entity) {
	case CAIRN__METRIC: return "metrics";
	case CAIRN__PARAM: return "params";
	case CAIRN__TAG: return "tags";
	default: return c->attr->name;
	}
}

static int clause(struct parser *p, struct cairn__clause *c)
{
	size_t id_start, id_end, op_at, op_end;
	int numeric, rc;

	c->column = column_of(p->s, p->pos + strspn(p->s + p->pos, " \t\n\r\f\v"));
	if ((rc = identifier(p, &c->entity, &c->key, &c->attr, &id_start)))
		return rc;
	id_end = p->pos;
	skip_space(p);
	op_at = p->pos;
	if ((rc = comparator(p, &c->op, id_start, id_end)))
		return rc;
	op_end = p->pos;
	numeric = c->entity == CAIRN__METRIC || (c->attr && c->attr->numeric);
	if (numeric && c->op > CAIRN__GE)
		return syntax_error(p, op_at, "%s compare%s with =, !=, <, <=, > or >=, not %s",
				    subject(c), c->entity == CAIRN__METRIC ? "" : "s", op_names[c->op]);
	if (!numeric && c->op >= CAIRN__LT && c->op <= CAIRN__GE)
		return syntax_error(p, op_at, "%s compare%s with =, !=, LIKE, ILIKE, IN or NOT IN, not %s",
				    subject(c), c->entity == CAIRN__ATTRIBUTE ? "s" : "", op_names[c->op]);
	if (c->op == CAIRN__IN || c->op == CAIRN__NOT_IN)
		return list(p, c, id_start, op_end);
	if (numeric) {
		skip_space(p);
		return number(p, &c->number, id_start, op_end);
	}
	return string(p, &c->text, id_start, op_end);
}

static void clause_release(struct cairn__clause *c)
{
	free(c->key);
	free(c->text);
	for (size_t i = 0; i < c->nlist; i++)
		free(c->list[i]);
	free(c->list);
}

void cairn__filter_release(struct cairn__filter *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		clause_release(&f->clauses[i]);
	free(f->clauses);
	f->clauses = NULL;
	f->n = 0;
}

static int check_utf8(struct parser *p)
{
	size_t bad;

	if (!cairn_utf8_valid(p->s, strlen(p->s), &bad))
		return syntax_error(p, bad, "not valid UTF-8");
	return 0;
}

int cairn__filter_parse(cairn_ctx *ctx, const char *text, struct cairn__filter *f)
{
	struct parser p = { ctx, text ? text : "", 0, NULL };
	size_t alloc = 0, and_end = 0, and_start = 0;
	int rc;

	f->clauses = NULL;
	f->n = 0;
	if ((rc = check_utf8(&p)))
		return rc;
	skip_space(&p);
	if (!p.s[p.pos])
		return 0;
	for (;;) {
		struct cairn__clause *c;
		if (f->n == CAIRN__FILTER_MAX_CLAUSES) {
			rc = syntax_error(&p, p.pos, "a filter holds at most %d clauses",
					  CAIRN__FILTER_MAX_CLAUSES);
			goto fail;
		}
		if (f->n == alloc) {
			alloc = alloc ? 2 * alloc : 4;
			f->clauses = cairn_xrealloc(f->clauses, alloc * sizeof(*f->clauses));
		}
		c = &f->clauses[f->n++];
		memset(c, 0, sizeof(*c));
		skip_space(&p);
		if (f->n > 1 && !p.s[p.pos]) {
			rc = expected(&p, "a clause", and_start, and_end);
			goto fail;
		}
		if ((rc = clause(&p, c)))
			goto fail;
		skip_space(&p);
		if (!p.s[p.pos])
			return 0;
		and_start = p.pos;
		if (keyword(&p, "AND")) {
			and_end = p.pos;
			continue;
		}
		if (keyword(&p, "OR")) {
			rc = syntax_error(&p, and_start, "OR is not supported: clauses are joined with AND");
			goto fail;
		}
		rc = expected(&p, "AND or the end of the filter", 0, 0);
		goto fail;
	}
fail:
	cairn__filter_release(f);
	return rc;
}

int cairn__order_parse(cairn_ctx *ctx, const char *text, struct cairn__order *o)
{
	struct parser p = { ctx, text ? text : "", 0, text ? text : "" };
	size_t start;
	int rc;

	memset(o, 0, sizeof(*o));
	if ((rc = check_utf8(&p)) ||
	    (rc = identifier(&p, &o->entity, &o->key, &o->attr, &start)))
		return rc;
	skip_space(&p);
	if (keyword(&p, "DESC"))
		o->desc = 1;
	else
		keyword(&p, "ASC");
	skip_space(&p);
	if (p.s[p.pos]) {
		rc = expected(&p, "ASC, DESC or the end of the order", 0, 0);
		cairn__order_release(o);
		return rc;
	}
	return 0;
}

void cairn__order_release(struct cairn__order *o)
{
	if (!o)
		return;
	free(o->key);
	o->key = NULL;
}
