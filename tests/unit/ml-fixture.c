/* The ML unit tests' workspace, dataset and run count; see ml-fixture.h. */
#include <stdio.h>
#include "cairn/dataset.h"
#include "cairn/run.h"
#include "cairn/workspace.h"
#include "tests/unit/ml-fixture.h"
#include "tests/unit/unit.h"

cairn_ctx *fixture_workspace(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	enum cairn_init_result r;

	CHECK_OK(ctx, cairn_workspace_init(ctx, ".", 1, &r));
	return ctx;
}

void fixture_add_classes(cairn_ctx *ctx, const char *name, int variant)
{
	struct cairn_dataset_add a = { 0 };
	int existed;
	FILE *f = fopen("classes.csv", "w");

	CHECK(f != NULL);
	if (!f)
		return;
	fprintf(f, "x,z,y\n");
	for (int i = 0; i < 40; i++)
		fprintf(f, "%d,%d,%s\n", i + variant, (i * 7) % 5, i < 25 ? (i % 9 ? "a" : "b") :
			(i % 11 ? "b" : "a"));
	fclose(f);
	a.name = name;
	a.source = "classes.csv";
	a.source_kind = "file";
	a.tabular = 1;
	a.csv.header = 1;
	CHECK_OK(ctx, cairn_dataset_add_file(ctx, "classes.csv", &a, NULL, &existed));
}

size_t fixture_count_runs(cairn_ctx *ctx, const char *status)
{
	struct cairn_run_list_options lo = { 0 };
	json_t *runs = NULL;
	size_t n;

	lo.status = status;
	CHECK_OK(ctx, cairn_run_list(ctx, &lo, &runs));
	n = json_array_size(runs);
	json_decref(runs);
	return n;
}
