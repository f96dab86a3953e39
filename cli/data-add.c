/* cairn data add: acquire content and record it as a dataset version. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cairn/acquire.h"
#include "cairn/error.h"
#include "cairn/fs.h"
#include "cairn/id.h"
#include "cairn/json.h"
#include "cairn/workspace.h"
#include "cli/cli.h"
#include "cli/data.h"

static const char usage[] =
	"usage: cairn data add (SOURCE | --from-cmd CMD | --sql DSN QUERY) [--name NAME] [options]\n"
	"\n"
	"Stores content as a new immutable version NAME@N of dataset NAME. SOURCE\n"
	"is a file, a directory (stored as a manifest of its files) or an http(s)\n"
	"URL; --from-cmd stores the standard output of a shell command; --sql\n"
	"stores the result of a query against a PostgreSQL DSN (postgres://...\n"
	"or 'host=... dbname=...') or an SQLite file. Adding content equal to the\n"
	"latest version creates nothing and names that version.\n"
	"\n"
	"CSV, TSV and JSON lines are parsed on the way in (RFC 4180 quoting,\n"
	"delimiter and header detection): the schema, row count and profile are\n"
	"stored with the version; malformed tabular data is refused with the line\n"
	"at fault and nothing is recorded.\n"
	"\n"
	"Options:\n"
	"  --name NAME         dataset name (default: SOURCE's file name without\n"
	"                      its extension; required with --from-cmd and --sql)\n"
	"  --from-cmd CMD      run CMD with sh -c and store its output\n"
	"  --sql DSN           run the QUERY argument against DSN\n"
	"  --description TEXT  describe the version\n"
	"  --format F          csv, tsv, jsonl or raw (default: from the file name,\n"
	"                      else detected; raw stores without parsing)\n"
	"  --delimiter C       field delimiter (default: detected; 'tab' for TAB)\n"
	"  --header / --no-header   whether the first row names the columns\n"
	"                      (default: detected)\n"
	"  --timeout SECONDS   limit for a URL download (default: none; a transfer\n"
	"                      that stalls for 60 s fails)\n"
	"  --json              print the version as JSON\n"
	"  -h, --help          this help\n";

/* A dataset name from a path or URL: its last component without extension. */
static void default_name(const char *source, cairn_buf *out)
{
	const char *base, *q;
	size_t len;

	cairn_buf_reset(out);
	len = strlen(source);
	while (len > 1 && source[len - 1] == '/')
		len--;
	q = memchr(source, '?', len);
	if (q)
		len = (size_t)(q - source);
	base = source + len;
	while (base > source && base[-1] != '/')
		base--;
	cairn_buf_add(out, base, len - (size_t)(base - source));
	char *dot = strrchr(out->buf, '.');
	if (dot && dot != out->buf)
		cairn_buf_setlen(out, (size_t)(dot - out->buf));
}

static int is_url(const char *s)
{
	return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8);
}

