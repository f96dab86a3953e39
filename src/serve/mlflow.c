/* MLflow's scoring body (POST /invocations, application/json) decoded
 * into rows of values, as MLflow 2.x's scoring server reads it; see
 * decode.h. */
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "serve/decode.h"

static const char *const formats[] = { "dataframe_split", "dataframe_records", "instances",
				       "inputs" };
#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

static void alloc_cells(struct cairn__serve_input *in, size_t nrows, size_t ncols)
{
	in->nrows = nrows;
	in->ncols = ncols;
	/* Sizes come from arrays that are in memory already, so this is
	 * bounded by the body's size. */
	in->cells = cairn_xcalloc(nrows && ncols ? nrows * ncols : 1, sizeof(*in->cells));
}

/* [[v, ...], ...] with every row of ncols values (names set by the caller
 * or NULL: the model's order). */
static int decode_rows(cairn_ctx *ctx, const char *field, const json_t *data, size_t ncols,
		       struct cairn__serve_input *in)
{
	size_t r, c;
	json_t *row, *v;

	alloc_cells(in, json_array_size(data), ncols);
	json_array_foreach(data, r, row) {
		if (!json_is_array(row))
			return cairn_error(ctx, CAIRN_EINVAL, "%s row %zu is not a list of values",
					   field, r + 1);
		if (json_array_size(row) != ncols)
			return cairn_error(ctx, CAIRN_EINVAL, "%s row %zu has %zu values, expected "
					   "%zu", field, r + 1, json_array_size(row), ncols);
		json_array_foreach(row, c, v)
			in->cells[r * ncols + c] = v;
	}
	return 0;
}

/* [{col: v, ...}, ...]: the columns are the keys, in order of first
 * appearance; a record without one of them has a NULL cell. */
static int decode_records(cairn_ctx *ctx, const char *field, const json_t *data,
			  struct cairn__serve_input *in)
{
	size_t r, ncols = 0, cap = 0;
	const char *key;
	json_t *row, *v;

	json_array_foreach(data, r, row) {
		if (!json_is_object(row))
			return cairn_error(ctx, CAIRN_EINVAL, "%s row %zu is not an object of "
					   "column values", field, r + 1);
		json_object_foreach(row, key, v) {
			size_t c = 0;
			while (c < ncols && strcmp(in->names[c], key))
				c++;
			if (c < ncols)
				continue;
			if (ncols == cap) {
				cap = cap ? 2 * cap : 16;
				in->names = cairn_xrealloc(in->names, cap * sizeof(*in->names));
			}
			in->names[ncols++] = key;
		}
	}
	if (!in->names)
		in->names = cairn_xcalloc(1, sizeof(*in->names));
	alloc_cells(in, json_array_size(data), ncols);
	json_array_foreach(data, r, row)
		for (size_t c = 0; c < ncols; c++)
			in->cells[r * ncols + c] = json_object_get(row, in->names[c]);
	return 0;
}

/* {col: [v, ...], ...}: one list per column, all of one length. */
static int decode_columns(cairn_ctx *ctx, const char *field, const json_t *data,
			  struct cairn__serve_input *in)
{
	size_t ncols = json_object_size(data), nrows = 0, c = 0, r;
	const char *key;
	json_t *col, *v;

	in->names = cairn_xcalloc(ncols ? ncols : 1, sizeof(*in->names));
	json_object_foreach((json_t *)data, key, col) {
		if (!json_is_array(col))
			return cairn_error(ctx, CAIRN_EINVAL, "%s column '%s' is not a list of "
					   "values", field, key);
		if (!c)
			nrows = json_array_size(col);
		else if (json_array_size(col) != nrows)
			return cairn_error(ctx, CAIRN_EINVAL, "%s column '%s' has %zu values, the "
					   "first column %zu", field, key, json_array_size(col),
					   nrows);
		in->names[c++] = key;
	}
	alloc_cells(in, nrows, ncols);
	for (c = 0; c < ncols; c++) {
		col = json_object_get(data, in->names[c]);
		json_array_foreach(col, r, v)
			in->cells[r * ncols + c] = v;
	}
	return 0;
}

