/* cairn data checkout: write a dataset version out to the work tree. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "cairn/error.h"
#include "cairn/hash.h"
#include "cli/cli.h"
#include "cli/data.h"
#include "cli/signals.h"
#include "core/fs.h"
#include "core/json.h"

static const char usage[] =
	"usage: cairn data checkout REF [PATH] [--link TYPES] [--force] [--json]\n"
	"\n"
	"Writes a dataset version to PATH: a file, or for a directory version the\n"
	"tree of its files. PATH defaults to the source's file name (or NAME with\n"
	"the format's extension) in the current directory; an existing directory\n"
	"receives the file inside it. A file that exists with other content is\n"
	"only replaced with --force; one with the same content is left alone.\n"
	"Files are written atomically; nothing that is not a regular file, and\n"
	"nothing inside .cairn, is ever replaced (see docs/outputs.md).\n"
	"\n"
	"Options:\n"
	"  --link TYPES  link types to try in order (reflink, hardlink, symlink,\n"
	"                copy; default: the workspace setting link_types, which is\n"
	"                \"reflink,copy\" in a new workspace)\n"
	"  --force       replace files that exist with other content\n"
	"  --json        print {ref, path} as JSON\n"
	"  -h, --help    this help\n";

/* The default file name of a version in the work tree. */
static void default_path(const struct cairn_dataset_version *v, cairn_buf *out)
{
	cairn_buf_reset(out);
	if (!strcmp(v->source_kind, "file") || !strcmp(v->source_kind, "dir")) {
		const char *s = v->source;
		size_t len = strlen(s);
		while (len > 1 && s[len - 1] == '/')
			len--;
		const char *base = s + len;
		while (base > s && base[-1] != '/')
			base--;
		cairn_buf_add(out, base, len - (size_t)(base - s));
	}
	if (!out->len || !strcmp(out->buf, ".") || !strcmp(out->buf, "..")) {
		cairn_buf_reset(out);
		cairn_buf_adds(out, v->name);
		if (*v->format)
			cairn_buf_addf(out, ".%s", v->format);
	}
}

int data_checkout(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "link", required_argument, NULL, 'l' },
		{ "force", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum cairn_link_type types[CAIRN_LINK_MAX];
	struct cairn_dataset_version v;
	cairn_buf path = CAIRN_BUF_INIT, name = CAIRN_BUF_INIT;
	const char *links = NULL;
	cairn_ctx *ctx = NULL;
	struct stat st;
	int json = 0, force = 0, ntypes, c, rc = 0, status = 0, have_v = 0, same = 0;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'l': links = optarg; break;
		case 'f': force = 1; break;
		case 'j': json = 1; break;
		case 'h': return cli_help(usage);
		default: return cli_bad_option(usage);
		}
	}
	if (argc - optind < 1 || argc - optind > 2)
		return cli_usage_error(usage, "checkout takes a dataset reference and at most one PATH");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	cli_cancel_on_signals(ctx);
	if (links ? (rc = cairn_link_types_parse(ctx, links, types, &ntypes)) :
		    (rc = cairn_workspace_link_types(ctx, types, &ntypes)))
		goto fail;
	if ((rc = cairn_dataset_resolve(ctx, argv[optind], &v)))
		goto fail;
	have_v = 1;
	default_path(&v, &name);
	if (optind + 1 < argc) {
		const char *p = argv[optind + 1];
		cairn_buf_adds(&path, p);
		/* "dir/" names a directory to put the file in, made if missing. */
		if (strcmp(v.kind, "dir") && p[strlen(p) - 1] == '/' &&
		    (rc = cairn_mkdir_p(ctx, p, 0777)))
			goto fail;
		if (strcmp(v.kind, "dir") && cairn_is_dir(path.buf)) {
			cairn_buf_rtrim(&path);
			while (path.len > 1 && path.buf[path.len - 1] == '/')
				cairn_buf_setlen(&path, path.len - 1);
			cairn_buf_addch(&path, '/');
			cairn_buf_adds(&path, name.buf);
		}
	} else {
		cairn_buf_adds(&path, name.buf);
	}
	if (!strcmp(v.kind, "file") && lstat(path.buf, &st) == 0) {
		char hash[CAIRN_HEX_LEN + 1];
		if (S_ISREG(st.st_mode) && !cairn_sha256_file(ctx, path.buf, hash) &&
		    !strcmp(hash, v.hash))
			same = 1;
	} else if (!strcmp(v.kind, "dir") && lstat(path.buf, &st) == 0 && !S_ISDIR(st.st_mode)) {
		rc = cairn_error(ctx, CAIRN_EEXIST, "'%s' exists and is not a directory", path.buf);
		goto fail;
	}
	if (!same && (rc = cairn_dataset_checkout(ctx, &v, path.buf, types, ntypes,
						   force ? CAIRN_OUTPUT_FORCE : 0)))
		goto fail;
	if (json) {
		json_t *o = json_pack("{s:s, s:s, s:b}", "ref", argv[optind], "path", path.buf,
				      "unchanged", same);
		cairn_json_print(stdout, o, 1);
		json_decref(o);
	} else {
		printf("%s %s@%lld %s %s\n", same ? "Unchanged:" : "Checked out", v.name,
		       (long long)v.version, same ? "already in" : "to", path.buf);
	}
	goto out;
fail:
	status = cli_fail_output(ctx, rc);
out:
	if (have_v)
		cairn_dataset_version_release(&v);
	cairn_buf_release(&path);
	cairn_buf_release(&name);
	cairn_ctx_free(ctx);
	return status;
}
