/*
 * The rows monitoring works on: one per predicted row, with its time, the
 * predicted and true labels as text, a group, and the logged class
 * probabilities. Read from the prediction log (rows.c: the serve module's
 * reader and feedback table, each record parsed once) or made from a frame
 * the model predicts (bias.c). The contract of the commands is
 * include/cairn/monitor.h.
 */
#ifndef CAIRN_MONITOR_ROWS_H
#define CAIRN_MONITOR_ROWS_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "cairn/ctx.h"
#include "cairn/model.h"

struct cairn__mon_rows {
	size_t n, cap;
	int k;                  /* probabilities per row (the model's classes) */
	int64_t *time_ms;       /* the prediction's time */
	char **pred;            /* the prediction as text */
	char **label;           /* the ground truth as text, or NULL: none yet */
	char **group;           /* the sensitive column's value, or NULL */
	double *proba;          /* n x k; a row without them starts with NaN */
	size_t unjoined;        /* records whose label did not fit their rows */
	size_t records;         /* log records taken */
};

struct cairn__mon_log_options {
	const char *model_ref;  /* the records of this model reference */
	const cairn_model *model; /* opened from it (names a package's records) */
	int64_t since_ms;       /* at or after (0: all) */
	const char *group;      /* the input column of each row's group, or NULL */
	int k;                  /* the model's classes (0: not a classifier) */
};

/* Reads the records of the log of the workspace open on ctx that pass o,
 * every row of each, with the latest feedback of its request; the rows in
 * order of prediction time. */
int cairn__mon_log_rows(cairn_ctx *ctx, const struct cairn__mon_log_options *o,
			struct cairn__mon_rows *out);
/* Adds one row (the texts copied; label and group may be NULL; proba k
 * values or NULL) and returns its index. */
size_t cairn__mon_rows_add(struct cairn__mon_rows *r, int64_t time_ms, const char *pred,
			   const char *label, const char *group, const double *proba);
void cairn__mon_rows_release(struct cairn__mon_rows *r);
/* Adds the rows of one log record rec (its outputs: an array, or
 * {predictions, probabilities}; its inputs' column group, or none when
 * NULL) with the label of fb ({label, ...}, or NULL), as out->k classes;
 * a record without outputs adds nothing. Any JSON is taken: what does not
 * fit is left out (a row's missing value is NULL, a label that fits no
 * row counts in out->unjoined). */
void cairn__mon_record_rows(const json_t *rec, const json_t *fb, const char *group,
			    struct cairn__mon_rows *out);

/* A JSON value as the text monitoring compares: a string as it is, an
 * integer in decimal, a real as cairn writes it, anything else (null) NULL.
 * New string, or NULL. */
char *cairn__mon_value_text(const json_t *v);

#endif
