/* Reading the project file cairn.yaml with libyaml: its sections, and typed
 * values with errors naming the file, line, column and key; see
 * src/registry/project.h. */
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/value.h"
#include "core/fs.h"
#include "core/yaml.h"
#include "registry/project.h"

/* The sections a project file may have; each has its reader elsewhere. */
static const char *const sections[] = { "models", "alerts", NULL };

int cairn__project_fail(struct cairn__project *p, const yaml_node_t *at, const char *key,
			const char *fmt, ...)
{
	cairn_buf msg = CAIRN_BUF_INIT;
	va_list ap;

	cairn_buf_addf(&msg, "'%s' line %zu column %zu: ", p->path, at->start_mark.line + 1,
		       at->start_mark.column + 1);
	if (key)
		cairn_buf_addf(&msg, "%s: ", key);
	va_start(ap, fmt);
	cairn_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	cairn_error(p->ctx, CAIRN_EPARSE, "%s", msg.buf);
	cairn_buf_release(&msg);
	return CAIRN_EPARSE;
}

yaml_node_t *cairn__project_node(struct cairn__project *p, int id)
{
	return yaml_document_get_node(&p->doc, id);
}

const char *cairn__project_text(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : "";
}

int cairn__project_string(struct cairn__project *p, const yaml_node_t *n, const char *key,
			  char **out)
{
	if (n->type != YAML_SCALAR_NODE || cairn__yaml_is_null(n) || !n->data.scalar.length)
		return cairn__project_fail(p, n, key, "must be a non-empty string");
	free(*out);
	*out = cairn_xstrndup(cairn__project_text(n), n->data.scalar.length);
	return 0;
}

int cairn__project_path(struct cairn__project *p, const yaml_node_t *n, const char *key,
			char **as_given, char **resolved)
{
	cairn_buf path = CAIRN_BUF_INIT;

	if (cairn__project_string(p, n, key, as_given))
		return CAIRN_EPARSE;
	if (**as_given == '/')
		cairn_buf_adds(&path, *as_given);
	else
		cairn_path_join(&path, p->dir, *as_given);
	free(*resolved);
	*resolved = cairn_buf_detach(&path, NULL);
	return 0;
}

int cairn__project_number(struct cairn__project *p, const yaml_node_t *n, const char *key,
			  double *out)
{
	const char *s = cairn__project_text(n);

	if (n->type == YAML_SCALAR_NODE && !cairn__yaml_is_plain(n) &&
	    cairn_parse_float(s, n->data.scalar.length, out))
		return cairn__project_fail(p, n, key, "must be a number, not the string '%s' (drop"
					   " the quotes)", s);
	if (!cairn__yaml_is_plain(n) || !cairn_parse_float(s, n->data.scalar.length, out) || !isfinite(*out))
		return cairn__project_fail(p, n, key, "must be a number");
	return 0;
}

int cairn__project_bool(struct cairn__project *p, const yaml_node_t *n, const char *key, int *out)
{
	if (!cairn__yaml_is_plain(n) || !cairn_parse_bool(cairn__project_text(n), n->data.scalar.length, out))
		return cairn__project_fail(p, n, key, "must be true or false");
	return 0;
}

yaml_node_t *cairn__project_get(struct cairn__project *p, const yaml_node_t *n, const char *key)
{
	if (n->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = cairn__project_node(p, pr->key);
		if (k->type == YAML_SCALAR_NODE && !strcmp(cairn__project_text(k), key))
			return cairn__project_node(p, pr->value);
	}
	return NULL;
}

int cairn__project_mapping(struct cairn__project *p, const yaml_node_t *n, const char *key,
			   const char *what, const char *const *known)
{
	if (n->type != YAML_MAPPING_NODE)
		return cairn__project_fail(p, n, key, "%s must be a mapping", what);
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = cairn__project_node(p, pr->key);
		const char *name = cairn__project_text(k);
		size_t i;

		if (k->type != YAML_SCALAR_NODE)
			return cairn__project_fail(p, k, key, "keys must be strings");
		for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < pr; q++)
			if (!strcmp(cairn__project_text(cairn__project_node(p, q->key)), name))
				return cairn__project_fail(p, k, key, "'%s' is given twice", name);
		if (!known)
			continue;
		for (i = 0; known[i] && strcmp(known[i], name); i++)
			;
		if (!known[i]) {
			cairn_buf list = CAIRN_BUF_INIT;
			for (i = 0; known[i]; i++)
				cairn_buf_addf(&list, "%s%s", i ? ", " : "", known[i]);
			cairn__project_fail(p, k, key, "unknown key '%s' (%s takes %s)", name, what,
					    list.buf);
			cairn_buf_release(&list);
			return CAIRN_EPARSE;
		}
	}
	return 0;
}

yaml_node_t *cairn__project_section(struct cairn__project *p, const char *name)
{
	yaml_node_t *root = p->loaded ? yaml_document_get_root_node(&p->doc) : NULL;

	return root ? cairn__project_get(p, root, name) : NULL;
}

void cairn__project_free(struct cairn__project *p)
{
	if (!p)
		return;
	if (p->loaded)
		yaml_document_delete(&p->doc);
	free(p->path);
	free(p->dir);
	free(p);
}

int cairn__project_load(cairn_ctx *ctx, const char *path, struct cairn__project **out)
{
	struct cairn__project *p = cairn_xcalloc(1, sizeof(*p));
	const char *slash = strrchr(path, '/');
	cairn_buf text = CAIRN_BUF_INIT;
	yaml_parser_t y;
	yaml_node_t *root;
	int rc;

	*out = NULL;
	p->ctx = ctx;
	p->path = cairn_xstrdup(path);
	p->dir = slash ? cairn_xstrndup(path, slash == path ? 1 : (size_t)(slash - path))
		       : cairn_xstrdup(".");
	if ((rc = cairn_read_file(ctx, path, &text))) {
		cairn_error_prefix(ctx, "cannot read the project file");
		goto out;
	}
	if (!yaml_parser_initialize(&y)) {
		rc = cairn_error(ctx, CAIRN_ENOMEM, "out of memory reading '%s'", path);
		goto out;
	}
	yaml_parser_set_input_string(&y, (const unsigned char *)text.buf, text.len);
	if (!yaml_parser_load(&y, &p->doc)) {
		rc = cairn__yaml_parser_error(ctx, path, &y);
		yaml_parser_delete(&y);
		goto out;
	}
	yaml_parser_delete(&y);
	p->loaded = 1;
	root = yaml_document_get_root_node(&p->doc);
	if (root && !(cairn__yaml_is_null(root)))
		rc = cairn__project_mapping(p, root, NULL, "a project file", sections);
out:
	cairn_buf_release(&text);
	if (rc)
		cairn__project_free(p);
	else
		*out = p;
	return rc;
}
