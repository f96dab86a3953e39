/* YAML documents as JSON values, with libyaml; see include/cairn/yaml.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "cairn/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/yaml.h"

size_t cairn__yaml_max_nodes = CAIRN_YAML_MAX_NODES;

static json_t *plain_scalar(const char *s, size_t len)
{
	char *end;
	long long i;
	double d;

	if (!len || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL"))
		return json_null();
	if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE"))
		return json_true();
	if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE"))
		return json_false();
	errno = 0;
	i = strtoll(s, &end, 10);
	if (end == s + len && !errno && (s[0] != '0' || len == 1))
		return json_integer(i);
	d = strtod(s, &end);
	if (end == s + len && strspn(s, "+-0123456789.eE") == len)
		return json_real(d);
	return json_stringn(s, len);
}

/* What a conversion has done so far: aliases make the same node appear many
 * times, so the nodes written are counted against cairn__yaml_max_nodes. When
 * the limit is passed, the error names the innermost node being converted
 * for the first time: the one whose aliases expanded too far. */
struct convert_state {
	yaml_document_t *doc;
	unsigned char *seen;  /* per node of doc */
	size_t nodes;
	yaml_mark_t over_at;
	int over;             /* 1: limit passed, 2: and over_at set */
};

static json_t *convert_node(struct convert_state *st, yaml_node_t *n, int depth);

static json_t *convert(struct convert_state *st, yaml_node_t *n, int depth)
{
	size_t i = n ? (size_t)(n - st->doc->nodes.start) : 0;
	int first = n && !st->seen[i];
	json_t *v;

	if (n)
		st->seen[i] = 1;
	v = convert_node(st, n, depth);
	if (!v && st->over == 1 && first) {
		st->over_at = n->start_mark;
		st->over = 2;
	}
	return v;
}

static json_t *convert_node(struct convert_state *st, yaml_node_t *n, int depth)
{
	yaml_document_t *doc = st->doc;
	json_t *v;

	if (!n || depth > 64)
		return NULL;
	if (++st->nodes > cairn__yaml_max_nodes) {
		st->over = 1;
		return NULL;
	}
	switch (n->type) {
	case YAML_SCALAR_NODE:
		/* A "\0" escape: C strings, and so keys and most consumers, end there. */
		if (memchr(n->data.scalar.value, 0, n->data.scalar.length))
			return NULL;
		if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
			return plain_scalar((const char *)n->data.scalar.value, n->data.scalar.length);
		return json_stringn((const char *)n->data.scalar.value, n->data.scalar.length);
	case YAML_SEQUENCE_NODE:
		v = json_array();
		for (yaml_node_item_t *it = n->data.sequence.items.start;
		     it < n->data.sequence.items.top; it++) {
			json_t *e = convert(st, yaml_document_get_node(doc, *it), depth + 1);
			if (!e) {
				json_decref(v);
				return NULL;
			}
			json_array_append_new(v, e);
		}
		return v;
	case YAML_MAPPING_NODE:
		v = json_object();
		for (yaml_node_pair_t *pr = n->data.mapping.pairs.start;
		     pr < n->data.mapping.pairs.top; pr++) {
			yaml_node_t *k = yaml_document_get_node(doc, pr->key);
			json_t *e;
			if (!k || k->type != YAML_SCALAR_NODE ||
			    memchr(k->data.scalar.value, 0, k->data.scalar.length) ||
			    !(e = convert(st, yaml_document_get_node(doc, pr->value), depth + 1))) {
				json_decref(v);
				return NULL;
			}
			json_object_setn_new(v, (const char *)k->data.scalar.value, k->data.scalar.length, e);
		}
		return v;
	default:
		return NULL;
	}
}