static int decode_split(cairn_ctx *ctx, const json_t *split, struct cairn__serve_input *in)
{
	const json_t *cols = json_object_get(split, "columns");
	const json_t *data = json_object_get(split, "data");
	const char *key;
	json_t *v;
	size_t c;

	if (!json_is_object(split))
		return cairn_error(ctx, CAIRN_EINVAL, "dataframe_split must be an object with "
				   "columns and data");
	json_object_foreach((json_t *)split, key, v)
		if (strcmp(key, "columns") && strcmp(key, "data") && strcmp(key, "index"))
			return cairn_error(ctx, CAIRN_EINVAL, "dataframe_split has an unknown "
					   "field '%s' (columns, data, index)", key);
	if (!json_is_array(data))
		return cairn_error(ctx, CAIRN_EINVAL, "dataframe_split.data must be a list of rows");
	if (!cols) {
		size_t ncols = json_array_size(data) ? json_array_size(json_array_get(data, 0)) : 0;
		return decode_rows(ctx, "dataframe_split.data", data, ncols, in);
	}
	if (!json_is_array(cols))
		return cairn_error(ctx, CAIRN_EINVAL, "dataframe_split.columns must be a list of "
				   "column names");
	in->names = cairn_xcalloc(json_array_size(cols) ? json_array_size(cols) : 1,
				  sizeof(*in->names));
	json_array_foreach(cols, c, v) {
		if (!json_is_string(v))
			return cairn_error(ctx, CAIRN_EINVAL, "dataframe_split.columns[%zu] is not "
					   "a name", c);
		in->names[c] = json_string_value(v);
	}
	return decode_rows(ctx, "dataframe_split.data", data, json_array_size(cols), in);
}

/* instances / inputs: a list of records, a list of rows in the model's
 * order, a list of single values (a model of one column), or an object of
 * columns. */
static int decode_tensor(cairn_ctx *ctx, const char *field, const json_t *data,
			 struct cairn__serve_input *in)
{
	const json_t *first;

	if (json_is_object(data))
		return decode_columns(ctx, field, data, in);
	if (!json_is_array(data))
		return cairn_error(ctx, CAIRN_EINVAL, "%s must be a list of rows or an object of "
				   "columns", field);
	first = json_array_get(data, 0);
	if (json_is_object(first))
		return decode_records(ctx, field, data, in);
	if (json_is_array(first))
		return decode_rows(ctx, field, data, json_array_size(first), in);
	/* Single values: each is a row of one column. */
	alloc_cells(in, json_array_size(data), 1);
	for (size_t r = 0; r < in->nrows; r++) {
		const json_t *v = json_array_get(data, r);
		if (json_is_array(v) || json_is_object(v))
			return cairn_error(ctx, CAIRN_EINVAL, "%s row %zu is not a single value like "
					   "row 1", field, r + 1);
		in->cells[r] = v;
	}
	return 0;
}

static int decode_params(cairn_ctx *ctx, const json_t *params, struct cairn__serve_input *in)
{
	const json_t *m;

	if (!params || json_is_null(params))
		return 0;
	if (!json_is_object(params))
		return cairn_error(ctx, CAIRN_EINVAL, "params must be an object");
	in->params = params;
	m = json_object_get(params, "predict_method");
	if (!m)
		return 0;
	if (json_is_string(m) && !strcmp(json_string_value(m), "predict_proba"))
		in->proba = 1;
	else if (!json_is_string(m) || strcmp(json_string_value(m), "predict"))
		return cairn_error(ctx, CAIRN_EINVAL, "params.predict_method must be \"predict\" "
				   "or \"predict_proba\"");
	return 0;
}

int cairn__mlflow_decode(cairn_ctx *ctx, const char *body, size_t len,
			 struct cairn__serve_input *in)
{
	json_error_t err;
	const char *key, *format = NULL;
	json_t *v;
	int rc;

	memset(in, 0, sizeof(*in));
	if (!(in->doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err)))
		return cairn_error(ctx, CAIRN_EPARSE, "invalid JSON at line %d column %d: %s",
				   err.line, err.column, err.text);
	if (!json_is_object(in->doc))
		return cairn_error(ctx, CAIRN_EINVAL, "the body must be a JSON object with one of "
				   "dataframe_split, dataframe_records, instances, inputs");
	json_object_foreach(in->doc, key, v) {
		size_t i = 0;
		if (!strcmp(key, "params"))
			continue;
		while (i < NFORMATS && strcmp(key, formats[i]))
			i++;
		if (i == NFORMATS)
			return cairn_error(ctx, CAIRN_EINVAL, "unknown field '%s': the body holds "
					   "exactly one of dataframe_split, dataframe_records, "
					   "instances, inputs (and params)", key);
		if (format)
			return cairn_error(ctx, CAIRN_EINVAL, "the body holds both '%s' and '%s': "
					   "exactly one of dataframe_split, dataframe_records, "
					   "instances, inputs", format, key);
		format = key;
	}
	if (!format)
		return cairn_error(ctx, CAIRN_EINVAL, "the body holds none of dataframe_split, "
				   "dataframe_records, instances, inputs");
	if ((rc = decode_params(ctx, json_object_get(in->doc, "params"), in)))
		return rc;
	v = json_object_get(in->doc, format);
	if (!strcmp(format, "dataframe_split"))
		return decode_split(ctx, v, in);
	if (!strcmp(format, "dataframe_records")) {
		if (!json_is_array(v))
			return cairn_error(ctx, CAIRN_EINVAL, "dataframe_records must be a list of "
					   "objects");
		return decode_records(ctx, format, v, in);
	}
	return decode_tensor(ctx, format, v, in);
}
