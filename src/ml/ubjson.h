/*
 * Reading Universal Binary JSON (UBJSON, ubjson.org) into a jansson value, for
 * XGBoost's model.ubj: objects, arrays (plain, counted "#" and typed "$"),
 * strings, integers of 1 to 8 bytes, float32 and float64 (big-endian), true,
 * false, null, no-op and char. High-precision numbers ("H") are refused.
 *
 * The reader never trusts a count: every length is checked against the bytes
 * left before anything is allocated, nesting is at most 64 deep, and the
 * input must end with the value. A float32 becomes the double it stands for.
 * Malformed input is CAIRN_EPARSE naming what and the byte offset (from 0).
 */
#ifndef CAIRN_ML_UBJSON_H
#define CAIRN_ML_UBJSON_H

#include <jansson.h>
#include <stddef.h>
#include "cairn/ctx.h"

/* Parses len bytes at p; *out (the caller's reference) is set on success only. */
int cairn__ubjson_load(cairn_ctx *ctx, const char *what, const void *p, size_t len,
		       json_t **out);

#endif
