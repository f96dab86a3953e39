/*
 * liblinear, loaded on first use (see core/dynlib.h): the functions cairn
 * calls, through one struct. liblinear exports unprefixed names (train,
 * predict, save_model, ...); loading it with dlopen(RTLD_LOCAL) keeps them
 * out of cairn's link namespace, and only the files that include this header
 * see their declarations.
 *
 * When cairn__linear() returns 0, liblinear's progress printing has been
 * silenced (set_print_string_function with a function that drops the text).
 * liblinear's state is process-wide: its dual solvers draw from the C
 * library's rand(), and save_model/load_model switch LC_ALL to "C" while
 * they run; the callers serialise training (see algo-liblinear.c).
 */
#ifndef CAIRN_ML_LINEAR_LOADER_H
#define CAIRN_ML_LINEAR_LOADER_H

#include <linear.h>
#include "cairn/ctx.h"

struct cairn__linear_api {
	struct model *(*train)(const struct problem *prob, const struct parameter *param);
	double (*predict_values)(const struct model *m, const struct feature_node *x,
				 double *dec_values);
	double (*predict_probability)(const struct model *m, const struct feature_node *x,
				      double *prob_estimates);
	int (*save_model)(const char *path, const struct model *m);
	struct model *(*load_model)(const char *path);
	void (*free_and_destroy_model)(struct model **m);
	const char *(*check_parameter)(const struct problem *prob, const struct parameter *param);
	int (*check_probability_model)(const struct model *m);
	int (*check_regression_model)(const struct model *m);
	void (*set_print_string_function)(void (*print)(const char *));
};

/* Sets *api to the loaded liblinear; needed_for names the caller in errors
 * ("training logistic"). */
int cairn__linear(cairn_ctx *ctx, const char *needed_for, const struct cairn__linear_api **api);

#endif
