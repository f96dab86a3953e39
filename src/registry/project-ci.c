/* The ci: key of a model in cairn.yaml (what `cairn ci` runs: the data
 * checks and the training), read into struct cairn__ci_config; see
 * src/registry/ci-internal.h and docs/project-file.md. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "core/yaml.h"
#include "registry/ci-internal.h"

static const char *const ci_keys[] = { "to", "datasets", "train", NULL };
static const char *const dataset_keys[] = { "add", "name", "dataset", "expectations", NULL };
static const char *const train_keys[] = {
	"data", "test", "test_split", "target", "algorithm", "params", "seed", NULL
};

struct reader {
	struct cairn__project *p;
	const char *model;
	struct cairn__ci_config *c;
	cairn_buf key;
};

/* models.MODEL.ci.NAME, the key path errors name. */
static const char *key(struct reader *r, const char *name)
{
	cairn_buf_reset(&r->key);
	cairn_buf_addf(&r->key, "models.%s.ci%s%s", r->model, name ? "." : "", name ? name : "");
	return r->key.buf;
}

static int read_dataset(struct reader *r, const yaml_node_t *n)
{
	struct cairn__ci_dataset *d;
	yaml_node_t *v;

	if (cairn__project_mapping(r->p, n, key(r, "datasets[]"), "a dataset to check",
				   dataset_keys))
		return CAIRN_EPARSE;
	r->c->datasets = cairn_xrealloc(r->c->datasets, (r->c->ndatasets + 1) * sizeof(*d));
	d = &r->c->datasets[r->c->ndatasets++];
	memset(d, 0, sizeof(*d));
	if ((v = cairn__project_get(r->p, n, "add")) &&
	    cairn__project_path(r->p, v, key(r, "datasets[].add"), &d->add_as_given, &d->add))
		return CAIRN_EPARSE;
	if ((v = cairn__project_get(r->p, n, "dataset")) &&
	    cairn__project_string(r->p, v, key(r, "datasets[].dataset"), &d->ref))
		return CAIRN_EPARSE;
	if (!d->add == !d->ref)
		return cairn__project_fail(r->p, n, key(r, "datasets[]"), "give either 'add' (a file"
					   " to add as a new version) or 'dataset' (a dataset"
					   " reference)");
	if ((v = cairn__project_get(r->p, n, "name"))) {
		if (!d->add)
			return cairn__project_fail(r->p, v, key(r, "datasets[].name"), "names the"
						   " dataset of 'add'; 'dataset' names its own");
		if (cairn__project_string(r->p, v, key(r, "datasets[].name"), &d->name))
			return CAIRN_EPARSE;
	}
	if (!(v = cairn__project_get(r->p, n, "expectations")))
		return cairn__project_fail(r->p, n, key(r, "datasets[]"), "missing 'expectations'"
					   " (the suite the dataset is checked against)");
	return cairn__project_path(r->p, v, key(r, "datasets[].expectations"),
				   &d->suite_as_given, &d->suite);
}

/* params: a mapping of scalars, kept as the strings `cairn train --param`
 * takes. */
static int read_params(struct reader *r, const yaml_node_t *n)
{
	if (cairn__project_mapping(r->p, n, key(r, "train.params"), "params (NAME: VALUE)", NULL))
		return CAIRN_EPARSE;
	r->c->params = json_object();
	for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = cairn__project_node(r->p, pr->key), *v = cairn__project_node(r->p, pr->value);
		const char *name = cairn__project_text(k);

		cairn_buf_reset(&r->key);
		cairn_buf_addf(&r->key, "models.%s.ci.train.params.%s", r->model, name);
		if (v->type != YAML_SCALAR_NODE || cairn__yaml_is_null(v) || !v->data.scalar.length)
			return cairn__project_fail(r->p, v, r->key.buf, "must be a number or a word");
		json_object_set_new(r->c->params, name, json_stringn(cairn__project_text(v),
								     v->data.scalar.length));
	}
	return 0;
}

