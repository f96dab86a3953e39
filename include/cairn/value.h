/*
 * Classifying and parsing the text of one tabular value: null markers,
 * booleans, integers, floats and ISO 8601 dates and times. These rules decide
 * every column type cairn infers, so they live in one place.
 *
 * Null: the empty string and, unless quoted, NA, N/A, n/a, NaN, nan, null,
 * NULL, None, <NA>, #N/A. Boolean: true/false in lower, upper or title case.
 * Integer: optional sign and decimal digits that fit in 64 bits. Float: the
 * usual decimal and exponent forms plus inf/infinity (any case, signed).
 * Datetime: YYYY-MM-DD, optionally followed by 'T' or ' ' and HH:MM[:SS[.f]],
 * optionally followed by 'Z' or +HH:MM / -HH:MM; stored as milliseconds since
 * the Unix epoch (UTC).
 */
#ifndef CAIRN_VALUE_H
#define CAIRN_VALUE_H

#include <stddef.h>
#include <stdint.h>
#include "cairn/common.h"

CAIRN_BEGIN_DECLS

enum cairn_type {
	CAIRN_TYPE_NULL = 0, /* only for a single value: no column has this type */
	CAIRN_TYPE_BOOL,
	CAIRN_TYPE_INT,
	CAIRN_TYPE_FLOAT,
	CAIRN_TYPE_DATETIME,
	CAIRN_TYPE_STRING
};

/* "integer", "float", "boolean", "datetime", "string" (and "null"). */
const char *cairn_type_name(enum cairn_type t);
/* The inverse of cairn_type_name; also accepts "int", "bool", "str",
 * "categorical". -1 when unknown. */
int cairn_type_parse(const char *s);

int cairn_value_is_null(const char *s, size_t len, int quoted);
/* Each returns 1 and sets *out when s[0..len) is that kind of value, else 0. */
int cairn_parse_bool(const char *s, size_t len, int *out);
int cairn_parse_int(const char *s, size_t len, int64_t *out);
int cairn_parse_float(const char *s, size_t len, double *out);
int cairn_parse_datetime(const char *s, size_t len, int64_t *ms);

/* The narrowest type of one value (CAIRN_TYPE_NULL for a null). */
enum cairn_type cairn_value_type(const char *s, size_t len, int quoted);
/* The type of a column holding values of types a and b: equal types stay,
 * integer and float make float, NULL gives the other, anything else string. */
enum cairn_type cairn_type_join(enum cairn_type a, enum cairn_type b);

CAIRN_END_DECLS

#endif
