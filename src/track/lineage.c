/* The lineage graph: resolving a reference to a node and walking the edges
 * up or down from it; see include/cairn/lineage.h. */
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/lineage.h"
#include "cairn/run.h"
#include "core/ctx-internal.h"
#include "core/strmap.h"
#include "data/dataset-internal.h"
#include "store/db.h"
#include "store/lineage-db.h"
#include "track/run-db.h"

/* The relations whose src is the earlier end: an activity acting on what
 * comes after it. Every other relation points from the later thing. */
static const char *const reversed[] = { "generated", "triggered", "promoted", NULL };

int cairn_lineage_relation_is_forward(const char *relation)
{
	for (int i = 0; reversed[i]; i++)
		if (!strcmp(relation, reversed[i]))
			return 0;
	return 1;
}

/*
 * Resolving.
 */

/* Sets type and id; always 0. */
static int found(cairn_buf *type, cairn_buf *id, const char *t, const char *i)
{
	cairn_buf_reset(type);
	cairn_buf_adds(type, t);
	cairn_buf_reset(id);
	cairn_buf_adds(id, i);
	return 0;
}

static int resolve_run(cairn_ctx *ctx, const char *ref, cairn_buf *type, cairn_buf *id)
{
	char full[CAIRN_ID_LEN + 1];
	int rc;

	if ((rc = cairn_run_resolve(ctx, ref, full)))
		return rc;
	return found(type, id, "run", full);
}

static int resolve_dataset(cairn_ctx *ctx, const char *ref, cairn_buf *type, cairn_buf *id)
{
	struct cairn_dataset_version v;
	int rc;

	if ((rc = cairn_dataset_resolve(ctx, ref, &v)))
		return rc;
	found(type, id, "dataset_version", v.id);
	cairn_dataset_version_release(&v);
	return 0;
}

/* RUN/PATH or RUN:PATH (sep points at the separator): the artifact logged
 * at PATH, or the logged directory that holds PATH. */
static int resolve_artifact(cairn_ctx *ctx, const char *ref, const char *sep,
			    cairn_buf *type, cairn_buf *id)
{
	char run[CAIRN_ID_LEN + 1];
	cairn_buf run_ref = CAIRN_BUF_INIT, want = CAIRN_BUF_INIT, hit = CAIRN_BUF_INIT;
	const char *path = sep + 1;
	cairn__db *db;
	int rc, row = 0;

	cairn_buf_add(&run_ref, ref, (size_t)(sep - ref));
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	while (*path == '/')
		path++;
	if (!run_ref.len || !*path) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "artifact reference '%s' needs a run and a path,"
				 " as in RUN/model.json", ref);
		goto out;
	}
	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn_run_resolve(ctx, run_ref.buf, run)))
		goto out;
	cairn_buf_addf(&want, "%s/%s", run, path);
	while (want.len && want.buf[want.len - 1] == '/')
		cairn_buf_setlen(&want, want.len - 1);
	/* The longest recorded artifact that is the path or a directory above it. */
	if ((rc = cairn__lineage_covering(db, "run", run, "generated", "artifact", want.buf, &hit,
					  &row)))
		goto out;
	if (row)
		found(type, id, "artifact", hit.buf);
	else
		rc = cairn_error(ctx, CAIRN_ENOTFOUND, "run %s has no artifact '%s' (see 'cairn runs"
				 " artifacts %s')", run, path, run);
out:
	cairn_buf_release(&run_ref);
	cairn_buf_release(&want);
	cairn_buf_release(&hit);
	return rc;
}

/* TYPE:ID for a type no resolver knows: a node of the lineage table. */
static int resolve_recorded(cairn_ctx *ctx, const char *t, const char *i, cairn_buf *type,
			    cairn_buf *id, int *known)
{
	cairn__db *db;
	int rc;

	*known = 0;
	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn__lineage_has_node(db, t, i, known)))
		return rc;
	return *known ? found(type, id, t, i) : 0;
}

/* 1 when the lineage table has any node of type t. */
static int type_recorded(cairn_ctx *ctx, const char *t)
{
	cairn__db *db;
	int known = 0;

	if (cairn__ctx_db(ctx, &db) || cairn__lineage_has_type(db, t, &known))
		return 0;
	return known;
}