int cairn_yaml_load_text(cairn_ctx *ctx, const char *what, const char *text, size_t len,
			 json_t **out)
{
	yaml_parser_t y;
	yaml_document_t doc;
	yaml_node_t *root;
	struct convert_state st = { 0 };
	int rc = 0;

	*out = NULL;
	if (!yaml_parser_initialize(&y))
		return cairn_error(ctx, CAIRN_ENOMEM, "out of memory");
	yaml_parser_set_input_string(&y, (const unsigned char *)text, len);
	if (!yaml_parser_load(&y, &doc)) {
		rc = cairn_error(ctx, CAIRN_EPARSE, "cannot parse '%s' line %zu column %zu: %s", what,
				 y.problem_mark.line + 1, y.problem_mark.column + 1,
				 y.problem ? y.problem : "invalid YAML");
		yaml_parser_delete(&y);
		return rc;
	}
	st.doc = &doc;
	st.seen = cairn_xcalloc((size_t)(doc.nodes.top - doc.nodes.start) + 1, 1);
	if (!(root = yaml_document_get_root_node(&doc)))
		rc = cairn_error(ctx, CAIRN_EPARSE, "'%s' is empty", what);
	else if (!(*out = convert(&st, root, 0)) && st.over)
		rc = cairn_error(ctx, CAIRN_EPARSE, "'%s' line %zu column %zu: more than %zu YAML"
				 " nodes once aliases are expanded (an alias bomb?)", what,
				 st.over_at.line + 1, st.over_at.column + 1, cairn__yaml_max_nodes);
	else if (!*out)
		rc = cairn_error(ctx, CAIRN_EPARSE, "'%s' holds a YAML construct cairn cannot read"
				 " (a non-scalar key, a NUL character, or nesting deeper than 64)", what);
	free(st.seen);
	yaml_document_delete(&doc);
	yaml_parser_delete(&y);
	return rc;
}

int cairn_yaml_load_file(cairn_ctx *ctx, const char *path, json_t **out)
{
	cairn_buf b = CAIRN_BUF_INIT;
	int rc;

	*out = NULL;
	if (!(rc = cairn_read_file(ctx, path, &b)))
		rc = cairn_yaml_load_text(ctx, path, b.buf, b.len, out);
	cairn_buf_release(&b);
	return rc;
}

/* 1 when s can be written plain and reads back as the same string. */
static int plain_ok(const char *s)
{
	size_t n = strlen(s);
	json_t *back;
	int same;

	if (!n || strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-") != n ||
	    s[0] == '-' || s[0] == '.')
		return 0;
	back = plain_scalar(s, n);
	same = json_is_string(back) && !strcmp(json_string_value(back), s);
	json_decref(back);
	return same;
}

/* A YAML double-quoted scalar. Besides JSON's escapes, the characters YAML
 * reads as line breaks (U+0085, U+2028, U+2029) or forbids (C1 controls,
 * U+FEFF, U+FFFE, U+FFFF) are escaped, or they would not read back as
 * themselves. */
static void append_quoted(cairn_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	cairn_buf_addch(b, '"');
	while (*p) {
		unsigned cp = 0, len = 1;
		if (*p == '"' || *p == '\\') {
			cairn_buf_addch(b, '\\');
			cairn_buf_addch(b, *p++);
			continue;
		}
		if (*p < 0x20 || *p == 0x7f) {
			cairn_buf_addf(b, "\\x%02x", *p++);
			continue;
		}
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			cp = p[1], len = 2;
		else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9))
			cp = 0x2000 | (p[2] - 0x80), len = 3;
		else if (p[0] == 0xef && ((p[1] == 0xbb && p[2] == 0xbf) ||
					  (p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf))))
			cp = ((unsigned)(p[1] & 0x3f) << 6 | (p[2] & 0x3f)) | 0xf000, len = 3;
		if (cp) {
			cairn_buf_addf(b, "\\u%04x", cp);
			p += len;
			continue;
		}
		cairn_buf_addch(b, *p++);
	}
	cairn_buf_addch(b, '"');
}

static void append_scalar(cairn_buf *b, const json_t *v)
{
	if (json_is_string(v) && plain_ok(json_string_value(v)))
		cairn_buf_adds(b, json_string_value(v));
	else if (json_is_string(v))
		append_quoted(b, json_string_value(v));
	else
		cairn_json_append(b, v, 0);
}

