/* The frame a model predicts, built straight from a request's decoded JSON
 * values (no text in between), with the errors that name the column and
 * the row; see decode.h. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "core/json.h"
#include "core/strmap.h"
#include "serve/decode.h"

void cairn__serve_input_release(struct cairn__serve_input *in)
{
	free(in->names);
	free(in->cells);
	json_decref(in->doc);
	memset(in, 0, sizeof(*in));
}

static void list_columns(cairn_buf *b, const struct cairn__serve_signature *sig)
{
	for (size_t i = 0; i < sig->ncols; i++)
		cairn_buf_addf(b, "%s%s", i ? ", " : "", sig->cols[i]);
}

static int column_error(cairn_ctx *ctx, const struct cairn__serve_signature *sig,
			const char *what, const char *name, size_t row)
{
	cairn_buf cols = CAIRN_BUF_INIT;
	int rc;

	list_columns(&cols, sig);
	if (row)
		rc = cairn_error(ctx, CAIRN_EINVAL, "row %zu: %s column '%s' (the model takes %s)",
				 row, what, name, cols.buf);
	else
		rc = cairn_error(ctx, CAIRN_EINVAL, "%s column '%s' (the model takes %s)", what,
				 name, cols.buf);
	cairn_buf_release(&cols);
	return rc;
}

static int sig_find(const struct cairn__serve_signature *sig, const char *name)
{
	for (size_t i = 0; i < sig->ncols; i++)
		if (!strcmp(sig->cols[i], name))
			return (int)i;
	return -1;
}

/* The first row (1-based) whose cell of column c is absent, or 0. */
static size_t first_absent(const struct cairn__serve_input *in, size_t c, int absent)
{
	for (size_t r = 0; r < in->nrows; r++)
		if ((in->cells[r * in->ncols + c] == NULL) == absent)
			return r + 1;
	return 0;
}

/* A value of a column the model saw as text: the string, or the JSON text
 * of a number or boolean, as a JSON lines file would give it. */
static int text_cell(cairn_ctx *ctx, const char *col, size_t row, const json_t *v,
		     cairn_buf *out)
{
	cairn_buf_reset(out);
	if (json_is_string(v)) {
		cairn_buf_add(out, json_string_value(v), json_string_length(v));
		return 0;
	}
	if (json_is_array(v) || json_is_object(v))
		return cairn_error(ctx, CAIRN_EINVAL, "column '%s' row %zu: %s is not a value",
				   col, row, json_is_array(v) ? "an array" : "an object");
	cairn_json_append(out, v, 0);
	return 0;
}

/* A value of a column the model saw as numbers into *d (NaN: missing). */
static int number_cell(cairn_ctx *ctx, const char *col, enum cairn_type type, size_t row,
		       const json_t *v, double *d)
{
	const char *s;
	size_t len;
	int64_t i;
	int b;

	*d = NAN;
	switch (json_typeof(v)) {
	case JSON_NULL:
		return 0;
	case JSON_TRUE:
	case JSON_FALSE:
		*d = json_is_true(v);
		return 0;
	case JSON_INTEGER:
		*d = (double)json_integer_value(v);
		return 0;
	case JSON_REAL:
		*d = json_real_value(v);
		return 0;
	case JSON_STRING:
		s = json_string_value(v);
		len = json_string_length(v);
		if (!len)
			return 0;
		if (type == CAIRN_TYPE_DATETIME && cairn_parse_datetime(s, len, &i)) {
			*d = (double)i;
			return 0;
		}
		if (type == CAIRN_TYPE_BOOL && cairn_parse_bool(s, len, &b)) {
			*d = b;
			return 0;
		}
		if (cairn_parse_float(s, len, d) && !isinf(*d))
			return 0;
		if (cairn_parse_float(s, len, d))
			return cairn_error(ctx, CAIRN_EINVAL, "column '%s' row %zu: '%.64s' is not a"
					   " finite number", col, row, s);
		return cairn_error(ctx, CAIRN_EINVAL, "column '%s' row %zu: '%.64s' is not a number"
				   " (the model was trained on %s values)", col, row, s,
				   cairn_type_name(type));
	default:
		return cairn_error(ctx, CAIRN_EINVAL, "column '%s' row %zu: %s is not a value", col,
				   row, json_is_array(v) ? "an array" : "an object");
	}
}

