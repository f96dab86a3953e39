/*
 * Training again from a run's recipe (see train-recipe.h), for reproduce.
 *
 * Why here: reproducing a run is track's (src/track/reproduce.c: linking
 * the new run, comparing artifacts and metrics), but training is ml's, one
 * module above; track cannot call up. So cairn_reproduce takes a retrain
 * callback and the caller (the cairn program) passes
 * cairn_train_reproduce, which turns the recipe back into training options
 * and calls cairn_train.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/version.h"
#include "core/log.h"
#include "ml/learner.h"
#include "ml/train-recipe.h"

static json_t *version_ref(const struct cairn_dataset_version *v)
{
	char ref[CAIRN_NAME_MAX + 32];

	if (!v)
		return json_null();
	snprintf(ref, sizeof(ref), "%s@%lld", v->name, (long long)v->version);
	return json_string(ref);
}

static json_t *string_array(const char *const *s, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(s[i]));
	return a;
}

int cairn__train_recipe_record(cairn_run *run, const struct cairn_train_options *o,
			       const struct cairn_dataset_version *data,
			       const struct cairn_dataset_version *test,
			       const struct cairn_dataset_version *unlabeled,
			       const char *const *shard_refs)
{
	char seed[32];
	json_t *r;

	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)o->seed);
	r = json_pack("{s:s, s:s, s:s, s:s?, s:o, s:o, s:s, s:f, s:i, s:i, s:o, s:o, s:o, s:f,"
		      " s:i, s:s?, s:o, s:o, s:o, s:o}",
		      "maker", "cairn train", "cairn_version", cairn_version(),
		      "algorithm", o->algo, "target", o->target,
		      "task", o->task >= 0 ? json_string(cairn_task_name((enum cairn_task)o->task)) :
		      json_null(),
		      "params", o->params ? json_deep_copy(o->params) : json_object(), "seed", seed,
		      "test_split", o->test_split, "cv", o->cv, "threads", o->threads,
		      "data", version_ref(data), "test", version_ref(test),
		      "unlabeled", version_ref(unlabeled),
		      "self_training_threshold", o->self_training_threshold,
		      "self_training_rounds", o->self_training_rounds,
		      "init_model", o->init_model,
		      "members", string_array(o->members, o->nmembers),
		      "shards", string_array(shard_refs, shard_refs ? o->nshards : 0),
		      "features", string_array(o->features, o->nfeatures),
		      "drop", string_array(o->drop, o->ndrop));
	if (!r)
		return cairn_error(cairn_run_ctx(run), CAIRN_EINVAL, "cannot record the training recipe"
				   " (a name or param that is not UTF-8)");
	return cairn_run_set_info(run, "recipe", r);
}

/* The strings of array a (NULL when empty; free the array, not the strings). */
static const char **strings(const json_t *a, size_t *n)
{
	const char **s;

	*n = json_array_size(a);
	if (!*n)
		return NULL;
	s = cairn_xcalloc(*n, sizeof(*s));
	for (size_t i = 0; i < *n; i++)
		s[i] = json_string_value(json_array_get(a, i));
	return s;
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

int cairn_train_reproduce(cairn_ctx *ctx, const json_t *recipe, const struct cairn_run_options *run,
			  char run_id[CAIRN_ID_LEN + 1], void *arg)
{
	struct cairn_train_options o = { 0 };
	struct cairn_train_result res = { 0 };
	const char **members, **shards, **features, **drop;
	const char *task = str(recipe, "task"), *seed = str(recipe, "seed"), *was;
	char *end = NULL;
	int rc;

	*run_id = '\0';
	if (!json_is_object(recipe) || !str(recipe, "algorithm") || !seed)
		return cairn_error(ctx, CAIRN_EPARSE, "the training recipe names no algorithm or seed");
	was = str(recipe, "cairn_version");
	if (was && strcmp(was, cairn_version()))
		cairn__log_warn(ctx, "the run was trained by cairn %s, this is cairn %s: the model may"
				" differ for that reason alone", was, cairn_version());
	o.algo = str(recipe, "algorithm");
	o.target = str(recipe, "target");
	o.task = task ? cairn_task_parse(task) : -1;
	o.params = json_object_get(recipe, "params");
	o.seed = strtoull(seed, &end, 10);
	o.test_split = json_number_value(json_object_get(recipe, "test_split"));
	o.cv = (int)json_integer_value(json_object_get(recipe, "cv"));
	o.threads = (int)json_integer_value(json_object_get(recipe, "threads"));
	o.data = str(recipe, "data");
	o.test = str(recipe, "test");
	o.unlabeled = str(recipe, "unlabeled");
	o.self_training_threshold = json_number_value(json_object_get(recipe,
								      "self_training_threshold"));
	o.self_training_rounds = (int)json_integer_value(json_object_get(recipe,
									 "self_training_rounds"));
	o.init_model = str(recipe, "init_model");
	if (arg) {
		o.open_model = ((const struct cairn_train_reproduce_options *)arg)->open_model;
		o.model_node = ((const struct cairn_train_reproduce_options *)arg)->model_node;
	}
	members = strings(json_object_get(recipe, "members"), &o.nmembers);
	shards = strings(json_object_get(recipe, "shards"), &o.nshards);
	features = strings(json_object_get(recipe, "features"), &o.nfeatures);
	drop = strings(json_object_get(recipe, "drop"), &o.ndrop);
	o.members = members;
	o.shards = shards;
	o.features = features;
	o.drop = drop;
	o.experiment = run->experiment;
	o.name = run->name;
	o.parent = run->parent;
	rc = cairn_train(ctx, &o, &res);
	snprintf(run_id, CAIRN_ID_LEN + 1, "%s", res.run_id);
	json_decref(res.metrics);
	free(members);
	free(shards);
	free(features);
	free(drop);
	return rc;
}
