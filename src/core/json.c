/* JSON reading and writing over jansson; see include/cairn/json.h. */
#include <stdlib.h>
#include "cairn/error.h"
#include "cairn/fs.h"
#include "cairn/json.h"

int cairn_json_load_text(cairn_ctx *ctx, const char *what, const char *text,
			 size_t len, json_t **out)
{
	json_error_t err;
	json_t *v = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);

	if (!v)
		return cairn_error(ctx, CAIRN_EPARSE, "cannot parse '%s' line %d column %d: %s",
				   what, err.line, err.column, err.text);
	*out = v;
	return 0;
}

int cairn_json_load_file(cairn_ctx *ctx, const char *path, json_t **out)
{
	cairn_buf b = CAIRN_BUF_INIT;
	int rc = cairn_read_file(ctx, path, &b);

	if (!rc)
		rc = cairn_json_load_text(ctx, path, b.buf, b.len, out);
	cairn_buf_release(&b);
	return rc;
}

void cairn_json_append(cairn_buf *b, const json_t *v, int pretty)
{
	size_t flags = pretty ? (JSON_INDENT(2) | JSON_SORT_KEYS) : JSON_COMPACT;
	char *s = json_dumps(v, flags | JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));

	if (!s) {
		cairn_buf_adds(b, "null");
		return;
	}
	cairn_buf_adds(b, s);
	free(s);
}

int cairn_json_print(FILE *f, const json_t *v, int pretty)
{
	cairn_buf b = CAIRN_BUF_INIT;
	int rc;

	cairn_json_append(&b, v, pretty);
	cairn_buf_addch(&b, '\n');
	rc = fwrite(b.buf, 1, b.len, f) == b.len ? 0 : -1;
	cairn_buf_release(&b);
	return rc;
}