/* The resolvers tried for a bare REF, in order, each with the TYPE: prefix
 * that selects it alone. A model registry adds its row here. */
static const struct resolver {
	const char *prefix;
	const char *what;
	int (*fn)(cairn_ctx *ctx, const char *ref, cairn_buf *type, cairn_buf *id);
} resolvers[] = {
	{ "run", "run", resolve_run },
	{ "dataset", "dataset version", resolve_dataset },
	{ NULL, NULL, NULL }
};

/* The one-line description of a candidate node for an ambiguity message. */
static void describe(cairn_ctx *ctx, const char *what, const char *type, const char *id,
		     cairn_buf *out)
{
	struct cairn_dataset_version v;

	if (!strcmp(type, "dataset_version") && !cairn_dataset_resolve(ctx, id, &v)) {
		cairn_buf_addf(out, "%s %s@%lld (%s)", what, v.name, (long long)v.version, id);
		cairn_dataset_version_release(&v);
	} else {
		cairn_buf_addf(out, "%s %s", what, id);
	}
}

static int resolve_any(cairn_ctx *ctx, const char *ref, cairn_buf *type, cairn_buf *id)
{
	cairn_buf t = CAIRN_BUF_INIT, i = CAIRN_BUF_INIT, seen = CAIRN_BUF_INIT;
	cairn_buf ambiguous = CAIRN_BUF_INIT;
	int rc = 0, n = 0, namb = 0;

	for (const struct resolver *r = resolvers; r->prefix; r++) {
		int code = r->fn(ctx, ref, &t, &i);
		if (code == CAIRN_EAMBIGUOUS) {
			cairn_buf_addf(&ambiguous, "%s%s", namb++ ? "; " : "", cairn_errmsg(ctx));
			continue;
		}
		if (code == CAIRN_ENOTFOUND || code == CAIRN_EINVAL)
			continue;
		if (code) {
			rc = code;
			goto out;
		}
		cairn_buf_adds(&seen, n ? ", " : "");
		describe(ctx, r->what, t.buf, i.buf, &seen);
		cairn_buf_addf(&seen, " ('%s:%s')", r->prefix, ref);
		if (n++ == 0)
			found(type, id, t.buf, i.buf);
	}
	if (n + namb > 1)
		rc = cairn_error(ctx, CAIRN_EAMBIGUOUS, "'%s' names more than one thing: %s%s%s",
				 ref, seen.buf, n && namb ? "; " : "", ambiguous.buf);
	else if (namb)
		rc = cairn_error(ctx, CAIRN_EAMBIGUOUS, "%s", ambiguous.buf);
	else if (n == 0)
		rc = cairn_error(ctx, CAIRN_ENOTFOUND, "no run, dataset or artifact '%s' (give a run id"
				 " or prefix, a dataset reference such as iris@2, or RUN/PATH for an"
				 " artifact)", ref);
out:
	cairn_buf_release(&t);
	cairn_buf_release(&i);
	cairn_buf_release(&seen);
	cairn_buf_release(&ambiguous);
	return rc;
}

int cairn_lineage_resolve(cairn_ctx *ctx, const char *ref, cairn_buf *type, cairn_buf *id)
{
	const char *colon = strchr(ref, ':'), *slash = strchr(ref, '/');
	int rc;

	if ((rc = cairn__ctx_need_workspace(ctx)))
		return rc;
	if (!*ref)
		return cairn_error(ctx, CAIRN_EINVAL, "empty lineage reference");
	if (colon && (!slash || colon < slash)) {
		cairn_buf prefix = CAIRN_BUF_INIT;
		const char *rest = colon + 1;
		int known = 0;

		cairn_buf_add(&prefix, ref, (size_t)(colon - ref));
		rc = -1;
		for (const struct resolver *r = resolvers; r->prefix && rc < 0; r++)
			if (!strcmp(prefix.buf, r->prefix))
				rc = r->fn(ctx, rest, type, id);
		if (rc < 0 && !strcmp(prefix.buf, "artifact")) {
			const char *sep = strpbrk(rest, "/:");
			rc = sep ? resolve_artifact(ctx, rest, sep, type, id)
				 : cairn_error(ctx, CAIRN_EINVAL, "artifact reference '%s' needs a"
					       " run and a path, as in artifact:RUN/model.json", ref);
		}
		if (rc < 0 && type_recorded(ctx, prefix.buf)) {
			rc = resolve_recorded(ctx, prefix.buf, rest, type, id, &known);
			if (!rc && !known)
				rc = cairn_error(ctx, CAIRN_ENOTFOUND, "no %s '%s' in the lineage",
						 prefix.buf, rest);
		}
		if (rc < 0)      /* RUN:PATH */
			rc = resolve_artifact(ctx, ref, colon, type, id);
		cairn_buf_release(&prefix);
		return rc;
	}
	if (slash)
		return resolve_artifact(ctx, ref, slash, type, id);
	return resolve_any(ctx, ref, type, id);
}

