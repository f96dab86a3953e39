/* Reading runs back: show, list, artifacts, metric history, experiments; see
 * include/cairn/run.h. */
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "cairn/objects.h"
#include "core/ctx-internal.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/output.h"
#include "data/dataset-internal.h"
#include "track/run-internal.h"

/* The inputs [{dataset, version_id, context}] of run seq, by context, then
 * dataset name and version: the versions are the data module's records. */
static int inputs_of(cairn_ctx *ctx, cairn__db *db, int64_t seq, json_t **out)
{
	struct input { const char *context, *id; char *name; int64_t version; } *in = NULL;
	json_t *rows = NULL, *r;
	size_t n, i;
	int rc;

	*out = json_array();
	if ((rc = cairn__rundb_inputs(db, seq, &rows)))
		goto out;
	n = json_array_size(rows);
	in = cairn_xcalloc(n ? n : 1, sizeof(*in));
	json_array_foreach(rows, i, r) {
		struct cairn_dataset_version v;
		in[i].context = json_string_value(json_object_get(r, "context"));
		in[i].id = json_string_value(json_object_get(r, "version_id"));
		if ((rc = cairn__dataset_by_id(ctx, in[i].id, &v)))
			goto out;
		in[i].name = cairn_xstrdup(v.name);
		in[i].version = v.version;
		cairn_dataset_version_release(&v);
	}
	for (i = 1; i < n; i++)          /* few inputs: insertion sort */
		for (size_t j = i; j > 0; j--) {
			struct input *a = &in[j - 1], *b = &in[j], t;
			int c = strcmp(a->context, b->context);
			if (!c)
				c = strcmp(a->name, b->name);
			if (!c)
				c = a->version < b->version ? -1 : a->version > b->version;
			if (c <= 0)
				break;
			t = *a;
			*a = *b;
			*b = t;
		}
	for (i = 0; i < n; i++) {
		cairn_buf ref = CAIRN_BUF_INIT;
		cairn_buf_addf(&ref, "%s@%lld", in[i].name, (long long)in[i].version);
		json_array_append_new(*out, json_pack("{s:s, s:s, s:s}", "dataset", ref.buf,
						      "version_id", in[i].id, "context", in[i].context));
		cairn_buf_release(&ref);
	}
out:
	for (i = 0; in && i < json_array_size(rows); i++)
		free(in[i].name);
	free(in);
	json_decref(rows);
	return rc;
}

int cairn_run_show(cairn_ctx *ctx, const char *ref, json_t **out)
{
	char id[CAIRN_ID_LEN + 1];
	json_t *o = NULL, *x = NULL;
	cairn__db *db;
	int64_t seq;
	int rc;

	*out = NULL;
	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn_run_reap_dead(ctx)) ||
	    (rc = cairn__run_lookup(ctx, db, ref, id, &seq)) ||
	    (rc = cairn__rundb_show(ctx, db, seq, &o)) ||
	    (rc = cairn__rundb_add_data(db, seq, o)))
		goto fail;
	if ((rc = inputs_of(ctx, db, seq, &x)))
		goto fail;
	json_object_set_new(o, "inputs", x);
	if ((rc = cairn__rundb_artifacts(db, seq, &x)))
		goto fail;
	json_object_set_new(o, "artifacts", x);
	if ((rc = cairn__rundb_children(db, id, &x)))
		goto fail;
	json_object_set_new(o, "children", x);
	*out = o;
	return 0;
fail:
	json_decref(x);
	json_decref(o);
	return rc;
}

