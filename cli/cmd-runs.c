/* cairn runs: reading and annotating tracked runs. */
#include "cli/cli.h"
#include "cli/runs.h"

static const struct cli_command runs_commands[] = {
	{ "list", runs_list, "list runs, newest first" },
	{ "show", runs_show, "show a run: params, metrics, tags, inputs, artifacts, code, environment" },
	{ "artifacts", runs_artifacts, "list the artifacts of a run" },
	{ "get-artifact", runs_get_artifact, "write an artifact (file or directory) of a run out" },
	{ "tag", runs_tag, "set or remove tags of a run" },
	{ "note", runs_note, "set the free-text note of a run" },
	{ "end", runs_end, "end by hand a run whose process died out of sight (another host)" },
	{ "experiments", runs_experiments, "list experiments and their run counts" },
	{ "search", runs_search, "find runs by params, metrics, tags and attributes (MLflow filters)" },
	{ "compare", runs_compare, "show runs side by side, marking the values that differ" },
	{ NULL, NULL, NULL }
};

int cmd_runs(int argc, char **argv)
{
	return cli_dispatch("runs",
			    "Runs are referred to by their id or a unique prefix of it (see\n"
			    "'cairn runs list'). 'cairn run -- CMD' starts one.\n",
			    runs_commands, argc, argv);
}
