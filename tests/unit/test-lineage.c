/* Unit tests for the lineage graph: run ids as UUIDs, resolving references,
 * walking up and down, depth limits, cycles and node types added later. */
#include <stdio.h>
#include <stdlib.h>
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/lineage.h"
#include "cairn/run.h"
#include "cairn/workspace.h"
#include "core/ctx-internal.h"
#include "store/db.h"
#include "store/lineage-db.h"
#include "tests/unit/suites.h"

static void test_lineage_run_uuid(void)
{
	char id[CAIRN_ID_LEN + 1], uuid[37], hex[13];

	CHECK_INT(cairn_lineage_run_uuid("01arz3ndektsv4rrffq69g5fav", uuid), ==, 0);
	CHECK_STR(uuid, "01563e3a-b5d3-d676-4c61-efb99302bd5b");
	CHECK_INT(cairn_lineage_run_uuid("00000000000000000000000000", uuid), ==, 0);
	CHECK_STR(uuid, "00000000-0000-0000-0000-000000000000");
	CHECK_INT(cairn_lineage_run_uuid("7zzzzzzzzzzzzzzzzzzzzzzzzz", uuid), ==, 0);
	CHECK_STR(uuid, "ffffffff-ffff-ffff-ffff-ffffffffffff");
	/* More than 128 bits, a letter outside the alphabet, too short. */
	CHECK_INT(cairn_lineage_run_uuid("80000000000000000000000000", uuid), ==, -1);
	CHECK_INT(cairn_lineage_run_uuid("01arz3ndektsv4rrffq69g5fau", uuid), ==, -1);
	CHECK_INT(cairn_lineage_run_uuid("01arz3ndek", uuid), ==, -1);
	/* The first 48 bits are the id's time, as in a UUIDv7. */
	cairn_id_new(id);
	CHECK_INT(cairn_lineage_run_uuid(id, uuid), ==, 0);
	snprintf(hex, sizeof(hex), "%.8s%.4s", uuid, uuid + 9);
	CHECK_INT(strtoll(hex, NULL, 16), ==, cairn_id_time_ms(id));
}

static void test_lineage_relation_direction(void)
{
	CHECK(cairn_lineage_relation_is_forward("used"));
	CHECK(cairn_lineage_relation_is_forward("derived_from"));
	CHECK(cairn_lineage_relation_is_forward("reproduces"));
	CHECK(cairn_lineage_relation_is_forward("generated_by"));
	CHECK(!cairn_lineage_relation_is_forward("generated"));
	CHECK(!cairn_lineage_relation_is_forward("triggered"));
	CHECK(!cairn_lineage_relation_is_forward("promoted"));
}

/* The index of node (type, id) in g, or -1. */
static long find(const struct cairn_lineage_graph *g, const char *type, const char *id)
{
	for (size_t i = 0; i < g->nnodes; i++)
		if (!strcmp(g->nodes[i].type, type) && !strcmp(g->nodes[i].id, id))
			return (long)i;
	return -1;
}

/* A workspace with iris@1, its part iris-a@1 (derived_from), a run that
 * used iris-a@1 and generated model.json and iris-b@1. */
