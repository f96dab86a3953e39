/* A run's life: start, attach, end, and reaping runs whose process died;
 * see include/cairn/run.h. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "core/ctx-internal.h"
#include "core/json.h"
#include "core/who.h"
#include "track/run-internal.h"

static const char *const status_names[] = { "RUNNING", "FINISHED", "FAILED", "KILLED" };

const char *cairn_run_status_name(enum cairn_run_status s)
{
	return (unsigned)s < 4 ? status_names[s] : "UNKNOWN";
}

int cairn_run_status_parse(const char *s)
{
	for (int i = 0; i < 4; i++)
		if (!strcasecmp(s, status_names[i]))
			return i;
	return -1;
}

int cairn__run_check_key(cairn_ctx *ctx, const char *what, const char *key)
{
	size_t n = strlen(key);

	if (!n)
		return cairn_error(ctx, CAIRN_EINVAL, "%s name is empty", what);
	if (n > 250)
		return cairn_error(ctx, CAIRN_EINVAL, "%s name '%.40s...' is longer than 250 characters",
				   what, key);
	for (const char *p = key; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return cairn_error(ctx, CAIRN_EINVAL, "%s name '%s' holds a control character",
					   what, key);
	return 0;
}

int cairn_run_resolve(cairn_ctx *ctx, const char *ref, char id[CAIRN_ID_LEN + 1])
{
	cairn__db *db;
	int64_t seq;
	int rc;

	if ((rc = cairn__ctx_db(ctx, &db)))
		return rc;
	return cairn__run_lookup(ctx, db, ref, id, &seq);
}

/* Checks an experiment name: 1 to 250 characters, no control characters. */
static int check_experiment(cairn_ctx *ctx, const char *name)
{
	if (!*name || strlen(name) > 250)
		return cairn_error(ctx, CAIRN_EINVAL, "experiment name must be 1 to 250 characters");
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20)
			return cairn_error(ctx, CAIRN_EINVAL, "experiment name '%s' holds a control character",
					   name);
	return 0;
}

static int new_handle(cairn_ctx *ctx, cairn__db *db, const char *id, int64_t seq, cairn_run **out)
{
	cairn_run *run = calloc(1, sizeof(*run));

	if (!run)
		return cairn_error(ctx, CAIRN_ENOMEM, "out of memory");
	run->ctx = ctx;
	run->db = db;
	run->seq = seq;
	snprintf(run->id, sizeof(run->id), "%s", id);
	*out = run;
	return 0;
}

int cairn_run_start(cairn_ctx *ctx, const struct cairn_run_options *opts, cairn_run **out)
{
	static const struct cairn_run_options defaults;
	char id[CAIRN_ID_LEN + 1], exp[CAIRN_ID_LEN + 1], parent[CAIRN_ID_LEN + 1], ident[128];
	struct cairn__rundb_new nr;
	cairn_buf name = CAIRN_BUF_INIT;
	cairn__db *db;
	pid_t pid;
	int64_t seq, parent_seq;
	int rc;

	*out = NULL;
	if (!opts)
		opts = &defaults;
	if ((rc = cairn__ctx_db(ctx, &db)))
		return rc;
	pid = opts->owner_pid > 0 ? opts->owner_pid : getpid();
	if (cairn__process_identity(pid, ident, sizeof(ident)))
		return cairn_error(ctx, CAIRN_EINVAL, "no process %d to own the run", (int)pid);
	if (opts->name && (!*opts->name || strlen(opts->name) > 250))
		return cairn_error(ctx, CAIRN_EINVAL, "run name must be 1 to 250 characters");
	cairn_id_new(id);
	if (opts->name)
		cairn_buf_adds(&name, opts->name);
	else
		cairn_buf_addf(&name, "run-%s", id + CAIRN_ID_LEN - 6);
	if ((rc = check_experiment(ctx, opts->experiment ? opts->experiment : "Default")) ||
	    (rc = cairn__db_begin(db)))
		goto out;
	if (opts->parent && (rc = cairn__run_lookup(ctx, db, opts->parent, parent, &parent_seq)))
		goto fail;
	nr.id = id;
	nr.experiment_id = exp;
	nr.name = name.buf;
	nr.user = cairn__current_user();
	nr.host = cairn__current_host();
	nr.start_ms = cairn_id_time_ms(id);
	nr.owner_pid = (int)pid;
	nr.owner_identity = ident;
	nr.parent_id = opts->parent ? parent : NULL;
	/* A child without an experiment of its own joins its parent's. */
	if (!opts->experiment && opts->parent)
		rc = cairn__rundb_run_experiment(ctx, db, parent, exp);
	else
		rc = cairn__rundb_experiment(ctx, db, opts->experiment ? opts->experiment : "Default",
					     exp);
	if (rc || (rc = cairn__rundb_insert(ctx, db, &nr, &seq)))
		goto fail;
	if ((rc = cairn__db_commit(db)))
		goto out;
	rc = new_handle(ctx, db, id, seq, out);
	goto out;
fail:
	cairn__db_rollback(db);
out:
	cairn_buf_release(&name);
	return rc;
}

