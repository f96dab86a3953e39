/* Adding files and directories as dataset versions, loading a version as a
 * frame or profile, and checking one out; see include/cairn/dataset.h. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/dataset.h"
#include "cairn/error.h"
#include "cairn/profile.h"
#include "cairn/workspace.h"
#include "core/ctx-internal.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/log.h"
#include "core/oom.h"
#include "core/output.h"
#include "core/symlink.h"
#include "data/dataset-internal.h"
#include "data/record.h"
#include "store/db.h"

/* Files changed less than this long before hashing are not trusted to the
 * stat cache: a write within the timestamp granularity could go unseen. */
#define RACY_MS 1000

const char *cairn_dataset_format_from_name(const char *path)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');

	if (!dot || (slash && dot < slash))
		return NULL;
	if (!strcasecmp(dot, ".csv"))
		return "csv";
	if (!strcasecmp(dot, ".tsv") || !strcasecmp(dot, ".tab"))
		return "tsv";
	if (!strcasecmp(dot, ".jsonl") || !strcasecmp(dot, ".ndjson"))
		return "jsonl";
	return NULL;
}

struct profile_job {
	pthread_t thread;
	const char *path, *name, *format;
	struct cairn_csv_options csv;
	json_t *profile;
	cairn_ctx *ctx;
	int rc;
};

