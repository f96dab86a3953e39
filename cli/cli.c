/* Shared helpers of the command-line front end; see cli/cli.h. */
#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "cairn/package.h"
#include "cairn/run.h"
#include "cairn/workspace.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "core/output.h"

const struct cli_command *cli_find_command(const char *name)
{
	for (const struct cli_command *c = cli_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

int cli_help(const char *usage)
{
	fputs(usage, stdout);
	return 0;
}

static void print_synopsis(const char *usage)
{
	/* The first line of a usage text is its synopsis. */
	const char *nl = strchr(usage, '\n');
	fprintf(stderr, "%.*s\n", nl ? (int)(nl - usage) : (int)strlen(usage), usage);
}

int cli_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fputs("cairn: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	print_synopsis(usage);
	return 2;
}

int cli_bad_option(const char *usage)
{
	print_synopsis(usage);
	return 2;
}

void cli_reset_getopt(void)
{
	optind = 0; /* glibc: 0 re-initializes getopt completely */
	opterr = 0;
}

int cli_getopt(int argc, char **argv, const char *shortopts,
	       const struct option *longopts)
{
	int c = getopt_long(argc, argv, shortopts, longopts, NULL);

	if (c == '?') {
		if (optopt)
			fprintf(stderr, "cairn: error: option '-%c' %s\n", optopt,
				strchr(shortopts, optopt) ? "needs a value" : "is not known");
		else
			fprintf(stderr, "cairn: error: option '%s' is not known or needs a value\n",
				argv[optind - 1]);
	} else if (c == ':') {
		fprintf(stderr, "cairn: error: option '%s' needs a value\n", argv[optind - 1]);
		c = '?';
	}
	return c;
}

int cli_fail(cairn_ctx *ctx, int rc)
{
	const char *msg = cairn_errmsg(ctx);
	fprintf(stderr, "cairn: error: %s\n", *msg ? cli_esc_text(msg) : cairn_strerror(rc));
	return cairn_exit_status(rc);
}

void cli_symlink_hint(cairn_ctx *ctx, int rc)
{
	if (rc == CAIRN_EINVAL && strstr(cairn_errmsg(ctx), "symbolic link to"))
		fputs("cairn: hint: --follow-symlinks stores what such links point to\n", stderr);
}

int cli_fail_output(cairn_ctx *ctx, int rc)
{
	static const char tail[] = " already exists";
	const char *msg = cairn_errmsg(ctx);
	size_t len = strlen(msg);

	if (rc == CAIRN_EEXIST && len > strlen(tail) && !strcmp(msg + len - strlen(tail), tail)) {
		fprintf(stderr, "cairn: error: %s: use --force to replace it\n", cli_esc_text(msg));
		return cairn_exit_status(rc);
	}
	return cli_fail(ctx, rc);
}

int cli_output_check(cairn_ctx *ctx, const char *path, int force)
{
	struct cairn__output_opts o;

	cairn__output_opts_init(ctx, &o, force);
	return cairn__output_check(ctx, path, &o);
}

int cli_output_write(cairn_ctx *ctx, const char *path, const void *data, size_t len,
		     int force)
{
	struct cairn__output_opts o;

	cairn__output_opts_init(ctx, &o, force);
	return cairn__output_write(ctx, path, data, len, &o);
}

cairn_ctx *cli_new_context(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	if (!ctx) {
		fputs("cairn: fatal: out of memory\n", stderr);
		exit(1);
	}
	cli_output_attach(ctx);
	/* Set by a reproduction for the command it runs again (reproduce.h). */
	if (cairn_ctx_pin_datasets(ctx, getenv("CAIRN_DATASET_PINS"))) {
		fprintf(stderr, "cairn: error: CAIRN_DATASET_PINS: %s\n", cairn_errmsg(ctx));
		exit(2);
	}
	return ctx;
}

cairn_ctx *cli_open_workspace(int *status)
{
	cairn_ctx *ctx = cli_new_context();
	const char *dir = getenv("CAIRN_DIR");
	int rc = dir && *dir ? cairn_workspace_open_dir(ctx, dir) : cairn_workspace_open(ctx, NULL);

	if (rc) {
		if (dir && *dir)
			cairn_error_prefix(ctx, "CAIRN_DIR");
		*status = cli_fail(ctx, rc);
		cairn_ctx_free(ctx);
		return NULL;
	}
	return ctx;
}

/* Whether ref names a package directory: a directory with an MLmodel. */
static int is_package_dir(const char *ref)
{
	char path[PATH_MAX];
	struct stat st;

	return snprintf(path, sizeof(path), "%s/MLmodel", ref) < (int)sizeof(path) &&
	       !stat(path, &st) && S_ISREG(st.st_mode);
}

cairn_ctx *cli_open_workspace_for_model(const char *modelref, int *status)
{
	const char *dir = getenv("CAIRN_DIR");
	cairn_ctx *ctx;

	if (!cairn_bundle_is_file(modelref) && !is_package_dir(modelref))
		return cli_open_workspace(status);
	ctx = cli_new_context();
	if (dir && *dir ? cairn_workspace_open_dir(ctx, dir) : cairn_workspace_open(ctx, NULL))
		cairn_error_clear(ctx);
	return ctx;
}

int cli_parse_uint(const char *usage, const char *opt, const char *s,
		   unsigned long long *out)
{
	char *end;

	errno = 0;
	if (!*s || *s == '-' || (*out = strtoull(s, &end, 10), errno) || *end)
		return cli_usage_error(usage, "%s expects a non-negative integer, not '%s'",
				       opt, s);
	return 0;
}

static int dispatch_usage(FILE *out, const char *name, const char *intro,
			  const struct cli_command *table)
{
	fprintf(out, "usage: cairn %s SUBCOMMAND [ARGS]\n\n%s\nSubcommands:\n", name, intro);
	for (const struct cli_command *c = table; c->name; c++)
		fprintf(out, "  %-12s %s\n", c->name, c->summary);
	fprintf(out, "\nRun 'cairn %s SUBCOMMAND --help' for its options.\n", name);
	return out == stdout ? 0 : 2;
}

int cli_dispatch(const char *name, const char *intro, const struct cli_command *table,
		 int argc, char **argv)
{
	if (argc < 2)
		return dispatch_usage(stderr, name, intro, table);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return dispatch_usage(stdout, name, intro, table);
	for (const struct cli_command *c = table; c->name; c++)
		if (!strcmp(c->name, argv[1])) {
			cli_reset_getopt();
			return c->fn(argc - 1, argv + 1);
		}
	fprintf(stderr, "cairn: error: '%s' is not a 'cairn %s' subcommand\n", argv[1], name);
	return dispatch_usage(stderr, name, intro, table);
}

int cli_parse_json_only(int argc, char **argv, const char *usage, int *json)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'j': *json = 1; break;
		case 'h': cli_help(usage); return -1;
		default: return cli_bad_option(usage);
		}
	}
	return 0;
}

