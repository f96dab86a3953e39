/*
 * JSON helpers over jansson: reading files with errors that name the file,
 * line and column, and writing values compactly or indented.
 *
 * Values are jansson's json_t; the usual reference counting applies (the
 * caller owns what these functions return and releases it with json_decref).
 */
#ifndef CAIRN_JSON_H
#define CAIRN_JSON_H

#include <stdio.h>
#include <jansson.h>
#include "cairn/buf.h"
#include "cairn/ctx.h"

/* Parses the file at path into *out. */
int cairn_json_load_file(cairn_ctx *ctx, const char *path, json_t **out);
/* Parses len bytes of text; what names the source in error messages. */
int cairn_json_load_text(cairn_ctx *ctx, const char *what, const char *text,
			 size_t len, json_t **out);
/* Appends v to b with sorted keys: indented when pretty, else one compact
 * line. Reals are written in their shortest exact form ("0.8", not
 * "0.80000000000000004"); NaN and infinities, which JSON lacks, as null. */
void cairn_json_append(cairn_buf *b, const json_t *v, int pretty);
/* What cairn_json_append writes for a string of len bytes of UTF-8 (with
 * its quotes, control characters escaped) and for a real. */
void cairn_json_append_string(cairn_buf *b, const char *s, size_t len);
void cairn_json_append_real(cairn_buf *b, double d);
/* Writes v to f followed by a newline; returns 0 or -1 on a write error. */
int cairn_json_print(FILE *f, const json_t *v, int pretty);

#endif
