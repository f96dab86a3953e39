/* Unit tests of src/serve: the model table's reference counts and swaps,
 * the MLflow and v2 decoders, the frame built from them, and its errors. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "serve/decode.h"
#include "serve/models.h"
#include "tests/unit/suites.h"

static char *cols[] = { "x", "n", "color" };
static const enum cairn_type types[] = { CAIRN_TYPE_FLOAT, CAIRN_TYPE_INT, CAIRN_TYPE_STRING };
static const struct cairn__serve_signature sig = { 3, cols, types };

static struct cairn__model_version *version(const char *name, const char *v)
{
	struct cairn__model_version *mv = cairn_xcalloc(1, sizeof(*mv));

	mv->refs = 1;
	mv->name = cairn_xstrdup(name);
	mv->version = cairn_xstrdup(v);
	mv->ref = cairn_xstrdup(name);
	return mv;
}

static void test_models_swap(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn__model_version *v[2] = { version("a", "1"), version("b", "1") };
	struct cairn__model_version *held, *now, *other;
	struct cairn__models *t;

	CHECK_OK(ctx, cairn__models_new(ctx, v, 2, &t));
	CHECK_INT(cairn__models_count(t), ==, 2);
	held = cairn__models_acquire(t, "a");
	CHECK(held == v[0]);
	CHECK_INT(held->refs, ==, 2);
	CHECK(!cairn__models_acquire(t, "c"));
	/* A swap leaves the request's version alive until it releases it. */
	CHECK_OK(ctx, cairn__models_swap(ctx, t, version("a", "2")));
	CHECK_INT(held->refs, ==, 1);
	now = cairn__models_acquire(t, "a");
	CHECK_STR(now->version, "2");
	CHECK_STR(held->version, "1");
	cairn__model_version_release(held);
	cairn__model_version_release(now);
	other = version("c", "1");
	CHECK_ERR(ctx, cairn__models_swap(ctx, t, other), CAIRN_ENOTFOUND, "no model named 'c'");
	cairn__model_version_release(other);
	cairn__models_free(t);
	cairn_ctx_free(ctx);
}

static void test_models_same_name(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn__model_version *v[2] = { version("a", "1"), version("a", "2") };
	struct cairn__models *t = NULL;

	CHECK_ERR(ctx, cairn__models_new(ctx, v, 2, &t), CAIRN_EINVAL, "two models named 'a'");
	CHECK(!t);
	cairn_ctx_free(ctx);
}

/* Decodes body with the MLflow decoder and builds the frame. */
static int mlflow_frame(cairn_ctx *ctx, const char *body, struct cairn_frame **f, int *proba)
{
	struct cairn__serve_input in;
	int rc = cairn__mlflow_decode(ctx, body, strlen(body), &in);

	*f = NULL;
	if (!rc)
		rc = cairn__serve_input_frame(ctx, &in, &sig, f);
	if (proba)
		*proba = in.proba;
	cairn__serve_input_release(&in);
	return rc;
}

static void test_mlflow_formats(void)
{
	static const char *const bodies[] = {
		"{\"dataframe_split\": {\"columns\": [\"color\", \"x\", \"n\"], "
		"\"data\": [[\"red\", 1.5, 2], [null, \"2.5\", 3]]}}",
		"{\"dataframe_records\": [{\"x\": 1.5, \"n\": 2, \"color\": \"red\"}, "
		"{\"x\": \"2.5\", \"n\": 3, \"color\": null}]}",
		"{\"instances\": [[1.5, 2, \"red\"], [2.5, 3, \"\"]]}",
		"{\"inputs\": {\"n\": [2, 3], \"x\": [1.5, 2.5], \"color\": [\"red\", null]}}",
	};
	cairn_ctx *ctx = cairn_ctx_new();

	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		struct cairn_frame *f;
		CHECK_OK(ctx, mlflow_frame(ctx, bodies[i], &f, NULL));
		if (!f)
			continue;
		CHECK_INT(f->nrows, ==, 2);
		CHECK_STR(f->cols[0].name, "x");
		CHECK(f->cols[0].num[0] == 1.5 && f->cols[0].num[1] == 2.5);
		CHECK(f->cols[1].num[1] == 3);
		CHECK_INT(f->cols[2].type, ==, CAIRN_TYPE_STRING);
		CHECK_STR(f->cols[2].dict[f->cols[2].code[0]], "red");
		CHECK_INT(f->cols[2].valid[1], ==, 0);
		cairn_frame_free(f);
	}
	cairn_ctx_free(ctx);
}