static void append_value(cairn_buf *b, const json_t *v, int indent);

/* YAML allows implicit keys of at most 1024 characters: a longer key is
 * written as an explicit one ("? key" then ": value" on the next line). */
static void append_key(cairn_buf *b, const char *key, int indent)
{
	json_t *k = json_string(key);
	cairn_buf text = CAIRN_BUF_INIT;

	append_scalar(&text, k);
	if (text.len > 1000)
		cairn_buf_addf(b, "%*s? %s\n%*s:", indent, "", text.buf, indent, "");
	else
		cairn_buf_addf(b, "%*s%s:", indent, "", text.buf);
	cairn_buf_release(&text);
	json_decref(k);
}

static int is_container(const json_t *v)
{
	return (json_is_object(v) && json_object_size(v)) || (json_is_array(v) && json_array_size(v));
}

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void append_value(cairn_buf *b, const json_t *v, int indent)
{
	if (json_is_object(v) && json_object_size(v)) {
		size_t n = json_object_size(v), i = 0;
		const char **keys = cairn_xmalloc(n * sizeof(*keys));
		const char *key;
		json_t *e;
		json_object_foreach((json_t *)v, key, e)
			keys[i++] = key;
		qsort(keys, n, sizeof(*keys), cmp_keys);
		for (i = 0; i < n; i++) {
			e = json_object_get(v, keys[i]);
			append_key(b, keys[i], indent);
			if (is_container(e)) {
				cairn_buf_addch(b, '\n');
				append_value(b, e, indent + 2);
			} else {
				cairn_buf_addch(b, ' ');
				append_value(b, e, indent);
			}
		}
		free(keys);
		return;
	}
	if (json_is_array(v) && json_array_size(v)) {
		size_t i;
		json_t *e;
		json_array_foreach(v, i, e) {
			cairn_buf_addf(b, "%*s- ", indent, "");
			if (is_container(e)) {
				/* A nested block: its first line continues after "- ". */
				cairn_buf nested = CAIRN_BUF_INIT;
				append_value(&nested, e, indent + 2);
				cairn_buf_adds(b, nested.buf + indent + 2);
				cairn_buf_release(&nested);
			} else
				append_value(b, e, indent);
		}
		return;
	}
	if (json_is_object(v))
		cairn_buf_adds(b, "{}\n");
	else if (json_is_array(v))
		cairn_buf_adds(b, "[]\n");
	else {
		append_scalar(b, v);
		cairn_buf_addch(b, '\n');
	}
}

void cairn_yaml_append(cairn_buf *b, const json_t *v)
{
	append_value(b, v, 0);
}

int cairn__yaml_is_plain(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

int cairn__yaml_is_null(const yaml_node_t *n)
{
	const char *s = (const char *)n->data.scalar.value;
	return cairn__yaml_is_plain(n) && (!*s || !strcmp(s, "~") || !strcmp(s, "null") ||
					   !strcmp(s, "Null") || !strcmp(s, "NULL"));
}

int cairn__yaml_parser_error(cairn_ctx *ctx, const char *what, const yaml_parser_t *y)
{
	const char *problem = y->problem ? y->problem : "malformed YAML";

	if (y->error == YAML_READER_ERROR)
		return cairn_error(ctx, CAIRN_EPARSE, "'%s' byte %zu: %s", what, y->problem_offset,
				   problem);
	if (y->error == YAML_MEMORY_ERROR)
		return cairn_error(ctx, CAIRN_ENOMEM, "out of memory reading '%s'", what);
	if (y->context)
		return cairn_error(ctx, CAIRN_EPARSE,
				   "'%s' line %zu column %zu: %s (%s at line %zu column %zu)",
				   what, y->problem_mark.line + 1, y->problem_mark.column + 1,
				   problem, y->context, y->context_mark.line + 1,
				   y->context_mark.column + 1);
	return cairn_error(ctx, CAIRN_EPARSE, "'%s' line %zu column %zu: %s", what,
			   y->problem_mark.line + 1, y->problem_mark.column + 1, problem);
}
