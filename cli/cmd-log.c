/* cairn log: log a metric, param, tag, artifact or input to the current run
 * (CAIRN_RUN_ID, set by 'cairn run') or to the run named by --run. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/run.h"
#include "cli/cli.h"

static const char usage[] =
	"usage: cairn log metric KEY VALUE [--step N] [--run RUN]\n"
	"   or: cairn log param KEY VALUE [--run RUN]\n"
	"   or: cairn log tag KEY VALUE [--run RUN]\n"
	"   or: cairn log artifact PATH [--path DEST] [--follow-symlinks] [--run RUN]\n"
	"   or: cairn log input DATASET_REF [--context CONTEXT] [--run RUN]\n"
	"\n"
	"Logs to the run in CAIRN_RUN_ID (set for the command that 'cairn run'\n"
	"starts) or to RUN. Params are write-once: the same value again is fine,\n"
	"a different one is an error. Metrics keep their whole history; VALUE is a\n"
	"number (nan and inf are accepted). An artifact directory is stored file\n"
	"by file; a symbolic link in it that leads outside it is refused, one to a\n"
	"file inside it is stored as that file.\n"
	"\n"
	"Options:\n"
	"  --run RUN          the run to log to (an id or unique prefix)\n"
	"  --step N           the metric's step (default 0; may be negative)\n"
	"  --path DEST        the artifact's path inside the run (default: PATH's\n"
	"                     base name)\n"
	"  --follow-symlinks  store what every symbolic link of a directory points to\n"
	"  --context CONTEXT  how the input was used: train, test, validation or\n"
	"                     other (default other)\n"
	"  -h, --help         this help\n";

enum what { METRIC, PARAM, TAG, ARTIFACT, INPUT };

static const struct { const char *name; enum what what; int nargs; } kinds[] = {
	{ "metric", METRIC, 2 }, { "param", PARAM, 2 }, { "tag", TAG, 2 },
	{ "artifact", ARTIFACT, 1 }, { "input", INPUT, 1 },
};

static int parse_step(const char *s, int64_t *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end)
		return -1;
	*out = v;
	return 0;
}

/* 0, -1 when s is not a number, -2 when it is one beyond a double's range
 * ("1e309", which strtod would quietly read as inf). */
static int parse_value(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (end == s || *end)
		return -1;
	return isinf(*out) && errno == ERANGE ? -2 : 0;
}

/* 1 when s is a whole number such as "-1e-3" or "-inf" (a value, not an option). */
static int is_number(const char *s)
{
	double v;

	return parse_value(s, &v) != -1;
}

int cmd_log(int argc, char **argv)
{
	static const char *const names[] = { "--run", "--step", "--path", "--context" };
	const char *opt[4] = { NULL, NULL, NULL, NULL }; /* run, step, path, context */
	const char *pos[4];
	int npos = 0, rc = 0, status = 0, k, bad, nkinds = (int)(sizeof(kinds) / sizeof(kinds[0]));
	int64_t step = 0;
	double value = 0;
	unsigned flags = 0;
	cairn_run *run = NULL;
	cairn_ctx *ctx;

	/* Parsed by hand: a negative metric value such as -0.5 is an argument,
	 * not an option, and options may come before or after the arguments. */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int o;
		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return cli_help(usage);
		if (!strcmp(a, "--follow-symlinks")) {
			flags |= CAIRN_ARTIFACT_FOLLOW_SYMLINKS;
			continue;
		}
		if (!strcmp(a, "--")) {
			while (++i < argc && npos < 4)
				pos[npos++] = argv[i];
			if (i < argc)
				return cli_usage_error(usage, "too many arguments");
			break;
		}
		if (a[0] == '-' && a[1] && !is_number(a)) {
			size_t n = strcspn(a, "=");
			for (o = 0; o < 4 && (strlen(names[o]) != n || strncmp(a, names[o], n)); o++)
				;
			if (o == 4)
				return cli_usage_error(usage, "option '%.*s' is not known", (int)n, a);
			if (a[n] == '=')
				opt[o] = a + n + 1;
			else if (i + 1 < argc)
				opt[o] = argv[++i];
			else
				return cli_usage_error(usage, "option '%s' needs a value", a);
			continue;
		}
		if (npos == 4)
			return cli_usage_error(usage, "too many arguments");
		pos[npos++] = a;
	}
	if (!npos)
		return cli_usage_error(usage, "expected what to log: metric, param, tag, artifact or input");
	for (k = 0; k < nkinds && strcmp(kinds[k].name, pos[0]); k++)
		;
	if (k == nkinds)
		return cli_usage_error(usage, "cannot log '%s' (metric, param, tag, artifact or input)",
				       pos[0]);
	if (npos - 1 != kinds[k].nargs)
		return cli_usage_error(usage, "log %s takes %s", kinds[k].name,
				       kinds[k].nargs == 2 ? "KEY VALUE" :
				       kinds[k].what == ARTIFACT ? "one PATH" : "one DATASET_REF");
	if (opt[1] && (kinds[k].what != METRIC || parse_step(opt[1], &step)))
		return cli_usage_error(usage, kinds[k].what != METRIC ? "--step applies to metrics only"
				       : "--step '%s' is not an integer", opt[1]);
	if (opt[2] && kinds[k].what != ARTIFACT)
		return cli_usage_error(usage, "--path applies to artifacts only");
	if (flags && kinds[k].what != ARTIFACT)
		return cli_usage_error(usage, "--follow-symlinks applies to artifacts only");
	if (opt[3] && kinds[k].what != INPUT)
		return cli_usage_error(usage, "--context applies to inputs only");
	if (kinds[k].what == METRIC && (bad = parse_value(pos[2], &value)))
		return cli_usage_error(usage, bad == -2 ? "metric '%s': '%s' is beyond the range of"
				       " a double (write inf or -inf for an infinity)" :
				       "metric '%s': '%s' is not a number", pos[1], pos[2]);
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if (opt[0])
		rc = cairn_run_attach(ctx, opt[0], &run);
	else if (!getenv("CAIRN_RUN_ID") || !*getenv("CAIRN_RUN_ID"))
		rc = cairn_error(ctx, CAIRN_EINVAL, "no run to log to: CAIRN_RUN_ID is not set (start"
				 " the program with 'cairn run', or name a run with --run)");
	else
		rc = cairn_run_open_current(ctx, getenv("CAIRN_RUN_ID"), &run);
	if (rc)
		goto out;
	switch (kinds[k].what) {
	case METRIC: rc = cairn_run_log_metric(run, pos[1], value, step); break;
	case PARAM: rc = cairn_run_log_param(run, pos[1], pos[2]); break;
	case TAG: rc = cairn_run_set_tag(run, pos[1], pos[2]); break;
	case ARTIFACT: rc = cairn_run_log_artifact_flags(run, pos[1], opt[2], flags); break;
	case INPUT: rc = cairn_run_log_input(run, pos[1], opt[3] ? opt[3] : "other"); break;
	}
out:
	if (rc) {
		status = cli_fail(ctx, rc);
		cli_symlink_hint(ctx, rc);
	}
	cairn_run_free(run);
	cairn_ctx_free(ctx);
	return status;
}
