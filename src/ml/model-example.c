/* The input example of a model package: the first rows of the training
 * input, model input columns only, in MLflow's "split" layout; see
 * include/cairn/model.h. */
#include <math.h>
#include <stdlib.h>
#include "cairn/buf.h"
#include "ml/model-internal.h"

static json_t *cell(const struct cairn_column *c, const struct cairn_frame *f, size_t r, size_t col)
{
	cairn_buf text = CAIRN_BUF_INIT;
	json_t *v;

	if (!c->valid[r])
		return json_null();
	switch (c->type) {
	case CAIRN_TYPE_BOOL: return json_boolean(c->i64[r]);
	case CAIRN_TYPE_INT: return json_integer((json_int_t)c->i64[r]);
	case CAIRN_TYPE_FLOAT: return isfinite(c->num[r]) ? json_real(c->num[r]) : json_null();
	default: break;
	}
	cairn_frame_cell_text(f, r, col, &text);
	v = json_stringn(text.buf, text.len);
	cairn_buf_release(&text);
	return v ? v : json_null();
}

json_t *cairn__model_example(const cairn_prep *p, const struct cairn_frame *f,
			     const size_t *rows, size_t n)
{
	json_t *inputs = cairn_prep_inputs(p), *columns = json_array(), *data = json_array(), *c;
	int *at = cairn_xmalloc((json_array_size(inputs) + 1) * sizeof(*at));
	size_t i;

	json_array_foreach(inputs, i, c) {
		const char *name = json_string_value(json_object_get(c, "name"));
		at[i] = cairn_frame_col(f, name);
		if (at[i] >= 0)
			json_array_append_new(columns, json_string(name));
	}
	for (size_t k = 0; k < n; k++) {
		json_t *row = json_array();
		size_t r = rows ? rows[k] : k;
		for (i = 0; i < json_array_size(inputs); i++)
			if (at[i] >= 0)
				json_array_append_new(row, cell(&f->cols[at[i]], f, r, (size_t)at[i]));
		json_array_append_new(data, row);
	}
	free(at);
	json_decref(inputs);
	return json_pack("{s:o, s:o}", "columns", columns, "data", data);
}