static void *profile_thread(void *arg)
{
	struct profile_job *j = arg;

	if (!strcmp(j->format, "jsonl")) {
		struct cairn_frame_options fo = { j->csv, CAIRN_FORMAT_JSONL, 0 };
		struct cairn_frame *f;
		j->rc = cairn_frame_load(j->ctx, j->path, j->name, &fo, &f);
		if (!j->rc) {
			j->profile = cairn_profile_frame(f);
			cairn_frame_free(f);
		}
	} else {
		cairn_csv *r;
		j->rc = cairn_profile_csv_file(j->ctx, j->path, j->name, &j->csv, 2, &j->profile);
		/* Record what the reader detected, so that the version loads the same way. */
		if (!j->rc && !(j->rc = cairn_csv_open(j->ctx, j->path, j->name, &j->csv, &r))) {
			char delim[2] = { cairn_csv_delimiter(r), '\0' };
			json_object_set_new(j->profile, "reader",
					    json_pack("{s:s, s:b}", "delimiter", delim,
						      "header", cairn_csv_has_header(r)));
			j->csv.delimiter = delim[0];
			cairn_csv_close(r);
		}
	}
	return NULL;
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

json_t *cairn__read_options(const struct cairn_dataset_add *opts, const char *format)
{
	char delim[2] = { opts->csv.delimiter, '\0' };
	json_t *o;

	o = json_pack("{s:s, s:s, s:o}",
		      "format", opts->tabular == 0 ? "raw" : format ? format :
				opts->tabular == 1 ? "table" : "auto",
		      "delimiter", opts->csv.delimiter ? delim : "auto",
		      "header", opts->csv.header < 0 ? json_string("auto") :
				json_boolean(opts->csv.header));
	if (!o)
		cairn__oom(0);
	if (opts->csv.allow_ragged)
		json_object_set_new(o, "ragged", json_true());
	return o;
}

int cairn__read_options_match(const json_t *params, const json_t *read)
{
	const json_t *had = json_object_get(params, "read");
	const char *format;

	if (!read)
		return 1;
	if (had)
		return json_equal((json_t *)had, (json_t *)read);
	format = json_string_value(json_object_get(read, "format"));
	return json_object_size(read) == 3 && format && strcmp(format, "raw") &&
	       !strcmp(json_string_value(json_object_get(read, "delimiter")), "auto") &&
	       json_is_string(json_object_get(read, "header"));
}

/* Stores path's hash in the stat cache, unless the file changed so recently
 * that a later change could keep its size and timestamp. */
static int remember(cairn_ctx *ctx, const char *abspath, const struct stat *st,
		    int64_t start_ms, const char *hash)
{
	if (start_ms - (int64_t)st->st_mtim.tv_sec * 1000 <= RACY_MS)
		return 0;
	return cairn__statcache_store(ctx, abspath, st, hash);
}

/* 1 when the latest version of name has exactly size bytes. */
static int latest_has_size(cairn_ctx *ctx, const char *name, uint64_t size)
{
	struct cairn_dataset_version latest;
	int found = 0, same;

	if (cairn__dataset_latest(ctx, name, &latest, &found) || !found)
		return 0;
	same = latest.size == size && !strcmp(latest.kind, "file");
	cairn_dataset_version_release(&latest);
	return same;
}

/* The latest version when its content is hash and, for a file, it was read
 * with the options read (NULL for a directory); *existed tells. */
static int check_latest(cairn_ctx *ctx, const char *name, const char *hash, const json_t *read,
			struct cairn_dataset_version *out, int *existed)
{
	struct cairn_dataset_version latest;
	int rc, found;

	*existed = 0;
	if ((rc = cairn__dataset_latest(ctx, name, &latest, &found)))
		return rc;
	if (found && !strcmp(latest.hash, hash) &&
	    (!read || cairn__read_options_match(latest.params, read))) {
		*existed = 1;
		if (out)
			*out = latest;
		else
			cairn_dataset_version_release(&latest);
	} else if (found) {
		cairn_dataset_version_release(&latest);
	}
	return 0;
}

void cairn__new_version_release(struct cairn__new_version *nv)
{
	json_decref(nv->schema);
	nv->schema = NULL;
	json_decref(nv->read);
	nv->read = NULL;
}

int cairn__dataset_prepare_file(cairn_ctx *ctx, const char *path,
				const struct cairn_dataset_add *opts,
				struct cairn__new_version *nv,
				struct cairn_dataset_version *out, int *existed)
{
	struct profile_job job = { 0 };
	struct cairn_object_put_result put;
	struct stat before, after;
	const char *format;
	json_t *schema = NULL;
	char *abspath = NULL;
	int rc, have_hash = 0, reused = 0, job_started = 0;
	int64_t start_ms = cairn_now_ms();

	memset(nv, 0, sizeof(*nv));
	nv->kind = "file";
	nv->files = 1;
	nv->rows = nv->cols = -1;
	*existed = 0;
	if ((rc = cairn__ctx_need_workspace(ctx)) || (rc = cairn_name_check(ctx, "dataset name", opts->name)))
		return rc;
	if (stat(path, &before) < 0)
		return cairn_error_errno(ctx, "cannot add '%s'", path);
	if (!S_ISREG(before.st_mode))
		return cairn_error(ctx, CAIRN_EINVAL, "cannot add '%s': not a regular file", path);
	if (!(abspath = realpath(path, NULL)))
		return cairn_error_errno(ctx, "cannot resolve '%s'", path);

	format = opts->format_hint ? opts->format_hint : cairn_dataset_format_from_name(path);
	/* A derived version is written by cairn with fixed options: only what
	 * a user's options may change is recorded and compared. */
	if (!opts->source_kind || strcmp(opts->source_kind, "derived"))
		nv->read = cairn__read_options(opts, format);
	if ((rc = cairn__statcache_lookup(ctx, abspath, &before, put.hash, &have_hash)))
		goto out;
	if (have_hash) {
		cairn__log_debug(ctx, "'%s' is unchanged since it was hashed (stat cache): %.12s", path, put.hash);
		put.size = (uint64_t)before.st_size;
		if ((rc = check_latest(ctx, opts->name, put.hash, nv->read, out, existed)) || *existed)
			goto out;
		if ((rc = cairn__dataset_profile_by_hash(ctx, put.hash, nv->read, nv, &schema, &reused)))
			goto out;
	}
	if (!have_hash && latest_has_size(ctx, opts->name, (uint64_t)before.st_size)) {
		/* Probably the same content again: hash (and store) it first, and
		 * parse it only when it turns out to be new. */
		if ((rc = cairn_object_put_file(ctx, path, &put)) ||
		    (rc = remember(ctx, abspath, &before, start_ms, put.hash)) ||
		    (rc = check_latest(ctx, opts->name, put.hash, nv->read, out, existed)) || *existed)
			goto out;
		have_hash = 1;
		if ((rc = cairn__dataset_profile_by_hash(ctx, put.hash, nv->read, nv, &schema, &reused)))
			goto out;
	}
	if (!reused && opts->tabular != 0 && (format || opts->tabular == 1 || before.st_size > 0)) {
		job.path = path;
		job.name = opts->source ? opts->source : path;
		job.format = format ? format : "csv";
		job.csv = opts->csv;
		if (format && !strcmp(format, "tsv") && !job.csv.delimiter)
			job.csv.delimiter = '\t';
		job.ctx = cairn_ctx_new();
		if (!job.ctx) {
			rc = cairn_error(ctx, CAIRN_ENOMEM, "out of memory");
			goto out;
		}
		cairn__ctx_inherit(job.ctx, ctx);
		if (pthread_create(&job.thread, NULL, profile_thread, &job)) {
			rc = cairn_error(ctx, CAIRN_EINTERNAL, "cannot start a thread");
			goto out;
		}
		job_started = 1;
	}
	if (!have_hash && (rc = cairn_object_put_file(ctx, path, &put)))
		goto out;
	if (job_started) {
		pthread_join(job.thread, NULL);
		job_started = 0;
	}
	if (stat(path, &after) < 0 || !same_file(&before, &after)) {
		rc = cairn_error(ctx, CAIRN_EIO, "'%s' changed while it was being added; add it again",
				 path);
		goto out;
	}
	if (!have_hash && (rc = remember(ctx, abspath, &before, start_ms, put.hash)))
		goto out;
	if (!have_hash && ((rc = check_latest(ctx, opts->name, put.hash, nv->read, out, existed)) || *existed))
		goto out;

	if (job.ctx && job.rc) {
		if (format || opts->tabular == 1) {
			rc = cairn_error(ctx, cairn_errcode(job.ctx), "%s", cairn_errmsg(job.ctx));
			goto out;
		}
		/* Content of no known format that does not parse: an opaque file. */
	} else if (job.profile) {
		struct cairn_object_put_result pp;
		cairn_buf text = CAIRN_BUF_INIT;
		cairn_json_append(&text, job.profile, 0);
		rc = cairn_object_put_buf(ctx, text.buf, text.len, &pp);
		cairn_buf_release(&text);
		if (rc)
			goto out;
		memcpy(nv->profile, pp.hash, sizeof(nv->profile));
		schema = cairn_profile_schema(job.profile);
		nv->rows = (int64_t)json_integer_value(json_object_get(job.profile, "rows"));
		nv->cols = (int64_t)json_array_size(schema);
		snprintf(nv->format, sizeof(nv->format), "%s",
			 format ? format : job.csv.delimiter == '\t' ? "tsv" : "csv");
	}
	memcpy(nv->hash, put.hash, sizeof(nv->hash));
	nv->size = put.size;
	nv->schema = schema;
	schema = NULL;
out:
	if (job_started)
		pthread_join(job.thread, NULL);
	json_decref(job.profile);
	cairn_ctx_free(job.ctx);
	json_decref(schema);
	free(abspath);
	return rc;
}

int cairn__dataset_add_file(cairn_ctx *ctx, const char *path, const struct cairn_dataset_add *opts,
			    struct cairn_dataset_version *out, int *existed)
{
	struct cairn__new_version nv;
	int rc = cairn__dataset_prepare_file(ctx, path, opts, &nv, out, existed);

	if (!rc && !*existed)
		rc = cairn__dataset_insert(ctx, &nv, opts, 1, out);
	cairn__new_version_release(&nv);
	return rc;
}

struct manifest_walk {
	cairn_ctx *ctx;
	json_t *entries;
	uint64_t size;
	const char *real_root; /* the directory, resolved (realpath()) */
	int follow;            /* follow symbolic links */
	int links;             /* symbolic links stored as links */
};

/* A symbolic link met in the tree: stored as a link when it stays inside,
 * refused when it leads out (a private key, /etc) and we do not follow. */
static int add_link(struct manifest_walk *w, const char *path, const char *rel)
{
	cairn_buf target = CAIRN_BUF_INIT;
	int rc, inside;

	if ((rc = cairn_symlink_inside(w->ctx, w->real_root, rel, &target, &inside)))
		goto out;
	if (!inside) {
		rc = cairn_error(w->ctx, CAIRN_EINVAL,
				 "cannot add '%s': it is a symbolic link to '%s', outside the directory",
				 path, target.buf);
		goto out;
	}
	json_array_append_new(w->entries, json_pack("{s:s, s:s}", "path", rel, "link", target.buf));
	w->links++;
out:
	cairn_buf_release(&target);
	return rc;
}

static int cmp_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds every regular file under dir/rel to the manifest, in byte order. */
static int walk(struct manifest_walk *w, const char *root, const char *rel)
{
	cairn_buf dir = CAIRN_BUF_INIT, path = CAIRN_BUF_INIT, child = CAIRN_BUF_INIT;
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	cairn_path_join(&dir, root, rel);
	if (!(d = opendir(dir.buf))) {
		rc = cairn_error_errno(w->ctx, "cannot read directory '%s'", dir.buf);
		goto out;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, CAIRN_DIRNAME))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = cairn_xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = cairn_xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_strings);
	for (size_t i = 0; i < n && !rc; i++) {
		struct stat st;
		cairn_buf_reset(&child);
		if (*rel)
			cairn_buf_addf(&child, "%s/", rel);
		cairn_buf_adds(&child, names[i]);
		cairn_path_join(&path, root, child.buf);
		if ((w->follow ? stat(path.buf, &st) : lstat(path.buf, &st)) < 0) {
			rc = cairn_error_errno(w->ctx, "cannot add '%s'", path.buf);
		} else if (S_ISLNK(st.st_mode)) {
			rc = add_link(w, path.buf, child.buf);
		} else if (S_ISDIR(st.st_mode)) {
			rc = walk(w, root, child.buf);
		} else if (S_ISREG(st.st_mode)) {
			struct cairn_object_put_result put;
			if (!(rc = cairn_object_put_file(w->ctx, path.buf, &put))) {
				json_array_append_new(w->entries,
					json_pack("{s:s, s:s, s:I}", "path", child.buf, "hash", put.hash,
						  "size", (json_int_t)put.size));
				w->size += put.size;
			}
		} else {
			rc = cairn_error(w->ctx, CAIRN_EINVAL,
					 "cannot add '%s': not a regular file or directory", path.buf);
		}
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	cairn_buf_release(&dir);
	cairn_buf_release(&path);
	cairn_buf_release(&child);
	return rc;
}

