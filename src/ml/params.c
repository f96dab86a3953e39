/* Checking an algorithm's params against its specs; see include/cairn/learner.h. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "ml/learner.h"

static const struct cairn_param_spec *find_spec(const struct cairn_algorithm *a, const char *name)
{
	for (size_t i = 0; i < a->nparams; i++)
		if (!strcmp(a->params[i].name, name))
			return &a->params[i];
	return NULL;
}

static int parse_bool(const char *s, int *out)
{
	if (!strcasecmp(s, "true") || !strcmp(s, "1") || !strcasecmp(s, "yes"))
		*out = 1;
	else if (!strcasecmp(s, "false") || !strcmp(s, "0") || !strcasecmp(s, "no"))
		*out = 0;
	else
		return -1;
	return 0;
}

/* 1 when s is one of the '|'-separated choices. */
static int is_choice(const char *choices, const char *s)
{
	size_t n = strlen(s);

	for (const char *p = choices; *p;) {
		const char *end = strchrnul(p, '|');
		if ((size_t)(end - p) == n && !strncmp(p, s, n))
			return 1;
		p = *end ? end + 1 : end;
	}
	return 0;
}

static int check_value(cairn_ctx *ctx, const struct cairn_algorithm *a,
		       const struct cairn_param_spec *sp, const char *s)
{
	char *end;
	double v;
	int b;

	switch (sp->type) {
	case CAIRN_PARAM_BOOL:
		if (parse_bool(s, &b))
			return cairn_error(ctx, CAIRN_EINVAL, "param '%s' of %s: '%s' is not true or false",
					   sp->name, a->name, s);
		return 0;
	case CAIRN_PARAM_STRING:
		if (sp->choices && !is_choice(sp->choices, s))
			return cairn_error(ctx, CAIRN_EINVAL, "param '%s' of %s: '%s' is not one of %s",
					   sp->name, a->name, s, sp->choices);
		return 0;
	case CAIRN_PARAM_INT:
	case CAIRN_PARAM_FLOAT:
		errno = 0;
		v = sp->type == CAIRN_PARAM_INT ? (double)strtoll(s, &end, 10) : strtod(s, &end);
		if (end == s || *end || errno || !isfinite(v))
			return cairn_error(ctx, CAIRN_EINVAL, "param '%s' of %s: '%s' is not %s",
					   sp->name, a->name, s,
					   sp->type == CAIRN_PARAM_INT ? "an integer" : "a number");
		if (v < sp->min || v > sp->max)
			return cairn_error(ctx, CAIRN_EINVAL, "param '%s' of %s: %s is outside [%g, %g]",
					   sp->name, a->name, s, sp->min, sp->max);
		return 0;
	}
	return 0;
}

/* CAIRN_EINVAL: a has no param name (listing those it takes). */
static int unknown_param(cairn_ctx *ctx, const struct cairn_algorithm *a, const char *name)
{
	cairn_buf names = CAIRN_BUF_INIT;
	int rc;

	for (size_t i = 0; i < a->nparams; i++)
		cairn_buf_addf(&names, "%s%s", i ? ", " : "", a->params[i].name);
	rc = cairn_error(ctx, CAIRN_EINVAL, "%s has no param '%s' (it takes: %s)", a->name, name,
			 a->nparams ? names.buf : "none");
	cairn_buf_release(&names);
	return rc;
}

int cairn_params_check_name(cairn_ctx *ctx, const struct cairn_algorithm *a, const char *name)
{
	return find_spec(a, name) ? 0 : unknown_param(ctx, a, name);
}

int cairn_params_resolve(cairn_ctx *ctx, const struct cairn_algorithm *a, const json_t *given,
			 json_t **out)
{
	json_t *p = json_object(), *v;
	const char *key;
	int rc;

	*out = NULL;
	for (size_t i = 0; i < a->nparams; i++)
		if (a->params[i].default_value)
			json_object_set_new(p, a->params[i].name, json_string(a->params[i].default_value));
	json_object_foreach((json_t *)given, key, v) {
		const struct cairn_param_spec *sp = find_spec(a, key);
		if (!sp) {
			json_decref(p);
			return unknown_param(ctx, a, key);
		}
		if (!json_is_string(v) || (rc = check_value(ctx, a, sp, json_string_value(v)))) {
			json_decref(p);
			return json_is_string(v) ? rc : cairn_error(ctx, CAIRN_EINVAL,
								    "param '%s' must be given as text", key);
		}
		json_object_set(p, key, v);
	}
	*out = p;
	return 0;
}

static const char *value_of(const json_t *params, const char *name)
{
	const char *s = json_string_value(json_object_get(params, name));
	return s ? s : "";
}

int64_t cairn_param_int(const json_t *params, const char *name)
{
	return strtoll(value_of(params, name), NULL, 10);
}

double cairn_param_float(const json_t *params, const char *name)
{
	return strtod(value_of(params, name), NULL);
}

const char *cairn_param_str(const json_t *params, const char *name)
{
	return value_of(params, name);
}