static int read_train(struct reader *r, const yaml_node_t *n)
{
	struct cairn__ci_config *c = r->c;
	yaml_node_t *v;
	double seed;

	if (cairn__project_mapping(r->p, n, key(r, "train"), "train", train_keys))
		return CAIRN_EPARSE;
	c->train_line = n->start_mark.line + 1;
	c->train_col = n->start_mark.column + 1;
	if (!(v = cairn__project_get(r->p, n, "data")))
		return cairn__project_fail(r->p, n, key(r, "train"), "missing 'data' (the dataset to"
					   " train on)");
	if (cairn__project_string(r->p, v, key(r, "train.data"), &c->data))
		return CAIRN_EPARSE;
	if (!(v = cairn__project_get(r->p, n, "algorithm")))
		return cairn__project_fail(r->p, n, key(r, "train"), "missing 'algorithm' (as"
					   " cairn train --algo takes)");
	if (cairn__project_string(r->p, v, key(r, "train.algorithm"), &c->algorithm))
		return CAIRN_EPARSE;
	if ((v = cairn__project_get(r->p, n, "target")) &&
	    cairn__project_string(r->p, v, key(r, "train.target"), &c->target))
		return CAIRN_EPARSE;
	if ((v = cairn__project_get(r->p, n, "test")) &&
	    cairn__project_string(r->p, v, key(r, "train.test"), &c->test))
		return CAIRN_EPARSE;
	if ((v = cairn__project_get(r->p, n, "test_split"))) {
		if (cairn__project_number(r->p, v, key(r, "train.test_split"), &c->test_split))
			return CAIRN_EPARSE;
		if (!(c->test_split > 0 && c->test_split < 1))
			return cairn__project_fail(r->p, v, key(r, "train.test_split"), "must be a"
						   " fraction above 0 and below 1");
		if (c->test)
			return cairn__project_fail(r->p, v, key(r, "train.test_split"), "give 'test'"
						   " or 'test_split', not both");
	}
	if ((v = cairn__project_get(r->p, n, "params")) && read_params(r, v))
		return CAIRN_EPARSE;
	if ((v = cairn__project_get(r->p, n, "seed"))) {
		if (cairn__project_number(r->p, v, key(r, "train.seed"), &seed))
			return CAIRN_EPARSE;
		if (seed < 0 || seed != floor(seed) || seed > 9007199254740992.0)
			return cairn__project_fail(r->p, v, key(r, "train.seed"), "must be a whole"
						   " number, 0 or more");
		c->seed = (uint64_t)seed;
	}
	return 0;
}

static int read_ci(struct reader *r, const yaml_node_t *n)
{
	yaml_node_t *v;

	if (cairn__project_mapping(r->p, n, key(r, NULL), "ci", ci_keys))
		return CAIRN_EPARSE;
	if ((v = cairn__project_get(r->p, n, "to")) &&
	    cairn__project_string(r->p, v, key(r, "to"), &r->c->to))
		return CAIRN_EPARSE;
	if ((v = cairn__project_get(r->p, n, "datasets"))) {
		if (v->type != YAML_SEQUENCE_NODE)
			return cairn__project_fail(r->p, v, key(r, "datasets"), "must be a list of"
						   " {add or dataset, expectations}");
		for (yaml_node_item_t *it = v->data.sequence.items.start;
		     it < v->data.sequence.items.top; it++)
			if (read_dataset(r, cairn__project_node(r->p, *it)))
				return CAIRN_EPARSE;
	}
	if (!(v = cairn__project_get(r->p, n, "train")))
		return cairn__project_fail(r->p, n, key(r, NULL), "missing 'train' (the training"
					   " that makes the candidate)");
	return read_train(r, v);
}

void cairn__ci_config_free(struct cairn__ci_config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->ndatasets; i++) {
		struct cairn__ci_dataset *d = &c->datasets[i];
		free(d->add);
		free(d->add_as_given);
		free(d->name);
		free(d->ref);
		free(d->suite);
		free(d->suite_as_given);
	}
	free(c->datasets);
	free(c->to);
	free(c->data);
	free(c->test);
	free(c->target);
	free(c->algorithm);
	json_decref(c->params);
	free(c);
}

int cairn__project_ci(struct cairn__project *p, const yaml_node_t *n, const char *model,
		      struct cairn__ci_config **out)
{
	struct reader r = { p, model, NULL, CAIRN_BUF_INIT };
	int rc;

	r.c = cairn_xcalloc(1, sizeof(*r.c));
	if ((rc = read_ci(&r, n))) {
		cairn__ci_config_free(r.c);
		r.c = NULL;
	}
	*out = r.c;
	cairn_buf_release(&r.key);
	return rc;
}
