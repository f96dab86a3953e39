/* Logging to a run: params, metrics, tags, artifacts and inputs; see
 * include/cairn/run.h. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cairn/buf.h"
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "cairn/objects.h"
#include "core/fs.h"
#include "core/log.h"
#include "core/symlink.h"
#include "track/run-internal.h"

int cairn_run_log_param(cairn_run *run, const char *key, const char *value)
{
	cairn_buf old = CAIRN_BUF_INIT;
	int rc, found;

	if ((rc = cairn__run_check_key(run->ctx, "param", key)))
		return rc;
	if (strlen(value) > 6000)
		return cairn_error(run->ctx, CAIRN_EINVAL, "param '%s': value longer than 6000 characters",
				   key);
	if ((rc = cairn__db_begin(run->db)))
		return rc;
	if ((rc = cairn__rundb_param(run->db, run->seq, key, &old, &found)))
		goto fail;
	if (found) {
		if (strcmp(old.buf, value)) {
			rc = cairn_error(run->ctx, CAIRN_EEXIST, "param '%s' of run %s is already '%s'"
					 " (params are write-once; cannot set '%s')",
					 key, run->id, old.buf, value);
			goto fail;
		}
		cairn__db_rollback(run->db);
		goto out;
	}
	if ((rc = cairn__rundb_param_add(run->db, run->seq, key, value)))
		goto fail;
	rc = cairn__db_commit(run->db);
	goto out;
fail:
	cairn__db_rollback(run->db);
out:
	cairn_buf_release(&old);
	return rc;
}

/* 1 when a (with time ta) is later than b (time tb) by the latest rule. */
static int later(const struct cairn_metric *a, int64_t ta, const struct cairn_metric *b, int64_t tb)
{
	return a->step > b->step || (a->step == b->step && ta >= tb);
}

int cairn_run_log_metrics(cairn_run *run, const struct cairn_metric *points, size_t n)
{
	/* The latest point of each key in this batch: few keys, linear search. */
	struct { const struct cairn_metric *m; int64_t ts; } *latest = NULL;
	size_t nlatest = 0, i, j;
	int64_t now = cairn_now_ms();
	int rc;

	for (i = 0; i < n; i++)
		if ((rc = cairn__run_check_key(run->ctx, "metric", points[i].key)))
			return rc;
	if (!(latest = calloc(n ? n : 1, sizeof(*latest))))
		return cairn_error(run->ctx, CAIRN_ENOMEM, "out of memory");
	if ((rc = cairn__db_begin(run->db)))
		goto out;
	for (i = 0; i < n; i++) {
		const struct cairn_metric *m = &points[i];
		int64_t ts = m->timestamp_ms ? m->timestamp_ms : now;
		if ((rc = cairn__rundb_metric_add(run->db, run->seq, m->key, m->step, ts, m->value)))
			goto fail;
		for (j = 0; j < nlatest && strcmp(latest[j].m->key, m->key); j++)
			;
		if (j == nlatest)
			latest[nlatest++].m = NULL;
		if (!latest[j].m || later(m, ts, latest[j].m, latest[j].ts)) {
			latest[j].m = m;
			latest[j].ts = ts;
		}
	}
	for (j = 0; j < nlatest; j++)
		if ((rc = cairn__rundb_latest_update(run->db, run->seq, latest[j].m->key,
						     latest[j].m->step, latest[j].ts,
						     latest[j].m->value)))
			goto fail;
	rc = cairn__db_commit(run->db);
	goto out;
fail:
	cairn__db_rollback(run->db);
out:
	free(latest);
	return rc;
}

int cairn_run_log_metric(cairn_run *run, const char *key, double value, int64_t step)
{
	struct cairn_metric m = { key, value, step, 0 };

	return cairn_run_log_metrics(run, &m, 1);
}

struct leaves {
	struct cairn_metric *m;
	size_t n, cap;
};