struct fixture {
	cairn_ctx *ctx;
	char run[CAIRN_ID_LEN + 1];
	struct cairn_dataset_version iris, a, b;
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void setup(struct fixture *fx)
{
	enum cairn_init_result r;
	struct cairn_dataset_add add = { 0 };
	const char *from[1];
	cairn_run *run;
	int existed;

	memset(fx, 0, sizeof(*fx));
	fx->ctx = cairn_ctx_new();
	CHECK_OK(fx->ctx, cairn_workspace_init(fx->ctx, ".", 1, &r));
	write_file("iris.csv", "x,y\n1,a\n2,b\n3,c\n");
	write_file("a.csv", "x,y\n1,a\n2,b\n");
	write_file("b.csv", "x,y\n3,c\n");
	add.tabular = -1;
	add.csv.header = -1;
	add.source_kind = "file";
	add.name = add.source = "iris";
	CHECK_OK(fx->ctx, cairn_dataset_add_file(fx->ctx, "iris.csv", &add, &fx->iris, &existed));
	from[0] = fx->iris.id;
	add.name = "iris-a";
	add.source_kind = "derived";
	add.derived_from = from;
	add.nderived = 1;
	CHECK_OK(fx->ctx, cairn_dataset_add_file(fx->ctx, "a.csv", &add, &fx->a, &existed));
	CHECK_OK(fx->ctx, cairn_run_start(fx->ctx, NULL, &run));
	snprintf(fx->run, sizeof(fx->run), "%s", cairn_run_id(run));
	CHECK_OK(fx->ctx, cairn_run_log_input(run, "iris-a@1", "train"));
	CHECK_OK(fx->ctx, cairn_run_log_artifact_buf(run, "{}", 2, "model.json"));
	add.name = "iris-b";
	add.derived_from = NULL;
	add.nderived = 0;
	add.generated_by_run = fx->run;
	CHECK_OK(fx->ctx, cairn_dataset_add_file(fx->ctx, "b.csv", &add, &fx->b, &existed));
	CHECK_OK(fx->ctx, cairn_run_end(run, CAIRN_RUN_FINISHED, NULL));
	cairn_run_free(run);
}

static void teardown(struct fixture *fx)
{
	cairn_dataset_version_release(&fx->iris);
	cairn_dataset_version_release(&fx->a);
	cairn_dataset_version_release(&fx->b);
	cairn_ctx_free(fx->ctx);
}

static void test_lineage_generated_by_unknown_run(void)
{
	struct cairn_dataset_add add = { 0 };
	struct cairn_dataset_version v;
	struct fixture fx;
	int existed;

	setup(&fx);
	write_file("c.csv", "x,y\n9,z\n");
	add.tabular = -1;
	add.csv.header = -1;
	add.source_kind = "file";
	add.name = add.source = "iris-c";
	add.generated_by_run = "01arz3ndektsv4rrffq69g5fav";
	CHECK_ERR(fx.ctx, cairn_dataset_add_file(fx.ctx, "c.csv", &add, &v, &existed),
		  CAIRN_ENOTFOUND, "no run '01arz3ndektsv4rrffq69g5fav'");
	CHECK_ERR(fx.ctx, cairn_dataset_resolve(fx.ctx, "iris-c", &v), CAIRN_ENOTFOUND, NULL);
	teardown(&fx);
}

static void test_lineage_resolve(void)
{
	struct fixture fx;
	cairn_buf type = CAIRN_BUF_INIT, id = CAIRN_BUF_INIT, ref = CAIRN_BUF_INIT;

	setup(&fx);
	CHECK_OK(fx.ctx, cairn_lineage_resolve(fx.ctx, "iris-a@1", &type, &id));
	CHECK_STR(type.buf, "dataset_version");
	CHECK_STR(id.buf, fx.a.id);
	CHECK_OK(fx.ctx, cairn_lineage_resolve(fx.ctx, fx.run, &type, &id));
	CHECK_STR(type.buf, "run");
	cairn_buf_addf(&ref, "%.10s/model.json", fx.run);
	CHECK_OK(fx.ctx, cairn_lineage_resolve(fx.ctx, ref.buf, &type, &id));
	CHECK_STR(type.buf, "artifact");
	cairn_buf_reset(&ref);
	cairn_buf_addf(&ref, "%s/model.json", fx.run);
	CHECK_STR(id.buf, ref.buf);
	cairn_buf_reset(&ref);
	cairn_buf_addf(&ref, "artifact:%s:model.json", fx.run);
	CHECK_OK(fx.ctx, cairn_lineage_resolve(fx.ctx, ref.buf, &type, &id));
	CHECK_STR(type.buf, "artifact");
	cairn_buf_reset(&ref);
	cairn_buf_addf(&ref, "%s/nothing.bin", fx.run);
	CHECK_ERR(fx.ctx, cairn_lineage_resolve(fx.ctx, ref.buf, &type, &id), CAIRN_ENOTFOUND,
		  "has no artifact 'nothing.bin'");
	CHECK_ERR(fx.ctx, cairn_lineage_resolve(fx.ctx, "nosuch", &type, &id), CAIRN_ENOTFOUND,
		  "no run, dataset or artifact 'nosuch'");
	/* Ids made in the same days share their first characters: a short
	 * prefix names the run and several dataset versions. */
	cairn_buf_reset(&ref);
	cairn_buf_addf(&ref, "%.4s", fx.run);
	CHECK_ERR(fx.ctx, cairn_lineage_resolve(fx.ctx, ref.buf, &type, &id), CAIRN_EAMBIGUOUS,
		  "names more than one thing: run ");
	cairn_buf_reset(&ref);
	cairn_buf_addf(&ref, "dataset:%s", fx.b.id);
	CHECK_OK(fx.ctx, cairn_lineage_resolve(fx.ctx, ref.buf, &type, &id));
	CHECK_STR(id.buf, fx.b.id);
	cairn_buf_release(&type);
	cairn_buf_release(&id);
	cairn_buf_release(&ref);
	teardown(&fx);
}

static void test_lineage_walk_up_and_down(void)
{
	struct cairn_lineage_options up = { CAIRN_LINEAGE_UP, -1 }, down = { CAIRN_LINEAGE_DOWN, -1 };
	struct cairn_lineage_graph g;
	struct fixture fx;
	cairn_buf ref = CAIRN_BUF_INIT, text = CAIRN_BUF_INIT;

	setup(&fx);
	/* Up from the model: the run, what it used, what that came from. */
	cairn_buf_addf(&ref, "%s/model.json", fx.run);
	CHECK_OK(fx.ctx, cairn_lineage_walk(fx.ctx, ref.buf, &up, &g));
	CHECK_INT(g.nnodes, ==, 4);
	CHECK_INT(g.nedges, ==, 3);
	CHECK_STR(g.nodes[0].type, "artifact");
	CHECK_STR(g.nodes[0].label, "artifact model.json");
	CHECK_INT(find(&g, "run", fx.run), ==, 1);
	CHECK(find(&g, "dataset_version", fx.a.id) > 0);
	CHECK(find(&g, "dataset_version", fx.iris.id) > 0);
	CHECK(find(&g, "dataset_version", fx.b.id) < 0);
	CHECK_INT(g.nodes[find(&g, "dataset_version", fx.iris.id)].depth, ==, 3);
	CHECK_STR(g.nodes[find(&g, "dataset_version", fx.iris.id)].label, "iris@1");
	cairn_lineage_format_text(&g, 1, &text);
	CHECK(strstr(text.buf, "`-- generated by run ") != NULL);
	CHECK(strstr(text.buf, "        `-- derived from iris@1\n") != NULL);
	cairn_lineage_graph_release(&g);

	/* Down from iris@1: its part, the run that used the part, and what
	 * the run generated. */
	CHECK_OK(fx.ctx, cairn_lineage_walk(fx.ctx, "iris@1", &down, &g));
	CHECK_INT(g.nnodes, ==, 5);
	CHECK(find(&g, "dataset_version", fx.b.id) > 0);
	CHECK_INT(g.nodes[find(&g, "dataset_version", fx.b.id)].depth, ==, 3);
	cairn_lineage_graph_release(&g);

	/* --depth 1 from the run, both ways. */
	struct cairn_lineage_options both1 = { CAIRN_LINEAGE_BOTH, 1 };
	CHECK_OK(fx.ctx, cairn_lineage_walk(fx.ctx, fx.run, &both1, &g));
	CHECK_INT(g.nnodes, ==, 4);     /* the run, iris-a@1, model.json, iris-b@1 */
	CHECK(find(&g, "dataset_version", fx.iris.id) < 0);
	cairn_lineage_graph_release(&g);
	struct cairn_lineage_options none = { CAIRN_LINEAGE_UP, 0 };
	CHECK_OK(fx.ctx, cairn_lineage_walk(fx.ctx, fx.run, &none, &g));
	CHECK_INT(g.nnodes, ==, 1);
	CHECK_INT(g.nedges, ==, 0);
	cairn_lineage_graph_release(&g);
	cairn_buf_release(&ref);
	cairn_buf_release(&text);
	teardown(&fx);
}

static void test_lineage_cycles_and_new_types(void)
{
	struct cairn_lineage_options up = { CAIRN_LINEAGE_UP, -1 };
	struct cairn_lineage_graph g;
	struct fixture fx;
	cairn_buf sql = CAIRN_BUF_INIT, text = CAIRN_BUF_INIT;
	cairn__db *db;

	setup(&fx);
	CHECK_OK(fx.ctx, cairn__ctx_db(fx.ctx, &db));
	/* A model version made from the run, and a cycle that only a broken
	 * store would hold: the walk must still end. */
	cairn_buf_addf(&sql, "INSERT INTO lineage VALUES"
		       " ('model_version', 'm@1', 'generated_by', 'run', '%s', 0),"
		       " ('dataset_version', '%s', 'derived_from', 'model_version', 'm@1', 0),"
		       " ('model_version', 'm@1', 'derived_from', 'model_version', 'm@1', 0)",
		       fx.run, fx.iris.id);
	CHECK_OK(fx.ctx, cairn__db_exec(db, sql.buf));
	CHECK_OK(fx.ctx, cairn_lineage_walk(fx.ctx, "model_version:m@1", &up, &g));
	CHECK_STR(g.nodes[0].label, "model_version m@1");
	CHECK_INT(g.nnodes, ==, 4);     /* m@1, the run, iris-a@1, iris@1 */
	CHECK_INT(g.nedges, ==, 5);
	cairn_lineage_format_text(&g, 1, &text);
	CHECK(strstr(text.buf, "derived from model_version m@1 (see above)") != NULL);
	cairn_lineage_graph_release(&g);
	CHECK_ERR(fx.ctx, cairn_lineage_walk(fx.ctx, "model_version:m@2", &up, &g), CAIRN_ENOTFOUND,
		  "no model_version 'm@2'");
	cairn_lineage_graph_release(&g);
	cairn_buf_release(&sql);
	cairn_buf_release(&text);
	teardown(&fx);
}

/* The number of lines of text that contain needle. */
static int count_lines(const char *text, const char *needle)
{
	int n = 0;

	for (const char *line = text; *line; ) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char *copy = strndup(line, len);
		n += strstr(copy, needle) != NULL;
		free(copy);
		line += len + (end != NULL);
	}
	return n;
}

