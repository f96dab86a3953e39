/*
 * Data quality checks: expectation suites, read from YAML, evaluated on a
 * frame, and suggested from a dataset version's profile.
 *
 * A suite is a named list of expectations (columns present, types, not null,
 * unique, values between, in a set, matching a regex, lengths, row count,
 * mean, standard deviation and quantiles between bounds, one column greater
 * than another); docs/commands/data-check.md documents the format.
 * cairn_suite_parse() rejects anything it does not understand, with the
 * file, line and column of the fault (CAIRN_EPARSE).
 *
 * cairn_expect_check() evaluates every expectation and returns a JSON report
 * (layout in docs/commands/data-check.md). Failed expectations are results,
 * not errors: the call succeeds and sets *passed to 0.
 *
 * cairn_suite_suggest() infers a suite from a stored profile (its JSON is the
 * same object a YAML suite parses into) and cairn_suite_yaml() writes it as
 * commented YAML that cairn_suite_parse() reads back to the same suite.
 *
 * Ownership: a suite is freed with cairn_suite_free(); JSON values returned
 * are new references. A suite is read-only once parsed, so several threads
 * may check frames against one suite.
 */
#ifndef CAIRN_EXPECT_H
#define CAIRN_EXPECT_H

#include <jansson.h>
#include <stddef.h>
#include "cairn/buf.h"
#include "cairn/common.h"
#include "cairn/ctx.h"
#include "cairn/dataset.h"
#include "cairn/frame.h"

CAIRN_BEGIN_DECLS

struct cairn_suite;

/* Parses a suite from text; name is what errors call the source (a file
 * name). */
int cairn_suite_parse(cairn_ctx *ctx, const char *name, const char *text, size_t len,
		      struct cairn_suite **out);
/* Reads and parses the suite file at path. */
int cairn_suite_load(cairn_ctx *ctx, const char *path, struct cairn_suite **out);
void cairn_suite_free(struct cairn_suite *s);

/* The suite's name ("" when it has none) and its number of expectations. */
const char *cairn_suite_name(const struct cairn_suite *s);
size_t cairn_suite_size(const struct cairn_suite *s);

#define CAIRN_EXPECT_EXAMPLES 20

struct cairn_expect_options {
	size_t max_examples;   /* failing rows listed per expectation */
};

/*
 * Evaluates every expectation of s on f. *report gets the report (new
 * reference) and *passed 1 when every expectation held. opts may be NULL
 * (CAIRN_EXPECT_EXAMPLES examples).
 */
int cairn_expect_check(cairn_ctx *ctx, const struct cairn_frame *f, const struct cairn_suite *s,
		       const struct cairn_expect_options *opts, json_t **report, int *passed);

/*
 * Records on the dataset version v that it was checked against the suite s
 * read from suite_file, with the outcome in report (cairn_expect_check's):
 * a tag "cairn.check:LABEL" (LABEL the suite's name, or the file's base
 * name when it has none) whose value is the JSON text {passed, failed,
 * expectations, suite_file, suite_sha256, checked_at}. A later check with
 * the same suite replaces it. The acceptance gate training_data_checked
 * reads these records (include/cairn/gates.h).
 */
int cairn_expect_record(cairn_ctx *ctx, const struct cairn_dataset_version *v,
			const char *suite_file, const struct cairn_suite *s, const json_t *report);

/* The checks recorded on v as an object LABEL -> record (new reference;
 * empty when none). Records whose value is not JSON are left out. */
json_t *cairn_expect_recorded(const struct cairn_dataset_version *v);

#define CAIRN_EXPECT_TAG_PREFIX "cairn.check:"

struct cairn_suggest_options {
	const char *name;         /* the suite's name; may be NULL */
	double row_margin;        /* row_count_between allows rows * (1 +- margin) */
	size_t max_categories;    /* in_set for string columns with at most this many values */
};

/*
 * Infers a suite from a profile (docs/internals/profile.md): *suite is the
 * suite as JSON ({suite, expectations: [...]}) and *notes (may be NULL) an
 * array as long as expectations holding, for each, a comment (string) to
 * write above it or null. opts may be NULL (margin 0.1, 50 categories).
 */
int cairn_suite_suggest(cairn_ctx *ctx, const json_t *profile,
			const struct cairn_suggest_options *opts, json_t **suite, json_t **notes);

/* Appends a suite in JSON form as YAML: header (may be NULL) as comment
 * lines first, then notes (may be NULL) as comments above the expectations. */
void cairn_suite_yaml(const json_t *suite, const json_t *notes, const char *header,
		      cairn_buf *out);

CAIRN_END_DECLS

#endif
