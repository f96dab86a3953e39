/*
 * Deriving new data: splits, samples and augmentation (SMOTE, SMOTE-NC and
 * Gaussian noise). cairn_dataset_derive does the whole of it: it loads a
 * dataset version, derives, and records the result as new versions with
 * their derived_from edges and parameters, all or nothing. The functions
 * below it work on a frame only: they choose rows or build synthetic rows.
 *
 * Every function is deterministic: the same frame, options and seed give the
 * same rows on every machine. Randomness comes from cairn's own generator
 * (xoshiro256** seeded by splitmix64, src/data/rng.h), never from rand();
 * the algorithms are written out in docs/commands/data-split.md,
 * data-sample.md and data-augment.md, which are part of this contract.
 *
 * Errors: a missing column is CAIRN_ENOTFOUND (the message lists the
 * columns); invalid options are CAIRN_EINVAL; data the operation cannot work
 * on (no rows, nulls in a stratify or target column, a regression target
 * for SMOTE, a class too small) is CAIRN_EPARSE. Messages are on ctx.
 *
 * Ownership: results are owned by the caller and freed as each function
 * says. Frames are only read; several threads may derive from one frame.
 */
#ifndef CAIRN_DERIVE_H
#define CAIRN_DERIVE_H

#include <stddef.h>
#include <stdint.h>
#include "cairn/buf.h"
#include "cairn/common.h"
#include "cairn/ctx.h"
#include "cairn/dataset.h"
#include "cairn/frame.h"

CAIRN_BEGIN_DECLS

/* The rows of a frame grouped by the value of one column. */
struct cairn_classes {
	size_t n;          /* classes, in order of their first row */
	size_t *count;     /* count[c]: rows of class c */
	size_t *first;     /* first[c]: the first row of class c */
	uint32_t *of_row;  /* of_row[r]: the class of row r */
};

/*
 * Groups the rows of column col by value (strings by text, numbers by exact
 * value). A column with nulls is refused (CAIRN_EPARSE); what ("stratify",
 * "target") names the column's role in that message.
 */
int cairn_classes_build(cairn_ctx *ctx, const struct cairn_frame *f, size_t col,
			const char *what, struct cairn_classes *out);
void cairn_classes_release(struct cairn_classes *c);

/*
 * Stratified allocation: splits count[0..nclass) rows among nparts parts
 * whose wanted sizes are target[0..nparts) (summing to the total). Writes
 * alloc[c * nparts + p], the rows of class c that go to part p, such that
 *  - every class's rows are all allocated, and alloc[c][p] is the floor or
 *    the ceiling of count[c] * target[p] / total (every class's share is
 *    within one row of exact in every part);
 *  - every part's total is the floor or the ceiling of target[p], the parts
 *    with the largest fractional parts getting the ceilings first.
 * Such an allocation always exists (controlled rounding of a two-way
 * table); it is found as an integer flow, see docs/commands/data-split.md.
 */
void cairn_stratified_allocate(const size_t *count, size_t nclass, const double *target,
			       size_t nparts, size_t *alloc);

/* The parts of a split: rows[p][0..n[p]) in ascending row order. */
struct cairn_split {
	size_t nparts;
	size_t **rows;
	size_t *n;
};
void cairn_split_release(struct cairn_split *s);

struct cairn_split_options {
	const double *ratios;  /* nparts ratios, each in (0, 1], summing to 1 within 1e-9 */
	size_t nparts;         /* at least 2 */
	const char *stratify;  /* column name, or NULL */
	uint64_t seed;
};

/*
 * Splits the rows of f: every row goes to exactly one part; part p gets the
 * floor or ceiling of ratios[p] x rows; stratified, every class's share in
 * every part is within one row of exact. A part that would be empty is an
 * error (CAIRN_EINVAL).
 */
int cairn_split_rows(cairn_ctx *ctx, const struct cairn_frame *f,
		     const struct cairn_split_options *opts, struct cairn_split *out);

struct cairn_sample_options {
	size_t n;              /* rows to draw, 1 .. f->nrows */
	const char *stratify;  /* column name, or NULL */
	uint64_t seed;
};

/*
 * Draws opts->n distinct rows (without replacement) into *rows (ascending,
 * n of them; free() it). Without stratification, the sample of n rows is a
 * prefix of one seeded permutation, so a smaller sample with the same seed
 * is a subset of a larger one.
 */
int cairn_sample_rows(cairn_ctx *ctx, const struct cairn_frame *f,
		      const struct cairn_sample_options *opts, size_t **rows, size_t *n);

/* The sample size for a fraction of nrows: frac x nrows rounded to the
 * nearest integer, halves up. */
size_t cairn_sample_size(double frac, size_t nrows);

enum cairn_sampling_strategy {
	CAIRN_SAMPLING_AUTO,      /* every class but the majority, up to the majority's count */
	CAIRN_SAMPLING_MINORITY,  /* only the smallest class, up to the majority's count */
	CAIRN_SAMPLING_RATIO      /* every class up to floor(ratio x majority count) */
};