static void collect_leaves(struct leaves *l, const char *name, const json_t *v)
{
	const char *key;
	json_t *e;

	if (json_is_number(v)) {
		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 32;
			l->m = cairn_xrealloc(l->m, l->cap * sizeof(*l->m));
		}
		l->m[l->n++] = (struct cairn_metric){ cairn_xstrdup(name), json_number_value(v), 0, 0 };
		return;
	}
	json_object_foreach((json_t *)v, key, e) {
		cairn_buf k = CAIRN_BUF_INIT;
		cairn_buf_addf(&k, "%s_%s", name, key);
		collect_leaves(l, k.buf, e);
		cairn_buf_release(&k);
	}
}

int cairn_run_log_metric_tree(cairn_run *run, const char *prefix, const json_t *v)
{
	struct leaves l = { 0 };
	int rc;

	collect_leaves(&l, prefix, v);
	rc = cairn_run_log_metrics(run, l.m, l.n);
	for (size_t i = 0; i < l.n; i++)
		free((char *)l.m[i].key);
	free(l.m);
	return rc;
}

int cairn_run_set_tag(cairn_run *run, const char *key, const char *value)
{
	int rc;

	if ((rc = cairn__run_check_key(run->ctx, "tag", key)))
		return rc;
	return cairn__rundb_tag_set(run->db, run->seq, key, value);
}

int cairn_run_log_input_version(cairn_run *run, const struct cairn_dataset_version *v,
				const char *context)
{
	static const char *const contexts[] = { "train", "test", "validation", "other" };
	size_t i;
	int rc;

	for (i = 0; i < 4 && strcmp(context, contexts[i]); i++)
		;
	if (i == 4)
		return cairn_error(run->ctx, CAIRN_EINVAL, "input context '%s' is not one of train, test,"
				   " validation, other", context);
	if ((rc = cairn__db_begin(run->db)))
		return rc;
	if ((rc = cairn__rundb_input_add(run->db, run->seq, v->id, context)) ||
	    (rc = cairn__lineage_add(run->db, "run", run->id, "used", "dataset_version", v->id))) {
		cairn__db_rollback(run->db);
		return rc;
	}
	return cairn__db_commit(run->db);
}

int cairn_run_log_input(cairn_run *run, const char *dataset_ref, const char *context)
{
	struct cairn_dataset_version v = { 0 };
	int rc;

	if (!(rc = cairn_dataset_resolve(run->ctx, dataset_ref, &v)))
		rc = cairn_run_log_input_version(run, &v, context);
	cairn_dataset_version_release(&v);
	return rc;
}

/*
 * Artifacts.
 */

/* Checks and normalizes a run-relative path into out (no trailing '/'). */
static int artifact_path(cairn_ctx *ctx, const char *path, cairn_buf *out)
{
	const char *p = path, *end;

	cairn_buf_reset(out);
	if (*path == '/')
		return cairn_error(ctx, CAIRN_EINVAL, "artifact path '%s' must be relative to the run",
				   path);
	while (*p) {
		size_t n;
		end = strchrnul(p, '/');
		n = (size_t)(end - p);
		if ((n == 1 && *p == '.') || (n == 2 && !strncmp(p, "..", 2)))
			return cairn_error(ctx, CAIRN_EINVAL, "artifact path '%s' holds '.' or '..'", path);
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)p[i] < 0x20)
				return cairn_error(ctx, CAIRN_EINVAL, "artifact path '%s' holds a control"
						   " character", path);
		if (n) {
			if (out->len)
				cairn_buf_addch(out, '/');
			cairn_buf_add(out, p, n);
		}
		p = *end ? end + 1 : end;
	}
	if (!out->len)
		return cairn_error(ctx, CAIRN_EINVAL, "artifact path '%s' is empty", path);
	return 0;
}

int cairn__run_artifact_path_check(cairn_ctx *ctx, const char *path)
{
	cairn_buf norm = CAIRN_BUF_INIT;
	int rc = artifact_path(ctx, path, &norm);

	if (!rc && strcmp(norm.buf, path))
		rc = cairn_error(ctx, CAIRN_EINVAL, "artifact path '%s' is not in normal form", path);
	cairn_buf_release(&norm);
	return rc;
}

