/*
 * Request bodies decoded into rows of JSON values, and those rows into a
 * frame for the model: the MLflow scoring body (mlflow.c), the Open
 * Inference Protocol v2 tensors (v2.c) and the frame built from either
 * (input.c). Nothing here knows HTTP; everything here takes bytes from the
 * network, so it is fuzzed (fuzz/fuzz-serve-mlflow.c, fuzz-serve-v2.c).
 *
 * Errors are CAIRN_EINVAL (or CAIRN_EPARSE for JSON that does not parse)
 * with a message naming the field, column and row at fault: the request
 * path answers them with a 400 and the message.
 */
#ifndef CAIRN_SERVE_DECODE_H
#define CAIRN_SERVE_DECODE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "cairn/ctx.h"
#include "cairn/frame.h"
#include "cairn/value.h"

/* Rows of values: cells[r * ncols + c] is row r's value of column c
 * (borrowed from doc; NULL when a record lacks the column). names[c] is
 * column c's name, or names is NULL when the columns come in the model's
 * order (a list of lists, a [rows, cols] tensor). */
struct cairn__serve_input {
	json_t *doc;               /* the decoded body (owned) */
	size_t nrows, ncols;
	const char **names;        /* owned array, borrowed strings */
	const json_t **cells;      /* owned array */
	int proba;                 /* the class probabilities were asked for */
	const json_t *params;      /* MLflow params / v2 parameters (borrowed; may be NULL) */
	/* v2 only */
	const char *id;            /* the request's id (borrowed; may be NULL) */
	json_t *outputs;           /* the requested outputs' names (borrowed array) */
};

void cairn__serve_input_release(struct cairn__serve_input *in);

/* An MLflow /invocations JSON body: exactly one of dataframe_split,
 * dataframe_records, instances or inputs, and optional params
 * ({"predict_method": "predict" | "predict_proba"}). */
int cairn__mlflow_decode(cairn_ctx *ctx, const char *body, size_t len,
			 struct cairn__serve_input *in);

/* A v2 inference request: inputs [{name, shape, datatype, data}, ...]
 * (one per column, shape [n] or [n, 1], or one [n, k] tensor of the k
 * columns in the model's order), optional id, parameters and outputs. */
int cairn__v2_decode(cairn_ctx *ctx, const char *body, size_t len,
		     struct cairn__serve_input *in);

/* The model's input columns, as the frame builder matches them. */
struct cairn__serve_signature {
	size_t ncols;
	char *const *cols;
	const enum cairn_type *types;   /* training types: STRING is categorical */
};

/*
 * The frame of in's rows for a model of signature sig: a column per
 * signature column, in its order, typed as training saw it. A column
 * missing or unknown, a value of the wrong type (a word for a number, an
 * array or object for any column): CAIRN_EINVAL naming the column and the
 * row (1 is the first).
 */
int cairn__serve_input_frame(cairn_ctx *ctx, const struct cairn__serve_input *in,
			     const struct cairn__serve_signature *sig, struct cairn_frame **out);

struct cairn__cell_spans;

/*
 * The usual MLflow body straight into the frame, with no JSON tree
 * (split.c): a dataframe_split of numbers and nulls for a model whose
 * columns are all numbers, with optional index and params. 1 with *out
 * (and *proba) set, the frame cairn__mlflow_decode and
 * cairn__serve_input_frame would build, bit for bit; 0 for any other body,
 * valid or not, which the general path takes (and makes its errors).
 */
int cairn__mlflow_split_frame(const char *body, size_t len,
			      const struct cairn__serve_signature *sig, struct cairn_frame **out,
			      int *proba, struct cairn__cell_spans *spans);
/* With spans (may be NULL), where each value is in the body, so that the
 * prediction log can copy the numbers' text rather than format them again
 * (it reads back as the same double): the value of signature column c,
 * row r is the at[2i + 1] bytes at body + at[2i], i = c * nrows + r; at
 * is NULL for a body of 4 GiB or more. Released with
 * cairn__cell_spans_release. */
struct cairn__cell_spans {
	uint32_t *at;
};
void cairn__cell_spans_release(struct cairn__cell_spans *sp);

/* Checks a frame read from CSV against the signature: every column known
 * and none missing (CAIRN_EINVAL naming it). */
int cairn__serve_check_columns(cairn_ctx *ctx, const struct cairn_frame *f,
			       const struct cairn__serve_signature *sig);

#endif
