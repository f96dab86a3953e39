/*
 * OCI images of a model, built without a container daemon: the bundle, the
 * root filesystem layer (oci-rootfs.c), the image config and manifest as
 * content-addressed blobs, index.json and oci-layout; written as an image
 * layout directory or as that layout in one tar file (oci-archive). See
 * include/cairn/package.h and docs/commands/package.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/package.h"
#include "cairn/version.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/output.h"
#include "registry/bundle-tar.h"
#include "registry/oci.h"

#define MT_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_LAYER "application/vnd.oci.image.layer.v1.tar"
#define BUNDLE_PATH "/model/model.cairn"
#define LABEL "io.cairn."

/* The libraries cairn loads with dlopen when a command needs them: the
 * sonames of src/ml/xgb-loader.c, src/ml/linear-loader.c,
 * src/core/curl-loader.c and src/store/pq-loader.c. */
static const char *const loaded_on_demand[] = {
	"libxgboost.so.0", "liblinear.so.4", "libcurl.so.4", "libpq.so.5", NULL
};

static const char etc_passwd[] =
	"root:x:0:0:root:/root:/usr/sbin/nologin\n"
	"nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
static const char etc_group[] = "root:x:0:\nnogroup:x:65534:\n";
static const char etc_nsswitch[] = "passwd: files\ngroup: files\nhosts: files\n";

