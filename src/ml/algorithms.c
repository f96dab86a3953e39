/* The table of learning algorithms and task names; see include/cairn/learner.h. */
#include <math.h>
#include <string.h>
#include <strings.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "core/fs.h"
#include "core/json.h"
#include "ml/algorithms.h"
#include "ml/learner.h"

/* Adding an algorithm: its src/ml/algo-<name>.c, one extern in
 * ml/algorithms.h and one row here. */
static const struct cairn_algorithm *const algorithms[] = {
	&cairn__algo_xgboost,
	&cairn__algo_random_forest,
	&cairn__algo_logistic,
	&cairn__algo_linear_svm,
	&cairn__algo_linear,
	&cairn__algo_kmeans,
	&cairn__algo_knn,
	&cairn__algo_naive_bayes,
	&cairn__algo_ensemble,
	NULL
};

const struct cairn_algorithm *const *cairn_algorithms(void)
{
	return algorithms;
}

const struct cairn_algorithm *cairn_algorithm_find(const char *name)
{
	for (size_t i = 0; algorithms[i]; i++)
		if (!strcmp(algorithms[i]->name, name))
			return algorithms[i];
	return NULL;
}

static const char *const task_names[] = { "classification", "regression", "clustering" };

const char *cairn_task_name(enum cairn_task t)
{
	return (unsigned)t < 3 ? task_names[t] : "unknown";
}

int cairn_task_parse(const char *s)
{
	for (int i = 0; i < 3; i++)
		if (!strcasecmp(s, task_names[i]))
			return i;
	return -1;
}

int cairn__matrix_check_finite(cairn_ctx *ctx, const char *what, const struct cairn_matrix *x)
{
	for (size_t i = 0; i < x->rows * x->cols; i++)
		if (!isfinite(x->v[i]))
			return cairn_error(ctx, CAIRN_EINVAL, "cannot %s: row %zu feature %zu is %s "
					   "(missing values must be imputed first)", what,
					   i / x->cols, i % x->cols,
					   isnan(x->v[i]) ? "missing (NaN)" : "infinite");
	return 0;
}

int cairn__model_write_json(cairn_ctx *ctx, const char *dir, const char *name, const json_t *v,
			    json_t *files)
{
	cairn_buf path = CAIRN_BUF_INIT, text = CAIRN_BUF_INIT;
	int rc;

	cairn_path_join(&path, dir, name);
	cairn_json_append(&text, v, 1);
	cairn_buf_addch(&text, '\n');
	rc = cairn_write_file_atomic(ctx, path.buf, text.buf, text.len, 0644);
	if (!rc && files)
		json_array_append_new(files, json_string(name));
	cairn_buf_release(&path);
	cairn_buf_release(&text);
	return rc;
}
