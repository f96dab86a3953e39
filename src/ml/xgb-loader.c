/* libxgboost, loaded on first use; see xgb-loader.h. */
#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <string.h>
#include "cairn/buf.h"
#include "core/dynlib.h"
#include "core/log.h"
#include "core/utf8.h"
#include "ml/xgb-loader.h"

static struct cairn__xgb_api xgb;

#define SYM(field, name) { name, offsetof(struct cairn__xgb_api, field) }
static const struct cairn__dynsym syms[] = {
	SYM(version, "XGBoostVersion"),
	SYM(get_last_error, "XGBGetLastError"),
	SYM(register_log_callback, "XGBRegisterLogCallback"),
	SYM(dmatrix_create_from_mat_omp, "XGDMatrixCreateFromMat_omp"),
	SYM(dmatrix_set_float_info, "XGDMatrixSetFloatInfo"),
	SYM(proxy_dmatrix_create, "XGProxyDMatrixCreate"),
	SYM(proxy_dmatrix_set_data_dense, "XGProxyDMatrixSetDataDense"),
	SYM(quantile_dmatrix_create_from_callback, "XGQuantileDMatrixCreateFromCallback"),
	SYM(dmatrix_free, "XGDMatrixFree"),
	SYM(booster_create, "XGBoosterCreate"),
	SYM(booster_free, "XGBoosterFree"),
	SYM(booster_set_param, "XGBoosterSetParam"),
	SYM(booster_update_one_iter, "XGBoosterUpdateOneIter"),
	SYM(booster_eval_one_iter, "XGBoosterEvalOneIter"),
	SYM(booster_predict_from_dmatrix, "XGBoosterPredictFromDMatrix"),
	SYM(booster_load_model_from_buffer, "XGBoosterLoadModelFromBuffer"),
	SYM(booster_save_model_to_buffer, "XGBoosterSaveModelToBuffer"),
	SYM(booster_save_json_config, "XGBoosterSaveJsonConfig"),
	SYM(booster_get_attr, "XGBoosterGetAttr"),
	SYM(booster_set_attr, "XGBoosterSetAttr"),
	SYM(booster_get_num_feature, "XGBoosterGetNumFeature"),
	SYM(booster_boosted_rounds, "XGBoosterBoostedRounds"),
	SYM(booster_slice, "XGBoosterSlice"),
	SYM(booster_set_str_feature_info, "XGBoosterSetStrFeatureInfo"),
	SYM(booster_feature_score, "XGBoosterFeatureScore"),
};

static struct cairn__dynlib lib = {
	"libxgboost.so.0", "libxgboost0", syms, sizeof(syms) / sizeof(syms[0]), &xgb,
	PTHREAD_ONCE_INIT, 0, ""
};

/*
 * libxgboost's messages look like "[10:27:01] WARNING: ../src/learner.cc:767:
 * \nParameters: { ... } are not used.\n" or, for errors, "[10:27:01]
 * ../src/data/data.cc:12: Check failed: ...\nStack trace:\n  [bt] (0) ...".
 * Keeps the text that matters to a user on one line: no time stamp, level,
 * source location or stack trace.
 */
static void clean_message(const char *s, cairn_buf *out)
{
	const char *end = strstr(s, "Stack trace:"), *p;
	size_t start = out->len, bad;

	if (!end)
		end = s + strlen(s);
	while (s < end && isspace((unsigned char)*s))
		s++;
	if (*s == '[' && (p = memchr(s, ']', (size_t)(end - s))) && p - s < 32)
		s = p + 1;
	while (s < end && isspace((unsigned char)*s))
		s++;
	if (!strncmp(s, "WARNING: ", 9))
		s += 9;
	/* A source location: a word without spaces ending in ":<line>:". */
	for (p = s; p < end && !isspace((unsigned char)*p); p++)
		;
	if (p - s > 2 && p[-1] == ':' && isdigit((unsigned char)p[-2])) {
		const char *q = p - 2;
		while (q > s && isdigit((unsigned char)*q))
			q--;
		if (*q == ':')
			s = p;
	}
	for (; s < end && out->len - start < 400; s++) {
		if (isspace((unsigned char)*s)) {
			if (out->len > start && out->buf[out->len - 1] != ' ')
				cairn_buf_addch(out, ' ');
		} else {
			cairn_buf_addch(out, iscntrl((unsigned char)*s) ? '?' : *s);
		}
	}
	cairn_buf_rtrim(out);
	/* Parse errors quote the offending byte as it is, even half a character. */
	while (!cairn_utf8_valid(out->buf + start, out->len - start, &bad))
		out->buf[start + bad] = '?';
	if (out->len == start)
		cairn_buf_adds(out, "unknown error");
}

/* XGBoost reports through one process-wide callback: its messages go to
 * the context that last reached the API on the calling thread. */
static __thread cairn_ctx *log_ctx;

static void log_message(const char *msg)
{
	cairn_buf b = CAIRN_BUF_INIT;

	clean_message(msg, &b);
	cairn__log_warn(log_ctx, "xgboost: %s", b.buf);
	cairn_buf_release(&b);
}

int cairn__xgb(cairn_ctx *ctx, const char *needed_for, const struct cairn__xgb_api **api)
{
	int rc = cairn__dynlib_load(ctx, &lib, needed_for);

	if (rc)
		return rc;
	log_ctx = ctx;
	xgb.register_log_callback(log_message);
	*api = &xgb;
	return 0;
}

int cairn__xgb_error(cairn_ctx *ctx, const struct cairn__xgb_api *api, int code,
		     const char *fmt, ...)
{
	cairn_buf b = CAIRN_BUF_INIT;
	const char *last = api->get_last_error();
	va_list ap;

	va_start(ap, fmt);
	cairn_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	cairn_buf_adds(&b, ": ");
	clean_message(last ? last : "", &b);
	cairn_error(ctx, code, "%s", b.buf);
	cairn_buf_release(&b);
	return code;
}