int cairn__dataset_add_dir(cairn_ctx *ctx, const char *path, const struct cairn_dataset_add *opts,
			   struct cairn_dataset_version *out, int *existed)
{
	struct cairn__new_version nv = { .kind = "dir", .rows = -1, .cols = -1 };
	struct manifest_walk w = { ctx, json_array(), 0, NULL, opts->follow_symlinks, 0 };
	char *real_root = NULL;
	struct cairn_object_put_result put;
	json_t *manifest = NULL;
	cairn_buf text = CAIRN_BUF_INIT;
	int rc;

	*existed = 0;
	if ((rc = cairn__ctx_need_workspace(ctx)) || (rc = cairn_name_check(ctx, "dataset name", opts->name)))
		goto out;
	if (!cairn_is_dir(path)) {
		rc = access(path, F_OK) ?
			cairn_error_errno(ctx, "cannot add '%s'", path) :
			cairn_error(ctx, CAIRN_EINVAL, "cannot add '%s': not a directory", path);
		goto out;
	}
	if (!(real_root = realpath(path, NULL))) {
		rc = cairn_error_errno(ctx, "cannot resolve '%s'", path);
		goto out;
	}
	w.real_root = real_root;
	if ((rc = walk(&w, path, "")))
		goto out;
	if (!json_array_size(w.entries)) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "cannot add '%s': the directory holds no files", path);
		goto out;
	}
	/* Format 2 adds link entries; a tree without links keeps format 1, and
	 * so the hash it always had. */
	manifest = json_pack("{s:i, s:O}", "format", w.links ? 2 : 1, "files", w.entries);
	cairn_json_append(&text, manifest, 0);
	if ((rc = cairn_object_put_buf(ctx, text.buf, text.len, &put)) ||
	    (rc = check_latest(ctx, opts->name, put.hash, NULL, out, existed)) || *existed)
		goto out;
	memcpy(nv.hash, put.hash, sizeof(nv.hash));
	nv.size = w.size;
	nv.files = (int64_t)json_array_size(w.entries);
	rc = cairn__dataset_insert(ctx, &nv, opts, 1, out);