struct stored { char *path; char hash[CAIRN_HEX_LEN + 1]; uint64_t size; };
struct stored_list { struct stored *v; size_t n, cap; };

static int add_stored(cairn_ctx *ctx, struct stored_list *l, const char *path,
		      const struct cairn_object_put_result *res)
{
	if (l->n == l->cap) {
		struct stored *v = realloc(l->v, (l->cap = l->cap ? 2 * l->cap : 16) * sizeof(*v));
		if (!v)
			return cairn_error(ctx, CAIRN_ENOMEM, "out of memory");
		l->v = v;
	}
	if (!(l->v[l->n].path = strdup(path)))
		return cairn_error(ctx, CAIRN_ENOMEM, "out of memory");
	memcpy(l->v[l->n].hash, res->hash, sizeof(res->hash));
	l->v[l->n++].size = res->size;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct tree {
	char *real_root; /* the directory logged, resolved (realpath()) */
	size_t root_len; /* the length of the path as given */
	int follow;      /* follow every symbolic link */
};

/*
 * A symbolic link met in the tree at src: refused when it leads outside,
 * else *store_it is set when it names a file (whose content is stored under
 * the link's name); a link to a directory is skipped with a warning.
 */
static int tree_link(cairn_ctx *ctx, const struct tree *t, const char *src, int *store_it)
{
	cairn_buf target = CAIRN_BUF_INIT;
	struct stat st;
	int rc, inside;
	const char *rel = src + t->root_len;

	*store_it = 0;
	while (*rel == '/')
		rel++;
	if ((rc = cairn_symlink_inside(ctx, t->real_root, rel, &target, &inside)))
		goto out;
	if (!inside)
		rc = cairn_error(ctx, CAIRN_EINVAL,
				 "cannot log '%s': it is a symbolic link to '%s', outside the directory",
				 src, target.buf);
	else if (stat(src, &st) == 0 && S_ISREG(st.st_mode))
		*store_it = 1;
	else
		cairn__log_warn(ctx, "'%s' is a symbolic link to '%s', not to a file: skipped",
				src, target.buf);
out:
	cairn_buf_release(&target);
	return rc;
}

/* Stores the file or the tree at src, recording each file under dest. */
static int store_tree(cairn_ctx *ctx, const struct tree *t, const char *src, const char *dest,
		      struct stored_list *l)
{
	struct cairn_object_put_result res;
	cairn_buf s = CAIRN_BUF_INIT, d = CAIRN_BUF_INIT;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *e;
	struct stat st;
	DIR *dir;
	int rc = 0, store_it = 1;

	if (t->real_root && !t->follow && strlen(src) > t->root_len &&
	    lstat(src, &st) == 0 && S_ISLNK(st.st_mode) &&
	    ((rc = tree_link(ctx, t, src, &store_it)) || !store_it))
		return rc;
	if (stat(src, &st))
		return cairn_error_errno(ctx, "cannot read '%s'", src);
	if (S_ISREG(st.st_mode)) {
		if ((rc = cairn_object_put_file(ctx, src, &res)))
			return rc;
		return add_stored(ctx, l, dest, &res);
	}
	if (!S_ISDIR(st.st_mode))
		return cairn_error(ctx, CAIRN_EINVAL, "'%s' is neither a file nor a directory", src);
	if (!(dir = opendir(src)))
		return cairn_error_errno(ctx, "cannot open directory '%s'", src);
	while ((e = readdir(dir))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (n == cap) {
			char **v = realloc(names, (cap = cap ? 2 * cap : 16) * sizeof(*names));
			if (!v) {
				rc = cairn_error(ctx, CAIRN_ENOMEM, "out of memory");
				break;
			}
			names = v;
		}
		if (!(names[n] = strdup(e->d_name))) {
			rc = cairn_error(ctx, CAIRN_ENOMEM, "out of memory");
			break;
		}
		n++;
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n && !rc; i++) {
		cairn_path_join(&s, src, names[i]);
		cairn_buf_reset(&d);
		cairn_buf_addf(&d, "%s/%s", dest, names[i]);
		rc = store_tree(ctx, t, s.buf, d.buf, l);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	cairn_buf_release(&s);
	cairn_buf_release(&d);
	return rc;
}

static int record_artifacts(cairn_run *run, const char *dest, const struct stored_list *l)
{
	cairn_buf lineage_id = CAIRN_BUF_INIT;
	int64_t now = cairn_now_ms();
	int rc;

	if ((rc = cairn__db_begin(run->db)))
		return rc;
	/* A directory logged again replaces what was below it. */
	if ((rc = cairn__rundb_artifacts_clear(run->db, run->seq, dest)))
		goto fail;
	for (size_t i = 0; i < l->n; i++)
		if ((rc = cairn__rundb_artifact_put(run->db, run->seq, l->v[i].path, l->v[i].hash,
						    (int64_t)l->v[i].size, now)))
			goto fail;
	cairn_buf_addf(&lineage_id, "%s/%s", run->id, dest);
	if ((rc = cairn__lineage_add(run->db, "run", run->id, "generated", "artifact", lineage_id.buf)))
		goto fail;
	rc = cairn__db_commit(run->db);
	goto out;
fail:
	cairn__db_rollback(run->db);
out:
	cairn_buf_release(&lineage_id);
	return rc;
}

static void release_stored(struct stored_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
}

int cairn_run_log_artifact(cairn_run *run, const char *path, const char *dest)
{
	return cairn_run_log_artifact_flags(run, path, dest, 0);
}

int cairn_run_log_artifact_flags(cairn_run *run, const char *path, const char *dest,
				 unsigned flags)
{
	struct stored_list l = { 0 };
	struct tree t = { NULL, strlen(path), (flags & CAIRN_ARTIFACT_FOLLOW_SYMLINKS) != 0 };
	cairn_buf d = CAIRN_BUF_INIT;
	int rc;

	if (!dest) {
		size_t n = strlen(path);
		while (n > 1 && path[n - 1] == '/')
			n--;
		const char *base = path + n;
		while (base > path && base[-1] != '/')
			base--;
		cairn_buf_add(&d, base, (size_t)(path + n - base));
		dest = d.buf;
		if (!*dest || !strcmp(dest, ".") || !strcmp(dest, "..") || !strcmp(dest, "/")) {
			rc = cairn_error(run->ctx, CAIRN_EINVAL, "artifact '%s' needs a destination path"
					 " inside the run", path);
			goto out;
		}
	}
	{
		cairn_buf norm = CAIRN_BUF_INIT;
		/* Links are judged inside a directory; the path itself, even a
		 * link, is what the caller named. */
		if (cairn_is_dir(path) && !(t.real_root = realpath(path, NULL))) {
			rc = cairn_error_errno(run->ctx, "cannot resolve '%s'", path);
			cairn_buf_release(&norm);
			goto out;
		}
		if (!(rc = artifact_path(run->ctx, dest, &norm)) &&
		    !(rc = store_tree(run->ctx, &t, path, norm.buf, &l))) {
			if (!l.n)
				rc = cairn_error(run->ctx, CAIRN_EINVAL, "directory '%s' holds no files", path);
			else
				rc = record_artifacts(run, norm.buf, &l);
		}
		cairn_buf_release(&norm);
	}
out:
	release_stored(&l);
	free(t.real_root);
	cairn_buf_release(&d);
	return rc;
}

int cairn_run_log_artifact_buf(cairn_run *run, const void *data, size_t len, const char *dest)
{
	struct cairn_object_put_result res;
	struct stored_list l = { 0 };
	cairn_buf norm = CAIRN_BUF_INIT;
	int rc;

	if (!(rc = artifact_path(run->ctx, dest, &norm)) &&
	    !(rc = cairn_object_put_buf(run->ctx, data, len, &res)) &&
	    !(rc = add_stored(run->ctx, &l, norm.buf, &res)))
		rc = record_artifacts(run, norm.buf, &l);
	release_stored(&l);
	cairn_buf_release(&norm);
	return rc;
}
