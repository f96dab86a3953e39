/*
 * What `cairn ci` runs for a model: the ci: key of its entry in the
 * project file (models: NAME: ci:), read by src/registry/project-ci.c into
 * struct cairn__ci_config and run by src/registry/ci.c. Everything a
 * config points to belongs to it; paths are resolved against the project
 * file's directory. The schema is in docs/project-file.md.
 */
#ifndef CAIRN_REGISTRY_CI_INTERNAL_H
#define CAIRN_REGISTRY_CI_INTERNAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>
#include "registry/project.h"

/* One dataset to check: a file to add as a new version (add; name NULL:
 * its base name without the extension) or a dataset reference, and its
 * expectation suite. */
struct cairn__ci_dataset {
	char *add, *add_as_given;
	char *name;
	char *ref;
	char *suite, *suite_as_given;
};

struct cairn__ci_config {
	char *to;                       /* the alias (NULL: the caller's default) */
	struct cairn__ci_dataset *datasets;
	size_t ndatasets;
	char *data;                     /* train: */
	char *test;
	double test_split;
	char *target;
	char *algorithm;
	json_t *params;                 /* name -> string */
	uint64_t seed;
	size_t train_line, train_col;   /* where train: is, for errors */
};

/* Reads the ci: mapping n of model; *out is NULL on error. */
int cairn__project_ci(struct cairn__project *p, const yaml_node_t *n, const char *model,
		      struct cairn__ci_config **out);
void cairn__ci_config_free(struct cairn__ci_config *c);

#endif
