/* The gate reports of a registered version, read back from the audit log:
 * the events of `cairn models promote` ("promote", and "promote-refused"
 * when a gate failed and nothing moved) whose details name the report's
 * object ({alias, version, gate_report, verdict, forced, holder}), and
 * those objects for gc and fsck. */
#include <string.h>
#include "cairn/error.h"
#include "cairn/hash.h"
#include "cairn/objects.h"
#include "core/json.h"
#include "registry/registry-internal.h"
#include "store/db.h"

/* The report the object hash names, or NULL with why in problem. */
static json_t *load_report(cairn_ctx *ctx, const char *hash, cairn_buf *problem)
{
	cairn_buf path = CAIRN_BUF_INIT;
	json_t *report = NULL;

	cairn_buf_reset(problem);
	if (!cairn_is_sha256_hex(hash)) {
		cairn_buf_addf(problem, "'%s' is not an object hash", hash);
	} else if (!cairn_object_exists(ctx, hash)) {
		cairn_buf_addf(problem, "the report object %.12s is not in the object store"
			       " (see 'cairn fsck')", hash);
	} else {
		cairn_object_path(ctx, hash, &path);
		if (cairn_json_load_file(ctx, path.buf, &report) || !json_is_object(report)) {
			cairn_buf_addf(problem, "the report object %.12s is not a JSON object", hash);
			cairn_error_clear(ctx);
			json_decref(report);
			report = NULL;
		}
	}
	cairn_buf_release(&path);
	return report;
}

/* 1 when the event e is a promotion's naming a report: its hash in *hash. */
static int names_report(const json_t *e, const char **hash)
{
	const char *action = json_string_value(json_object_get(e, "action"));

	*hash = json_string_value(json_object_get(json_object_get(e, "details"), "gate_report"));
	return action && (!strcmp(action, "promote") || !strcmp(action, "promote-refused")) &&
	       *hash;
}

int cairn_registry_gate_reports(cairn_ctx *ctx, const char *ref, json_t **out)
{
	struct cairn_registry_ref r;
	cairn_buf problem = CAIRN_BUF_INIT;
	json_t *events = NULL, *list;
	cairn__db *db;
	int rc;

	*out = NULL;
	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__registry_resolve_version(ctx, db, ref, &r)) ||
	    (rc = cairn_registry_audit(ctx, r.name, &events)))
		goto out;
	list = json_array();
	for (size_t i = json_array_size(events); i-- > 0;) {
		const json_t *e = json_array_get(events, i), *details = json_object_get(e, "details");
		const char *action = json_string_value(json_object_get(e, "action")), *hash;
		const json_t *v = json_object_get(details, "version"), *forced;
		json_t *report, *item;

		if (!names_report(e, &hash) || !json_is_integer(v) || json_integer_value(v) != r.version)
			continue;
		report = load_report(ctx, hash, &problem);
		forced = json_object_get(details, "forced");
		item = json_pack("{s:O, s:O, s:s, s:O?, s:O?, s:b, s:O?, s:s, s:o}",
				 "seq", json_object_get(e, "seq"), "time", json_object_get(e, "time"),
				 "action", action, "alias", json_object_get(details, "alias"),
				 "verdict", json_object_get(details, "verdict"),
				 "forced", json_is_boolean(forced) ? json_is_true(forced) :
					   json_is_true(json_object_get(e, "forced")) ||
					   json_integer_value(json_object_get(e, "forced")) != 0,
				 "holder", json_object_get(details, "holder"), "report_hash", hash,
				 "report", report ? report : json_null());
		if (!report)
			json_object_set_new(item, "problem", json_string(problem.buf));
		json_array_append_new(list, item);
	}
	*out = list;
out:
	json_decref(events);
	cairn_buf_release(&problem);
	return rc;
}

int cairn__registry_report_refs(cairn_ctx *ctx, cairn_object_ref_fn *fn, void *arg)
{
	cairn_buf what = CAIRN_BUF_INIT;
	json_t *events = NULL, *e;
	const char *hash;
	size_t i;
	int rc;

	if ((rc = cairn_registry_audit(ctx, NULL, &events)))
		return rc;
	json_array_foreach(events, i, e) {
		const json_t *details = json_object_get(e, "details");
		/* A hash that is no hash names no object (the reader says so). */
		if (!names_report(e, &hash) || !cairn_is_sha256_hex(hash))
			continue;
		cairn_buf_reset(&what);
		cairn_buf_addf(&what, "model %s@%lld %s (audit event %lld)",
			       json_string_value(json_object_get(e, "model")),
			       (long long)json_integer_value(json_object_get(details, "version")),
			       json_string_value(json_object_get(e, "action")),
			       (long long)json_integer_value(json_object_get(e, "seq")));
		if ((rc = fn(what.buf, "gate report", hash, arg)))
			break;
	}
	json_decref(events);
	cairn_buf_release(&what);
	return rc;
}