out:
	cairn_buf_release(&text);
	json_decref(manifest);
	json_decref(w.entries);
	free(real_root);
	return rc;
}

int cairn_dataset_load_profile(cairn_ctx *ctx, const struct cairn_dataset_version *v, json_t **out)
{
	cairn_buf path = CAIRN_BUF_INIT;
	int rc;

	if (!*v->profile)
		return cairn_error(ctx, CAIRN_EINVAL, "%s@%lld is not tabular data: it has no profile",
				   v->name, (long long)v->version);
	cairn_object_path(ctx, v->profile, &path);
	rc = cairn_json_load_file(ctx, path.buf, out);
	cairn_buf_release(&path);
	return rc;
}

int cairn_dataset_load_frame(cairn_ctx *ctx, const struct cairn_dataset_version *v,
			     struct cairn_frame **out)
{
	return cairn_dataset_load_frame_threads(ctx, v, 0, out);
}

int cairn_dataset_load_frame_threads(cairn_ctx *ctx, const struct cairn_dataset_version *v,
				     int threads, struct cairn_frame **out)
{
	struct cairn_frame_options fo = { { 0, -1, 0, 0 }, -1, threads };
	cairn_buf path = CAIRN_BUF_INIT, name = CAIRN_BUF_INIT;
	json_t *profile = NULL, *reader;
	int rc;

	if (!*v->format || strcmp(v->kind, "file"))
		return cairn_error(ctx, CAIRN_EINVAL, "%s@%lld is not tabular data", v->name,
				   (long long)v->version);
	if ((rc = cairn_dataset_load_profile(ctx, v, &profile)))
		return rc;
	fo.format = !strcmp(v->format, "jsonl") ? CAIRN_FORMAT_JSONL : CAIRN_FORMAT_CSV;
	reader = json_object_get(profile, "reader");
	if (reader) {
		const char *d = json_string_value(json_object_get(reader, "delimiter"));
		fo.csv.delimiter = d && *d ? *d : 0;
		fo.csv.header = json_is_true(json_object_get(reader, "header"));
	}
	cairn_object_path(ctx, v->hash, &path);
	cairn_buf_addf(&name, "%s@%lld", v->name, (long long)v->version);
	rc = cairn_frame_load(ctx, path.buf, name.buf, &fo, out);
	json_decref(profile);
	cairn_buf_release(&path);
	cairn_buf_release(&name);
	return rc;
}

