/*
 * Reports built from stored profiles: the difference between two versions of
 * a table, and a self-contained HTML page of one profile with an SVG chart
 * per column. Both read the profile JSON described in docs/internals/profile.md.
 */
#ifndef CAIRN_REPORT_H
#define CAIRN_REPORT_H

#include <jansson.h>
#include "cairn/buf.h"
#include "cairn/common.h"

CAIRN_BEGIN_DECLS

/*
 * The difference from profile a to profile b (new reference):
 *   {"rows": {"from", "to", "change"},
 *    "columns_added": [{name, type}], "columns_removed": [{name, type}],
 *    "columns_retyped": [{name, from, to}],
 *    "columns": [{name, type, "mean": {from, to, change} (numeric),
 *                 "null_rate": {from, to, change},
 *                 "top": [{value, from_share, to_share, change}] (categorical)}]}
 * Shares are fractions of the non-null values; a category absent from one
 * side has share 0 there.
 */
json_t *cairn_profile_diff(const json_t *a, const json_t *b);

/* Appends an HTML page for profile (title in the heading) to out. */
void cairn_profile_html(const json_t *profile, const char *title, cairn_buf *out);

CAIRN_END_DECLS

#endif
