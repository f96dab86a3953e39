/*
 * Acquiring content from outside as a dataset version, all or nothing; see
 * include/cairn/acquire.h. Remote content (a URL, a command's output, a
 * query's rows) lands in a temporary file under .cairn/tmp, is stored and
 * profiled, and is recorded only if nothing failed and no cancel came; the
 * temporary file is removed on every path.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cairn/acquire.h"
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/workspace.h"
#include "core/ctx-internal.h"
#include "core/fs.h"
#include "core/redact.h"
#include "data/dataset-internal.h"
#include "data/record.h"
#include "store/workspace-internal.h"

/* A dataset name from a path or URL: its last component without extension. */
static void default_name(const char *source, cairn_buf *out)
{
	const char *base, *q;
	char *dot;
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
	dot = strrchr(out->buf, '.');
	if (dot && dot != out->buf)
		cairn_buf_setlen(out, (size_t)(dot - out->buf));
}

static int cancelled(cairn_ctx *ctx)
{
	if (!cairn_ctx_cancelled(ctx))
		return 0;
	return cairn_error(ctx, CAIRN_EINTERRUPTED, "acquiring was cancelled; nothing was recorded");
}

/* Fetches the remote content into tmp, setting what the version records. */
static int fetch_remote(cairn_ctx *ctx, const struct cairn_acquire_options *o,
			struct cairn_dataset_add *add, json_t *params, cairn_buf *src,
			const char *tmp)
{
	json_t *info = NULL;
	int rc = 0;

	switch (o->kind) {
	case CAIRN_ACQUIRE_URL:
		/* The credentials serve the fetch, and are never recorded. */
		add->source_kind = "url";
		cairn__redact_credentials(o->source, src);
		add->source = src->buf;
		rc = cairn_fetch_url(ctx, o->source, &o->fetch, tmp, &info);
		if (!rc && !add->format_hint && add->tabular) {
			/* The URL's file extension names the format, as a file's does. */
			cairn_buf path = CAIRN_BUF_INIT;
			cairn_buf_add(&path, o->source, strcspn(o->source, "?#"));
			add->format_hint = cairn_dataset_format_from_name(path.buf);
			cairn_buf_release(&path);
		}
		if (info)
			json_object_set_new(params, "http", info);
		break;
	case CAIRN_ACQUIRE_COMMAND:
		add->source_kind = "cmd";
		cairn_buf_addf(src, "cmd: %s", o->source);
		add->source = src->buf;
		json_object_set_new(params, "command", json_string(o->source));
		rc = cairn_run_to_file(ctx, o->source, tmp);
		break;
	case CAIRN_ACQUIRE_SQL:
		add->source_kind = "sql";
		cairn_buf_adds(src, "sql: ");
		cairn__redact_credentials(o->source, src);
		json_object_set_new(params, "dsn", json_string(src->buf + 5));
		cairn_buf_addf(src, ": %s", o->query);
		add->source = src->buf;
		json_object_set_new(params, "query", json_string(o->query));
		if (!add->format_hint && add->tabular) {
			add->format_hint = "csv";
			add->tabular = 1;
		}
		rc = cairn_sql_to_csv(ctx, o->source, o->query, tmp);
		break;
	case CAIRN_ACQUIRE_PATH:
		break;
	}
	return rc;
}

int cairn__dataset_acquire(cairn_ctx *ctx, const struct cairn_acquire_options *o,
			   struct cairn_acquire_result *res)
{
	struct cairn_dataset_add add = { 0 };
	struct cairn__new_version nv = { 0 };
	cairn_buf name = CAIRN_BUF_INIT, tmp = CAIRN_BUF_INIT, src = CAIRN_BUF_INIT;
	json_t *params = json_object();
	int rc, have_tmp = 0, is_dir = 0;

	memset(res, 0, sizeof(*res));
	if (!o->source || !*o->source) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "acquiring needs a source");
		goto out;
	}
	if (o->kind == CAIRN_ACQUIRE_SQL && (!o->query || !*o->query)) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "acquiring from '%s' needs a query", o->source);
		goto out;
	}
	if (o->name) {
		cairn_buf_adds(&name, o->name);
	} else if (o->kind == CAIRN_ACQUIRE_PATH) {
		default_name(o->source, &name);
	} else if (o->kind == CAIRN_ACQUIRE_URL) {
		cairn__redact_credentials(o->source, &src);
		default_name(src.buf, &name);
		cairn_buf_reset(&src);
	} else {
		rc = cairn_error(ctx, CAIRN_EINVAL, "a dataset name is required to acquire from %s",
				 o->kind == CAIRN_ACQUIRE_SQL ? "a query" : "a command");
		goto out;
	}
	if ((rc = cairn__ctx_need_workspace(ctx)) ||
	    (rc = cairn_name_check(ctx, "dataset name", name.buf)))
		goto out;
	add.name = name.buf;
	add.description = o->description;
	add.csv = o->csv;
	add.tabular = o->tabular;
	add.format_hint = o->format_hint;
	add.generated_by_run = o->generated_by_run;
	add.follow_symlinks = o->follow_symlinks;
	add.params = params;

	if (o->kind == CAIRN_ACQUIRE_PATH) {
		is_dir = cairn_is_dir(o->source);
		add.source_kind = is_dir ? "dir" : "file";
		add.source = o->source;
		json_object_set_new(params, "path", json_string(o->source));
	} else {
		char id[CAIRN_ID_LEN + 1];
		cairn_id_new(id);
		if ((rc = cairn__workspace_tmp_dir(ctx, &tmp)))
			goto out;
		cairn_buf_addf(&tmp, "/acquire-%s", id);
		/* Each fetch creates the file first (O_EXCL), even when it fails. */
		have_tmp = 1;
		if ((rc = fetch_remote(ctx, o, &add, params, &src, tmp.buf)))
			goto out;
	}
	if ((rc = cancelled(ctx)))
		goto out;
	if (is_dir) {
		rc = cairn__dataset_add_dir(ctx, o->source, &add, &res->version, &res->existed);
		goto out;
	}
	if ((rc = cairn__dataset_prepare_file(ctx, have_tmp ? tmp.buf : o->source, &add, &nv,
					      &res->version, &res->existed)) || res->existed)
		goto out;
	if (!(rc = cancelled(ctx)))
		rc = cairn__dataset_insert(ctx, &nv, &add, 1, &res->version);
out:
	if (have_tmp)
		unlink(tmp.buf);
	cairn__new_version_release(&nv);
	json_decref(params);
	cairn_buf_release(&name);
	cairn_buf_release(&tmp);
	cairn_buf_release(&src);
	return rc;
}

void cairn_acquire_result_release(struct cairn_acquire_result *r)
{
	cairn_dataset_version_release(&r->version);
	r->existed = 0;
}
