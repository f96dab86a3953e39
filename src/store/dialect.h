/*
 * The SQL constructs that differ between the metadata store's engines.
 * Every statement the library runs is written in the subset SQLite and
 * PostgreSQL 15 both run (ON CONFLICT upserts, coalesce, ...); what has no
 * common form is built by the functions here, so that a PostgreSQL driver
 * changes this file and nothing else. The text returned or appended is SQL
 * only, never a value from a user: values stay bound parameters.
 */
#ifndef CAIRN_STORE_DIALECT_H
#define CAIRN_STORE_DIALECT_H

#include "cairn/buf.h"

/*
 * A case-sensitive LIKE: appends the operator (with spaces around it) to
 * sql and returns the pattern to bind in its place, made from a LIKE
 * pattern ('%' and '_' wildcards); the caller frees it. SQLite's LIKE
 * ignores the case of ASCII letters, so there it is GLOB with the pattern
 * translated.
 */
char *cairn__dialect_like_case_sensitive(cairn_buf *sql, const char *like);

/* A case-insensitive LIKE: the operator, with spaces around it. */
const char *cairn__dialect_like_case_insensitive(void);

/*
 * Appends a subquery "(SELECT ...)" whose one column "value" holds each
 * element of the JSON array bound at param (its placeholder text, "?3"):
 * strings, or integers when numeric is set. For "x IN (...)" lists of any
 * length in one cached statement.
 */
void cairn__dialect_json_array_values(cairn_buf *sql, const char *param, int numeric);

/* A column expression ordering a table's rows by insertion, for rows with
 * no key of their own (the metric history). */
const char *cairn__dialect_insertion_order(void);

#endif
