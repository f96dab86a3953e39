/*
 * libxgboost, loaded on first use (see core/dynlib.h): the functions of its
 * C API that cairn calls, through one struct. Only the commands that train or
 * predict with a gradient-boosted model pay for loading the library (and its
 * C++ and OpenMP runtimes); loading it with dlopen(RTLD_LOCAL) keeps its
 * symbols out of cairn's link namespace.
 *
 * Every call of cairn__xgb() also routes libxgboost's log messages (its
 * warnings) of the calling thread to cairn's log: libxgboost keeps its log
 * callback per thread, so the routing is renewed on each thread that uses it.
 *
 * Errors: a libxgboost function returns -1 and keeps the message for the
 * calling thread; cairn__xgb_error() turns it into a cairn error.
 */
#ifndef CAIRN_ML_XGB_LOADER_H
#define CAIRN_ML_XGB_LOADER_H

#include <xgboost/c_api.h>
#include "cairn/ctx.h"

struct cairn__xgb_api {
	void (*version)(int *major, int *minor, int *patch);
	const char *(*get_last_error)(void);
	int (*register_log_callback)(void (*callback)(const char *));
	int (*dmatrix_create_from_mat_omp)(const float *data, bst_ulong nrow, bst_ulong ncol,
					   float missing, DMatrixHandle *out, int nthread);
	int (*dmatrix_set_float_info)(DMatrixHandle h, const char *field, const float *array,
				      bst_ulong len);
	int (*proxy_dmatrix_create)(DMatrixHandle *out);
	int (*proxy_dmatrix_set_data_dense)(DMatrixHandle h, const char *array_interface);
	int (*quantile_dmatrix_create_from_callback)(DataIterHandle iter, DMatrixHandle proxy,
						     DataIterHandle ref,
						     DataIterResetCallback *reset,
						     XGDMatrixCallbackNext *next,
						     const char *config, DMatrixHandle *out);
	int (*dmatrix_free)(DMatrixHandle h);
	int (*booster_create)(const DMatrixHandle dmats[], bst_ulong len, BoosterHandle *out);
	int (*booster_free)(BoosterHandle h);
	int (*booster_set_param)(BoosterHandle h, const char *name, const char *value);
	int (*booster_update_one_iter)(BoosterHandle h, int iter, DMatrixHandle dtrain);
	int (*booster_eval_one_iter)(BoosterHandle h, int iter, DMatrixHandle dmats[],
				     const char *evnames[], bst_ulong len, const char **out);
	int (*booster_predict_from_dmatrix)(BoosterHandle h, DMatrixHandle dmat,
					    const char *config, const bst_ulong **out_shape,
					    bst_ulong *out_dim, const float **out_result);
	int (*booster_load_model_from_buffer)(BoosterHandle h, const void *buf, bst_ulong len);
	int (*booster_save_model_to_buffer)(BoosterHandle h, const char *config,
					    bst_ulong *out_len, const char **out);
	int (*booster_save_json_config)(BoosterHandle h, bst_ulong *out_len, const char **out);
	int (*booster_get_attr)(BoosterHandle h, const char *key, const char **out, int *success);
	int (*booster_set_attr)(BoosterHandle h, const char *key, const char *value);
	int (*booster_get_num_feature)(BoosterHandle h, bst_ulong *out);
	int (*booster_boosted_rounds)(BoosterHandle h, int *out);
	int (*booster_slice)(BoosterHandle h, int begin_layer, int end_layer, int step,
			     BoosterHandle *out);
	int (*booster_set_str_feature_info)(BoosterHandle h, const char *field,
					    const char **features, bst_ulong size);
	int (*booster_feature_score)(BoosterHandle h, const char *config,
				     bst_ulong *out_n_features, const char ***out_features,
				     bst_ulong *out_dim, const bst_ulong **out_shape,
				     const float **out_scores);
};

/* Sets *api to the loaded libxgboost; needed_for names the caller in errors
 * ("training an xgboost model"). */
int cairn__xgb(cairn_ctx *ctx, const char *needed_for, const struct cairn__xgb_api **api);

/*
 * Sets code with the message "<fmt...>: <libxgboost's message>" on ctx and
 * returns code. libxgboost's message is its last error on this thread, cut to
 * its first line and stripped of its time stamp and source location.
 */
int cairn__xgb_error(cairn_ctx *ctx, const struct cairn__xgb_api *api, int code,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
