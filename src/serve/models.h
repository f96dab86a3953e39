/*
 * The model table of a server: every served model by name, each pointing
 * at its current version. A version is reference-counted: a request
 * acquires the version it uses and releases it once it has answered, so
 * that a version swapped out (a hot reload) is freed only after its last
 * request, and a request never sees half of a swap.
 *
 * The table's set of names is fixed when it is made; what each name points
 * at may change at any time (cairn__models_swap), from any thread. A
 * version is immutable once published: everything in it may be read by
 * any number of threads without a lock.
 */
#ifndef CAIRN_SERVE_MODELS_H
#define CAIRN_SERVE_MODELS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "cairn/ctx.h"
#include "cairn/model.h"
#include "cairn/value.h"

/* One loaded version of a served model. */
struct cairn__model_version {
	int refs;                  /* atomic: the table's and the requests' */
	cairn_model *model;
	char *name;                /* the served name */
	char *version;             /* "3" (registry), else "1" */
	char *ref;                 /* the reference it was loaded from */
	int64_t loaded_ms;         /* when (Unix ms) */
	/* The model's input columns (its signature), in its order. */
	size_t ncols;
	char **cols;
	enum cairn_type *types;    /* the training types */
	json_t *inputs;            /* [{name, type}] */
	int task;                  /* an enum cairn_task */
	int nclasses;              /* classification: the classes */
	const char **classes;      /* owned by model */
	/* What the prediction log and the lineage call it (predlog-hooks.h),
	 * set when it is loaded. */
	struct cairn__deployment *deployment;
};

struct cairn__models;
struct cairn__deployment;

/* Loads the version that ref names (cairn_registry_model_open) under its
 * served name: the registry name, else the base name of the directory or
 * file (an extension such as ".cairn" dropped). *out has one reference. */
int cairn__model_version_load(cairn_ctx *ctx, const char *ref,
			      struct cairn__model_version **out);
void cairn__model_version_release(struct cairn__model_version *v);

/* A table of the n versions (taking over the references passed); two with
 * one name are CAIRN_EINVAL naming it (and the versions are released). */
int cairn__models_new(cairn_ctx *ctx, struct cairn__model_version **versions, size_t n,
		      struct cairn__models **out);
void cairn__models_free(struct cairn__models *t);

size_t cairn__models_count(const struct cairn__models *t);
/* The current version of model i (or of the model called name; NULL when
 * there is none) with a reference the caller releases. */
struct cairn__model_version *cairn__models_acquire_at(struct cairn__models *t, size_t i);
struct cairn__model_version *cairn__models_acquire(struct cairn__models *t, const char *name);
/* Makes v (the caller's reference passes to the table) the current version
 * of its name; the old one is released (freed after its last request).
 * CAIRN_ENOTFOUND when the table has no model of that name. */
int cairn__models_swap(cairn_ctx *ctx, struct cairn__models *t, struct cairn__model_version *v);

#endif