static void test_lineage_openlineage_events(void)
{
	static const enum cairn_run_status ends[] = { CAIRN_RUN_FAILED, CAIRN_RUN_KILLED };
	struct cairn_lineage_options down = { CAIRN_LINEAGE_DOWN, -1 };
	struct cairn_lineage_graph g;
	struct fixture fx;
	cairn_buf out = CAIRN_BUF_INIT;
	cairn_run *run;

	setup(&fx);
	/* Three more runs used iris@1: one failed, one killed, one still running. */
	for (int i = 0; i < 3; i++) {
		CHECK_OK(fx.ctx, cairn_run_start(fx.ctx, NULL, &run));
		CHECK_OK(fx.ctx, cairn_run_log_input(run, "iris@1", "other"));
		if (i < 2)
			CHECK_OK(fx.ctx, cairn_run_end(run, ends[i], "stopped"));
		cairn_run_free(run);
	}
	CHECK_OK(fx.ctx, cairn_lineage_walk(fx.ctx, "iris@1", &down, &g));
	CHECK_OK(fx.ctx, cairn_lineage_openlineage(fx.ctx, &g, &out));
	CHECK_INT(count_lines(out.buf, ""), ==, 7);
	CHECK_INT(count_lines(out.buf, "\"eventType\":\"START\""), ==, 4);
	CHECK_INT(count_lines(out.buf, "\"eventType\":\"COMPLETE\""), ==, 1);
	CHECK_INT(count_lines(out.buf, "\"eventType\":\"FAIL\""), ==, 1);
	CHECK_INT(count_lines(out.buf, "\"eventType\":\"ABORT\""), ==, 1);
	CHECK_INT(count_lines(out.buf, "\"schemaURL\":\"https://openlineage.io/spec/2-0-2/"
			      "OpenLineage.json#/$defs/RunEvent\""), ==, 7);
	CHECK_INT(count_lines(out.buf, "\"name\":\"iris-b@1\""), ==, 2);
	CHECK_INT(count_lines(out.buf, "SchemaDatasetFacet"), ==, 7);
	cairn_lineage_graph_release(&g);
	cairn_buf_release(&out);
	teardown(&fx);
}