struct cairn_smote_options {
	const char *target;    /* the class column */
	size_t k;              /* neighbours (0: 5) */
	enum cairn_sampling_strategy strategy;
	double ratio;          /* CAIRN_SAMPLING_RATIO: in (0, 1] */
	uint64_t seed;
};

/* How many rows of each class there were and were made. */
struct cairn_class_counts {
	size_t n;
	char **label;          /* the class value as text */
	size_t *before;
	size_t *added;
};
void cairn_class_counts_release(struct cairn_class_counts *c);

/*
 * SMOTE (Chawla et al., 2002) over the numeric feature columns (integer,
 * float, datetime) with SMOTE-NC's handling of categorical ones (string,
 * boolean): appends the synthetic rows to out, formatted in f's format
 * (cairn_frame_format_row), and sets *nsynthetic. Every column but the
 * target is a feature. counts (may be NULL) receives the per-class figures.
 * Refuses features with nulls, a regression target, and a class to
 * oversample with fewer than 2 rows (CAIRN_EPARSE).
 */
int cairn_smote(cairn_ctx *ctx, const struct cairn_frame *f, const struct cairn_smote_options *opts,
		cairn_buf *out, size_t *nsynthetic, struct cairn_class_counts *counts);

struct cairn_noise_options {
	const char *target;    /* left unchanged; may be NULL */
	double sd;             /* noise standard deviation, in units of each column's std (> 0) */
	size_t copies;         /* noisy copies of every row (>= 1) */
	uint64_t seed;
};

/*
 * Gaussian noise: appends copies x rows synthetic rows to out, each a copy
 * of a row (in order, copy after copy) whose integer and float columns,
 * except the target, get N(0, (sd x the column's standard deviation)^2)
 * added (integers rounded); other columns and nulls are copied unchanged.
 */
int cairn_noise(cairn_ctx *ctx, const struct cairn_frame *f, const struct cairn_noise_options *opts,
		cairn_buf *out, size_t *nsynthetic);

enum cairn_derive_kind {
	CAIRN_DERIVE_SPLIT,    /* split: parts of the rows */
	CAIRN_DERIVE_SAMPLE,   /* sample: rows drawn without replacement */
	CAIRN_DERIVE_SMOTE,    /* augment: the rows, then SMOTE's synthetic rows */
	CAIRN_DERIVE_NOISE     /* augment: the rows, then noisy copies */
};

struct cairn_derive_options {
	enum cairn_derive_kind kind;
	const char *source;          /* reference of a tabular dataset version */
	/* Names of the new datasets: split.nparts names for a split (distinct),
	 * one otherwise; NULL for the defaults: NAME-train and NAME-test for
	 * two parts, NAME-train, NAME-val, NAME-test for three, NAME-split1 ...
	 * otherwise; NAME-sample, NAME-smote, NAME-noise. */
	const char *const *names;
	uint64_t seed;               /* 0 .. 2^63-1 (it is stored as JSON); the
				      * seed fields of the structs below are ignored */
	/* The id (or a unique prefix) of the run that makes the versions, or
	 * NULL; each new version records the edge (run generated
	 * dataset_version). CAIRN_ENOTFOUND when there is no such run. */
	const char *generated_by_run;
	struct cairn_split_options split;
	/* A sample of sample.n rows, or when that is 0 of sample_frac x rows
	 * (cairn_sample_size; in (0, 1]). */
	struct cairn_sample_options sample;
	double sample_frac;
	struct cairn_smote_options smote;   /* k 0: 5 */
	struct cairn_noise_options noise;
};

struct cairn_derive_output {
	struct cairn_dataset_version version;
	int existed;             /* the content equals the latest version of the name,
				  * which version is: nothing was added */
	size_t synthetic;        /* synthetic rows in it (augmentation) */
};

struct cairn_derive_result {
	char source[CAIRN_NAME_MAX + 24];   /* the source version, "name@N" */
	int augmented;                      /* the outputs hold synthetic rows */
	size_t n;
	struct cairn_derive_output *outputs;
};
/* Frees what r holds (not r). */
void cairn_derive_result_release(struct cairn_derive_result *r);

/*
 * Derives new dataset versions from opts->source and records them: a
 * split's parts, a sample, or the augmented rows. Each output holds rows of
 * the source byte for byte (in their order), then any synthetic rows, in
 * the source's format; its parameters (op, method, sizes, seed, ...) are
 * stored with it, and it has a derived_from edge to the source.
 *
 * All or nothing: the outputs are written to temporary files under the
 * workspace, stored, then recorded in one transaction; on any failure, and
 * when the context's cancel flag is set (checked between the steps:
 * CAIRN_EINTERRUPTED), nothing is recorded and no temporary file remains.
 * res is filled on success only (release it with cairn_derive_result_release).
 */
int cairn_dataset_derive(cairn_ctx *ctx, const struct cairn_derive_options *opts,
			 struct cairn_derive_result *res);

CAIRN_END_DECLS

#endif
