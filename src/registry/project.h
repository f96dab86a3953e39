/*
 * The project file, cairn.yaml at the workspace root: one YAML mapping whose
 * top-level keys are sections (models: today; pipelines, monitors and alert
 * rules join the table in project.c). This reader loads the document with
 * libyaml, refuses a key that is no known section, and hands each section's
 * reader the node of its section together with helpers that fail with the
 * file, line, column and key path of the fault (CAIRN_EPARSE):
 *
 *     'cairn.yaml' line 7 column 16: models.churn.gates.metrics.accuracy:
 *     the threshold must be an operator and a number, like ">= 0.9"
 *
 * A section reader keeps the strings it needs (the document is freed with
 * the project); the key path it passes names where in the file it is.
 * Ownership: cairn__project_load() allocates *out, cairn__project_free()
 * frees it and the document. Not thread-safe; one project per caller.
 */
#ifndef CAIRN_REGISTRY_PROJECT_H
#define CAIRN_REGISTRY_PROJECT_H

#include <stddef.h>
#include <yaml.h>
#include "cairn/ctx.h"

struct cairn__project {
	cairn_ctx *ctx;
	char *path;          /* as given: what errors call the file */
	char *dir;           /* its directory, for paths inside it */
	yaml_document_t doc;
	int loaded;          /* doc holds a document */
};

/* Reads and parses path; a missing file is CAIRN_ENOTFOUND naming it. */
int cairn__project_load(cairn_ctx *ctx, const char *path, struct cairn__project **out);
void cairn__project_free(struct cairn__project *p);

/* The node of a top-level section, or NULL when the file has none. */
yaml_node_t *cairn__project_section(struct cairn__project *p, const char *name);

yaml_node_t *cairn__project_node(struct cairn__project *p, int id);

/* Sets CAIRN_EPARSE with "'FILE' line L column C: KEY: message" and
 * returns it. key may be NULL. */
int cairn__project_fail(struct cairn__project *p, const yaml_node_t *at, const char *key,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The text of a scalar node ("" for anything else). */
const char *cairn__project_text(const yaml_node_t *n);

/* Typed values; each fails naming key when n is not one. */
int cairn__project_string(struct cairn__project *p, const yaml_node_t *n, const char *key,
			  char **out);
int cairn__project_number(struct cairn__project *p, const yaml_node_t *n, const char *key,
			  double *out);
int cairn__project_bool(struct cairn__project *p, const yaml_node_t *n, const char *key,
			int *out);

/* A path: *as_given the string, *resolved it resolved against the project
 * file's directory (an absolute path stays as it is). */
int cairn__project_path(struct cairn__project *p, const yaml_node_t *n, const char *key,
			char **as_given, char **resolved);

/*
 * Checks that n is a mapping whose keys are strings, each in known (a
 * NULL-terminated list) and none given twice; an unknown key fails naming
 * it, its key path (key.KEY) and the known ones. what says what the mapping
 * is ("a model", "the gates") in the message when n is no mapping.
 */
int cairn__project_mapping(struct cairn__project *p, const yaml_node_t *n, const char *key,
			   const char *what, const char *const *known);

/* The value of key in mapping n, or NULL. */
yaml_node_t *cairn__project_get(struct cairn__project *p, const yaml_node_t *n, const char *key);

#endif
