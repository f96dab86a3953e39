/* The Open Inference Protocol v2 inference request decoded into rows of
 * values: tensors checked against their shape and datatype, one per column
 * or one [rows, cols] tensor; see decode.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "serve/decode.h"

/* Tensor datatypes: which JSON values an element may be, and the range of
 * an integer one. */
struct dtype {
	const char *name;
	char kind;            /* 'b' boolean, 'i' integer, 'u' unsigned, 'f' number, 's' string */
	int64_t lo, hi;
};

static const struct dtype dtypes[] = {
	{ "BOOL", 'b', 0, 0 },
	{ "INT8", 'i', INT8_MIN, INT8_MAX },
	{ "INT16", 'i', INT16_MIN, INT16_MAX },
	{ "INT32", 'i', INT32_MIN, INT32_MAX },
	{ "INT64", 'i', INT64_MIN, INT64_MAX },
	{ "UINT8", 'u', 0, UINT8_MAX },
	{ "UINT16", 'u', 0, UINT16_MAX },
	{ "UINT32", 'u', 0, UINT32_MAX },
	{ "UINT64", 'u', 0, INT64_MAX },
	{ "FP16", 'f', 0, 0 },
	{ "FP32", 'f', 0, 0 },
	{ "FP64", 'f', 0, 0 },
	{ "BYTES", 's', 0, 0 },
};

static const struct dtype *find_dtype(const char *name)
{
	for (size_t i = 0; i < sizeof(dtypes) / sizeof(dtypes[0]); i++)
		if (!strcmp(dtypes[i].name, name))
			return &dtypes[i];
	return NULL;
}

/* A tensor's elements in row-major order: its data flattened (nested
 * lists of any depth are read in order). */
struct elems {
	const json_t **v;
	size_t n, cap, limit;
};

static int flatten(cairn_ctx *ctx, const char *name, const json_t *data, int depth,
		   struct elems *e)
{
	size_t i;
	json_t *v;

	if (depth > 32)
		return cairn_error(ctx, CAIRN_EINVAL, "input '%s': data nested too deeply", name);
	json_array_foreach(data, i, v) {
		if (json_is_array(v)) {
			int rc = flatten(ctx, name, v, depth + 1, e);
			if (rc)
				return rc;
			continue;
		}
		if (e->n == e->limit)
			return cairn_error(ctx, CAIRN_EINVAL, "input '%s': more data than its shape "
					   "holds (%zu values)", name, e->limit);
		if (e->n == e->cap) {
			e->cap = e->cap ? 2 * e->cap : 64;
			e->v = cairn_xrealloc(e->v, e->cap * sizeof(*e->v));
		}
		e->v[e->n++] = v;
	}
	return 0;
}

static int check_elem(cairn_ctx *ctx, const char *name, const struct dtype *t, size_t i,
		      const json_t *v)
{
	const char *want = NULL;

	switch (t->kind) {
	case 'b':
		if (!json_is_boolean(v))
			want = "a boolean";
		break;
	case 's':
		if (!json_is_string(v))
			want = "a string";
		break;
	case 'f':
		if (!json_is_number(v))
			want = "a number";
		break;
	default:
		if (!json_is_integer(v))
			want = "an integer";
		else if (json_integer_value(v) < t->lo || json_integer_value(v) > t->hi)
			return cairn_error(ctx, CAIRN_EINVAL, "input '%s' element %zu: %lld is out of"
					   " the range of %s", name, i,
					   (long long)json_integer_value(v), t->name);
		break;
	}
	if (want)
		return cairn_error(ctx, CAIRN_EINVAL, "input '%s' element %zu: %s holds %s, not "
				   "this %s", name, i, t->name, want,
				   json_is_null(v) ? "null" : json_is_string(v) ? "string" :
				   json_is_boolean(v) ? "boolean" : json_is_object(v) ? "object" :
				   "number");
	return 0;
}

/* One input: its name, its shape as [rows, cols] (cols 1 for a vector),
 * and its elements. */
static int decode_tensor(cairn_ctx *ctx, size_t k, const json_t *t, const char **name,
			 size_t *rows, size_t *cols, struct elems *e)
{
	const json_t *shape = json_object_get(t, "shape"), *v;
	const json_t *dt = json_object_get(t, "datatype"), *data = json_object_get(t, "data");
	const struct dtype *type;
	size_t i, total = 1;
	int rc;

	if (!json_is_object(t) || !json_is_string(json_object_get(t, "name")))
		return cairn_error(ctx, CAIRN_EINVAL, "inputs[%zu] must be an object with a name",
				   k);
	*name = json_string_value(json_object_get(t, "name"));
	if (!json_is_array(shape) || !json_array_size(shape) || json_array_size(shape) > 2)
		return cairn_error(ctx, CAIRN_EINVAL, "input '%s': shape must be [rows] or [rows, "
				   "columns]", *name);
	json_array_foreach(shape, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > (json_int_t)1 << 31)
			return cairn_error(ctx, CAIRN_EINVAL, "input '%s': shape[%zu] must be a "
					   "non-negative integer", *name, i);
		total *= (size_t)json_integer_value(v);
	}
	*rows = (size_t)json_integer_value(json_array_get(shape, 0));
	*cols = json_array_size(shape) == 2 ? (size_t)json_integer_value(json_array_get(shape, 1))
		: 1;
	if (!json_is_string(dt) || !(type = find_dtype(json_string_value(dt))))
		return cairn_error(ctx, CAIRN_EINVAL, "input '%s': datatype must be one of BOOL, "
				   "INT8..INT64, UINT8..UINT64, FP16, FP32, FP64, BYTES", *name);
	if (!json_is_array(data))
		return cairn_error(ctx, CAIRN_EINVAL, "input '%s': data must be a list", *name);
	e->limit = total;
	if ((rc = flatten(ctx, *name, data, 0, e)))
		return rc;
	if (e->n != total)
		return cairn_error(ctx, CAIRN_EINVAL, "input '%s': shape [%zu, %zu] holds %zu "
				   "values, data has %zu", *name, *rows, *cols, total, e->n);
	for (i = 0; i < e->n; i++)
		if ((rc = check_elem(ctx, *name, type, i, e->v[i])))
			return rc;
	return 0;
}

