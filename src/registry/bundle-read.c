/*
 * Reading a bundle: every header, name and byte checked against the
 * manifest before anything is written out; extraction; a bundle opened as
 * a model. See bundle.h and include/cairn/package.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/error.h"
#include "cairn/package.h"
#include "core/fs.h"
#include "core/json.h"
#include "ml/model-internal.h"
#include "registry/bundle-tar.h"
#include "registry/bundle.h"

/* A relative path of plain components: no "", ".", "..", leading '/'. */
static int path_ok(const char *p)
{
	if (!*p || *p == '/' || strlen(p) > 255)
		return 0;
	for (const char *s = p; *s;) {
		size_t n = strcspn(s, "/");
		if (!n || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
			return 0;
		s += n;
		if (*s == '/' && !*++s)
			return 0;
	}
	return 1;
}

/* The manifest's files, checked: an array of {path, size, sha256}, each
 * path well formed and listed once. */
static int check_manifest(cairn_ctx *ctx, const char *what, json_t *m, json_t **files,
			  json_t *index)
{
	json_t *fmt = json_object_get(m, "format"), *ver = json_object_get(m, "format_version");
	json_t *f;
	size_t i;

	*files = json_object_get(m, "files");
	if (!json_is_object(m) || !json_is_string(fmt) ||
	    strcmp(json_string_value(fmt), CAIRN__BUNDLE_FORMAT))
		return cairn_error(ctx, CAIRN_ECORRUPT, "'%s' is not a cairn bundle: its %s has no"
				   " format \"%s\"", what, CAIRN_BUNDLE_MANIFEST, CAIRN__BUNDLE_FORMAT);
	if (!json_is_integer(ver) || json_integer_value(ver) != CAIRN__BUNDLE_VERSION)
		return cairn_error(ctx, CAIRN_ECORRUPT, "bundle '%s' has format_version %s: this"
				   " cairn reads version %d", what, json_is_integer(ver) ? "other" :
				   "missing", CAIRN__BUNDLE_VERSION);
	if (!json_is_array(*files))
		return cairn_error(ctx, CAIRN_ECORRUPT, "bundle '%s': %s lists no files", what,
				   CAIRN_BUNDLE_MANIFEST);
	json_array_foreach(*files, i, f) {
		json_t *p = json_object_get(f, "path"), *s = json_object_get(f, "size");
		json_t *h = json_object_get(f, "sha256");
		if (!json_is_string(p) || !json_is_integer(s) || json_integer_value(s) < 0 ||
		    (uint64_t)json_integer_value(s) > CAIRN_BUNDLE_MAX_BYTES ||
		    !json_is_string(h) || !cairn_is_sha256_hex(json_string_value(h)))
			return cairn_error(ctx, CAIRN_ECORRUPT, "bundle '%s': entry %zu of %s is not"
					   " {path, size, sha256}", what, i + 1, CAIRN_BUNDLE_MANIFEST);
		if (!path_ok(json_string_value(p)) ||
		    json_string_length(p) != strlen(json_string_value(p)) ||
		    !strcmp(json_string_value(p), CAIRN_BUNDLE_MANIFEST))
			return cairn_error(ctx, CAIRN_ECORRUPT, "bundle '%s': %s names a bad path '%s'",
					   what, CAIRN_BUNDLE_MANIFEST, json_string_value(p));
		if (json_object_get(index, json_string_value(p)))
			return cairn_error(ctx, CAIRN_ECORRUPT, "bundle '%s': %s lists '%s' twice",
					   what, CAIRN_BUNDLE_MANIFEST, json_string_value(p));
		json_object_set_new(index, json_string_value(p), json_integer((json_int_t)i));
	}
	return 0;
}

int cairn__bundle_parse(cairn_ctx *ctx, const char *what, const unsigned char *data,
			size_t len, struct cairn__bundle *b)
{
	struct cairn__tar_entry e;
	const char *why = NULL;
	json_t *files = NULL, *index = json_object();
	unsigned char *seen = NULL;
	size_t pos = 0, n = 0;
	char hex[CAIRN_HEX_LEN + 1];
	int r, rc = 0;

	memset(b, 0, sizeof(*b));
	if ((uint64_t)len > CAIRN_BUNDLE_MAX_BYTES) {
		rc = cairn_error(ctx, CAIRN_ECORRUPT, "bundle '%s' is larger than %llu bytes", what,
				 (unsigned long long)CAIRN_BUNDLE_MAX_BYTES);
		goto out;
	}
	r = cairn__tar_next(data, len, &pos, &e, &why);
	if (r <= 0 || strcmp(e.name, CAIRN_BUNDLE_MANIFEST) || e.type != '0') {
		rc = cairn_error(ctx, CAIRN_ECORRUPT, "'%s' is not a cairn bundle: it does not start"
				 " with %s", what, CAIRN_BUNDLE_MANIFEST);
		goto out;
	}
	if (e.size > (1 << 24)) {
		rc = cairn_error(ctx, CAIRN_ECORRUPT, "bundle '%s': %s is larger than 16 MiB", what,
				 CAIRN_BUNDLE_MANIFEST);
		goto out;
	}
	if ((rc = cairn_json_load_text(ctx, CAIRN_BUNDLE_MANIFEST, (const char *)e.data,
				       (size_t)e.size, &b->manifest))) {
		rc = cairn_error(ctx, CAIRN_ECORRUPT, "bundle '%s': %s", what, cairn_errmsg(ctx));
		goto out;
	}
	if ((rc = check_manifest(ctx, what, b->manifest, &files, index)))
		goto out;
	b->files = cairn_xcalloc(json_array_size(files) + 1, sizeof(*b->files));
	seen = cairn_xcalloc(json_array_size(files) + 1, 1);
	while ((r = cairn__tar_next(data, len, &pos, &e, &why)) > 0) {
		json_t *at = json_object_get(index, e.name);
		size_t i = at ? (size_t)json_integer_value(at) : 0;
		json_t *f = json_array_get(files, i);
		if (e.type != '0') {
			rc = cairn_error(ctx, CAIRN_ECORRUPT, "bundle '%s': '%s' is a %s, not a regular"
					 " file", what, e.name, e.type == '5' ? "directory" :
					 e.type == '1' || e.type == '2' ? "link" : "special entry");
			goto out;
		}
		if (!path_ok(e.name)) {
			rc = cairn_error(ctx, CAIRN_ECORRUPT, "bundle '%s': the path '%s' is absolute"
					 " or holds '..' or '.'", what, e.name);
			goto out;
		}
		if (!at) {
			rc = cairn_error(ctx, CAIRN_ECORRUPT, "bundle '%s': '%s' is not in the manifest%s",
					 what, e.name, strcmp(e.name, CAIRN_BUNDLE_MANIFEST) ? "" :
					 " (a second manifest)");
			goto out;
		}
		if (seen[i]) {
			rc = cairn_error(ctx, CAIRN_ECORRUPT, "bundle '%s': '%s' appears twice", what,
					 e.name);
			goto out;
		}
		seen[i] = 1;
		if (e.size != (uint64_t)json_integer_value(json_object_get(f, "size"))) {
			rc = cairn_error(ctx, CAIRN_ECORRUPT, "bundle '%s': '%s' has %llu bytes, the"
					 " manifest says %lld", what, e.name, (unsigned long long)e.size,
					 (long long)json_integer_value(json_object_get(f, "size")));
			goto out;
		}
		cairn_sha256_buf(e.data, (size_t)e.size, hex);
		if (strcmp(hex, json_string_value(json_object_get(f, "sha256")))) {
			rc = cairn_error(ctx, CAIRN_ECORRUPT, "bundle '%s': '%s' does not match the"
					 " manifest: its SHA-256 is %.12s, the manifest says %.12s", what,
					 e.name, hex, json_string_value(json_object_get(f, "sha256")));
			goto out;
		}
		b->files[n].path = json_string_value(json_object_get(f, "path"));
		b->files[n].data = e.data;
		b->files[n].size = e.size;
		n++;
	}
	if (r < 0) {
		rc = cairn_error(ctx, CAIRN_ECORRUPT, "bundle '%s' is damaged%s%s%s: %s", what,
				 n ? " after '" : "", n ? b->files[n - 1].path : "", n ? "'" : "", why);
		goto out;
	}
	for (size_t i = 0; i < json_array_size(files); i++)
		if (!seen[i]) {
			rc = cairn_error(ctx, CAIRN_ECORRUPT, "bundle '%s': '%s' is in the manifest but"
					 " missing from the bundle", what,
					 json_string_value(json_object_get(json_array_get(files, i),
									   "path")));
			goto out;
		}
	b->nfiles = n;
out:
	if (rc)
		cairn__bundle_release(b);
	json_decref(index);
	free(seen);
	return rc;
}

void cairn__bundle_release(struct cairn__bundle *b)
{
	json_decref(b->manifest);
	free(b->files);
	memset(b, 0, sizeof(*b));
}

int cairn_bundle_is_file(const char *path)
{
	unsigned char h[CAIRN__TAR_BLOCK];
	struct stat st;
	int fd, yes;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
		return 0;
	yes = !fstat(fd, &st) && S_ISREG(st.st_mode) &&
	      cairn_read_full(fd, h, sizeof(h)) == (ssize_t)sizeof(h) &&
	      !memcmp(h, CAIRN_BUNDLE_MANIFEST, sizeof(CAIRN_BUNDLE_MANIFEST)) &&
	      !memcmp(h + 257, "ustar", 6);
	close(fd);
	return yes;
}

/* A bundle file mapped into memory. */
struct mapped {
	void *data;
	size_t len;
};

static int map_file(cairn_ctx *ctx, const char *path, struct mapped *m)
{
	struct stat st;
	int fd, rc = 0;

	m->data = NULL;
	m->len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return cairn_error_errno(ctx, "cannot open the bundle '%s'", path);
	if (fstat(fd, &st) < 0) {
		rc = cairn_error_errno(ctx, "cannot stat the bundle '%s'", path);
	} else if (!S_ISREG(st.st_mode)) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "'%s' is not a regular file", path);
	} else if ((uint64_t)st.st_size > CAIRN_BUNDLE_MAX_BYTES) {
		rc = cairn_error(ctx, CAIRN_ECORRUPT, "bundle '%s' is larger than %llu bytes", path,
				 (unsigned long long)CAIRN_BUNDLE_MAX_BYTES);
	} else if (st.st_size > 0) {
		m->len = (size_t)st.st_size;
		m->data = mmap(NULL, m->len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m->data == MAP_FAILED) {
			m->data = NULL;
			rc = cairn_error_errno(ctx, "cannot read the bundle '%s'", path);
		}
	}
	close(fd);
	return rc;
}

