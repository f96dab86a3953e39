/* cairn data: the dataset catalog and everything done to datasets. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "cairn/error.h"
#include "cli/cli.h"
#include "cli/data.h"
#include "cli/signals.h"

static const struct cli_command data_commands[] = {
	{ "add", data_add, "add a file, directory, URL, command output or SQL result as a new version" },
	{ "list", data_list, "list datasets, or the versions of one" },
	{ "show", data_show, "show a version: source, hash, schema, lineage, tags" },
	{ "tag", data_tag, "set or remove tags of a version" },
	{ "describe", data_describe, "set the description of a version" },
	{ "search", data_search, "find versions by name, description, tag or column" },
	{ "checkout", data_checkout, "write a version out to the work tree" },
	{ "split", data_split, "split a version into train/test (or more) parts, optionally stratified" },
	{ "sample", data_sample, "draw a sample of rows, optionally stratified" },
	{ "augment", data_augment, "add synthetic rows: SMOTE (SMOTE-NC) or Gaussian noise" },
	{ "suggest", data_suggest, "write an expectation suite inferred from a version's profile" },
	{ "check", data_check, "check a version against an expectation suite" },
	{ "profile", data_profile, "show a version's profile, or write it as HTML" },
	{ "diff", data_diff, "compare two versions: rows, columns, means, nulls, categories" },
	{ NULL, NULL, NULL }
};

int data_fail(cairn_ctx *ctx, int rc)
{
	int status = cli_fail(ctx, rc), sig = cli_cancel_signal();

	/* Stopped by a signal: end as that signal would have, so that the
	 * caller sees 128 + its number, as from any program it stops. */
	if (rc == CAIRN_EINTERRUPTED && sig) {
		fflush(NULL);
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return status;
}

int cmd_data(int argc, char **argv)
{
	return cli_dispatch("data",
			    "Datasets are named, and each version (NAME@1, NAME@2, ...) is immutable\n"
			    "and content-addressed. References: NAME (the latest version), NAME@N,\n"
			    "NAME@latest, NAME@<hash prefix>, or a version id prefix.\n",
			    data_commands, argc, argv);
}