static int decode_outputs(cairn_ctx *ctx, struct cairn__serve_input *in)
{
	json_t *outs = json_object_get(in->doc, "outputs"), *o;
	size_t i;

	if (!outs)
		return 0;
	if (!json_is_array(outs))
		return cairn_error(ctx, CAIRN_EINVAL, "outputs must be a list");
	json_array_foreach(outs, i, o) {
		const char *name = json_string_value(json_object_get(o, "name"));
		if (!name)
			return cairn_error(ctx, CAIRN_EINVAL, "outputs[%zu] must be an object with a "
					   "name", i);
		if (!strcmp(name, "predict_proba"))
			in->proba = 1;
		else if (strcmp(name, "predict"))
			return cairn_error(ctx, CAIRN_EINVAL, "unknown output '%s' (predict, "
					   "predict_proba)", name);
	}
	in->outputs = outs;
	return 0;
}

int cairn__v2_decode(cairn_ctx *ctx, const char *body, size_t len,
		     struct cairn__serve_input *in)
{
	const json_t *inputs, *id, *params, *m;
	struct elems e = { NULL, 0, 0, 0 };
	json_error_t err;
	int rc = 0;

	memset(in, 0, sizeof(*in));
	if (!(in->doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err)))
		return cairn_error(ctx, CAIRN_EPARSE, "invalid JSON at line %d column %d: %s",
				   err.line, err.column, err.text);
	if (!json_is_object(in->doc))
		return cairn_error(ctx, CAIRN_EINVAL, "the body must be a JSON object with inputs");
	id = json_object_get(in->doc, "id");
	if (id && !json_is_string(id))
		return cairn_error(ctx, CAIRN_EINVAL, "id must be a string");
	in->id = json_string_value(id);
	params = json_object_get(in->doc, "parameters");
	if (params && !json_is_object(params))
		return cairn_error(ctx, CAIRN_EINVAL, "parameters must be an object");
	in->params = params;
	if ((m = json_object_get(params, "predict_method"))) {
		if (json_is_string(m) && !strcmp(json_string_value(m), "predict_proba"))
			in->proba = 1;
		else if (!json_is_string(m) || strcmp(json_string_value(m), "predict"))
			return cairn_error(ctx, CAIRN_EINVAL, "parameters.predict_method must be "
					   "\"predict\" or \"predict_proba\"");
	}
	if ((rc = decode_outputs(ctx, in)))
		return rc;
	inputs = json_object_get(in->doc, "inputs");
	if (!json_is_array(inputs) || !json_array_size(inputs))
		return cairn_error(ctx, CAIRN_EINVAL, "inputs must be a non-empty list of tensors");
	size_t ninputs = json_array_size(inputs);
	for (size_t k = 0; k < ninputs && !rc; k++) {
		const char *name = "";
		size_t rows = 0, cols = 0;
		e.n = 0;
		if ((rc = decode_tensor(ctx, k, json_array_get(inputs, k), &name, &rows, &cols, &e)))
			break;
		if (cols != 1 || ninputs == 1) {
			/* One [rows, cols] tensor of every column, in the model's order
			 * (or a single column of a one-column model). */
			if (ninputs != 1) {
				rc = cairn_error(ctx, CAIRN_EINVAL, "input '%s' has %zu columns: a "
						 "[rows, columns] tensor must be the only input",
						 name, cols);
				break;
			}
			if (cols == 1 && json_array_size(json_object_get(json_array_get(inputs, 0),
									 "shape")) == 1) {
				in->names = cairn_xcalloc(1, sizeof(*in->names));
				in->names[0] = name;
			}
			in->nrows = rows;
			in->ncols = cols;
			in->cells = e.v;
			e.v = NULL;
			break;
		}
		if (!k) {
			in->nrows = rows;
			in->ncols = ninputs;
			in->names = cairn_xcalloc(ninputs, sizeof(*in->names));
			in->cells = cairn_xcalloc(rows && ninputs ? rows * ninputs : 1,
						  sizeof(*in->cells));
		} else if (rows != in->nrows) {
			rc = cairn_error(ctx, CAIRN_EINVAL, "input '%s' has %zu rows, input '%s' %zu",
					 name, rows, in->names[0], in->nrows);
			break;
		}
		in->names[k] = name;
		for (size_t r = 0; r < rows; r++)
			in->cells[r * ninputs + k] = e.v[r];
	}
	free(e.v);
	return rc;
}
