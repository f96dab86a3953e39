/*
 * Promotion: moving an alias of a registered model to a version only
 * through the model's acceptance gates (include/cairn/gates.h), as
 * `cairn models promote` and `cairn ci` do.
 *
 * cairn_promote runs every gate the config declares on the candidate
 * NAME@V against the alias's current holder (none when the alias is
 * unset), stores the gate report as an object (compact JSON, keys sorted)
 * and then, when every gate passed (or force was given), moves the alias
 * with cairn_registry_alias_set, expecting the holder the gates compared
 * against: an alias that another process moved meanwhile is not moved
 * (CAIRN_EEXIST), since the gates would have to run against the new
 * holder. The move and its audit event (action "promote") are one
 * transaction. A failed gate without force, or a holder that changed,
 * moves nothing and appends a "promote-refused" event instead. Both
 * events carry details {alias, version, gate_report (the report's object
 * hash), verdict ("pass" or "fail"), forced, holder (the version the gates
 * compared against, or null)}; a refusal because the holder changed also
 * has "reason". A dry run only runs the gates: nothing is stored or
 * recorded.
 *
 * Refused before anything runs, with nothing stored or recorded: no
 * config (a model without declared gates is never promoted; an alias moves
 * without gates only by cairn_registry_alias_set, audited as "alias-set"),
 * a config of another model, an unknown model or version (CAIRN_ENOTFOUND),
 * an archived version, an invalid alias name, force without a message
 * (CAIRN_EINVAL). A gate that cannot apply (a metric the task lacks) is the
 * gates' error: nothing is stored or recorded either.
 *
 * Ownership: res->report is the caller's; release it with
 * cairn_promote_result_release.
 */
#ifndef CAIRN_PROMOTE_H
#define CAIRN_PROMOTE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "cairn/common.h"
#include "cairn/ctx.h"
#include "cairn/gates.h"
#include "cairn/hash.h"

CAIRN_BEGIN_DECLS

struct cairn_promote_options {
	const char *name;          /* the registered model */
	int64_t version;           /* the candidate */
	const char *alias;         /* the alias to move */
	const struct cairn_gates_config *config;  /* the model's gates */
	const char *message;       /* recorded in the event; required with force */
	int dry_run;               /* run the gates only */
	int force;                 /* move the alias even when a gate failed */
	uint64_t seed;             /* as cairn_gates_options */
	size_t latency_rows;       /* as cairn_gates_options */
};

struct cairn_promote_result {
	json_t *report;            /* the gate report (NULL when the gates did not run) */
	int passed;                /* 1 when no gate failed */
	int moved;                 /* 1 when the alias now points at the version */
	int forced;                /* 1 when it moved despite a failed gate */
	int64_t holder;            /* the version the alias held before (0: none) */
	char report_hash[CAIRN_HEX_LEN + 1];  /* the stored report ("" on a dry run) */
	int64_t seq;               /* the audit event's number (0 when none) */
};

/* Promotes (see above). A failed gate is a result (res->moved 0), not an
 * error; a holder that changed while the gates ran is CAIRN_EEXIST, with
 * res filled and the refusal recorded. */
int cairn_promote(cairn_ctx *ctx, const struct cairn_promote_options *o,
		  struct cairn_promote_result *res);
void cairn_promote_result_release(struct cairn_promote_result *res);

CAIRN_END_DECLS

#endif