static void unmap_file(struct mapped *m)
{
	if (m->data)
		munmap(m->data, m->len);
}

int cairn_bundle_verify(cairn_ctx *ctx, const char *path, json_t **manifest)
{
	struct cairn__bundle b;
	struct mapped m;
	int rc;

	if (manifest)
		*manifest = NULL;
	if ((rc = map_file(ctx, path, &m)))
		return rc;
	if (!(rc = cairn__bundle_parse(ctx, path, m.data ? m.data : "", m.len, &b))) {
		if (manifest)
			*manifest = json_incref(b.manifest);
		cairn__bundle_release(&b);
	}
	unmap_file(&m);
	return rc;
}

/* Writes the files under prefix (stripped) below dir. */
static int write_files(cairn_ctx *ctx, const struct cairn__bundle *b, const char *prefix,
		       const char *dir)
{
	cairn_buf target = CAIRN_BUF_INIT;
	size_t plen = strlen(prefix);
	int rc = 0;

	if ((rc = cairn_mkdir_p(ctx, dir, 0777)))
		return rc;
	for (size_t i = 0; i < b->nfiles && !rc; i++) {
		const char *p = b->files[i].path, *slash;
		int fd;
		if (strncmp(p, prefix, plen))
			continue;
		cairn_buf_reset(&target);
		cairn_path_join(&target, dir, p + plen);
		if ((slash = strrchr(target.buf, '/')) && slash > target.buf + strlen(dir)) {
			cairn_buf parent = CAIRN_BUF_INIT;
			cairn_buf_add(&parent, target.buf, (size_t)(slash - target.buf));
			rc = cairn_mkdir_p(ctx, parent.buf, 0777);
			cairn_buf_release(&parent);
			if (rc)
				break;
		}
		if ((fd = open(target.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666)) < 0) {
			rc = cairn_error_errno(ctx, "cannot create '%s'", target.buf);
			break;
		}
		if (cairn_write_full(fd, b->files[i].data, (size_t)b->files[i].size) < 0)
			rc = cairn_error_errno(ctx, "cannot write '%s'", target.buf);
		if (close(fd) < 0 && !rc)
			rc = cairn_error_errno(ctx, "cannot write '%s'", target.buf);
	}
	cairn_buf_release(&target);
	return rc;
}

static int extract(cairn_ctx *ctx, const char *path, const char *prefix, const char *dir)
{
	struct cairn__bundle b;
	struct mapped m;
	int rc;

	if ((rc = map_file(ctx, path, &m)))
		return rc;
	if (!(rc = cairn__bundle_parse(ctx, path, m.data ? m.data : "", m.len, &b))) {
		rc = write_files(ctx, &b, prefix, dir);
		cairn__bundle_release(&b);
	}
	unmap_file(&m);
	return rc;
}

int cairn_bundle_extract(cairn_ctx *ctx, const char *path, const char *dir)
{
	struct stat st;

	if (!lstat(dir, &st))
		return cairn_error(ctx, CAIRN_EEXIST, "'%s' already exists", dir);
	return extract(ctx, path, "", dir);
}

static int fill_from_bundle(cairn_ctx *ctx, const char *dir, void *arg)
{
	return extract(ctx, arg, CAIRN__BUNDLE_MODEL_DIR, dir);
}

int cairn__bundle_model_open(cairn_ctx *ctx, const char *path, cairn_model **out)
{
	return cairn__model_open_filled(ctx, fill_from_bundle, (void *)path, out);
}