int data_add(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "from-cmd", required_argument, NULL, 'c' },
		{ "sql", required_argument, NULL, 's' },
		{ "description", required_argument, NULL, 'd' },
		{ "format", required_argument, NULL, 'f' },
		{ "delimiter", required_argument, NULL, 'D' },
		{ "header", no_argument, NULL, 'H' },
		{ "no-header", no_argument, NULL, 'N' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_dataset_add add = { 0 };
	struct cairn_dataset_version v;
	struct cairn_fetch_options fetch = { 0 };
	const char *cmd = NULL, *dsn = NULL, *format = NULL, *source = NULL;
	cairn_buf name = CAIRN_BUF_INIT, tmp = CAIRN_BUF_INIT, src = CAIRN_BUF_INIT;
	unsigned long long secs;
	json_t *params = json_object(), *info = NULL;
	cairn_ctx *ctx = NULL;
	int json = 0, c, rc = 0, status = 0, existed = 0, have_tmp = 0;

	add.csv.header = -1;
	add.tabular = -1;
	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'n': cairn_buf_reset(&name); cairn_buf_adds(&name, optarg); break;
		case 'c': cmd = optarg; break;
		case 's': dsn = optarg; break;
		case 'd': add.description = optarg; break;
		case 'f': format = optarg; break;
		case 'D':
			if (!strcmp(optarg, "tab") || !strcmp(optarg, "\\t"))
				add.csv.delimiter = '\t';
			else if (strlen(optarg) == 1 && optarg[0] != '"' && optarg[0] != '\n')
				add.csv.delimiter = optarg[0];
			else {
				status = cli_usage_error(usage, "--delimiter takes one character or 'tab', not '%s'", optarg);
				goto out;
			}
			break;
		case 'H': add.csv.header = 1; break;
		case 'N': add.csv.header = 0; break;
		case 't':
			if ((status = cli_parse_uint(usage, "--timeout", optarg, &secs)))
				goto out;
			fetch.timeout_s = (long)secs;
			break;
		case 'j': json = 1; break;
		case 'h': status = cli_help(usage); goto out;
		default: status = cli_bad_option(usage); goto out;
		}
	}
	if (!!cmd + !!dsn > 1) {
		status = cli_usage_error(usage, "--from-cmd and --sql cannot be combined");
		goto out;
	}
	if (dsn) {
		if (argc - optind != 1) {
			status = cli_usage_error(usage, "--sql DSN takes the query as its one argument");
			goto out;
		}
	} else if (cmd) {
		if (argc - optind != 0) {
			status = cli_usage_error(usage, "--from-cmd takes no SOURCE argument");
			goto out;
		}
	} else if (argc - optind != 1) {
		status = cli_usage_error(usage, argc - optind ? "give one SOURCE" : "what should be added? (give a SOURCE)");
		goto out;
	} else {
		source = argv[optind];
	}
	if (!name.len) {
		if (!source) {
			status = cli_usage_error(usage, "--name is required with --from-cmd and --sql");
			goto out;
		}
		default_name(source, &name);
	}
	if (format) {
		if (!strcmp(format, "raw"))
			add.tabular = 0;
		else if (!strcmp(format, "csv") || !strcmp(format, "tsv") || !strcmp(format, "jsonl")) {
			add.tabular = 1;
			add.format_hint = format;
		} else {
			status = cli_usage_error(usage, "--format is csv, tsv, jsonl or raw, not '%s'", format);
			goto out;
		}
	}
	if (!(ctx = cli_open_workspace(&status)))
		goto out;
	if ((rc = cairn_name_check(ctx, "dataset name", name.buf)))
		goto fail;
	add.name = name.buf;

	if (source && !is_url(source)) {
		add.source_kind = cairn_is_dir(source) ? "dir" : "file";
		add.source = source;
		json_object_set_new(params, "path", json_string(source));
	} else {
		char id[CAIRN_ID_LEN + 1];
		cairn_id_new(id);
		cairn_buf_addf(&tmp, "%s/tmp", cairn_workspace_dir(ctx));
		if ((rc = cairn_mkdir_p(ctx, tmp.buf, 0777)))
			goto fail;
		cairn_buf_addf(&tmp, "/acquire-%s", id);
		cli_remove_on_signal(tmp.buf);
		have_tmp = 1;
		if (source) {
			add.source_kind = "url";
			add.source = source;
			rc = cairn_fetch_url(ctx, source, &fetch, tmp.buf, &info);
			if (!rc && !add.format_hint && add.tabular) {
				/* The URL's file extension names the format, as a file's does. */
				cairn_buf path = CAIRN_BUF_INIT;
				cairn_buf_add(&path, source, strcspn(source, "?#"));
				add.format_hint = cairn_dataset_format_from_name(path.buf);
				cairn_buf_release(&path);
			}
			if (info)
				json_object_set(params, "http", info);
		} else if (cmd) {
			add.source_kind = "cmd";
			cairn_buf_addf(&src, "cmd: %s", cmd);
			add.source = src.buf;
			json_object_set_new(params, "command", json_string(cmd));
			rc = cairn_run_to_file(ctx, cmd, tmp.buf);
		} else {
			add.source_kind = "sql";
			cairn_buf_addf(&src, "sql: %s: %s", dsn, argv[optind]);
			add.source = src.buf;
			json_object_set_new(params, "dsn", json_string(dsn));
			json_object_set_new(params, "query", json_string(argv[optind]));
			if (!add.format_hint && add.tabular) {
				add.format_hint = "csv";
				add.tabular = 1;
			}
			rc = cairn_sql_to_csv(ctx, dsn, argv[optind], tmp.buf);
		}
		if (rc)
			goto fail;
	}
	add.params = params;
	if (!strcmp(add.source_kind, "dir"))
		rc = cairn_dataset_add_dir(ctx, source, &add, &v, &existed);
	else
		rc = cairn_dataset_add_file(ctx, have_tmp ? tmp.buf : source, &add, &v, &existed);
	if (rc)
		goto fail;

	if (json) {
		json_t *o = cairn_dataset_version_json(&v);
		json_object_set_new(o, "unchanged", json_boolean(existed));
		cairn_json_print(stdout, o, 1);
		json_decref(o);
	} else if (existed) {
		printf("%s@%lld already holds this content (sha256 %.12s); nothing added\n",
		       v.name, (long long)v.version, v.hash);
	} else {
		char size[32];
		printf("Added %s@%lld (sha256 %.12s, %s", v.name, (long long)v.version, v.hash,
		       data_human_size(v.size, size));
		if (v.rows >= 0)
			printf(", %lld rows x %lld columns", (long long)v.rows, (long long)v.cols);
		else if (!strcmp(v.kind, "dir"))
			printf(", %lld files", (long long)v.files);
		printf(")\n");
	}
	cairn_dataset_version_release(&v);
	goto out;
fail:
	status = cli_fail(ctx, rc);
out:
	if (have_tmp)
		unlink(tmp.buf);
	cli_forget_temps();
	json_decref(info);
	json_decref(params);
	cairn_ctx_free(ctx);
	cairn_buf_release(&name);
	cairn_buf_release(&tmp);
	cairn_buf_release(&src);
	return status;
}
