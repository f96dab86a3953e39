/*
 * POSIX ustar archives written through a file descriptor and read from
 * memory; see bundle-tar.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/error.h"
#include "core/fs.h"
#include "registry/bundle-tar.h"

/* Field offsets and lengths of a ustar header. */
enum {
	F_NAME = 0, L_NAME = 100,
	F_MODE = 100, F_UID = 108, F_GID = 116, L_ID = 8,
	F_SIZE = 124, L_SIZE = 12,
	F_MTIME = 136,
	F_CHKSUM = 148, L_CHKSUM = 8,
	F_TYPE = 156,
	F_LINK = 157,
	F_MAGIC = 257,
	F_VERSION = 263,
	F_PREFIX = 345, L_PREFIX = 155
};

static const unsigned char zeros[CAIRN__TAR_BLOCK];

int cairn__tar_start(cairn_ctx *ctx, struct cairn__tar *t, int fd, const char *what)
{
	t->ctx = ctx;
	t->fd = fd;
	t->what = what;
	t->size = 0;
	return cairn_sha256_init(ctx, &t->hash);
}

void cairn__tar_release(struct cairn__tar *t)
{
	cairn_sha256_release(&t->hash);
}

static int put(struct cairn__tar *t, const void *p, size_t n)
{
	if (cairn_write_full(t->fd, p, n) < 0)
		return cairn_error_errno(t->ctx, "cannot write '%s'", t->what);
	cairn_sha256_update(&t->hash, p, n);
	t->size += n;
	return 0;
}

/* Pads the data of an entry to a whole block. */
static int pad(struct cairn__tar *t, uint64_t len)
{
	size_t rest = (size_t)(len % CAIRN__TAR_BLOCK);

	return rest ? put(t, zeros, CAIRN__TAR_BLOCK - rest) : 0;
}

static void octal(unsigned char *field, size_t width, uint64_t v)
{
	/* width - 1 digits, zero-padded, then NUL */
	for (size_t i = width - 1; i-- > 0; v >>= 3)
		field[i] = (unsigned char)('0' + (v & 7));
	field[width - 1] = '\0';
}

static int header(struct cairn__tar *t, const char *name, char type, uint64_t size, mode_t mode)
{
	unsigned char h[CAIRN__TAR_BLOCK];
	size_t len = strlen(name), split = 0;
	unsigned sum = 0;

	if (len > L_NAME) {
		/* the last '/' that leaves at most 100 bytes of name and 155 of prefix */
		for (size_t i = len - 1; i > 0; i--)
			if (name[i] == '/' && len - i - 1 <= L_NAME && i <= L_PREFIX) {
				split = i;
				break;
			}
		if (!split)
			return cairn_error(t->ctx, CAIRN_EINVAL, "cannot write '%s': the path '%s' is too"
					   " long for a tar archive", t->what, name);
	}
	if (size >= (uint64_t)1 << 33)
		return cairn_error(t->ctx, CAIRN_EINVAL, "cannot write '%s': '%s' is larger than 8 GiB",
				   t->what, name);
	memset(h, 0, sizeof(h));
	if (split) {
		memcpy(h + F_PREFIX, name, split);
		memcpy(h + F_NAME, name + split + 1, len - split - 1);
	} else {
		memcpy(h + F_NAME, name, len);
	}
	octal(h + F_MODE, L_ID, mode & 07777);
	octal(h + F_UID, L_ID, 0);
	octal(h + F_GID, L_ID, 0);
	octal(h + F_SIZE, L_SIZE, size);
	octal(h + F_MTIME, L_SIZE, 0);
	h[F_TYPE] = (unsigned char)type;
	memcpy(h + F_MAGIC, "ustar", 6);
	memcpy(h + F_VERSION, "00", 2);
	memset(h + F_CHKSUM, ' ', L_CHKSUM);
	for (size_t i = 0; i < sizeof(h); i++)
		sum += h[i];
	octal(h + F_CHKSUM, L_CHKSUM - 1, sum);
	h[F_CHKSUM + L_CHKSUM - 1] = ' ';
	return put(t, h, sizeof(h));
}