int cairn_run_attach(cairn_ctx *ctx, const char *ref, cairn_run **out)
{
	char id[CAIRN_ID_LEN + 1];
	cairn__db *db;
	int64_t seq;
	int rc;

	*out = NULL;
	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn__run_lookup(ctx, db, ref, id, &seq)))
		return rc;
	return new_handle(ctx, db, id, seq, out);
}

int cairn_run_open_current(cairn_ctx *ctx, const char *run_id, cairn_run **out)
{
	*out = NULL;
	if (!run_id || !*run_id)
		return cairn_error(ctx, CAIRN_EINVAL, "no run to log to: no current run id given");
	return cairn_run_attach(ctx, run_id, out);
}

void cairn_run_free(cairn_run *run)
{
	free(run);
}

const char *cairn_run_id(const cairn_run *run)
{
	return run->id;
}

cairn_ctx *cairn_run_ctx(const cairn_run *run)
{
	return run->ctx;
}

int cairn_run_end(cairn_run *run, enum cairn_run_status status, const char *message)
{
	int rc, ended;

	if (status == CAIRN_RUN_RUNNING || (unsigned)status > CAIRN_RUN_KILLED)
		return cairn_error(run->ctx, CAIRN_EINVAL, "a run ends FINISHED, FAILED or KILLED");
	if ((rc = cairn__rundb_end(run->db, run->seq, cairn_run_status_name(status), cairn_now_ms(),
				   message ? message : "", &ended)))
		return rc;
	if (!ended)
		return cairn_error(run->ctx, CAIRN_EINVAL, "run %s has already ended", run->id);
	return 0;
}

int cairn_run_set_note(cairn_run *run, const char *text)
{
	return cairn__rundb_set_note(run->db, run->seq, text);
}

/* One key of the info object is replaced in a transaction: read, change,
 * write, so that the store needs no JSON functions of its own. */
int cairn_run_set_info(cairn_run *run, const char *key, json_t *value)
{
	cairn_buf text = CAIRN_BUF_INIT;
	json_t *info = NULL;
	int rc;

	if (!value)
		return cairn_error(run->ctx, CAIRN_ENOMEM, "out of memory");
	if ((rc = cairn__db_begin(run->db))) {
		json_decref(value);
		return rc;
	}
	if ((rc = cairn__rundb_info(run->ctx, run->db, run->seq, &info)))
		goto fail;
	if (!json_is_object(info)) {
		json_decref(info);
		info = json_object();
	}
	json_object_set_new(info, key, value);
	value = NULL;
	cairn_json_append(&text, info, 0);
	if ((rc = cairn__rundb_set_info_text(run->db, run->seq, text.buf)))
		goto fail;
	rc = cairn__db_commit(run->db);
	goto out;
fail:
	cairn__db_rollback(run->db);
out:
	json_decref(value);
	json_decref(info);
	cairn_buf_release(&text);
	return rc;
}

int cairn__run_add_edge(cairn_run *run, const char *relation, const char *dst_type,
			const char *dst_id)
{
	int rc;

	if ((rc = cairn__db_begin(run->db)))
		return rc;
	if ((rc = cairn__lineage_add(run->db, "run", run->id, relation, dst_type, dst_id))) {
		cairn__db_rollback(run->db);
		return rc;
	}
	return cairn__db_commit(run->db);
}

int cairn__run_death_time(cairn__db *db, int64_t seq, int64_t *out)
{
	int64_t now = cairn_now_ms();
	int rc = cairn__rundb_last_seen(db, seq, out);

	/* A metric logged with a time in the future says nothing of death. */
	if (!rc && (*out <= 0 || *out > now))
		*out = now;
	return rc;
}