/*
 * Walking.
 */

struct walk {
	cairn_ctx *ctx;
	cairn__db *db;
	struct cairn_lineage_graph *g;
	size_t nodes_cap, edges_cap;
	struct cairn_strmap node_keys;  /* "type\nid" -> node index */
	struct cairn_strmap edge_keys;  /* "src\nrelation\ndst" -> edge index */
};

static json_t *time_json(int64_t ms)
{
	char t[32];

	cairn_format_time(ms, t);
	return json_string(t);
}

/* Fills the label and info of a run node. */
static int describe_run(struct walk *w, struct cairn_lineage_node *n, int *missing)
{
	struct cairn__run_row r;
	cairn_buf label = CAIRN_BUF_INIT;
	int rc, found;

	if ((rc = cairn__rundb_row(w->ctx, w->db, n->id, &r, &found)))
		return rc;
	if (found) {
		json_object_set_new(n->info, "name", json_string(r.name));
		json_object_set_new(n->info, "experiment", json_string(r.experiment));
		json_object_set_new(n->info, "status", json_string(r.status));
		json_object_set_new(n->info, "start_time", time_json(r.start_ms));
		json_object_set_new(n->info, "end_time", r.ended ? time_json(r.end_ms) : json_null());
		json_object_set_new(n->info, "parent", r.parent ? json_string(r.parent) : json_null());
		cairn_buf_addf(&label, "run %.12s (%s) %s", n->id, r.name, r.status);
		n->label = cairn_buf_detach(&label, NULL);
	}
	cairn__run_row_release(&r);
	*missing = !found;
	return 0;
}

static int describe_version(struct walk *w, struct cairn_lineage_node *n, int *missing)
{
	struct cairn_dataset_version v;
	cairn_buf label = CAIRN_BUF_INIT;
	int rc;

	if ((rc = cairn__dataset_by_id(w->ctx, n->id, &v))) {
		if (rc != CAIRN_ENOTFOUND)
			return rc;
		cairn_error_clear(w->ctx);
		*missing = 1;
		return 0;
	}
	cairn_buf_addf(&label, "%s@%lld", v.name, (long long)v.version);
	json_object_set_new(n->info, "name", json_string(v.name));
	json_object_set_new(n->info, "version", json_integer(v.version));
	json_object_set_new(n->info, "ref", json_string(label.buf));
	json_object_set_new(n->info, "hash", json_string(v.hash));
	json_object_set_new(n->info, "rows", v.rows < 0 ? json_null() : json_integer(v.rows));
	json_object_set_new(n->info, "cols", v.cols < 0 ? json_null() : json_integer(v.cols));
	json_object_set_new(n->info, "format", *v.format ? json_string(v.format) : json_null());
	json_object_set_new(n->info, "created_at", time_json(v.created_ms));
	n->label = cairn_buf_detach(&label, NULL);
	cairn_dataset_version_release(&v);
	*missing = 0;
	return 0;
}

/* Fills the label and info of node n from the records of its type. */
static int describe_node(struct walk *w, struct cairn_lineage_node *n)
{
	cairn_buf label = CAIRN_BUF_INIT;
	int rc = 0, missing = 0;

	n->info = json_object();
	if (!strcmp(n->type, "run")) {
		rc = describe_run(w, n, &missing);
	} else if (!strcmp(n->type, "dataset_version")) {
		rc = describe_version(w, n, &missing);
	} else if (!strcmp(n->type, "artifact")) {
		const char *slash = strchr(n->id, '/');
		if (slash) {
			json_object_set_new(n->info, "run", json_stringn(n->id, (size_t)(slash - n->id)));
			json_object_set_new(n->info, "path", json_string(slash + 1));
			cairn_buf_addf(&label, "artifact %s", slash + 1);
		}
	}
	if (rc)
		return rc;
	if (missing)
		json_object_set_new(n->info, "missing", json_true());
	if (!n->label) {
		if (!label.len)
			cairn_buf_addf(&label, "%s %s", n->type, n->id);
		if (missing)
			cairn_buf_adds(&label, " (missing)");
		n->label = cairn_buf_detach(&label, NULL);
	}
	cairn_buf_release(&label);
	return 0;
}

