/* liblinear, loaded on first use; see linear-loader.h. */
#include <pthread.h>
#include "core/dynlib.h"
#include "ml/linear-loader.h"

static struct cairn__linear_api linear;

#define SYM(field, name) { name, offsetof(struct cairn__linear_api, field) }
static const struct cairn__dynsym syms[] = {
	SYM(train, "train"),
	SYM(predict_values, "predict_values"),
	SYM(predict_probability, "predict_probability"),
	SYM(save_model, "save_model"),
	SYM(load_model, "load_model"),
	SYM(free_and_destroy_model, "free_and_destroy_model"),
	SYM(check_parameter, "check_parameter"),
	SYM(check_probability_model, "check_probability_model"),
	SYM(check_regression_model, "check_regression_model"),
	SYM(set_print_string_function, "set_print_string_function"),
};

static struct cairn__dynlib lib = {
	"liblinear.so.4", "liblinear4", syms, sizeof(syms) / sizeof(syms[0]), &linear,
	PTHREAD_ONCE_INIT, 0, ""
};

static pthread_once_t quiet_once = PTHREAD_ONCE_INIT;

/* liblinear prints its solver's progress to stdout unless told otherwise:
 * cairn's stdout belongs to the command's own output. */
static void print_nothing(const char *s)
{
	(void)s;
}

static void quiet(void)
{
	linear.set_print_string_function(print_nothing);
}

int cairn__linear(cairn_ctx *ctx, const char *needed_for, const struct cairn__linear_api **api)
{
	int rc = cairn__dynlib_load(ctx, &lib, needed_for);

	if (rc)
		return rc;
	pthread_once(&quiet_once, quiet);
	*api = &linear;
	return 0;
}
