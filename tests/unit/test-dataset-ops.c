/* Unit tests for the dataset operations that record versions: deriving
 * (src/data/derive.c), acquiring (src/data/acquire.c, command.c, sql.c),
 * their run attribution (src/track/data-tracked.c) and loading a file or a
 * reference (src/data/dataset-add.c). */
#include <sys/stat.h>
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cairn/acquire.h"
#include "cairn/derive.h"
#include "cairn/error.h"
#include "cairn/lineage.h"
#include "cairn/run.h"
#include "cairn/workspace.h"
#include "tests/unit/suites.h"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* Files left in .cairn/tmp (0 when it does not exist). */
static int temp_files(void)
{
	DIR *d = opendir(".cairn/tmp");
	struct dirent *de;
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

static int count_versions(const struct cairn_dataset_version *v, void *arg)
{
	(void)v;
	++*(int *)arg;
	return 0;
}

/* Versions in the workspace, over every dataset. */
static int nversions(cairn_ctx *ctx)
{
	int n = 0;
	cairn_dataset_search(ctx, "", count_versions, &n);
	return n;
}

/* A workspace with d@1: ten rows "x,y" with y a or b (y null in row 10
 * when with_null is set). */
static cairn_ctx *setup(int with_null)
{
	struct cairn_dataset_add add = { 0 };
	struct cairn_dataset_version v;
	enum cairn_init_result r;
	cairn_buf text = CAIRN_BUF_INIT;
	cairn_ctx *ctx = cairn_ctx_new();
	int existed;

	CHECK_OK(ctx, cairn_workspace_init(ctx, ".", 1, &r));
	cairn_buf_adds(&text, "x,y\n");
	for (int i = 1; i <= 10; i++)
		cairn_buf_addf(&text, "%d,%s\n", i, with_null && i == 10 ? "" : i % 2 ? "a" : "b");
	write_file("d.csv", text.buf);
	cairn_buf_release(&text);
	add.name = add.source = "d";
	add.source_kind = "file";
	add.tabular = -1;
	add.csv.header = -1;
	CHECK_OK(ctx, cairn_dataset_add_file(ctx, "d.csv", &add, &v, &existed));
	cairn_dataset_version_release(&v);
	return ctx;
}

static void test_dataset_derive_split_records_parts(void)
{
	static const double ratios[] = { 0.8, 0.2 };
	struct cairn_derive_options o = { .kind = CAIRN_DERIVE_SPLIT };
	struct cairn_derive_result res;
	struct cairn_dataset_version v;
	cairn_ctx *ctx = setup(0);

	o.source = "d";
	o.seed = 7;
	o.split.ratios = ratios;
	o.split.nparts = 2;
	o.split.stratify = "y";
	CHECK_OK(ctx, cairn_dataset_derive(ctx, &o, &res));
	CHECK_STR(res.source, "d@1");
	CHECK_INT(res.n, ==, 2);
	CHECK_INT(res.augmented, ==, 0);
	if (res.n == 2) {
		CHECK_STR(res.outputs[0].version.name, "d-train");
		CHECK_STR(res.outputs[1].version.name, "d-test");
		CHECK_INT(res.outputs[0].version.rows, ==, 8);
		CHECK_INT(res.outputs[1].version.rows, ==, 2);
		CHECK_INT(res.outputs[0].existed, ==, 0);
		CHECK_STR(res.outputs[1].version.source, "d@1");
		CHECK_STR(res.outputs[1].version.source_kind, "derived");
		CHECK_STR(json_string_value(json_object_get(res.outputs[0].version.params, "op")), "split");
		CHECK_INT(json_integer_value(json_object_get(res.outputs[1].version.params, "part")), ==, 2);
	}
	cairn_derive_result_release(&res);
	CHECK_OK(ctx, cairn_dataset_resolve(ctx, "d-test@1", &v));
	CHECK_INT(json_array_size(v.derived_from), ==, 1);
	CHECK_STR(json_string_value(json_array_get(v.derived_from, 0)), "d@1");
	cairn_dataset_version_release(&v);
	CHECK_INT(temp_files(), ==, 0);

	/* The same split again: every part already holds that content. */
	CHECK_OK(ctx, cairn_dataset_derive(ctx, &o, &res));
	CHECK_INT(res.n, ==, 2);
	if (res.n == 2) {
		CHECK_INT(res.outputs[0].existed, ==, 1);
		CHECK_INT(res.outputs[1].existed, ==, 1);
		CHECK_INT(res.outputs[1].version.version, ==, 1);
	}
	cairn_derive_result_release(&res);
	CHECK_INT(nversions(ctx), ==, 3);
	cairn_ctx_free(ctx);
}

static void test_dataset_derive_augment_and_sample(void)
{
	const char *name = "more";
	struct cairn_derive_options o = { .kind = CAIRN_DERIVE_NOISE };
	struct cairn_derive_result res;
	cairn_ctx *ctx = setup(0);

	o.source = "d@1";
	o.names = &name;
	o.seed = 3;
	o.noise.sd = 0.1;
	o.noise.copies = 2;
	o.noise.target = "y";
	CHECK_OK(ctx, cairn_dataset_derive(ctx, &o, &res));
	CHECK_INT(res.augmented, ==, 1);
	CHECK_INT(res.n, ==, 1);
	if (res.n == 1) {
		CHECK_STR(res.outputs[0].version.name, "more");
		CHECK_INT(res.outputs[0].synthetic, ==, 20);
		CHECK_INT(res.outputs[0].version.rows, ==, 30);
	}
	cairn_derive_result_release(&res);

	memset(&o, 0, sizeof(o));
	o.kind = CAIRN_DERIVE_SAMPLE;
	o.source = "d";
	o.seed = 1;
	o.sample_frac = 0.5;
	CHECK_OK(ctx, cairn_dataset_derive(ctx, &o, &res));
	if (res.n == 1) {
		CHECK_STR(res.outputs[0].version.name, "d-sample");
		CHECK_INT(res.outputs[0].version.rows, ==, 5);
	}
	cairn_derive_result_release(&res);
	o.sample_frac = 0.01;
	CHECK_ERR(ctx, cairn_dataset_derive(ctx, &o, &res), CAIRN_EINVAL, "selects no row");
	CHECK_INT(temp_files(), ==, 0);
	cairn_ctx_free(ctx);
}

static void test_dataset_derive_failures_record_nothing(void)
{
	static const double ratios[] = { 0.5, 0.5 }, bad[] = { 0.5, 0.6 };
	const char *same[] = { "p", "p" };
	struct cairn_derive_options o = { .kind = CAIRN_DERIVE_SPLIT };
	struct cairn_derive_result res;
	cairn_ctx *ctx = setup(1);

	o.source = "d";
	o.split.ratios = ratios;
	o.split.nparts = 2;
	o.split.stratify = "y";
	CHECK_ERR(ctx, cairn_dataset_derive(ctx, &o, &res), CAIRN_EPARSE, "null");
	o.split.stratify = "nope";
	CHECK_ERR(ctx, cairn_dataset_derive(ctx, &o, &res), CAIRN_ENOTFOUND, "nope");
	o.split.stratify = NULL;
	o.split.ratios = bad;
	CHECK_ERR(ctx, cairn_dataset_derive(ctx, &o, &res), CAIRN_EINVAL, "sum to 1.1");
	o.split.ratios = ratios;
	o.names = same;
	CHECK_ERR(ctx, cairn_dataset_derive(ctx, &o, &res), CAIRN_EINVAL, "'p' twice");
	o.names = NULL;
	o.seed = (uint64_t)INT64_MAX + 1;
	CHECK_ERR(ctx, cairn_dataset_derive(ctx, &o, &res), CAIRN_EINVAL, "seed must be at most");
	o.seed = 1;
	o.generated_by_run = "01arz3ndektsv4rrffq69g5fav";
	CHECK_ERR(ctx, cairn_dataset_derive(ctx, &o, &res), CAIRN_ENOTFOUND,
		  "no run '01arz3ndektsv4rrffq69g5fav'");
	o.generated_by_run = NULL;
	o.source = "missing";
	CHECK_ERR(ctx, cairn_dataset_derive(ctx, &o, &res), CAIRN_ENOTFOUND, "no dataset 'missing'");
	CHECK_INT(res.n, ==, 0);
	CHECK_INT(nversions(ctx), ==, 1);
	CHECK_INT(temp_files(), ==, 0);
	cairn_ctx_free(ctx);
}

static void test_dataset_derive_cancelled_leaves_nothing(void)
{
	static const double ratios[] = { 0.5, 0.5 };
	struct cairn_derive_options o = { .kind = CAIRN_DERIVE_SPLIT };
	struct cairn_derive_result res;
	struct cairn_cancel cancel = { 1, 15, 0 };
	cairn_ctx *ctx = setup(0);

	o.source = "d";
	o.split.ratios = ratios;
	o.split.nparts = 2;
	cairn_ctx_set_cancel(ctx, &cancel);
	CHECK_ERR(ctx, cairn_dataset_derive(ctx, &o, &res), CAIRN_EINTERRUPTED, "cancelled");
	CHECK_INT(nversions(ctx), ==, 1);
	CHECK_INT(temp_files(), ==, 0);
	cancel.requested = 0;
	CHECK_OK(ctx, cairn_dataset_derive(ctx, &o, &res));
	cairn_derive_result_release(&res);
	CHECK_INT(nversions(ctx), ==, 3);
	cairn_ctx_free(ctx);
}

/* 1 when the lineage of ref has an edge "run generated ref". */
static int generated_by_a_run(cairn_ctx *ctx, const char *ref)
{
	struct cairn_lineage_options lo = { CAIRN_LINEAGE_UP, 1 };
	struct cairn_lineage_graph g = { 0 };
	int found = 0;

	if (!cairn_lineage_walk(ctx, ref, &lo, &g))
		for (size_t i = 0; i < g.nedges; i++)
			found |= !strcmp(g.edges[i].relation, "generated") &&
				 !strcmp(g.nodes[g.edges[i].src].type, "run");
	cairn_lineage_graph_release(&g);
	return found;
}

static void test_dataset_derive_and_acquire_in_a_run(void)
{
	struct cairn_derive_options o = { .kind = CAIRN_DERIVE_SAMPLE };
	struct cairn_acquire_options a = { .kind = CAIRN_ACQUIRE_COMMAND };
	struct cairn_derive_result res;
	struct cairn_acquire_result ares;
	char prefix[13];
	cairn_ctx *ctx = setup(0);
	cairn_run *run = NULL;

	CHECK_OK(ctx, cairn_run_start(ctx, NULL, &run));
	if (!run)
		goto out;
	snprintf(prefix, sizeof(prefix), "%.12s", cairn_run_id(run));
	o.source = "d";
	o.sample.n = 3;
	o.generated_by_run = prefix;
	CHECK_OK(ctx, cairn_dataset_derive(ctx, &o, &res));
	cairn_derive_result_release(&res);
	CHECK_INT(generated_by_a_run(ctx, "d-sample@1"), ==, 1);
	a.source = "printf 'u,v\\n1,2\\n'";
	a.name = "gen";
	a.tabular = -1;
	a.csv.header = -1;
	a.generated_by_run = cairn_run_id(run);
	CHECK_OK(ctx, cairn_dataset_acquire(ctx, &a, &ares));
	cairn_acquire_result_release(&ares);
	CHECK_INT(generated_by_a_run(ctx, "gen@1"), ==, 1);
	CHECK_INT(generated_by_a_run(ctx, "d@1"), ==, 0);
	CHECK_OK(ctx, cairn_run_end(run, CAIRN_RUN_FINISHED, NULL));
out:
	cairn_run_free(run);
	cairn_ctx_free(ctx);
}

static void test_dataset_acquire_command(void)
{
	struct cairn_acquire_options a = { .kind = CAIRN_ACQUIRE_COMMAND };
	struct cairn_acquire_result res;
	cairn_ctx *ctx = setup(0);

	a.source = "printf 'u,v\\n1,2\\n3,4\\n'";
	a.name = "gen";
	a.tabular = -1;
	a.csv.header = -1;
	CHECK_OK(ctx, cairn_dataset_acquire(ctx, &a, &res));
	CHECK_INT(res.existed, ==, 0);
	CHECK_INT(res.version.rows, ==, 2);
	CHECK_INT(res.version.cols, ==, 2);
	CHECK_STR(res.version.source_kind, "cmd");
	CHECK_STR(res.version.source, "cmd: printf 'u,v\\n1,2\\n3,4\\n'");
	CHECK_STR(json_string_value(json_object_get(res.version.params, "command")), a.source);
	cairn_acquire_result_release(&res);
	CHECK_OK(ctx, cairn_dataset_acquire(ctx, &a, &res));
	CHECK_INT(res.existed, ==, 1);
	CHECK_INT(res.version.version, ==, 1);
	cairn_acquire_result_release(&res);

	a.source = "echo partial; exit 3";
	a.name = "broken";
	CHECK_ERR(ctx, cairn_dataset_acquire(ctx, &a, &res), CAIRN_EIO, "failed with exit status 3");
	a.name = NULL;
	CHECK_ERR(ctx, cairn_dataset_acquire(ctx, &a, &res), CAIRN_EINVAL, "name is required");
	CHECK_INT(nversions(ctx), ==, 2);
	CHECK_INT(temp_files(), ==, 0);
	cairn_ctx_free(ctx);
}

struct canceller {
	struct cairn_cancel *cancel;
	int delay_ms;
};

static void *cancel_later(void *arg)
{
	struct canceller *c = arg;
	struct timespec ts = { 0, (long)c->delay_ms * 1000000L };

	nanosleep(&ts, NULL);
	c->cancel->sig = 15;
	c->cancel->requested = 1;
	return NULL;
}

static void test_dataset_acquire_command_cancelled(void)
{
	struct cairn_acquire_options a = { .kind = CAIRN_ACQUIRE_COMMAND };
	struct cairn_acquire_result res;
	struct cairn_cancel cancel = { 0, 0, 0 };
	struct canceller c = { &cancel, 200 };
	struct timespec t0, t1;
	pthread_t thread;
	cairn_ctx *ctx = setup(0);

	a.source = "printf 'a,b\\n'; sleep 10; printf '1,2\\n'";
	a.name = "slow";
	a.tabular = -1;
	a.csv.header = -1;
	cairn_ctx_set_cancel(ctx, &cancel);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (pthread_create(&thread, NULL, cancel_later, &c)) {
		CHECK(0);
		goto out;
	}
	CHECK_ERR(ctx, cairn_dataset_acquire(ctx, &a, &res), CAIRN_EINTERRUPTED, "was stopped");
	pthread_join(thread, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* Stopped, not waited for: well under the command's 10 s. */
	CHECK_INT(t1.tv_sec - t0.tv_sec, <, 5);
	CHECK_INT(nversions(ctx), ==, 1);
	CHECK_INT(temp_files(), ==, 0);
out:
	cairn_ctx_free(ctx);
}

static void test_dataset_acquire_sqlite_file(void)
{
	struct cairn_acquire_options a = { .kind = CAIRN_ACQUIRE_SQL };
	static const enum cairn_link_type copy[] = { CAIRN_LINK_COPY };
	struct cairn_acquire_result res;
	char text[256] = "";
	cairn_ctx *ctx = setup(0);
	FILE *in;

	/* The workspace's own metadata store is an SQLite file to query. */
	a.source = ".cairn/cairn.db";
	a.query = "SELECT name, version, NULL AS empty, 'a,b' AS text FROM dataset_versions";
	a.name = "meta";
	a.tabular = -1;
	a.csv.header = -1;
	CHECK_OK(ctx, cairn_dataset_acquire(ctx, &a, &res));
	CHECK_INT(res.version.rows, ==, 1);
	CHECK_INT(res.version.cols, ==, 4);
	CHECK_STR(res.version.format, "csv");
	CHECK_STR(res.version.source_kind, "sql");
	CHECK_STR(json_string_value(json_object_get(res.version.params, "dsn")), ".cairn/cairn.db");
	/* NULL is an empty field; a comma is quoted. */
	CHECK_OK(ctx, cairn_dataset_checkout(ctx, &res.version, "meta.csv", copy, 1, 0));
	if ((in = fopen("meta.csv", "r"))) {
		text[fread(text, 1, sizeof(text) - 1, in)] = '\0';
		fclose(in);
	}
	CHECK_STR(text, "name,version,empty,text\nd,1,,\"a,b\"\n");
	cairn_acquire_result_release(&res);

	a.query = "SELECT * FROM missing_table";
	a.name = "bad";
	CHECK_ERR(ctx, cairn_dataset_acquire(ctx, &a, &res), CAIRN_EINVAL,
		  "SQL error in '.cairn/cairn.db': no such table: missing_table");
	a.source = "sqlite://no/such.db";
	a.query = "SELECT 1";
	CHECK_ERR(ctx, cairn_dataset_acquire(ctx, &a, &res), CAIRN_EIO,
		  "cannot open SQLite database 'no/such.db'");
	CHECK_INT(nversions(ctx), ==, 2);
	CHECK_INT(temp_files(), ==, 0);
	cairn_ctx_free(ctx);
}

static void test_dataset_load_file_or_ref(void)
{
	struct cairn_frame *f = NULL;
	cairn_ctx *ctx = setup(0);
	int is_dataset = -1;

	write_file("other.csv", "p,q\n1,2\n");
	CHECK_OK(ctx, cairn_dataset_load_file_or_ref(ctx, "other.csv", &f, &is_dataset));
	CHECK_INT(is_dataset, ==, 0);
	CHECK_INT(f ? (long long)f->nrows : -1, ==, 1);
	cairn_frame_free(f);
	f = NULL;
	CHECK_OK(ctx, cairn_dataset_load_file_or_ref(ctx, "d@1", &f, &is_dataset));
	CHECK_INT(is_dataset, ==, 1);
	CHECK_INT(f ? (long long)f->nrows : -1, ==, 10);
	cairn_frame_free(f);
	CHECK_ERR(ctx, cairn_dataset_load_file_or_ref(ctx, "nothing.csv", &f, NULL), CAIRN_ENOTFOUND,
		  "no file 'nothing.csv', and no dataset version");
	cairn_ctx_free(ctx);
}

/* A directory is one version of all its regular files; the same content
 * again is the same version. */
static void test_dataset_add_dir(void)
{
	struct cairn_dataset_add add = { 0 };
	struct cairn_dataset_version v = { 0 };
	enum cairn_init_result r;
	cairn_ctx *ctx = cairn_ctx_new();
	int existed = -1;

	CHECK_OK(ctx, cairn_workspace_init(ctx, ".", 1, &r));
	CHECK_INT(mkdir("images", 0755), ==, 0);
	CHECK_INT(mkdir("images/sub", 0755), ==, 0);
	write_file("images/a.txt", "alpha\n");
	write_file("images/sub/b.txt", "beta beta\n");
	add.name = add.source = "images";
	add.source_kind = "dir";
	add.tabular = -1;
	CHECK_OK(ctx, cairn_dataset_add_dir(ctx, "images", &add, &v, &existed));
	CHECK_INT(existed, ==, 0);
	CHECK_STR(v.kind, "dir");
	CHECK_INT(v.files, ==, 2);
	CHECK_INT(v.size, ==, 16);
	CHECK_INT(v.version, ==, 1);
	cairn_dataset_version_release(&v);
	CHECK_OK(ctx, cairn_dataset_add_dir(ctx, "images", &add, &v, &existed));
	CHECK_INT(existed, ==, 1);
	CHECK_INT(v.version, ==, 1);
	cairn_dataset_version_release(&v);
	CHECK_ERR(ctx, cairn_dataset_add_dir(ctx, "no-such-dir", &add, &v, &existed),
		  CAIRN_ENOTFOUND, "no-such-dir");
	cairn_ctx_free(ctx);
}

/* A pinned name resolves to its pinned version, not the latest. */
static void test_dataset_resolve_pinned(void)
{
	cairn_ctx *ctx = setup(0);
	struct cairn_dataset_add add = { 0 };
	struct cairn_dataset_version v;
	int existed;

	write_file("d.csv", "x,y\n1,a\n");
	add.name = add.source = "d";
	add.source_kind = "file";
	add.tabular = -1;
	add.csv.header = -1;
	CHECK_OK(ctx, cairn_dataset_add_file(ctx, "d.csv", &add, &v, &existed));
	CHECK_INT(v.version, ==, 2);
	cairn_dataset_version_release(&v);
	CHECK_ERR(ctx, cairn_ctx_pin_datasets(ctx, "d"), CAIRN_EINVAL, "is not NAME@N");
	CHECK_ERR(ctx, cairn_ctx_pin_datasets(ctx, "d@1,e@latest"), CAIRN_EINVAL, "'e@latest'");
	CHECK_OK(ctx, cairn_ctx_pin_datasets(ctx, "other@3,d@1"));
	for (int i = 0; i < 3; i++) {
		const char *ref[] = { "d", "d@latest", "d@2" };
		CHECK_OK(ctx, cairn_dataset_resolve(ctx, ref[i], &v));
		CHECK_INT(v.version, ==, i < 2 ? 1 : 2);
		cairn_dataset_version_release(&v);
	}
	CHECK_OK(ctx, cairn_ctx_pin_datasets(ctx, NULL));
	CHECK_OK(ctx, cairn_dataset_resolve(ctx, "d", &v));
	CHECK_INT(v.version, ==, 2);
	cairn_dataset_version_release(&v);
	cairn_ctx_free(ctx);
}

const struct unit_test dataset_ops_tests[] = {
	{ "dataset_add_dir", test_dataset_add_dir },
	{ "dataset_derive_split_records_parts", test_dataset_derive_split_records_parts },
	{ "dataset_derive_augment_and_sample", test_dataset_derive_augment_and_sample },
	{ "dataset_derive_failures_record_nothing", test_dataset_derive_failures_record_nothing },
	{ "dataset_derive_cancelled_leaves_nothing", test_dataset_derive_cancelled_leaves_nothing },
	{ "dataset_derive_and_acquire_in_a_run", test_dataset_derive_and_acquire_in_a_run },
	{ "dataset_acquire_command", test_dataset_acquire_command },
	{ "dataset_acquire_command_cancelled", test_dataset_acquire_command_cancelled },
	{ "dataset_acquire_sqlite_file", test_dataset_acquire_sqlite_file },
	{ "dataset_load_file_or_ref", test_dataset_load_file_or_ref },
	{ "dataset_resolve_pinned", test_dataset_resolve_pinned },
	{ NULL, NULL }
};