int cairn_run_end_dead(cairn_ctx *ctx, const char *ref, enum cairn_run_status status,
		       const char *message)
{
	struct cairn__rundb_state s = { { 0 }, NULL, 0, NULL };
	char id[CAIRN_ID_LEN + 1], ident[128];
	cairn_buf msg = CAIRN_BUF_INIT;
	cairn__db *db;
	int64_t seq, end_ms;
	int rc, ended;

	if (status != CAIRN_RUN_FAILED && status != CAIRN_RUN_KILLED)
		return cairn_error(ctx, CAIRN_EINVAL, "a run is ended by hand FAILED or KILLED, not %s",
				   cairn_run_status_name(status));
	if ((rc = cairn__ctx_db(ctx, &db)) || (rc = cairn__run_lookup(ctx, db, ref, id, &seq)) ||
	    (rc = cairn__db_begin(db)))
		return rc;
	if ((rc = cairn__rundb_owner_of(ctx, db, seq, &s)))
		goto fail;
	if (strcmp(s.status, "RUNNING")) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "run %s has already ended (%s)", id, s.status);
		goto fail;
	}
	if (!strcmp(s.host, cairn__current_host()) && s.pid > 0 &&
	    !cairn__process_identity(s.pid, ident, sizeof(ident)) && !strcmp(ident, s.identity)) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "run %s is owned by process %d on this host, which is"
				 " alive: stop that process, and it ends the run", id, s.pid);
		goto fail;
	}
	if (message && *message)
		cairn_buf_adds(&msg, message);
	else
		cairn_buf_addf(&msg, "ended by hand by %s: its process on %s was gone",
			       cairn__current_user(), s.host);
	if ((rc = cairn__run_death_time(db, seq, &end_ms)) ||
	    (rc = cairn__rundb_end(db, seq, cairn_run_status_name(status), end_ms, msg.buf, &ended)))
		goto fail;
	rc = cairn__db_commit(db);
	goto out;
fail:
	cairn__db_rollback(db);
out:
	cairn__rundb_state_release(&s);
	cairn_buf_release(&msg);
	return rc;
}

int cairn__run_end_dead_children(cairn_run *run, enum cairn_run_status status, const char *message)
{
	json_t *pending = json_array(), *kids = NULL;
	char ident[128];
	int rc = 0;

	json_array_append_new(pending, json_string(run->id));
	/* Breadth first over the descendants; each is looked at once. */
	for (size_t i = 0; i < json_array_size(pending) && !rc && i < 100000; i++) {
		const char *id = json_string_value(json_array_get(pending, i));
		struct cairn__rundb_state s = { { 0 }, NULL, 0, NULL };
		char full[CAIRN_ID_LEN + 1];
		int64_t seq, end_ms;
		int ended;

		if ((rc = cairn__rundb_children(run->db, id, &kids)))
			break;
		json_array_extend(pending, kids);
		json_decref(kids);
		kids = NULL;
		if (!i)
			continue;
		if ((rc = cairn__run_lookup(run->ctx, run->db, id, full, &seq)) ||
		    (rc = cairn__rundb_owner_of(run->ctx, run->db, seq, &s)))
			break;
		if (!strcmp(s.status, "RUNNING") && !strcmp(s.host, cairn__current_host()) &&
		    (s.pid <= 0 || cairn__process_identity(s.pid, ident, sizeof(ident)) ||
		     strcmp(ident, s.identity)) &&
		    !(rc = cairn__run_death_time(run->db, seq, &end_ms)))
			rc = cairn__rundb_end(run->db, seq, cairn_run_status_name(status), end_ms,
					      message, &ended);
		cairn__rundb_state_release(&s);
	}
	json_decref(kids);
	json_decref(pending);
	return rc;
}

int cairn_run_reap_dead(cairn_ctx *ctx)
{
	struct cairn__rundb_owner *owners = NULL;
	cairn__db *db;
	char ident[128];
	size_t n = 0;
	int rc;

	if ((rc = cairn__ctx_db(ctx, &db)) ||
	    (rc = cairn__rundb_running(ctx, db, cairn__current_host(), &owners, &n)))
		return rc;
	for (size_t i = 0; i < n && !rc; i++) {
		char msg[128];
		int64_t end_ms;
		int ended;
		if (!cairn__process_identity(owners[i].pid, ident, sizeof(ident)) &&
		    !strcmp(ident, owners[i].identity))
			continue;
		snprintf(msg, sizeof(msg), "process %d, which owned the run, ended without ending it",
			 owners[i].pid);
		/* It died when nobody looked: its end is the last time it was
		 * seen alive. Only a RUNNING run is ended, so a race with the
		 * owner's own end is harmless. */
		if (!(rc = cairn__run_death_time(db, owners[i].seq, &end_ms)))
			rc = cairn__rundb_end(db, owners[i].seq, "FAILED", end_ms, msg, &ended);
	}
	cairn__rundb_owners_free(owners, n);
	return rc;
}