static int fill_column(cairn_ctx *ctx, const struct cairn__serve_input *in, size_t from,
		       const char *name, enum cairn_type type, struct cairn_column *col)
{
	size_t n = in->nrows ? in->nrows : 1;
	cairn_buf text = CAIRN_BUF_INIT;
	struct cairn_strmap dict;
	int rc = 0;

	col->name = cairn_xstrdup(name);
	col->valid = cairn_xcalloc(n, 1);
	if (type == CAIRN_TYPE_STRING) {
		col->type = CAIRN_TYPE_STRING;
		col->code = cairn_xcalloc(n, sizeof(*col->code));
		cairn_strmap_init(&dict);
		for (size_t r = 0; r < in->nrows && !rc; r++) {
			const json_t *v = in->cells[r * in->ncols + from];
			if (json_is_null(v) || (json_is_string(v) && !json_string_length(v))) {
				col->nnull++;
				continue;
			}
			if ((rc = text_cell(ctx, name, r + 1, v, &text)))
				break;
			col->valid[r] = 1;
			col->code[r] = cairn_strmap_intern(&dict, text.buf, text.len, NULL);
		}
		col->dict = cairn_strmap_detach_keys(&dict, &col->ndict);
		if (!col->dict)
			col->dict = cairn_xcalloc(1, sizeof(char *));
		cairn_strmap_release(&dict);
		cairn_buf_release(&text);
		return rc;
	}
	/* Numbers, whatever their training type: the preprocessing reads
	 * num[] only, as it does for a file's column of that type. */
	col->type = CAIRN_TYPE_FLOAT;
	col->num = cairn_xmalloc(n * sizeof(*col->num));
	for (size_t r = 0; r < in->nrows && !rc; r++) {
		rc = number_cell(ctx, name, type, r + 1, in->cells[r * in->ncols + from],
				 &col->num[r]);
		if (isnan(col->num[r]))
			col->nnull++;
		else
			col->valid[r] = 1;
	}
	return rc;
}

int cairn__serve_input_frame(cairn_ctx *ctx, const struct cairn__serve_input *in,
			     const struct cairn__serve_signature *sig, struct cairn_frame **out)
{
	struct cairn_frame *f;
	size_t *from = NULL;
	int rc = 0;

	*out = NULL;
	if (!in->nrows)
		return cairn_error(ctx, CAIRN_EINVAL, "the request holds no rows");
	from = cairn_xmalloc((sig->ncols ? sig->ncols : 1) * sizeof(*from));
	if (!in->names) {
		if (in->ncols != sig->ncols) {
			cairn_buf cols = CAIRN_BUF_INIT;
			list_columns(&cols, sig);
			rc = cairn_error(ctx, CAIRN_EINVAL, "rows of %zu values without column names,"
					 " but the model takes %zu columns (%s)", in->ncols,
					 sig->ncols, cols.buf);
			cairn_buf_release(&cols);
			goto out;
		}
		for (size_t i = 0; i < sig->ncols; i++)
			from[i] = i;
	} else {
		for (size_t c = 0; c < in->ncols; c++) {
			if (sig_find(sig, in->names[c]) < 0) {
				rc = column_error(ctx, sig, "unknown", in->names[c],
						  first_absent(in, c, 0));
				goto out;
			}
			for (size_t d = 0; d < c; d++)
				if (!strcmp(in->names[c], in->names[d])) {
					rc = cairn_error(ctx, CAIRN_EINVAL, "column '%s' comes twice",
							 in->names[c]);
					goto out;
				}
		}
		for (size_t i = 0; i < sig->ncols; i++) {
			size_t c = 0;
			while (c < in->ncols && strcmp(in->names[c], sig->cols[i]))
				c++;
			if (c == in->ncols) {
				rc = column_error(ctx, sig, "missing", sig->cols[i], 1);
				goto out;
			}
			from[i] = c;
		}
	}
	for (size_t i = 0; i < sig->ncols; i++) {
		size_t r = first_absent(in, from[i], 1);
		if (r) {
			rc = column_error(ctx, sig, "missing", sig->cols[i], r);
			goto out;
		}
	}
	f = cairn_xcalloc(1, sizeof(*f));
	f->name = cairn_xstrdup("request");
	f->format = CAIRN_FORMAT_JSONL;
	f->nrows = in->nrows;
	f->ncols = sig->ncols;
	f->cols = cairn_xcalloc(sig->ncols ? sig->ncols : 1, sizeof(*f->cols));
	for (size_t i = 0; i < sig->ncols && !rc; i++)
		rc = fill_column(ctx, in, from[i], sig->cols[i], sig->types[i], &f->cols[i]);
	if (rc)
		cairn_frame_free(f);
	else
		*out = f;
out:
	free(from);
	return rc;
}

int cairn__serve_check_columns(cairn_ctx *ctx, const struct cairn_frame *f,
			       const struct cairn__serve_signature *sig)
{
	for (size_t c = 0; c < f->ncols; c++)
		if (sig_find(sig, f->cols[c].name) < 0)
			return column_error(ctx, sig, "unknown", f->cols[c].name, 0);
	for (size_t i = 0; i < sig->ncols; i++)
		if (cairn_frame_col(f, sig->cols[i]) < 0)
			return column_error(ctx, sig, "missing", sig->cols[i], 0);
	return 0;
}