/* An OCI tag: [A-Za-z0-9_][A-Za-z0-9._-]{0,127}. */
static int tag_check(cairn_ctx *ctx, const char *tag)
{
	size_t n = strlen(tag);

	if (!n || n > 128 || tag[0] == '.' || tag[0] == '-' ||
	    strspn(tag, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != n)
		return cairn_error(ctx, CAIRN_EINVAL, "invalid image tag '%s': 1 to 128 letters,"
				   " digits, '.', '_' or '-', not starting with '.' or '-'", tag);
	return 0;
}

/* Writes data as the blob dir/blobs/sha256/DIGEST; its digest into hex. */
static int write_blob(cairn_ctx *ctx, const char *dir, const cairn_buf *data,
		      char hex[CAIRN_HEX_LEN + 1])
{
	cairn_buf path = CAIRN_BUF_INIT;
	int rc;

	cairn_sha256_buf(data->buf, data->len, hex);
	cairn_buf_addf(&path, "%s/blobs/sha256/%s", dir, hex);
	rc = cairn_write_file_atomic(ctx, path.buf, data->buf, data->len, 0644);
	cairn_buf_release(&path);
	return rc;
}

static void json_text(cairn_buf *b, const json_t *v)
{
	cairn_buf_reset(b);
	cairn_json_append(b, v, 0);
}

/* The model's creation time as RFC 3339 (MLmodel's "YYYY-MM-DD hh:mm:ss"
 * UTC), so that the same model gives the same image. */
static void created(const json_t *summary, cairn_buf *out)
{
	const char *t = json_string_value(json_object_get(json_object_get(summary, "model"),
							  "created_at"));

	cairn_buf_reset(out);
	if (t && strlen(t) == 19 && t[10] == ' ')
		cairn_buf_addf(out, "%.10sT%sZ", t, t + 11);
	else
		cairn_buf_adds(out, "1970-01-01T00:00:00Z");
}

/* The labels (config) and annotations (manifest): the model version and
 * its lineage. */
static json_t *labels(const json_t *summary, const char *when, const char *bundle_sha)
{
	json_t *model = json_object_get(summary, "model"), *l = json_object(), *d;
	cairn_buf b = CAIRN_BUF_INIT;
	const char *ref = json_string_value(json_object_get(model, "ref"));
	const json_t *code = json_object_get(summary, "code");
	size_t i;

	cairn_buf_addf(&b, "cairn model %s", ref);
	json_object_set_new(l, "org.opencontainers.image.title", json_string(b.buf));
	json_object_set_new(l, "org.opencontainers.image.created", json_string(when));
	if (json_is_integer(json_object_get(model, "version"))) {
		cairn_buf_reset(&b);
		cairn_buf_addf(&b, "%lld",
			       (long long)json_integer_value(json_object_get(model, "version")));
		json_object_set_new(l, "org.opencontainers.image.version", json_string(b.buf));
		json_object_set_new(l, LABEL "model.name",
				    json_copy(json_object_get(model, "name")));
		json_object_set_new(l, LABEL "model.version", json_string(b.buf));
	}
	json_object_set_new(l, LABEL "model.ref", json_string(ref));
	if (json_is_string(json_object_get(model, "algorithm")))
		json_object_set(l, LABEL "model.algorithm", json_object_get(model, "algorithm"));
	if (json_is_string(json_object_get(summary, "run_id")))
		json_object_set(l, LABEL "model.run_id", json_object_get(summary, "run_id"));
	cairn_buf_reset(&b);
	json_array_foreach(json_object_get(summary, "data"), i, d)
		cairn_buf_addf(&b, "%s%s=sha256:%s", i ? "," : "",
			       json_string_value(json_object_get(d, "dataset")) ?
			       json_string_value(json_object_get(d, "dataset")) : "?",
			       json_string_value(json_object_get(d, "hash")) ?
			       json_string_value(json_object_get(d, "hash")) : "?");
	if (b.len)
		json_object_set_new(l, LABEL "model.data", json_string(b.buf));
	if (json_is_object(code)) {
		const json_t *c = json_object_get(code, "commit");
		if (json_is_string(c)) {
			json_object_set(l, LABEL "model.code_commit", (json_t *)c);
			json_object_set(l, "org.opencontainers.image.revision", (json_t *)c);
		}
	}
	json_object_set_new(l, LABEL "bundle.sha256", json_string(bundle_sha));
	json_object_set_new(l, LABEL "cairn.version", json_string(cairn_version()));
	cairn_buf_release(&b);
	return l;
}

/* The layer: the rootfs with the bundle, into dir's blobs. */
static int write_layer(cairn_ctx *ctx, const struct cairn_oci_options *o, const char *dir,
		       const char *bundle, struct cairn_oci_result *res, const char **arch)
{
	struct cairn__rootfs fs = { 0 };
	struct cairn__tar t;
	cairn_buf tmp = CAIRN_BUF_INIT, final = CAIRN_BUF_INIT;
	int fd = -1, rc, started = 0;

	if ((rc = cairn__rootfs_add_program(ctx, &fs, o->exe, "usr/bin/cairn", loaded_on_demand)))
		goto out;
	cairn__rootfs_add_file(&fs, BUNDLE_PATH, bundle, 0644);
	cairn__rootfs_add_data(&fs, "etc/passwd", etc_passwd, 0644);
	cairn__rootfs_add_data(&fs, "etc/group", etc_group, 0644);
	cairn__rootfs_add_data(&fs, "etc/nsswitch.conf", etc_nsswitch, 0644);
	res->libraries = fs.libraries;
	*arch = fs.arch;
	cairn_buf_addf(&tmp, "%s/blobs/sha256/layer.tmp", dir);
	if ((fd = open(tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0) {
		rc = cairn_error_errno(ctx, "cannot create '%s'", tmp.buf);
		goto out;
	}
	if ((rc = cairn__tar_start(ctx, &t, fd, "the image layer")))
		goto out;
	started = 1;
	if ((rc = cairn__rootfs_write(ctx, &fs, &t)))
		goto out;
	started = 0;
	if ((rc = cairn__tar_finish(&t, res->layer_digest)))
		goto out;
	res->layer_size = t.size;
	if (fsync(fd) < 0) {
		rc = cairn_error_errno(ctx, "cannot write '%s'", tmp.buf);
		goto out;
	}
	cairn_buf_addf(&final, "%s/blobs/sha256/%s", dir, res->layer_digest);
	if (rename(tmp.buf, final.buf) < 0)
		rc = cairn_error_errno(ctx, "cannot rename '%s'", tmp.buf);
out:
	if (started)
		cairn__tar_release(&t);
	if (fd >= 0)
		close(fd);
	if (rc)
		unlink(tmp.buf);
	cairn__rootfs_release(&fs);
	cairn_buf_release(&tmp);
	cairn_buf_release(&final);
	return rc;
}

/* The whole layout into dir (which exists, empty). */
static int write_layout(cairn_ctx *ctx, const struct cairn_oci_options *o, const char *dir,
			const char *bundle, struct cairn_oci_result *res)
{
	const json_t *summary = res->bundle.summary;
	const char *tag = o->tag ? o->tag : "latest";
	cairn_buf p = CAIRN_BUF_INIT, text = CAIRN_BUF_INIT, when = CAIRN_BUF_INIT;
	cairn_buf port = CAIRN_BUF_INIT;
	json_t *config = NULL, *manifest = NULL, *index = NULL, *l;
	const char *arch = NULL;
	int rc;

	cairn_path_join(&p, dir, "blobs/sha256");
	if ((rc = cairn_mkdir_p(ctx, p.buf, 0755)) ||
	    (rc = write_layer(ctx, o, dir, bundle, res, &arch)))
		goto out;
	created(summary, &when);
	l = labels(summary, when.buf, res->bundle.sha256);
	cairn_buf_addf(&port, "%d", o->port ? o->port : 8080);
	cairn_buf_reset(&p);
	cairn_buf_addf(&p, "%s/tcp", port.buf);
	config = json_pack("{s:s, s:s, s:s, s:{s:s, s:[s], s:[s,s,s,s,s,s,s,s], s:{s:{}}, s:s,"
			   " s:o}, s:{s:s, s:[s+]}, s:[{s:s, s:s}]}",
			   "created", when.buf, "architecture", arch,
			   "os", "linux", "config", "User", "65534:65534", "Env", "PATH=/usr/bin",
			   "Entrypoint", "/usr/bin/cairn", "serve", "--bundle", BUNDLE_PATH, "--host",
			   "0.0.0.0", "--port", port.buf, "ExposedPorts", p.buf, "WorkingDir", "/tmp",
			   "Labels", json_deep_copy(l), "rootfs", "type", "layers", "diff_ids",
			   "sha256:", res->layer_digest, "history", "created", when.buf,
			   "created_by", "cairn package");
	if (!config) {
		json_decref(l);
		rc = cairn_error(ctx, CAIRN_EINTERNAL, "cannot build the image config");
		goto out;
	}
	json_text(&text, config);
	if ((rc = write_blob(ctx, dir, &text, res->config_digest)))
		goto out_l;
	json_object_set_new(l, "org.opencontainers.image.ref.name", json_string(tag));
	manifest = json_pack("{s:i, s:s, s:{s:s, s:s+, s:I}, s:[{s:s, s:s+, s:I}], s:O}",
			     "schemaVersion", 2, "mediaType", MT_MANIFEST, "config", "mediaType",
			     MT_CONFIG, "digest", "sha256:", res->config_digest, "size",
			     (json_int_t)text.len, "layers", "mediaType", MT_LAYER, "digest",
			     "sha256:", res->layer_digest, "size", (json_int_t)res->layer_size,
			     "annotations", l);
	json_text(&text, manifest);
	if ((rc = write_blob(ctx, dir, &text, res->manifest_digest)))
		goto out_l;
	index = json_pack("{s:i, s:s, s:[{s:s, s:s+, s:I, s:{s:s}, s:{s:s, s:s}}]}",
			  "schemaVersion", 2, "mediaType", MT_INDEX, "manifests", "mediaType",
			  MT_MANIFEST, "digest", "sha256:", res->manifest_digest, "size",
			  (json_int_t)text.len, "annotations", "org.opencontainers.image.ref.name", tag,
			  "platform", "architecture", arch, "os",
			  "linux");
	json_text(&text, index);
	cairn_buf_reset(&p);
	cairn_path_join(&p, dir, "index.json");
	if ((rc = cairn_write_file_atomic(ctx, p.buf, text.buf, text.len, 0644)))
		goto out_l;
	cairn_buf_reset(&p);
	cairn_path_join(&p, dir, "oci-layout");
	cairn_buf_reset(&text);
	cairn_buf_adds(&text, "{\"imageLayoutVersion\":\"1.0.0\"}");
	rc = cairn_write_file_atomic(ctx, p.buf, text.buf, text.len, 0644);
out_l:
	json_decref(l);
out:
	json_decref(config);
	json_decref(manifest);
	json_decref(index);
	cairn_buf_release(&p);
	cairn_buf_release(&text);
	cairn_buf_release(&when);
	cairn_buf_release(&port);
	return rc;
}

/* The layout in dir as a tar file at o->archive. */
static int write_archive(cairn_ctx *ctx, const struct cairn_oci_options *o, const char *dir,
			 const struct cairn_oci_result *res)
{
	const char *blobs[] = { res->layer_digest, res->config_digest, res->manifest_digest };
	struct cairn__tar_output out;
	cairn_buf src = CAIRN_BUF_INIT, name = CAIRN_BUF_INIT;
	char hex[CAIRN_HEX_LEN + 1];
	int rc;

	if ((rc = cairn__tar_output_begin(ctx, &out, o->archive, o->force)))
		goto done;
	cairn_path_join(&src, dir, "oci-layout");
	if ((rc = cairn__tar_add_file(&out.t, "oci-layout", src.buf, 0644, NULL)))
		goto fail;
	cairn_buf_reset(&src);
	cairn_path_join(&src, dir, "index.json");
	if ((rc = cairn__tar_add_file(&out.t, "index.json", src.buf, 0644, NULL)) ||
	    (rc = cairn__tar_add_dir(&out.t, "blobs", 0755)) ||
	    (rc = cairn__tar_add_dir(&out.t, "blobs/sha256", 0755)))
		goto fail;
	for (size_t i = 0; i < sizeof(blobs) / sizeof(blobs[0]); i++) {
		cairn_buf_reset(&name);
		cairn_buf_addf(&name, "blobs/sha256/%s", blobs[i]);
		cairn_buf_reset(&src);
		cairn_path_join(&src, dir, name.buf);
		if ((rc = cairn__tar_add_file(&out.t, name.buf, src.buf, 0644, blobs[i])))
			goto fail;
	}
	rc = cairn__tar_output_commit(ctx, &out, hex);
	goto done;
fail:
	cairn__tar_output_abort(&out);
done:
	cairn_buf_release(&src);
	cairn_buf_release(&name);
	return rc;
}

/* Where the layout directory is built before it is renamed into place:
 * beside it, so that the rename stays in one file system. */
static void staging_name(const char *dest, const char *what, cairn_buf *out)
{
	const char *slash = strrchr(dest, '/');
	char id[CAIRN_ID_LEN + 1];

	cairn_id_new(id);
	cairn_buf_reset(out);
	if (slash)
		cairn_buf_add(out, dest, (size_t)(slash - dest + 1));
	cairn_buf_addf(out, ".%s%s%s-%s", slash ? slash + 1 : dest, CAIRN__OUTPUT_TMP_MARK, what,
		       id);
}

/* Checks the layout directory's destination: absent, or with force an
 * image layout (or an empty directory) to replace. */
static int layout_check(cairn_ctx *ctx, const char *dest, int force, int *exists)
{
	cairn_buf p = CAIRN_BUF_INIT;
	struct stat st;
	int rc = 0;

	*exists = 0;
	if (lstat(dest, &st))
		return errno == ENOENT ? 0 : cairn_error_errno(ctx, "cannot read '%s'", dest);
	*exists = 1;
	if (!force)
		return cairn_error(ctx, CAIRN_EEXIST, "'%s' already exists", dest);
	cairn_path_join(&p, dest, "oci-layout");
	if (!S_ISDIR(st.st_mode) || (lstat(p.buf, &st) && rmdir(dest) && errno != ENOENT))
		rc = cairn_error(ctx, CAIRN_EINVAL, "'%s' is not an OCI image layout: it is not"
				 " replaced", dest);
	else if (!cairn_is_dir(dest))
		*exists = 0; /* the empty directory went */
	cairn_buf_release(&p);
	return rc;
}

int cairn_oci_build(cairn_ctx *ctx, const struct cairn_oci_options *o,
		    struct cairn_oci_result *res)
{
	struct cairn_bundle_options bo = { 0 };
	struct cairn__output_opts oo;
	cairn_buf tmp = CAIRN_BUF_INIT, bundle = CAIRN_BUF_INIT, dir = CAIRN_BUF_INIT;
	cairn_buf old = CAIRN_BUF_INIT;
	int rc, exists = 0, staged = 0;

	memset(res, 0, sizeof(*res));
	if (!o->layout == !o->archive || !o->exe)
		return cairn_error(ctx, CAIRN_EINVAL, "an image needs one destination (a layout or"
				   " an archive) and the cairn program");
	if (o->tag && (rc = tag_check(ctx, o->tag)))
		return rc;
	if (o->archive) {
		cairn__output_opts_init(ctx, &oo, o->force);
		if ((rc = cairn__output_check(ctx, o->archive, &oo)))
			return rc;
	} else if ((rc = layout_check(ctx, o->layout, o->force, &exists))) {
		return rc;
	}
	if ((rc = cairn_make_temp_dir(ctx, "cairn-oci", &tmp)))
		goto out;
	cairn_path_join(&bundle, tmp.buf, "model.cairn");
	bo.model = o->model;
	bo.out = bundle.buf;
	if ((rc = cairn_bundle_write(ctx, &bo, &res->bundle)))
		goto out;
	if (o->archive) {
		cairn_path_join(&dir, tmp.buf, "layout");
	} else {
		staging_name(o->layout, "", &dir);
		staged = 1;
	}
	if ((rc = cairn_mkdir_p(ctx, dir.buf, 0755)) ||
	    (rc = write_layout(ctx, o, dir.buf, bundle.buf, res)))
		goto out;
	if (cairn_ctx_cancelled(ctx)) {
		rc = cairn_error(ctx, CAIRN_EINTERRUPTED, "interrupted");
		goto out;
	}
	if (o->archive) {
		rc = write_archive(ctx, o, dir.buf, res);
		goto out;
	}
	if (exists) {
		staging_name(o->layout, "old", &old);
		if (rename(o->layout, old.buf) < 0) {
			rc = cairn_error_errno(ctx, "cannot replace '%s'", o->layout);
			goto out;
		}
	}
	if (rename(dir.buf, o->layout) < 0) {
		rc = cairn_error_errno(ctx, "cannot rename '%s' to '%s'", dir.buf, o->layout);
		if (exists)
			rename(old.buf, o->layout);
		goto out;
	}
	staged = 0;
	if (exists)
		cairn_remove_tree(old.buf);
out:
	if (staged)
		cairn_remove_tree(dir.buf);
	if (tmp.len)
		cairn_remove_tree(tmp.buf);
	if (rc)
		cairn_oci_result_release(res);
	cairn_buf_release(&tmp);
	cairn_buf_release(&bundle);
	cairn_buf_release(&dir);
	cairn_buf_release(&old);
	return rc;
}

void cairn_oci_result_release(struct cairn_oci_result *res)
{
	cairn_bundle_result_release(&res->bundle);
}
