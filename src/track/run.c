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

int cairn__run_lookup(cairn_ctx *ctx, cairn__db *db, const char *ref,
		      char id[CAIRN_ID_LEN + 1], int64_t *seq)
{
	cairn__stmt *st;
	char *full = NULL;
	int rc, row;

	if (!*ref || strlen(ref) > CAIRN_ID_LEN || strspn(ref, "0123456789abcdefghjkmnpqrstvwxyz"
						       "ABCDEFGHJKMNPQRSTVWXYZ") != strlen(ref))
		return cairn_error(ctx, CAIRN_ENOTFOUND, "no run '%s' (a run id or a unique prefix of one)",
				   ref);
	{
		char lower[CAIRN_ID_LEN + 1];
		size_t i;
		for (i = 0; ref[i]; i++)
			lower[i] = (char)(ref[i] >= 'A' && ref[i] <= 'Z' ? ref[i] + 32 : ref[i]);
		lower[i] = '\0';
		if ((rc = cairn__db_resolve_prefix(db, "run", "runs", "id", lower, &full)))
			return rc;
	}
	if ((rc = cairn__db_prepare(db, "SELECT seq FROM runs WHERE id = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, full)))
		goto out;
	row = cairn__stmt_step(st);
	if (row == 1) {
		*seq = cairn__stmt_int64(st, 0);
		snprintf(id, CAIRN_ID_LEN + 1, "%s", full);
	}
	cairn__stmt_reset(st);
	rc = row == 1 ? 0 : row == 0 ? cairn_error(ctx, CAIRN_ENOTFOUND, "no run '%s'", ref) : CAIRN_EDB;
out:
	free(full);
	return rc;
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

/* The id of experiment name, created when missing (inside a transaction). */
static int experiment_id(cairn_ctx *ctx, cairn__db *db, const char *name, char id[CAIRN_ID_LEN + 1])
{
	cairn__stmt *st;
	int rc, row;

	if (!*name || strlen(name) > 250)
		return cairn_error(ctx, CAIRN_EINVAL, "experiment name must be 1 to 250 characters");
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20)
			return cairn_error(ctx, CAIRN_EINVAL, "experiment name '%s' holds a control character",
					   name);
	if ((rc = cairn__db_prepare(db, "SELECT id FROM experiments WHERE name = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, name)))
		return rc;
	row = cairn__stmt_step(st);
	if (row == 1)
		snprintf(id, CAIRN_ID_LEN + 1, "%s", cairn__stmt_text(st, 0));
	cairn__stmt_reset(st);
	if (row != 0)
		return row == 1 ? 0 : CAIRN_EDB;
	cairn_id_new(id);
	if ((rc = cairn__db_prepare(db, "INSERT INTO experiments(id, name, created_ms) VALUES (?, ?, ?)",
				   &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, id)) ||
	    (rc = cairn__stmt_bind_text(st, 2, name)) ||
	    (rc = cairn__stmt_bind_int64(st, 3, cairn_now_ms())))
		return rc;
	return cairn__stmt_run(st);
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
	cairn_buf name = CAIRN_BUF_INIT;
	cairn__stmt *st;
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
	if ((rc = cairn__db_begin(db)))
		goto out;
	if (opts->parent && (rc = cairn__run_lookup(ctx, db, opts->parent, parent, &parent_seq)))
		goto fail;
	if ((rc = experiment_id(ctx, db, opts->experiment ? opts->experiment : "Default", exp)))
		goto fail;
	if ((rc = cairn__db_prepare(db, "INSERT INTO runs(id, experiment_id, name, status, start_ms,"
				       " user, host, owner_pid, owner_identity, parent_id)"
				       " VALUES (?, ?, ?, 'RUNNING', ?, ?, ?, ?, ?, ?)", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, id)) ||
	    (rc = cairn__stmt_bind_text(st, 2, exp)) ||
	    (rc = cairn__stmt_bind_text(st, 3, name.buf)) ||
	    (rc = cairn__stmt_bind_int64(st, 4, cairn_id_time_ms(id))) ||
	    (rc = cairn__stmt_bind_text(st, 5, cairn__current_user())) ||
	    (rc = cairn__stmt_bind_text(st, 6, cairn__current_host())) ||
	    (rc = cairn__stmt_bind_int64(st, 7, pid)) ||
	    (rc = cairn__stmt_bind_text(st, 8, ident)) ||
	    (rc = opts->parent ? cairn__stmt_bind_text(st, 9, parent) : cairn__stmt_bind_null(st, 9)) ||
	    (rc = cairn__stmt_run(st)))
		goto fail;
	if ((rc = cairn__db_prepare(db, "SELECT seq FROM runs WHERE id = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, id)))
		goto fail;
	if (cairn__stmt_step(st) != 1) {
		rc = CAIRN_EDB;
		goto fail;
	}
	seq = cairn__stmt_int64(st, 0);
	cairn__stmt_reset(st);
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

int cairn_run_from_env(cairn_ctx *ctx, cairn_run **out)
{
	const char *id = getenv("CAIRN_RUN_ID");

	*out = NULL;
	if (!id || !*id)
		return cairn_error(ctx, CAIRN_EINVAL, "no run to log to: CAIRN_RUN_ID is not set "
				   "(start the program with 'cairn run', or name a run with --run)");
	return cairn_run_attach(ctx, id, out);
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
	cairn__stmt *st;
	int rc;

	if (status == CAIRN_RUN_RUNNING || (unsigned)status > CAIRN_RUN_KILLED)
		return cairn_error(run->ctx, CAIRN_EINVAL, "a run ends FINISHED, FAILED or KILLED");
	if ((rc = cairn__db_prepare(run->db, "UPDATE runs SET status = ?, end_ms = ?, message = ?,"
					    " owner_pid = NULL, owner_identity = NULL"
					    " WHERE seq = ? AND status = 'RUNNING'", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, cairn_run_status_name(status))) ||
	    (rc = cairn__stmt_bind_int64(st, 2, cairn_now_ms())) ||
	    (rc = cairn__stmt_bind_text(st, 3, message ? message : "")) ||
	    (rc = cairn__stmt_bind_int64(st, 4, run->seq)) ||
	    (rc = cairn__stmt_run(st)))
		return rc;
	if (cairn__db_changes(run->db) != 1)
		return cairn_error(run->ctx, CAIRN_EINVAL, "run %s has already ended", run->id);
	return 0;
}

int cairn_run_set_note(cairn_run *run, const char *text)
{
	cairn__stmt *st;
	int rc;

	if ((rc = cairn__db_prepare(run->db, "UPDATE runs SET note = ? WHERE seq = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, text)) ||
	    (rc = cairn__stmt_bind_int64(st, 2, run->seq)))
		return rc;
	return cairn__stmt_run(st);
}

int cairn_run_set_info(cairn_run *run, const char *key, json_t *value)
{
	cairn_buf text = CAIRN_BUF_INIT;
	cairn__stmt *st;
	int rc;

	if (!value)
		return cairn_error(run->ctx, CAIRN_ENOMEM, "out of memory");
	cairn_json_append(&text, value, 0);
	json_decref(value);
	if ((rc = cairn__db_prepare(run->db, "UPDATE runs SET info = json_set(info, '$.' || json_quote(?),"
					    " json(?)) WHERE seq = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, key)) ||
	    (rc = cairn__stmt_bind_text(st, 2, text.buf)) ||
	    (rc = cairn__stmt_bind_int64(st, 3, run->seq)))
		goto out;
	rc = cairn__stmt_run(st);
out:
	cairn_buf_release(&text);
	return rc;
}

int cairn_run_reap_dead(cairn_ctx *ctx)
{
	struct dead { int64_t seq; int pid; } *dead = NULL;
	size_t n = 0, cap = 0;
	cairn__stmt *st;
	cairn__db *db;
	char ident[128];
	int rc, row;

	if ((rc = cairn__ctx_db(ctx, &db)))
		return rc;
	if ((rc = cairn__db_prepare(db, "SELECT seq, owner_pid, owner_identity FROM runs"
				       " WHERE status = 'RUNNING' AND host = ?", &st)) ||
	    (rc = cairn__stmt_bind_text(st, 1, cairn__current_host())))
		return rc;
	while ((row = cairn__stmt_step(st)) == 1) {
		int pid = (int)cairn__stmt_int64(st, 1);
		if (!cairn__process_identity(pid, ident, sizeof(ident)) &&
		    !strcmp(ident, cairn__stmt_text(st, 2)))
			continue;
		if (n == cap) {
			struct dead *d = realloc(dead, (cap = cap ? 2 * cap : 8) * sizeof(*dead));
			if (!d) {
				cairn__stmt_reset(st);
				free(dead);
				return cairn_error(ctx, CAIRN_ENOMEM, "out of memory");
			}
			dead = d;
		}
		dead[n].seq = cairn__stmt_int64(st, 0);
		dead[n++].pid = pid;
	}
	cairn__stmt_reset(st);
	if (row < 0) {
		free(dead);
		return CAIRN_EDB;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		char msg[128];
		snprintf(msg, sizeof(msg), "process %d, which owned the run, ended without ending it",
			 dead[i].pid);
		/* The status check makes a race with the owner's own end harmless. */
		if (!(rc = cairn__db_prepare(db, "UPDATE runs SET status = 'FAILED', end_ms = ?, message = ?,"
						" owner_pid = NULL, owner_identity = NULL"
						" WHERE seq = ? AND status = 'RUNNING'", &st)) &&
		    !(rc = cairn__stmt_bind_int64(st, 1, cairn_now_ms())) &&
		    !(rc = cairn__stmt_bind_text(st, 2, msg)) &&
		    !(rc = cairn__stmt_bind_int64(st, 3, dead[i].seq)))
			rc = cairn__stmt_run(st);
	}
	free(dead);
	return rc;
}
