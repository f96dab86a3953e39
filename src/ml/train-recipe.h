/*
 * The recipe of a training run: what trains it again. cairn_train records
 * it on the run as info "recipe" before training starts, with every dataset
 * reference replaced by the version it resolved to, so that reproducing
 * the run (cairn_train_reproduce, train.h) trains on the same bytes:
 *
 *     {"maker": "cairn train", "cairn_version": "0.1.0", "algorithm": "xgboost",
 *      "target": "species", "task": null, "params": {"max_depth": "4"},
 *      "seed": "42", "test_split": 0, "cv": 0, "threads": 0,
 *      "data": "iris@2", "test": null, "unlabeled": null,
 *      "self_training_threshold": 0, "self_training_rounds": 0,
 *      "init_model": null, "members": [], "shards": []}
 *
 * params are the params as given (the algorithm's defaults are resolved
 * again); seed is a string, since it is a 64-bit unsigned number.
 */
#ifndef CAIRN_ML_TRAIN_RECIPE_H
#define CAIRN_ML_TRAIN_RECIPE_H

#include "cairn/dataset.h"
#include "cairn/run.h"
#include "cairn/train.h"

/* Records o's recipe on run; data, test and unlabeled are the resolved
 * versions (NULL where o has none), shard_refs the shards' "name@N". */
int cairn__train_recipe_record(cairn_run *run, const struct cairn_train_options *o,
			       const struct cairn_dataset_version *data,
			       const struct cairn_dataset_version *test,
			       const struct cairn_dataset_version *unlabeled,
			       const char *const *shard_refs);

#endif