/* The index of node (type, id), added (at depth, reached by no walk yet)
 * when new. */
static int add_node(struct walk *w, const char *type, const char *id, int depth, size_t *index)
{
	cairn_buf key = CAIRN_BUF_INIT;
	struct cairn_lineage_graph *g = w->g;
	struct cairn_lineage_node *n;
	int is_new;

	cairn_buf_addf(&key, "%s\n%s", type, id);
	*index = cairn_strmap_intern(&w->node_keys, key.buf, key.len, &is_new);
	cairn_buf_release(&key);
	if (!is_new)
		return 0;
	if (g->nnodes == w->nodes_cap) {
		w->nodes_cap = w->nodes_cap ? 2 * w->nodes_cap : 16;
		g->nodes = cairn_xrealloc(g->nodes, w->nodes_cap * sizeof(*g->nodes));
	}
	n = &g->nodes[g->nnodes++];
	memset(n, 0, sizeof(*n));
	n->type = cairn_xstrdup(type);
	n->id = cairn_xstrdup(id);
	n->depth = depth;
	return describe_node(w, n);
}

static void add_edge(struct walk *w, size_t src, const char *relation, size_t dst,
		     int64_t created_ms)
{
	cairn_buf key = CAIRN_BUF_INIT;
	struct cairn_lineage_graph *g = w->g;
	struct cairn_lineage_edge *e;
	int is_new;

	cairn_buf_addf(&key, "%zu\n%s\n%zu", src, relation, dst);
	cairn_strmap_intern(&w->edge_keys, key.buf, key.len, &is_new);
	cairn_buf_release(&key);
	if (!is_new)
		return;
	if (g->nedges == w->edges_cap) {
		w->edges_cap = w->edges_cap ? 2 * w->edges_cap : 16;
		g->edges = cairn_xrealloc(g->edges, w->edges_cap * sizeof(*g->edges));
	}
	e = &g->edges[g->nedges++];
	e->src = src;
	e->dst = dst;
	e->relation = cairn_xstrdup(relation);
	e->created_ms = created_ms;
}

/* Breadth first from the root in one direction; each node is expanded once. */
static int walk_dir(struct walk *w, enum cairn_lineage_dir dir, int max_depth)
{
	struct { size_t node; int depth; } *queue = NULL;
	size_t head = 0, tail = 0, qcap = 0, nrows = 0, nout, rcap = 0, i;
	struct cairn__lineage_row *rows = NULL;
	int rc = 0;

	queue = cairn_xmalloc(sizeof(*queue) * (qcap = 16));
	queue[tail].node = 0;
	queue[tail++].depth = 0;
	w->g->nodes[0].dirs |= (unsigned)dir;
	while (head < tail && !rc) {
		size_t at = queue[head].node;
		int depth = queue[head++].depth;

		if (max_depth >= 0 && depth >= max_depth)
			continue;
		cairn__lineage_rows_release(rows, nrows);
		nrows = 0;
		/* n is src: its forward edges lead up, its reversed ones down;
		 * n is dst: the other way round. */
		if ((rc = cairn__lineage_edges(w->db, w->g->nodes[at].type, w->g->nodes[at].id, 1,
					       &rows, &nrows, &rcap)))
			break;
		nout = nrows;
		if ((rc = cairn__lineage_edges(w->db, w->g->nodes[at].type, w->g->nodes[at].id, 0,
					       &rows, &nrows, &rcap)))
			break;
		for (i = 0; i < nrows && !rc; i++) {
			struct cairn__lineage_row *r = &rows[i];
			int as_src = i < nout;
			int forward = cairn_lineage_relation_is_forward(r->relation);
			int up = as_src ? forward : !forward;
			size_t other, self = at;

			if ((dir == CAIRN_LINEAGE_UP) != up)
				continue;
			if ((rc = add_node(w, as_src ? r->dst_type : r->src_type,
					   as_src ? r->dst_id : r->src_id, depth + 1, &other)))
				break;
			add_edge(w, as_src ? self : other, r->relation, as_src ? other : self,
				 r->created_ms);
			if (w->g->nodes[other].dirs & (unsigned)dir)
				continue;
			w->g->nodes[other].dirs |= (unsigned)dir;
			if (w->g->nodes[other].depth > depth + 1)
				w->g->nodes[other].depth = depth + 1;
			if (tail == qcap)
				queue = cairn_xrealloc(queue, sizeof(*queue) * (qcap *= 2));
			queue[tail].node = other;
			queue[tail++].depth = depth + 1;
		}
	}
	cairn__lineage_rows_release(rows, nrows);
	free(rows);
	free(queue);
	return rc;
}

