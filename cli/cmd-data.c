/* cairn data: the dataset catalog and everything done to datasets. */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/data.h"

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

static int usage(FILE *out)
{
	fputs("usage: cairn data SUBCOMMAND [ARGS]\n"
	      "\n"
	      "Datasets are named, and each version (NAME@1, NAME@2, ...) is immutable\n"
	      "and content-addressed. References: NAME (the latest version), NAME@N,\n"
	      "NAME@latest, NAME@<hash prefix>, or a version id prefix.\n"
	      "\n"
	      "Subcommands:\n", out);
	for (const struct cli_command *c = data_commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fputs("\nRun 'cairn data SUBCOMMAND --help' for its options.\n", out);
	return out == stdout ? 0 : 2;
}

int cmd_data(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return usage(stdout);
	for (const struct cli_command *c = data_commands; c->name; c++)
		if (!strcmp(c->name, argv[1])) {
			cli_reset_getopt();
			return c->fn(argc - 1, argv + 1);
		}
	fprintf(stderr, "cairn: error: '%s' is not a 'cairn data' subcommand\n", argv[1]);
	return usage(stderr);
}