static void test_mlflow_errors(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_frame *f;
	int proba;

	CHECK_ERR(ctx, mlflow_frame(ctx, "{\"inputs\": [], \"instances\": []}", &f, NULL),
		  CAIRN_EINVAL, "both 'inputs' and 'instances'");
	CHECK_ERR(ctx, mlflow_frame(ctx, "{\"data\": 1}", &f, NULL), CAIRN_EINVAL,
		  "unknown field 'data'");
	CHECK_ERR(ctx, mlflow_frame(ctx, "{\"inputs\": [[1, 2]", &f, NULL), CAIRN_EPARSE,
		  "invalid JSON");
	CHECK_ERR(ctx, mlflow_frame(ctx, "{\"instances\": [{\"x\": 1, \"n\": 2, \"color\": \"a\"}, "
				    "{\"x\": 1, \"color\": \"a\"}]}", &f, NULL), CAIRN_EINVAL,
		  "row 2: missing column 'n'");
	CHECK_ERR(ctx, mlflow_frame(ctx, "{\"instances\": [{\"x\": 1, \"n\": 2, \"color\": \"a\"}, "
				    "{\"x\": 1, \"n\": 2, \"color\": \"a\", \"z\": 0}]}", &f, NULL),
		  CAIRN_EINVAL, "row 2: unknown column 'z'");
	CHECK_ERR(ctx, mlflow_frame(ctx, "{\"instances\": [[1, 2, \"a\"], [1, \"two\", \"a\"]]}",
				    &f, NULL), CAIRN_EINVAL, "column 'n' row 2: 'two' is not a number");
	CHECK_ERR(ctx, mlflow_frame(ctx, "{\"instances\": [[1, 2, [\"a\"]]]}", &f, NULL),
		  CAIRN_EINVAL, "column 'color' row 1: an array is not a value");
	CHECK_ERR(ctx, mlflow_frame(ctx, "{\"instances\": [[\"inf\", 2, \"a\"]]}", &f, NULL),
		  CAIRN_EINVAL, "'inf' is not a finite number");
	CHECK_ERR(ctx, mlflow_frame(ctx, "{\"instances\": [[1, 2]]}", &f, NULL), CAIRN_EINVAL,
		  "rows of 2 values without column names");
	CHECK_ERR(ctx, mlflow_frame(ctx, "{\"instances\": [[1, 2, \"a\"]], \"params\": "
				    "{\"predict_method\": \"score\"}}", &f, NULL), CAIRN_EINVAL,
		  "predict_method");
	CHECK_OK(ctx, mlflow_frame(ctx, "{\"instances\": [[1, 2, \"a\"]], \"params\": "
				   "{\"predict_method\": \"predict_proba\"}}", &f, &proba));
	CHECK_INT(proba, ==, 1);
	cairn_frame_free(f);
	cairn_ctx_free(ctx);
}

static int v2_frame(cairn_ctx *ctx, const char *body, struct cairn_frame **f)
{
	struct cairn__serve_input in;
	int rc = cairn__v2_decode(ctx, body, strlen(body), &in);

	*f = NULL;
	if (!rc)
		rc = cairn__serve_input_frame(ctx, &in, &sig, f);
	cairn__serve_input_release(&in);
	return rc;
}

static void test_v2_tensors(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_frame *f;

	CHECK_OK(ctx, v2_frame(ctx, "{\"inputs\": [{\"name\": \"t\", \"shape\": [2, 3], "
			       "\"datatype\": \"BYTES\", \"data\": [[\"1.5\", \"2\", \"a\"], "
			       "[\"3\", \"4\", \"b\"]]}]}", &f));
	CHECK(f && f->nrows == 2 && f->cols[1].num[1] == 4);
	cairn_frame_free(f);
	CHECK_OK(ctx, v2_frame(ctx, "{\"inputs\": [{\"name\": \"color\", \"shape\": [1], "
			       "\"datatype\": \"BYTES\", \"data\": [\"a\"]}, {\"name\": \"x\", "
			       "\"shape\": [1, 1], \"datatype\": \"FP32\", \"data\": [[0.5]]}, "
			       "{\"name\": \"n\", \"shape\": [1], \"datatype\": \"INT64\", "
			       "\"data\": [7]}]}", &f));
	CHECK(f && f->cols[0].num[0] == 0.5 && f->cols[1].num[0] == 7);
	cairn_frame_free(f);
	CHECK_ERR(ctx, v2_frame(ctx, "{\"inputs\": [{\"name\": \"n\", \"shape\": [2], "
				"\"datatype\": \"INT64\", \"data\": [1]}]}", &f), CAIRN_EINVAL,
		  "holds 2 values, data has 1");
	CHECK_ERR(ctx, v2_frame(ctx, "{\"inputs\": [{\"name\": \"n\", \"shape\": [1], "
				"\"datatype\": \"UINT8\", \"data\": [-1]}]}", &f), CAIRN_EINVAL,
		  "out of the range of UINT8");
	CHECK_ERR(ctx, v2_frame(ctx, "{\"inputs\": [{\"name\": \"n\", \"shape\": [1], "
				"\"datatype\": \"FP9\", \"data\": [1]}]}", &f), CAIRN_EINVAL,
		  "datatype must be one of");
	CHECK_ERR(ctx, v2_frame(ctx, "{\"inputs\": [{\"name\": \"n\", \"shape\": [1], "
				"\"datatype\": \"INT64\", \"data\": [1]}, {\"name\": \"x\", "
				"\"shape\": [2], \"datatype\": \"FP64\", \"data\": [1, 2]}]}", &f),
		  CAIRN_EINVAL, "input 'x' has 2 rows");
	CHECK_ERR(ctx, v2_frame(ctx, "{\"inputs\": [{\"name\": \"n\", \"shape\": [1], "
				"\"datatype\": \"INT64\", \"data\": [1]}]}", &f), CAIRN_EINVAL,
		  "missing column 'x'");
	cairn_ctx_free(ctx);
}

const struct unit_test serve_tests[] = {
	{ "serve: the model table swaps a version, a held one lives on", test_models_swap },
	{ "serve: two models of one name are refused", test_models_same_name },
	{ "serve: the MLflow formats give the same frame", test_mlflow_formats },
	{ "serve: MLflow bodies in error name the field, column and row", test_mlflow_errors },
	{ "serve: v2 tensors, per column or one matrix, and their errors", test_v2_tensors },
	{ NULL, NULL }
};