int cairn_run_list(cairn_ctx *ctx, const struct cairn_run_list_options *opts, json_t **out)
{
	static const struct cairn_run_list_options all;
	cairn__db *db;
	int rc;

	*out = NULL;
	if (!opts)
		opts = &all;
	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn_run_reap_dead(ctx)))
		return rc;
	if ((rc = cairn__rundb_list(db, opts->experiment, opts->status, opts->max, out))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int cairn_run_artifacts(cairn_ctx *ctx, const char *ref, json_t **out)
{
	char id[CAIRN_ID_LEN + 1];
	cairn__db *db;
	int64_t seq;
	int rc;

	*out = NULL;
	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn__run_lookup(ctx, db, ref, id, &seq)))
		return rc;
	if ((rc = cairn__rundb_artifacts(db, seq, out))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* Writes the object hash to dest (creating its directory), as a copy. */
static int write_artifact(cairn_ctx *ctx, const char *hash, const char *dest, unsigned flags)
{
	enum cairn_link_type copy = CAIRN_LINK_COPY;
	cairn_buf dir = CAIRN_BUF_INIT;
	const char *slash = strrchr(dest, '/');
	int rc = 0;

	if (slash && slash != dest) {
		cairn_buf_add(&dir, dest, (size_t)(slash - dest));
		rc = cairn_mkdir_p(ctx, dir.buf, 0777);
	}
	if (!rc)
		rc = cairn_object_checkout(ctx, hash, dest, &copy, 1, flags, NULL);
	cairn_buf_release(&dir);
	return rc;
}

/* The stored rows [[path, hash]...] of an artifact, checked as strictly as
 * when they were logged: a row is never trusted to name a file. */
static int check_stored(cairn_ctx *ctx, const char *id, const json_t *files, size_t plen)
{
	size_t i;
	int rc;

	for (i = 0; i < json_array_size(files); i++) {
		const char *apath = json_string_value(json_array_get(json_array_get(files, i), 0));
		const char *hash = json_string_value(json_array_get(json_array_get(files, i), 1));
		if (!apath || !hash || !cairn_is_sha256_hex(hash) || strlen(apath) < plen)
			return cairn_error(ctx, CAIRN_ECORRUPT, "run %s has a bad artifact record", id);
		if ((rc = cairn__run_artifact_path_check(ctx, apath)))
			return cairn_error(ctx, CAIRN_ECORRUPT, "run %s has a bad artifact record: %s",
					   id, cairn_errmsg(ctx));
	}
	return 0;
}

int cairn_run_get_artifact(cairn_ctx *ctx, const char *ref, const char *path, const char *dest,
			   unsigned flags)
{
	char id[CAIRN_ID_LEN + 1];
	cairn_buf target = CAIRN_BUF_INIT, p = CAIRN_BUF_INIT;
	cairn__db *db;
	int64_t seq;
	struct cairn__output_opts o;
	json_t *files = NULL;
	size_t i, plen;
	int rc;

	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn__run_lookup(ctx, db, ref, id, &seq)))
		goto out;
	/* Normalize the trailing slashes of a directory path. */
	cairn_buf_adds(&p, path);
	while (p.len > 1 && p.buf[p.len - 1] == '/')
		p.buf[--p.len] = '\0';
	plen = p.len;
	if ((rc = cairn__rundb_artifact_files(db, seq, p.buf, &files)))
		goto out;
	if (!json_array_size(files)) {
		rc = cairn_error(ctx, CAIRN_ENOTFOUND, "run %s has no artifact '%s' (see 'cairn runs"
				 " artifacts %s')", id, path, id);
		goto out;
	}
	if ((rc = check_stored(ctx, id, files, plen)))
		goto out;
	if (!dest) {
		const char *base = strrchr(p.buf, '/');
		dest = base ? base + 1 : p.buf;
	}
	/* Every destination is checked before the first file is written. */
	cairn__output_opts_init(ctx, &o, !!(flags & CAIRN_OUTPUT_FORCE));
	for (int pass = 0; pass < 2 && !rc; pass++) {
		for (i = 0; i < json_array_size(files) && !rc; i++) {
			const char *apath = json_string_value(json_array_get(json_array_get(files, i), 0));
			const char *hash = json_string_value(json_array_get(json_array_get(files, i), 1));
			cairn_buf_reset(&target);
			if (strlen(apath) == plen)      /* the path is a file */
				cairn_buf_adds(&target, dest);
			else
				cairn_path_join(&target, dest, apath + plen + 1);
			rc = pass ? write_artifact(ctx, hash, target.buf, flags) :
				    cairn__output_check(ctx, target.buf, &o);
		}
	}
out:
	json_decref(files);
	cairn_buf_release(&target);
	cairn_buf_release(&p);
	return rc;
}

int cairn_run_metric_history(cairn_ctx *ctx, const char *ref, const char *key, json_t **out)
{
	char id[CAIRN_ID_LEN + 1];
	cairn__db *db;
	int64_t seq;
	int rc;

	*out = NULL;
	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn__run_lookup(ctx, db, ref, id, &seq)))
		return rc;
	if (!(rc = cairn__rundb_metric_history(db, seq, key, out)) && !json_array_size(*out))
		rc = cairn_error(ctx, CAIRN_ENOTFOUND, "run %s has no metric '%s'", id, key);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int cairn_experiment_list(cairn_ctx *ctx, json_t **out)
{
	cairn__db *db;
	int rc;

	*out = NULL;
	if ((rc = cairn__ctx_db(ctx, &db)))
		return rc;
	if ((rc = cairn__rundb_experiments(db, out))) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}