int cairn__tar_add_data(struct cairn__tar *t, const char *name, const void *data, size_t len,
			mode_t mode)
{
	int rc;

	if ((rc = header(t, name, '0', len, mode)) || (rc = put(t, data, len)))
		return rc;
	return pad(t, len);
}

int cairn__tar_add_dir(struct cairn__tar *t, const char *name, mode_t mode)
{
	cairn_buf n = CAIRN_BUF_INIT;
	int rc;

	cairn_buf_addf(&n, "%s/", name);
	rc = header(t, n.buf, '5', 0, mode);
	cairn_buf_release(&n);
	return rc;
}

int cairn__tar_add_file(struct cairn__tar *t, const char *name, const char *path, mode_t mode,
			const char *sha256)
{
	enum { CHUNK = 1 << 20 };
	char hex[CAIRN_HEX_LEN + 1];
	unsigned char *buf = NULL;
	cairn_sha256 h;
	uint64_t size, done = 0;
	struct stat st;
	int fd, rc, hashing = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return cairn_error_errno(t->ctx, "cannot open '%s'", path);
	if (fstat(fd, &st) < 0) {
		rc = cairn_error_errno(t->ctx, "cannot stat '%s'", path);
		goto out;
	}
	size = (uint64_t)st.st_size;
	if ((rc = header(t, name, '0', size, mode)))
		goto out;
	if (sha256) {
		if ((rc = cairn_sha256_init(t->ctx, &h)))
			goto out;
		hashing = 1;
	}
	buf = cairn_xmalloc(CHUNK);
	while (done < size) {
		size_t want = size - done < CHUNK ? (size_t)(size - done) : CHUNK;
		ssize_t got = cairn_read_full(fd, buf, want);
		if (got < 0) {
			rc = cairn_error_errno(t->ctx, "cannot read '%s'", path);
			goto out;
		}
		if ((size_t)got < want) {
			rc = cairn_error(t->ctx, CAIRN_EIO, "'%s' changed while it was written to '%s'",
					 path, t->what);
			goto out;
		}
		if (hashing)
			cairn_sha256_update(&h, buf, (size_t)got);
		if ((rc = put(t, buf, (size_t)got)))
			goto out;
		done += (uint64_t)got;
	}
	if (hashing) {
		hashing = 0;
		cairn_sha256_final(&h, hex);
		if (strcmp(hex, sha256)) {
			rc = cairn_error(t->ctx, CAIRN_EIO, "'%s' changed while it was written to '%s'",
					 path, t->what);
			goto out;
		}
	}
	rc = pad(t, size);
out:
	if (hashing)
		cairn_sha256_release(&h);
	free(buf);
	close(fd);
	return rc;
}

int cairn__tar_finish(struct cairn__tar *t, char hex[CAIRN_HEX_LEN + 1])
{
	int rc;

	if ((rc = put(t, zeros, sizeof(zeros))) || (rc = put(t, zeros, sizeof(zeros))))
		return rc;
	cairn_sha256_final(&t->hash, hex);
	return 0;
}

int cairn__tar_output_begin(cairn_ctx *ctx, struct cairn__tar_output *o, const char *dest,
			    int force)
{
	struct cairn__output_opts oo;
	int rc;

	o->started = 0;
	cairn__output_opts_init(ctx, &oo, force);
	if ((rc = cairn__output_begin(ctx, &o->out, dest, &oo)))
		return rc;
	if ((rc = cairn__output_create(ctx, &o->out)) ||
	    (rc = cairn__tar_start(ctx, &o->t, o->out.fd, dest))) {
		cairn__output_abort(&o->out);
		return rc;
	}
	o->started = 1;
	return 0;
}

int cairn__tar_output_commit(cairn_ctx *ctx, struct cairn__tar_output *o,
			     char hex[CAIRN_HEX_LEN + 1])
{
	int rc;

	o->started = 0;
	if ((rc = cairn__tar_finish(&o->t, hex))) {
		cairn__output_abort(&o->out);
		return rc;
	}
	return cairn__output_commit(ctx, &o->out);
}

