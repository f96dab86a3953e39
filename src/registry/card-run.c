/* A model card's facts about the training run: who ran it, when and where,
 * and the code version and environment it ran in, taken from the run or,
 * for a run started inside another (`cairn run -- cairn train ...`), from
 * the nearest ancestor that recorded them. */
#include <string.h>
#include "cairn/error.h"
#include "cairn/run.h"
#include "registry/card-internal.h"

/* Parent links followed at most (a chain of nested runs is short). */
#define MAX_ANCESTORS 16

/* The environment's figures that describe the software, not the machine's
 * variables (the allowlisted environment variables stay out of a card). */
static json_t *environment(const json_t *env)
{
	const json_t *os = json_object_get(env, "os"), *kernel = json_object_get(env, "kernel");
	const json_t *cairn = json_object_get(env, "cairn");
	json_t *o = json_object();

	json_object_set(o, "cairn_version", json_object_get(cairn, "version"));
	if (json_object_get(os, "pretty_name"))
		json_object_set(o, "os", json_object_get(os, "pretty_name"));
	else if (json_object_get(os, "name"))
		json_object_set(o, "os", json_object_get(os, "name"));
	if (kernel)
		json_object_set_new(o, "kernel", json_pack("{s:O?, s:O?}",
			"release", json_object_get(kernel, "release"),
			"machine", json_object_get(kernel, "machine")));
	json_object_set(o, "compiler", json_object_get(cairn, "compiler"));
	json_object_set(o, "libc", json_object_get(cairn, "libc"));
	json_object_set(o, "libraries", json_object_get(cairn, "libraries"));
	json_object_set(o, "cpu", json_object_get(env, "cpu"));
	json_object_set(o, "memory_kb", json_object_get(env, "memory_kb"));
	/* Keys without a value are left out rather than shown as null. */
	{
		const char *key;
		json_t *v;
		void *tmp;
		json_object_foreach_safe(o, tmp, key, v)
			if (json_is_null(v))
				json_object_del(o, key);
	}
	return o;
}

/* Finds info[key] on the run or its nearest ancestor that has it: *found
 * (borrowed from *holder, which the caller frees) and the id of that run. */
static int find_info(cairn_ctx *ctx, json_t *run, const char *key, json_t **holder,
		     const json_t **found)
{
	json_t *cur = json_incref(run);
	int rc = 0;

	*found = NULL;
	for (int depth = 0; cur && depth < MAX_ANCESTORS; depth++) {
		const json_t *v = json_object_get(json_object_get(cur, "info"), key);
		const char *parent = json_string_value(json_object_get(cur, "parent"));
		json_t *next = NULL;

		if (v && !json_is_null(v)) {
			*found = v;
			break;
		}
		if (!parent || !*parent)
			break;
		if ((rc = cairn_run_show(ctx, parent, &next))) {
			if (rc != CAIRN_ENOTFOUND)
				break;
			cairn_error_clear(ctx);
			rc = 0;
		}
		json_decref(cur);
		cur = next;
	}
	if (!*found) {
		json_decref(cur);
		cur = NULL;
	}
	*holder = cur;
	return rc;
}

int cairn__card_run(cairn_ctx *ctx, const char *run_id, json_t *notes, json_t **out)
{
	static const char *const copied[] = {
		"id", "name", "experiment", "status", "start_time", "end_time", "duration_ms",
		"user", "host", "parent", "note", "params", "tags"
	};
	json_t *run = NULL, *holder = NULL, *o;
	const json_t *v;
	int rc;

	*out = json_null();
	if (!run_id) {
		cairn__card_note(notes, "the package names no training run");
		return 0;
	}
	if ((rc = cairn_run_show(ctx, run_id, &run))) {
		if (rc != CAIRN_ENOTFOUND)
			return rc;
		cairn_error_clear(ctx);
		cairn__card_note(notes, "the training run %s is not in this workspace", run_id);
		return 0;
	}
	o = json_object();
	for (size_t i = 0; i < sizeof(copied) / sizeof(copied[0]); i++)
		json_object_set(o, copied[i], json_object_get(run, copied[i]));
	if ((rc = find_info(ctx, run, "code", &holder, &v)))
		goto fail;
	json_object_set_new(o, "code", v ? json_pack("{s:O?, s:O?, s:O?, s:O?, s:O?, s:O?}",
		"commit", json_object_get(v, "commit"), "branch", json_object_get(v, "branch"),
		"dirty", json_object_get(v, "dirty"), "repository", json_object_get(v, "repository"),
		"path", json_object_get(v, "path"), "remote", json_object_get(v, "remote")) : json_null());
	json_object_set(o, "code_run", v ? json_object_get(holder, "id") : json_null());
	json_decref(holder);
	if (!v)
		cairn__card_note(notes, "no code version was recorded: the training run ran outside a"
				 " git work tree ('cairn train', 'cairn sweep' and 'cairn run' record"
				 " the commit of the work tree they run in)");
	if ((rc = find_info(ctx, run, "environment", &holder, &v)))
		goto fail;
	json_object_set_new(o, "environment", v ? environment(v) : json_null());
	json_object_set(o, "environment_run", v ? json_object_get(holder, "id") : json_null());
	json_decref(holder);
	if (!v) {
		/* A training run still says which cairn trained it. */
		v = json_object_get(json_object_get(json_object_get(run, "info"), "recipe"),
				    "cairn_version");
		if (v)
			json_object_set_new(o, "environment", json_pack("{s:O}", "cairn_version", v));
		cairn__card_note(notes, "no environment was recorded (operating system, libraries):"
				 " 'cairn run' records it");
	}
	json_decref(run);
	json_decref(*out);
	*out = o;
	return 0;
fail:
	json_decref(o);
	json_decref(run);
	return rc;
}
