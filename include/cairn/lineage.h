/*
 * The lineage graph: where a dataset version, run, artifact (and later a
 * model version, deployment, ...) came from and what came of it.
 *
 * The graph is the table of edges (src_type src_id relation dst_type
 * dst_id) that the other modules record as they work, in the direction of
 * W3C PROV, where src is the later thing:
 *
 *     run R used dataset_version V          (cairn log input, the C API)
 *     run R generated artifact "R/path"     (cairn log artifact)
 *     run R generated dataset_version V     (cairn data ... under cairn run)
 *     dataset_version N derived_from dataset_version O   (split, sample, ...)
 *     run N reproduces run O                (cairn reproduce)
 *
 * Node types and relations are open-ended: a type or relation recorded by a
 * later module is walked and shown like the others. Only the relations whose
 * src is the earlier end ("generated", "triggered", "promoted": an activity
 * acting on what comes after it) are walked the other way round, see
 * cairn_lineage_relation_is_forward().
 *
 * Upstream of X (toward its origins) are the ends of the edges that leave X
 * with a forward relation, and the src of the edges into X with a reversed
 * one (the run that generated X); downstream is the reverse. A walk visits
 * each node once, so cycles end; max_depth bounds the number of hops.
 *
 * A graph is plain data owned by the caller (cairn_lineage_graph_release);
 * the formatters only read it. Functions that take a ctx read the
 * workspace's metadata store; one graph belongs to one thread.
 */
#ifndef CAIRN_LINEAGE_H
#define CAIRN_LINEAGE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "cairn/buf.h"
#include "cairn/common.h"
#include "cairn/ctx.h"

CAIRN_BEGIN_DECLS

enum cairn_lineage_dir {
	CAIRN_LINEAGE_UP = 1,    /* toward the origins */
	CAIRN_LINEAGE_DOWN = 2,  /* toward what was made of it */
	CAIRN_LINEAGE_BOTH = 3
};

struct cairn_lineage_node {
	char *type;     /* "run", "dataset_version", "artifact", or any later type */
	char *id;       /* run id, version id, "RUNID/path", ... */
	char *label;    /* "iris@2", "run 01jd6k2v8q4m (train) FINISHED", "artifact model.json" */
	int depth;      /* hops from the root (the fewer, when reached both ways) */
	unsigned dirs;  /* the walks that reached it (enum cairn_lineage_dir bits) */
	json_t *info;   /* details by type, an object (see cairn_lineage_json) */
};

struct cairn_lineage_edge {
	size_t src, dst;  /* indices into nodes, as recorded (src the later, mostly) */
	char *relation;
	int64_t created_ms;
};

struct cairn_lineage_graph {
	struct cairn_lineage_node *nodes; /* nodes[0] is the root; then in walk order */
	size_t nnodes;
	struct cairn_lineage_edge *edges; /* each edge once */
	size_t nedges;
	enum cairn_lineage_dir dir;
	int max_depth;                    /* -1: unlimited */
};

/*
 * Resolves ref to a node, trying in this order:
 *
 *   TYPE:REF     an explicit type: run:REF, dataset:REF, artifact:RUN/PATH
 *                (the way to settle an ambiguity)
 *   RUN/PATH     an artifact of a run (RUN an id or unique prefix); also
 *   RUN:PATH     a path below a logged directory names that directory
 *   REF          every resolver that knows REF: a run (id or unique prefix,
 *                see run.h), then a dataset version (name, name@N, name@hash,
 *                version id prefix, see dataset.h)
 *
 * Exactly one match is the node; several are CAIRN_EAMBIGUOUS with a message
 * listing each candidate and how to name it; none is CAIRN_ENOTFOUND. type
 * and id receive the node (their contents are replaced).
 */
int cairn_lineage_resolve(cairn_ctx *ctx, const char *ref, cairn_buf *type, cairn_buf *id);

struct cairn_lineage_options {
	enum cairn_lineage_dir dir;  /* 0: CAIRN_LINEAGE_UP */
	int max_depth;               /* hops from the root; -1: unlimited */
};

/* Walks the graph from ref (resolved as above) into *out, which the caller
 * releases with cairn_lineage_graph_release (also after a failure). */
int cairn_lineage_walk(cairn_ctx *ctx, const char *ref, const struct cairn_lineage_options *opts,
		       struct cairn_lineage_graph *out);
void cairn_lineage_graph_release(struct cairn_lineage_graph *g);

/* 1 when relation points from the later thing to the earlier (used,
 * derived_from, reproduces and any relation not known to be reversed), 0
 * for the reversed ones (generated, triggered, promoted). */
int cairn_lineage_relation_is_forward(const char *relation);

/*
 * Output. Each appends to out (text and dot) or returns a new reference.
 *
 * text: the root, then a tree per direction walked, drawn with box-drawing
 * characters; each node is printed once and named "(see above)" when met
 * again. ascii set: "|--" and "`--" instead.
 */
void cairn_lineage_format_text(const struct cairn_lineage_graph *g, int ascii, cairn_buf *out);
/* {"root": {type, id}, "direction", "max_depth", "nodes": [{type, id, label,
 * depth, info}], "edges": [{src_type, src_id, relation, dst_type, dst_id,
 * created_at}]}: nodes in walk order, edges sorted. */
json_t *cairn_lineage_json(const struct cairn_lineage_graph *g);
/* A Graphviz digraph: entities as ellipses, runs (activities) as boxes, as
 * PROV draws them; every edge drawn from the earlier node to the later with
 * its relation as the label and its arrowhead at the recorded dst. */
void cairn_lineage_format_dot(const struct cairn_lineage_graph *g, cairn_buf *out);

/*
 * OpenLineage (spec 2-0-2) RunEvents as JSON lines, for every run in g in
 * order of start: START at its start time, then COMPLETE, FAIL or ABORT
 * (FINISHED, FAILED, KILLED) at its end time; a RUNNING run has only START.
 * Each event carries the run's inputs (what it used) and outputs (what it
 * generated), whatever the direction walked. Naming:
 *
 *   run.runId       the run id's 128 bits as a UUID (cairn_lineage_run_uuid)
 *   job             namespace "cairn", name "EXPERIMENT/RUN NAME"
 *   datasets        namespace "cairn://HOST/WORKSPACE/ROOT", name "NAME@N" for
 *                   a dataset version (with schema and version facets),
 *                   "TYPE/ID" for anything else ("artifact/RUNID/path")
 *   producer        "cairn:VERSION"
 */
int cairn_lineage_openlineage(cairn_ctx *ctx, const struct cairn_lineage_graph *g, cairn_buf *out);

/* The canonical UUID text of a run id (26 Crockford base32 characters, the
 * 128 bits of a ULID), as ULID libraries convert it: 01arz3ndektsv4rrffq69g5fav
 * is "01563e3a-b5d3-d676-4c61-efb99302bd5b". Returns -1 when id is not a
 * well-formed id. */
int cairn_lineage_run_uuid(const char *id, char out[37]);

CAIRN_END_DECLS

#endif
