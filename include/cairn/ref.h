/*
 * References to versioned things: `name`, `name@3`, `name@alias`,
 * `name@<hash prefix>`, and bare id prefixes.
 *
 * Parsing only classifies the text; resolving it against the store is the job
 * of the module that owns the named thing (datasets, models, runs). A selector
 * that is both a valid alias and a hex string of at least four characters
 * (`name@cafe`) is an alias first and a hash prefix second: resolvers try the
 * alias, then the prefix, and report an ambiguity when the prefix matches more
 * than one version.
 */
#ifndef CAIRN_REF_H
#define CAIRN_REF_H

#include <stdint.h>
#include "cairn/common.h"
#include "cairn/ctx.h"

CAIRN_BEGIN_DECLS

#define CAIRN_NAME_MAX 128
#define CAIRN_HASH_PREFIX_MIN 4

enum cairn_ref_kind {
	CAIRN_REF_NAME,    /* `name`: the latest version, or an id prefix */
	CAIRN_REF_VERSION, /* `name@3` */
	CAIRN_REF_ALIAS,   /* `name@champion`; see maybe_hash */
	CAIRN_REF_HASH     /* `name@9f86d0` when it cannot be an alias */
};

struct cairn_ref {
	enum cairn_ref_kind kind;
	char name[CAIRN_NAME_MAX + 1];
	int64_t version;               /* CAIRN_REF_VERSION */
	char selector[CAIRN_NAME_MAX + 1]; /* the text after '@' ("" for NAME) */
	int maybe_hash;                /* ALIAS whose text is also a hash prefix */
};

/*
 * Parses s into ref. Names are 1..128 characters of [A-Za-z0-9._-] starting
 * with a letter or digit; aliases are 1..128 characters of [a-z0-9_-]
 * starting with a letter; versions are positive decimal integers of up to
 * nine digits; hash prefixes are 4..64 lower-case hex characters (all-digit
 * text is a version unless it starts with 0 or has more than nine digits). Errors name the offending
 * character and its column.
 */
int cairn_ref_parse(cairn_ctx *ctx, const char *s, struct cairn_ref *ref);

/* Checks a bare name (as used by `--name NAME`). */
int cairn_name_check(cairn_ctx *ctx, const char *what, const char *name);
/* Checks an alias. */
int cairn_alias_check(cairn_ctx *ctx, const char *alias);

CAIRN_END_DECLS

#endif