/* A link stored in a manifest at rel, with target text, must lead inside
 * the checkout directory (as add_link() made sure). */
static int link_stays_inside(const char *rel, const char *text)
{
	int depth = 0;

	if (*text == '/')
		return 0;
	for (const char *s = rel; (s = strchr(s, '/')); s++)
		depth++;
	while (*text) {
		size_t n = strcspn(text, "/");
		if (n == 2 && text[0] == '.' && text[1] == '.') {
			if (--depth < 0)
				return 0;
		} else if (n && !(n == 1 && text[0] == '.')) {
			depth++;
		}
		text += n;
		while (*text == '/')
			text++;
	}
	return 1;
}

/* Makes dest a symbolic link to text, atomically (a link in its place is
 * replaced, a directory is an error). */
static int checkout_link(cairn_ctx *ctx, const char *text, const char *dest)
{
	cairn_buf tmp = CAIRN_BUF_INIT;
	char id[CAIRN_ID_LEN + 1];
	const char *base = strrchr(dest, '/');
	struct stat st;
	int rc = 0;

	if (lstat(dest, &st) == 0 && S_ISDIR(st.st_mode))
		return cairn_error(ctx, CAIRN_EINVAL, "cannot check out to '%s': it is a directory",
				   dest);
	base = base ? base + 1 : dest;
	cairn_id_new(id);
	/* Named as every temporary file beside an output, for cairn gc. */
	cairn_buf_addf(&tmp, "%.*s.%s.cairn-tmp-%s", (int)(base - dest), dest, base, id);
	if (symlink(text, tmp.buf) < 0) {
		rc = cairn_error_errno(ctx, "cannot create the symbolic link '%s'", dest);
	} else if (rename(tmp.buf, dest) < 0) {
		rc = cairn_error_errno(ctx, "cannot rename '%s' to '%s'", tmp.buf, dest);
		unlink(tmp.buf);
	}
	cairn_buf_release(&tmp);
	return rc;
}

