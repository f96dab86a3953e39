/*
 * The parsed gates of one model (the models: section of cairn.yaml, read
 * by src/registry/project-models.c) and the pieces of the gate engine
 * (src/registry/gates.c and gate-*.c) that share it. Everything a config
 * points to belongs to it. Each gate keeps the line and column of its key
 * so that an error found when the gates run (a metric the task does not
 * have) still names the place in the file.
 */
#ifndef CAIRN_REGISTRY_GATES_INTERNAL_H
#define CAIRN_REGISTRY_GATES_INTERNAL_H

#include <jansson.h>
#include <stddef.h>
#include "cairn/frame.h"
#include "cairn/gates.h"
#include "cairn/model.h"

struct cairn__ci_config;

enum cairn__gate_op { CAIRN__GATE_GE, CAIRN__GATE_GT, CAIRN__GATE_LE, CAIRN__GATE_LT };

struct cairn__gate_at {
	size_t line, col;
};

struct cairn__metric_gate {
	char *metric;
	enum cairn__gate_op op;
	double value;
	struct cairn__gate_at at;
};

struct cairn__drop_gate {
	char *metric;
	double max;
	struct cairn__gate_at at;
};

enum cairn__fairness_metric { CAIRN__DEMOGRAPHIC_PARITY, CAIRN__EQUALIZED_ODDS };

struct cairn__fairness_gate {
	char *column;
	enum cairn__fairness_metric metric;
	double max;
	char *positive;       /* the positive class, or NULL: the second class */
	struct cairn__gate_at at;
};

struct cairn_gates_config {
	char *path;           /* the project file, as given */
	char *model;
	char *holdout;        /* a dataset reference, or NULL */
	char *target;         /* the holdout's column of true values, or NULL */
	char *by;
	struct cairn__metric_gate *metrics;
	size_t nmetrics;
	struct cairn__drop_gate *drops;
	size_t ndrops;
	char *expectations;   /* the suite's path, resolved against the file's directory */
	char *expectations_as_given;
	int training_data_checked;
	int smoke;
	int has_latency;
	double latency_p99_ms;
	int schema;           /* 1: compatible */
	struct cairn__fairness_gate *fairness;
	size_t nfairness;
	struct cairn__gate_at holdout_at, target_at, expectations_at;
	struct cairn__ci_config *ci;  /* what cairn ci runs (ci:), or NULL */
};

/* "accuracy" ... the metric names gates may use, and whether lower is
 * better (rmse); -1 for no such metric. */
int cairn__gate_metric_lower_better(const char *name);
/* Metric name i (from 0), NULL past the last; every name, comma-separated,
 * into out. */
const char *cairn__gate_metric_name(size_t i);
void cairn__gate_metric_names(cairn_buf *out);

const char *cairn__gate_op_text(enum cairn__gate_op op);
int cairn__gate_op_holds(enum cairn__gate_op op, double value, double threshold);

/* A row's value as the table shows it: 4 significant digits, "-" for none. */
void cairn__gate_value_text(const json_t *v, cairn_buf *out);

/* One row of the report (new object): verdict is "pass", "fail" or "skip". */
json_t *cairn__gate_row(const char *gate, json_t *value, const char *threshold,
			const char *verdict, const char *detail);

/*
 * The fairness figures of binary predictions over groups: y_true and
 * y_pred are 0/1 (1 the positive class), group[i] the group of row i (NULL:
 * the row is left out). *out (new object): {metric, value, groups: {NAME:
 * {rows, selection_rate, tpr, fpr}}, left_out}; value is the demographic
 * parity difference (max - min selection rate over the groups) or the
 * equalized odds difference (the larger of the TPR and FPR differences,
 * each max - min over the groups where it is defined). NaN (null) when
 * fewer than two groups define it.
 */
void cairn__fairness(enum cairn__fairness_metric metric, const int *y_true, const int *y_pred,
		     const char *const *group, size_t n, json_t **out);

/* The gates on the package alone (smoke, latency) and against the holder
 * (schema); each appends its rows to gates. holdout may be NULL. */
int cairn__gate_smoke(cairn_ctx *ctx, const cairn_model *m, json_t *gates);
int cairn__gate_latency(cairn_ctx *ctx, const struct cairn_gates_config *c, const cairn_model *m,
			const struct cairn_frame *holdout, size_t rows, json_t *gates);
void cairn__gate_schema(const cairn_model *cand, const cairn_model *holder, json_t *gates);

/* The input example of a package as a frame (*out NULL when it has none). */
int cairn__gate_example_frame(cairn_ctx *ctx, const cairn_model *m, struct cairn_frame **out);

#endif