int cairn_lineage_walk(cairn_ctx *ctx, const char *ref, const struct cairn_lineage_options *opts,
		       struct cairn_lineage_graph *out)
{
	static const struct cairn_lineage_options defaults = { CAIRN_LINEAGE_UP, -1 };
	cairn_buf type = CAIRN_BUF_INIT, id = CAIRN_BUF_INIT;
	struct walk w = { 0 };
	size_t root;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!opts)
		opts = &defaults;
	out->dir = opts->dir ? opts->dir : CAIRN_LINEAGE_UP;
	out->max_depth = opts->max_depth < 0 ? -1 : opts->max_depth;
	w.ctx = ctx;
	w.g = out;
	cairn_strmap_init(&w.node_keys);
	cairn_strmap_init(&w.edge_keys);
	if ((rc = cairn__ctx_db(ctx, &w.db)) || (rc = cairn_run_reap_dead(ctx)) ||
	    (rc = cairn_lineage_resolve(ctx, ref, &type, &id)) ||
	    (rc = add_node(&w, type.buf, id.buf, 0, &root)))
		goto out;
	if ((out->dir & CAIRN_LINEAGE_UP) && (rc = walk_dir(&w, CAIRN_LINEAGE_UP, out->max_depth)))
		goto out;
	if (out->dir & CAIRN_LINEAGE_DOWN)
		rc = walk_dir(&w, CAIRN_LINEAGE_DOWN, out->max_depth);
out:
	cairn_strmap_release(&w.node_keys);
	cairn_strmap_release(&w.edge_keys);
	cairn_buf_release(&type);
	cairn_buf_release(&id);
	return rc;
}

void cairn_lineage_graph_release(struct cairn_lineage_graph *g)
{
	for (size_t i = 0; i < g->nnodes; i++) {
		free(g->nodes[i].type);
		free(g->nodes[i].id);
		free(g->nodes[i].label);
		json_decref(g->nodes[i].info);
	}
	for (size_t i = 0; i < g->nedges; i++)
		free(g->edges[i].relation);
	free(g->nodes);
	free(g->edges);
	memset(g, 0, sizeof(*g));
}

int cairn_lineage_run_uuid(const char *id, char out[37])
{
	static const char alphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";
	static const char hex[] = "0123456789abcdef";
	unsigned char bytes[16] = { 0 };
	size_t o = 0;

	if (!cairn_id_valid(id))
		return -1;
	/* 26 digits of 5 bits are 130 bits; the first digit is at most 7, so
	 * its top two bits are zero: shift the digits in, most significant first. */
	for (int i = 0; i < CAIRN_ID_LEN; i++) {
		unsigned v = (unsigned)(strchr(alphabet, id[i]) - alphabet);
		unsigned carry = v;
		for (int b = 15; b >= 0; b--) {
			unsigned x = ((unsigned)bytes[b] << 5) | carry;
			bytes[b] = (unsigned char)(x & 0xff);
			carry = x >> 8;
		}
	}
	for (int b = 0; b < 16; b++) {
		if (b == 4 || b == 6 || b == 8 || b == 10)
			out[o++] = '-';
		out[o++] = hex[bytes[b] >> 4];
		out[o++] = hex[bytes[b] & 15];
	}
	out[o] = '\0';
	return 0;
}