int cli_current_run(cairn_ctx *ctx, char id[CAIRN_ID_LEN + 1], const char **run)
{
	const char *env = getenv("CAIRN_RUN_ID");

	*run = NULL;
	if (!env || !*env)
		return 0;
	if (cairn_run_resolve(ctx, env, id))
		return cairn_error_prefix(ctx, "CAIRN_RUN_ID");
	*run = id;
	return 0;
}

int cli_load_data(cairn_ctx *ctx, const char *what, struct cairn_frame **f, int *is_dataset)
{
	return cairn_dataset_load_file_or_ref(ctx, what, f, is_dataset);
}

int cli_parse_uint_range(const char *usage, const char *opt, const char *s,
			 unsigned long long min, unsigned long long max, unsigned long long *out)
{
	int rc = cli_parse_uint(usage, opt, s, out);

	if (!rc && (*out < min || *out > max))
		rc = cli_usage_error(usage, "%s takes %llu to %llu ('%s')", opt, min, max, s);
	return rc;
}

int cli_parse_fraction(const char *usage, const char *opt, const char *s, int one_ok,
		       double *out)
{
	char *end;

	*out = strtod(s, &end);
	if (end == s || *end || !(*out > 0 && (*out < 1 || (one_ok && *out == 1))))
		return cli_usage_error(usage, "%s '%s' is not a fraction in (0, 1%s", opt, s,
				       one_ok ? "]" : ")");
	return 0;
}

int cli_parse_list(const char *usage, const char *opt, const char *what, const char *s,
		   char **text, char ***items, size_t *n)
{
	free(*text);
	free(*items);
	*text = cairn_xstrdup(s);
	*items = cairn_xcalloc(strlen(s) / 2 + 2, sizeof(**items));
	*n = 0;
	for (char *p = *text, *comma; p; p = comma ? comma + 1 : NULL) {
		if ((comma = strchr(p, ',')))
			*comma = '\0';
		if (!*p)
			return cli_usage_error(usage, "%s '%s' has an empty %s", opt, s, what);
		(*items)[(*n)++] = p;
	}
	return 0;
}