static void test_lineage_db_reads(void)
{
	struct cairn__lineage_row *rows = NULL;
	size_t n = 0, cap = 0;
	cairn_buf hit = CAIRN_BUF_INIT, want = CAIRN_BUF_INIT;
	struct fixture fx;
	json_t *ends = NULL;
	cairn__db *db;
	int found = -1;

	setup(&fx);
	CHECK_OK(fx.ctx, cairn__ctx_db(fx.ctx, &db));
	/* Edges from the run: used iris-a, generated iris-b and model.json. */
	CHECK_OK(fx.ctx, cairn__lineage_edges(db, "run", fx.run, 1, &rows, &n, &cap));
	CHECK_INT(n, ==, 3);
	if (n == 3) {
		CHECK_STR(rows[0].relation, "generated");
		CHECK_STR(rows[0].dst_type, "artifact");
		CHECK_STR(rows[1].dst_type, "dataset_version");
		CHECK_STR(rows[1].dst_id, fx.b.id);
		CHECK_STR(rows[2].relation, "used");
		CHECK_STR(rows[2].dst_id, fx.a.id);
	}
	/* Edges into iris: iris-a derived_from it; appended after the rest. */
	CHECK_OK(fx.ctx, cairn__lineage_edges(db, "dataset_version", fx.iris.id, 0, &rows, &n, &cap));
	CHECK_INT(n, ==, 4);
	if (n == 4) {
		CHECK_STR(rows[3].src_id, fx.a.id);
		CHECK_STR(rows[3].relation, "derived_from");
	}
	cairn__lineage_rows_release(rows, n);
	free(rows);

	CHECK_OK(fx.ctx, cairn__lineage_targets(db, "run", fx.run, "used", &ends));
	CHECK_INT(json_array_size(ends), ==, 1);
	CHECK_STR(json_string_value(json_array_get(json_array_get(ends, 0), 1)), fx.a.id);
	json_decref(ends);

	CHECK_OK(fx.ctx, cairn__lineage_has_node(db, "dataset_version", fx.iris.id, &found));
	CHECK_INT(found, ==, 1);
	CHECK_OK(fx.ctx, cairn__lineage_has_node(db, "run", "nothing", &found));
	CHECK_INT(found, ==, 0);
	CHECK_OK(fx.ctx, cairn__lineage_has_type(db, "artifact", &found));
	CHECK_INT(found, ==, 1);
	CHECK_OK(fx.ctx, cairn__lineage_has_type(db, "model_version", &found));
	CHECK_INT(found, ==, 0);

	/* A path below a logged file is not it; the file itself is. */
	cairn_buf_addf(&want, "%s/model.json", fx.run);
	CHECK_OK(fx.ctx, cairn__lineage_covering(db, "run", fx.run, "generated", "artifact",
						 want.buf, &hit, &found));
	CHECK_INT(found, ==, 1);
	CHECK_STR(hit.buf, want.buf);
	cairn_buf_adds(&want, "x");
	CHECK_OK(fx.ctx, cairn__lineage_covering(db, "run", fx.run, "generated", "artifact",
						 want.buf, &hit, &found));
	CHECK_INT(found, ==, 0);
	cairn_buf_release(&hit);
	cairn_buf_release(&want);
	teardown(&fx);
}

const struct unit_test lineage_tests[] = {
	{ "lineage_db_reads", test_lineage_db_reads },
	{ "lineage_run_uuid", test_lineage_run_uuid },
	{ "lineage_relation_direction", test_lineage_relation_direction },
	{ "lineage_generated_by_unknown_run", test_lineage_generated_by_unknown_run },
	{ "lineage_resolve", test_lineage_resolve },
	{ "lineage_walk_up_and_down", test_lineage_walk_up_and_down },
	{ "lineage_cycles_and_new_types", test_lineage_cycles_and_new_types },
	{ "lineage_openlineage_events", test_lineage_openlineage_events },
	{ NULL, NULL }
};