void cairn__tar_output_abort(struct cairn__tar_output *o)
{
	if (o->started)
		cairn__tar_release(&o->t);
	o->started = 0;
	cairn__output_abort(&o->out);
}

/* An octal field: digits, then NUL or space to the end (leading spaces
 * allowed, as old writers pad so). */
static int parse_octal(const unsigned char *f, size_t width, uint64_t *out)
{
	size_t i = 0;
	uint64_t v = 0;
	int digits = 0;

	while (i < width && f[i] == ' ')
		i++;
	for (; i < width && f[i] >= '0' && f[i] <= '7'; i++, digits++) {
		if (v >> 60)
			return -1;
		v = v << 3 | (uint64_t)(f[i] - '0');
	}
	if (!digits)
		return -1;
	for (; i < width; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	*out = v;
	return 0;
}

/* Copies a NUL-padded field; -1 when a byte follows the first NUL or when
 * the text holds a control character. */
static int field_text(const unsigned char *f, size_t width, char *out, size_t *len)
{
	size_t n = 0;

	while (n < width && f[n])
		n++;
	for (size_t i = n; i < width; i++)
		if (f[i])
			return -1;
	for (size_t i = 0; i < n; i++)
		if (f[i] < 0x20 || f[i] == 0x7f)
			return -1;
	memcpy(out, f, n);
	out[n] = '\0';
	*len = n;
	return 0;
}

int cairn__tar_next(const unsigned char *data, size_t len, size_t *pos,
		    struct cairn__tar_entry *e, const char **why)
{
	const unsigned char *h;
	char name[L_NAME + 1], prefix[L_PREFIX + 1];
	size_t nlen, plen;
	uint64_t sum = 0, want, blocks;

	if (len - *pos < CAIRN__TAR_BLOCK) {
		*why = "the archive ends without its end marker";
		return -1;
	}
	h = data + *pos;
	if (!memcmp(h, zeros, CAIRN__TAR_BLOCK)) {
		for (size_t i = *pos; i < len; i++)
			if (data[i]) {
				*why = "data follows the end of the archive";
				return -1;
			}
		return 0;
	}
	if (parse_octal(h + F_CHKSUM, L_CHKSUM, &want)) {
		*why = "a header's checksum is not a number";
		return -1;
	}
	for (size_t i = 0; i < CAIRN__TAR_BLOCK; i++)
		sum += (i >= F_CHKSUM && i < F_CHKSUM + L_CHKSUM) ? ' ' : h[i];
	if (sum != want) {
		*why = "a header's checksum does not match";
		return -1;
	}
	if (memcmp(h + F_MAGIC, "ustar", 6) || memcmp(h + F_VERSION, "00", 2)) {
		*why = "a header is not a POSIX ustar header";
		return -1;
	}
	if (parse_octal(h + F_SIZE, L_SIZE, &e->size)) {
		*why = "a header's size is not a number";
		return -1;
	}
	if (field_text(h + F_NAME, L_NAME, name, &nlen) ||
	    field_text(h + F_PREFIX, L_PREFIX, prefix, &plen) || !nlen) {
		*why = "a header's name is malformed";
		return -1;
	}
	if (plen) {
		memcpy(e->name, prefix, plen);
		e->name[plen] = '/';
		memcpy(e->name + plen + 1, name, nlen + 1);
	} else {
		memcpy(e->name, name, nlen + 1);
	}
	e->type = h[F_TYPE] ? (char)h[F_TYPE] : '0';
	*pos += CAIRN__TAR_BLOCK;
	blocks = e->size / CAIRN__TAR_BLOCK + (e->size % CAIRN__TAR_BLOCK != 0);
	if (blocks > (len - *pos) / CAIRN__TAR_BLOCK) {
		*why = "an entry is larger than what is left of the archive";
		return -1;
	}
	e->data = data + *pos;
	*pos += (size_t)blocks * CAIRN__TAR_BLOCK;
	return 1;
}
