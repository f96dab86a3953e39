/* Reading the prediction log: its segments in time order, and the records
 * of each, frame by frame, tolerating a frame cut short at the end and
 * skipping a corrupt one with a warning; see predlog.h. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>
#include <zstd_errors.h>
#include "cairn/error.h"
#include "cairn/id.h"
#include "core/fs.h"
#include "core/log.h"
#include "core/oom.h"
#include "serve/predlog.h"

/* A frame's content is at most this (a flush is far smaller). */
#define MAX_FRAME_CONTENT ((size_t)1 << 30)

static int is_segment_name(const char *s)
{
	size_t n = strlen(s), k = strlen(CAIRN__PREDLOG_SUFFIX);

	if (n != CAIRN_ID_LEN + k || strcmp(s + CAIRN_ID_LEN, CAIRN__PREDLOG_SUFFIX))
		return 0;
	char id[CAIRN_ID_LEN + 1];
	memcpy(id, s, CAIRN_ID_LEN);
	id[CAIRN_ID_LEN] = 0;
	return cairn_id_valid(id);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cairn__predlog_segment_names(cairn_ctx *ctx, const char *dir, json_t **out)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;

	*out = json_array();
	if (!*out)
		cairn__oom(0);
	if (!d) {
		if (errno == ENOENT)
			return 0;
		json_decref(*out);
		*out = NULL;
		return cairn_error_errno(ctx, "cannot read the prediction log directory '%s'", dir);
	}
	while ((e = readdir(d))) {
		if (!is_segment_name(e->d_name))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			names = cairn_xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = cairn_xstrdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(*out, json_string(names[i]));
		free(names[i]);
	}
	free(names);
	return 0;
}

/* Calls fn for each line of text (one frame's content); a line that is not a
 * JSON object is warned about and skipped. */
static int each_line(cairn_ctx *ctx, const char *name, uint64_t offset, const char *text,
		     size_t len, cairn__predlog_fn fn, void *arg)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		json_error_t err;
		json_t *rec = n ? json_loadb(p, n, JSON_REJECT_DUPLICATES, &err) : NULL;
		int rc = 0;

		if (json_is_object(rec))
			rc = fn(arg, rec, name, offset);
		else if (n)
			cairn__log_warn(ctx, "prediction log '%s': the frame at byte %llu holds a line"
					" that is not a JSON object: skipped", name,
					(unsigned long long)offset);
		json_decref(rec);
		if (rc)
			return rc;
		p += n + 1;
	}
	return 0;
}

/* A frame's content is at most this many times its compressed size: JSON
 * lines with ids and times compress about 10 times; a header claiming more
 * is forged, and is not allocated for. */
#define MAX_RATIO 4096

/* Decompresses the frame (data, size) into out, in one shot: the writer
 * always states the content size, and a frame that does not (not one of
 * ours), or states an implausible one, is refused rather than allocated
 * for; NULL, or why it failed. */
static const char *decompress(ZSTD_DCtx *dctx, const void *data, size_t size, cairn_buf *out)
{
	unsigned long long csize = ZSTD_getFrameContentSize(data, size);
	size_t got;

	if (csize == ZSTD_CONTENTSIZE_ERROR)
		return "a bad frame header";
	if (csize == ZSTD_CONTENTSIZE_UNKNOWN)
		return "no content size";
	if (csize > MAX_FRAME_CONTENT || csize / MAX_RATIO > size)
		return "an implausible content size";
	cairn_buf_reset(out);
	cairn_buf_grow(out, (size_t)csize + 1);
	got = ZSTD_decompressDCtx(dctx, out->buf, (size_t)csize + 1, data, size);
	if (ZSTD_isError(got))
		return ZSTD_getErrorName(got);
	if (got != csize)
		return "a content size that is not the frame's";
	cairn_buf_setlen(out, got);
	return NULL;
}

int cairn__predlog_read_buf(cairn_ctx *ctx, const char *name, const void *data, size_t size,
			    cairn__predlog_fn fn, void *arg, int *torn)
{
	const unsigned char *p = data;
	size_t off = 0;
	cairn_buf out = CAIRN_BUF_INIT;
	ZSTD_DCtx *dctx = ZSTD_createDCtx();
	int rc = 0;

	if (!dctx)
		cairn__oom(0);
	*torn = 0;
	while (off < size) {
		size_t fsize = ZSTD_findFrameCompressedSize(p + off, size - off);
		const char *err;

		if (ZSTD_isError(fsize)) {
			/* A frame whose header is sound but whose end is missing is the
			 * last write cut short; anything else is damage. */
			if (ZSTD_getErrorCode(fsize) == ZSTD_error_srcSize_wrong) {
				*torn = 1;
				cairn__log_debug(ctx, "prediction log '%s': the frame at byte %zu is cut"
						 " short (%zu bytes): ignored", name, off, size - off);
			} else {
				cairn__log_warn(ctx, "prediction log '%s': no valid frame at byte %zu (%s):"
						" the remaining %zu bytes are skipped", name, off,
						ZSTD_getErrorName(fsize), size - off);
			}
			break;
		}
		if ((err = decompress(dctx, p + off, fsize, &out))) {
			cairn__log_warn(ctx, "prediction log '%s': the frame at byte %zu does not"
					" decompress (%s): skipped", name, off, err);
			off += fsize;
			continue;
		}
		if ((rc = each_line(ctx, name, off, out.buf, out.len, fn, arg)))
			break;
		off += fsize;
	}
	cairn_buf_release(&out);
	ZSTD_freeDCtx(dctx);
	return rc < 0 ? 0 : rc;
}

int cairn__predlog_read_segment(cairn_ctx *ctx, const char *dir, const char *name,
				cairn__predlog_fn fn, void *arg)
{
	cairn_buf path = CAIRN_BUF_INIT, data = CAIRN_BUF_INIT;
	int rc, torn;

	cairn_path_join(&path, dir, name);
	if (!(rc = cairn_read_file(ctx, path.buf, &data)))
		rc = cairn__predlog_read_buf(ctx, name, data.buf, data.len, fn, arg, &torn);
	cairn_buf_release(&path);
	cairn_buf_release(&data);
	return rc;
}