/* A manifest path must stay inside the checkout directory. */
static int safe_relative(const char *p)
{
	if (!*p || *p == '/')
		return 0;
	for (const char *s = p; *s; ) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (!n || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return 0;
		s += n + (e ? 1 : 0);
		if (!e)
			break;
	}
	return 1;
}

int cairn_dataset_checkout(cairn_ctx *ctx, const struct cairn_dataset_version *v,
			   const char *path, const enum cairn_link_type *types, int ntypes,
			   unsigned flags)
{
	cairn_buf mpath = CAIRN_BUF_INIT, dest = CAIRN_BUF_INIT;
	struct cairn__output_opts o;
	json_t *manifest = NULL, *files, *e;
	size_t i;
	int rc;

	if (strcmp(v->kind, "dir"))
		return cairn_object_checkout(ctx, v->hash, path, types, ntypes, flags, NULL);
	cairn_object_path(ctx, v->hash, &mpath);
	if ((rc = cairn_json_load_file(ctx, mpath.buf, &manifest)))
		goto out;
	files = json_object_get(manifest, "files");
	/* Every destination is checked before the first file is written. */
	cairn__output_opts_init(ctx, &o, !!(flags & CAIRN_OUTPUT_FORCE));
	for (int pass = 0; pass < 2; pass++) {
		json_array_foreach(files, i, e) {
			const char *rel = json_string_value(json_object_get(e, "path"));
			const char *hash = json_string_value(json_object_get(e, "hash"));
			const char *link = json_string_value(json_object_get(e, "link"));
			struct stat st;
			char *slash;
			if (!rel || !safe_relative(rel) ||
			    (link ? !link_stays_inside(rel, link) : !hash || !cairn_is_sha256_hex(hash))) {
				rc = cairn_error(ctx, CAIRN_ECORRUPT, "the manifest of %s@%lld has a bad entry %zu",
						 v->name, (long long)v->version, i);
				goto out;
			}
			cairn_path_join(&dest, path, rel);
			if (!pass) {
				/* A link checked out before is replaced, with --force,
				 * by the link itself (never what it points to). */
				if (link && (flags & CAIRN_OUTPUT_FORCE) && !lstat(dest.buf, &st) &&
				    S_ISLNK(st.st_mode))
					continue;
				if ((rc = cairn__output_check(ctx, dest.buf, &o)))
					goto out;
				continue;
			}
			slash = strrchr(dest.buf, '/');
			if (slash) {
				*slash = '\0';
				rc = cairn_mkdir_p(ctx, dest.buf, 0777);
				*slash = '/';
				if (rc)
					goto out;
			}
			if ((rc = link ? checkout_link(ctx, link, dest.buf) :
			     cairn_object_checkout(ctx, hash, dest.buf, types, ntypes, flags, NULL)))
				goto out;
		}
	}
out:
	json_decref(manifest);
	cairn_buf_release(&mpath);
	cairn_buf_release(&dest);
	return rc;
}

int cairn_dataset_load_file_or_ref(cairn_ctx *ctx, const char *what, struct cairn_frame **f,
				   int *is_dataset)
{
	struct cairn_dataset_version v = { 0 };
	struct stat st;
	int rc;

	if (is_dataset)
		*is_dataset = 0;
	if (!stat(what, &st))
		return cairn_frame_load(ctx, what, NULL, NULL, f);
	if ((rc = cairn_dataset_resolve(ctx, what, &v))) {
		cairn_error_prefix(ctx, "no file '%s', and no dataset version", what);
		return rc;
	}
	if (!(rc = cairn_dataset_load_frame(ctx, &v, f)) && is_dataset)
		*is_dataset = 1;
	cairn_dataset_version_release(&v);
	return rc;
}
