/*
 * YAML as JSON values: reading a YAML document (libyaml) into a jansson value,
 * and writing a JSON value as block-style YAML, for files such as MLmodel
 * that other tools read and write.
 *
 * Reading: mappings become objects, sequences arrays; a plain scalar becomes
 * null (~, null, empty), a boolean (true/false), an integer, a real or a
 * string; a quoted scalar is always a string. Anchors and aliases are
 * resolved by libyaml and expanded while converting: a document that expands
 * to more than CAIRN_YAML_MAX_NODES nodes (an "alias bomb", a few lines that
 * expand to billions) is refused, naming the line where the limit was passed,
 * before it costs more than some hundred megabytes. Errors name the file, line
 * and column.
 *
 * Writing: keys in sorted order; strings quoted (JSON escapes, which YAML
 * double-quoted scalars accept) unless they are plain words that read back
 * as the same string.
 */
#ifndef CAIRN_YAML_H
#define CAIRN_YAML_H

#include <jansson.h>
#include <stddef.h>
#include <yaml.h>
#include "cairn/buf.h"
#include "cairn/ctx.h"

/* Nodes (scalars, sequences, mappings) a document may expand to. */
#define CAIRN_YAML_MAX_NODES 1000000
/* The limit in force: CAIRN_YAML_MAX_NODES, lowered only by tests and fuzz
 * targets (before any thread starts) to keep each input cheap. */
extern size_t cairn__yaml_max_nodes;

/* Parses the first document of text (what names it in errors). */
int cairn_yaml_load_text(cairn_ctx *ctx, const char *what, const char *text, size_t len,
			 json_t **out);
int cairn_yaml_load_file(cairn_ctx *ctx, const char *path, json_t **out);
/* Appends v (an object) as a YAML document. */
void cairn_yaml_append(cairn_buf *b, const json_t *v);

/* For readers that walk libyaml's document themselves (expectation suites,
 * the project file): a plain (unquoted) scalar; YAML's null (~, null, Null,
 * NULL or nothing, unquoted); and the error of a parser that failed on the
 * source what: CAIRN_ENOMEM, or CAIRN_EPARSE naming the line and column. */
int cairn__yaml_is_plain(const yaml_node_t *n);
int cairn__yaml_is_null(const yaml_node_t *n);
int cairn__yaml_parser_error(cairn_ctx *ctx, const char *what, const yaml_parser_t *y);

#endif
