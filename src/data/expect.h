/*
 * The parsed form of an expectation suite, shared by the parser
 * (src/data/expect-parse.c) and the evaluator (src/data/expect.c). Everything
 * a suite points to belongs to it and is freed by cairn_suite_free().
 */
#ifndef CAIRN_DATA_EXPECT_H
#define CAIRN_DATA_EXPECT_H

#include <regex.h>
#include <stddef.h>
#include "cairn/expect.h"

enum cairn__expect_kind {
	CAIRN__EXPECT_COLUMNS_PRESENT,
	CAIRN__EXPECT_COLUMN_TYPE,
	CAIRN__EXPECT_NOT_NULL,
	CAIRN__EXPECT_UNIQUE,
	CAIRN__EXPECT_BETWEEN,
	CAIRN__EXPECT_IN_SET,
	CAIRN__EXPECT_MATCHES,
	CAIRN__EXPECT_LENGTH_BETWEEN,
	CAIRN__EXPECT_ROW_COUNT_BETWEEN,
	CAIRN__EXPECT_MEAN_BETWEEN,
	CAIRN__EXPECT_STD_BETWEEN,
	CAIRN__EXPECT_QUANTILE_BETWEEN,
	CAIRN__EXPECT_GREATER_THAN,
	CAIRN__EXPECT_KIND_COUNT
};

/* The name of a kind as suites spell it ("between"). */
const char *cairn__expect_kind_name(enum cairn__expect_kind k);

/* A bound as written: a number (integer or not) or a date and time. */
struct cairn__bound {
	int set;
	int is_int;       /* written as an integer: i holds it exactly */
	int is_time;      /* written as a date: v is milliseconds since the epoch */
	double v;
	int64_t i;
};

struct cairn__expectation {
	enum cairn__expect_kind kind;
	size_t line, col;          /* of the item in the suite file, from 1 */
	char *description;         /* or NULL */
	char *column;              /* the column tested, or NULL */
	char *than;                /* greater_than: the other column */
	char **columns;            /* columns_present */
	size_t ncolumns;
	int strict;                /* columns_present: no other columns */
	int or_equal;              /* greater_than */
	unsigned types;            /* column_type: bit (1 << enum cairn_type) per type */
	int mostly_set;
	double mostly;             /* fraction of checked rows that must pass */
	struct cairn__bound min, max;
	double quantile;
	char **values;             /* in_set, as written */
	size_t nvalues;
	char *regex;               /* matches: the source */
	regex_t re;                /* compiled when regex is set */
};

struct cairn_suite {
	char *name;                /* "" when unnamed */
	char *description;         /* or NULL */
	struct cairn__expectation *items;
	size_t n;
};

#endif
