/* The model table of a server: served models by name, each version
 * reference-counted so that a swap never frees a version in use; see
 * models.h. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/registry.h"
#include "ml/model-internal.h"
#include "ml/preprocess.h"
#include "serve/models.h"
#include "serve/predlog-hooks.h"

struct slot {
	char *name;
	struct cairn__model_version *current;
};

struct cairn__models {
	pthread_mutex_t lock;     /* guards every slot's current pointer */
	size_t n;
	struct slot *slots;
};

/* The served name of a reference that is not the registry's: the last
 * path component, without a trailing '/' or an extension. */
static char *base_name(const char *ref)
{
	size_t len = strlen(ref);
	const char *start, *dot;

	while (len > 1 && ref[len - 1] == '/')
		len--;
	start = ref + len;
	while (start > ref && start[-1] != '/')
		start--;
	dot = memchr(start, '.', (size_t)(ref + len - start));
	if (dot && dot > start)
		len = (size_t)(dot - ref);
	return cairn_xstrndup(start, (size_t)(ref + len - start));
}

static void fill_signature(struct cairn__model_version *v)
{
	const cairn_prep *p = cairn_model_prep(v->model);
	json_t *c;
	size_t i;

	v->inputs = cairn_prep_inputs(p);
	v->ncols = json_array_size(v->inputs);
	v->cols = cairn_xcalloc(v->ncols ? v->ncols : 1, sizeof(*v->cols));
	v->types = cairn_xcalloc(v->ncols ? v->ncols : 1, sizeof(*v->types));
	json_array_foreach(v->inputs, i, c) {
		int t = cairn_type_parse(json_string_value(json_object_get(c, "type")));
		v->cols[i] = (char *)json_string_value(json_object_get(c, "name"));
		v->types[i] = t < 0 ? CAIRN_TYPE_FLOAT : (enum cairn_type)t;
	}
	v->task = cairn_prep_task(p);
	v->nclasses = cairn_model_nclasses(v->model);
	if (v->task == CAIRN_TASK_CLASSIFICATION && v->nclasses > 0) {
		v->classes = cairn_xcalloc((size_t)v->nclasses, sizeof(*v->classes));
		for (int k = 0; k < v->nclasses; k++)
			v->classes[k] = cairn_model_class(v->model, k);
	} else
		v->nclasses = 0;
}

int cairn__model_version_load(cairn_ctx *ctx, const char *ref,
			      struct cairn__model_version **out)
{
	struct cairn__model_version *v = cairn_xcalloc(1, sizeof(*v));
	struct cairn_registry_ref r;
	cairn_buf exact = CAIRN_BUF_INIT;
	int rc;

	*out = NULL;
	v->refs = 1;
	v->ref = cairn_xstrdup(ref);
	if (cairn_registry_is_version_ref(ref)) {
		/* Resolved once, then opened by number: an alias that moves
		 * meanwhile cannot make the name and the model disagree. */
		if ((rc = cairn_registry_resolve(ctx, ref, &r)))
			goto fail;
		v->name = cairn_xstrdup(r.name);
		cairn_buf_addf(&exact, "%lld", (long long)r.version);
		v->version = cairn_buf_detach(&exact, NULL);
		cairn_buf_addf(&exact, "%s@%lld", r.name, (long long)r.version);
		rc = cairn_registry_model_open(ctx, exact.buf, &v->model);
	} else {
		v->name = base_name(ref);
		v->version = cairn_xstrdup("1");
		rc = cairn_registry_model_open(ctx, ref, &v->model);
	}
	if (rc)
		goto fail;
	if ((rc = cairn_registry_name_check(ctx, v->name))) {
		cairn_error_prefix(ctx, "cannot serve '%s' under the name '%s'", ref, v->name);
		goto fail;
	}
	fill_signature(v);
	v->loaded_ms = cairn_now_ms();
	cairn_buf_release(&exact);
	*out = v;
	return 0;
fail:
	cairn_buf_release(&exact);
	cairn__model_version_release(v);
	return rc;
}

void cairn__model_version_release(struct cairn__model_version *v)
{
	if (!v || __atomic_sub_fetch(&v->refs, 1, __ATOMIC_ACQ_REL))
		return;
	cairn_model_free(v->model);
	json_decref(v->inputs);
	free(v->cols);
	free(v->types);
	free(v->classes);
	free(v->name);
	free(v->version);
	free(v->ref);
	cairn__deployment_free(v->deployment);
	free(v);
}

int cairn__models_new(cairn_ctx *ctx, struct cairn__model_version **versions, size_t n,
		      struct cairn__models **out)
{
	struct cairn__models *t;

	*out = NULL;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(versions[i]->name, versions[j]->name)) {
				int rc = cairn_error(ctx, CAIRN_EINVAL, "two models named '%s' ('%s' "
						     "and '%s'): each model is served under its "
						     "own name", versions[i]->name,
						     versions[j]->ref, versions[i]->ref);
				for (size_t k = 0; k < n; k++)
					cairn__model_version_release(versions[k]);
				return rc;
			}
	t = cairn_xcalloc(1, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	t->n = n;
	t->slots = cairn_xcalloc(n ? n : 1, sizeof(*t->slots));
	for (size_t i = 0; i < n; i++) {
		t->slots[i].name = cairn_xstrdup(versions[i]->name);
		t->slots[i].current = versions[i];
	}
	*out = t;
	return 0;
}

void cairn__models_free(struct cairn__models *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		cairn__model_version_release(t->slots[i].current);
		free(t->slots[i].name);
	}
	free(t->slots);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

size_t cairn__models_count(const struct cairn__models *t)
{
	return t->n;
}

struct cairn__model_version *cairn__models_acquire_at(struct cairn__models *t, size_t i)
{
	struct cairn__model_version *v;

	if (i >= t->n)
		return NULL;
	/* The lock makes "read the pointer, take a reference" one step
	 * against a swap that releases the old version. */
	pthread_mutex_lock(&t->lock);
	v = t->slots[i].current;
	__atomic_add_fetch(&v->refs, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&t->lock);
	return v;
}

struct cairn__model_version *cairn__models_acquire(struct cairn__models *t, const char *name)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->slots[i].name, name))
			return cairn__models_acquire_at(t, i);
	return NULL;
}

int cairn__models_swap(cairn_ctx *ctx, struct cairn__models *t, struct cairn__model_version *v)
{
	struct cairn__model_version *old;

	for (size_t i = 0; i < t->n; i++) {
		if (strcmp(t->slots[i].name, v->name))
			continue;
		pthread_mutex_lock(&t->lock);
		old = t->slots[i].current;
		t->slots[i].current = v;
		pthread_mutex_unlock(&t->lock);
		cairn__model_version_release(old);
		return 0;
	}
	return cairn_error(ctx, CAIRN_ENOTFOUND, "no model named '%s' is served", v->name);
}
