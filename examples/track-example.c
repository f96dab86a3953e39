/*
 * Logging to a cairn run from C: a toy training loop that records its
 * params, a loss curve and a small artifact.
 *
 * Started by `cairn run -- ./track-example [EPOCHS]` it logs to that run
 * (CAIRN_RUN_ID) in the workspace cairn run names (CAIRN_DIR); started on
 * its own inside a workspace it starts a run of its own in the experiment
 * "examples" and ends it. The library reads no environment: the program
 * passes what it takes from there.
 *
 * Build against an installed libcairn (make test builds it so, from the
 * copy it installs in build/install):
 *   cc -std=c11 track-example.c $(pkg-config --cflags --libs cairn) -o track-example
 */
#include <stdio.h>
#include <stdlib.h>
#include "cairn/ctx.h"
#include "cairn/run.h"
#include "cairn/workspace.h"

static int fail(cairn_ctx *ctx)
{
	fprintf(stderr, "track-example: %s\n", cairn_errmsg(ctx));
	cairn_ctx_free(ctx);
	return 1;
}

int main(int argc, char **argv)
{
	const char *current = getenv("CAIRN_RUN_ID");
	int epochs = argc > 1 ? atoi(argv[1]) : 10, own = current == NULL;
	const char *dir = getenv("CAIRN_DIR");
	struct cairn_run_options opts = { .experiment = "examples", .name = "track-example" };
	struct cairn_metric batch[2];
	char note[64];
	double loss = 1.0;
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_run *run;

	if (!ctx)
		return 1;
	if (dir && *dir ? cairn_workspace_open_dir(ctx, dir) : cairn_workspace_open(ctx, NULL))
		return fail(ctx);
	if (own ? cairn_run_start(ctx, &opts, &run) : cairn_run_open_current(ctx, current, &run))
		return fail(ctx);
	if (cairn_run_log_param(run, "epochs", argc > 1 ? argv[1] : "10") ||
	    cairn_run_log_param(run, "learning_rate", "0.5"))
		goto fail;
	for (int epoch = 0; epoch < epochs; epoch++) {
		loss *= 0.5;
		/* Several points at once go in one transaction. */
		batch[0] = (struct cairn_metric){ "loss", loss, epoch, 0 };
		batch[1] = (struct cairn_metric){ "accuracy", 1.0 - loss, epoch, 0 };
		if (cairn_run_log_metrics(run, batch, 2))
			goto fail;
	}
	int len = snprintf(note, sizeof(note), "final loss %.6f\n", loss);
	if (cairn_run_log_artifact_buf(run, note, (size_t)len, "summary.txt") ||
	    cairn_run_set_tag(run, "language", "c"))
		goto fail;
	if (own && cairn_run_end(run, CAIRN_RUN_FINISHED, NULL))
		goto fail;
	printf("%s\n", cairn_run_id(run));
	cairn_run_free(run);
	cairn_ctx_free(ctx);
	return 0;
fail:
	cairn_run_free(run);
	return fail(ctx);
}
