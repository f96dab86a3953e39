/*
 * Tracked runs: experiments, runs, params, metrics, tags, notes, artifacts and
 * inputs, kept in the workspace's metadata store.
 *
 * A run belongs to an experiment (created by name on first use; when none
 * is given, its parent's, or "Default" for a run without a parent), has a time-sortable id, a name, a status (RUNNING,
 * FINISHED, FAILED, KILLED), start and end times, the user and host that
 * started it and optionally a parent run. While RUNNING it is owned by one
 * process (its pid and that process's start time on this host are recorded):
 * when that process is gone, readers show the run as FAILED and record it so
 * (cairn_run_reap_dead), so a run killed with SIGKILL is never RUNNING forever.
 *
 * Params are strings and write-once: logging the same value again is fine,
 * a different value fails with CAIRN_EEXIST. Metrics keep their full history
 * (key, value, step, timestamp in ms); the latest value of each key (highest
 * step, then latest timestamp) is kept aside for search. Tags are mutable.
 * Artifacts are files stored in the object store under run-relative paths;
 * logging a directory logs each file below it. Inputs are dataset versions
 * with a context (train, test, validation or other); each is also a lineage
 * edge (run used dataset_version), and each artifact an edge (run generated
 * artifact "RUNID/path").
 *
 * Every call is one transaction, so many processes may log to one workspace
 * at once. A cairn_run handle belongs to one thread; it borrows its ctx.
 *
 * Typical use from C (a program started by `cairn run` finds its run in the
 * environment, CAIRN_RUN_ID and CAIRN_DIR; the library reads no variable,
 * the program passes it):
 *
 *     cairn_ctx *ctx = cairn_ctx_new();
 *     cairn_run *run;
 *     if (cairn_workspace_open(ctx, NULL) ||
 *         cairn_run_open_current(ctx, getenv("CAIRN_RUN_ID"), &run))
 *             fail(cairn_errmsg(ctx));
 *     cairn_run_log_param(run, "lr", "0.1");
 *     cairn_run_log_metric(run, "loss", 0.42, 1);
 *     cairn_run_free(run);       (the run stays RUNNING: cairn run ends it)
 *     cairn_ctx_free(ctx);
 */
#ifndef CAIRN_RUN_H
#define CAIRN_RUN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "cairn/common.h"
#include "cairn/ctx.h"
#include "cairn/id.h"

CAIRN_BEGIN_DECLS

struct cairn_dataset_version;   /* cairn/dataset.h */

enum cairn_run_status {
	CAIRN_RUN_RUNNING,
	CAIRN_RUN_FINISHED,
	CAIRN_RUN_FAILED,
	CAIRN_RUN_KILLED
};

/* "RUNNING", "FINISHED", "FAILED" or "KILLED"; parse returns -1 if unknown. */
const char *cairn_run_status_name(enum cairn_run_status s);
int cairn_run_status_parse(const char *s);

typedef struct cairn_run cairn_run;

struct cairn_run_options {
	const char *experiment; /* NULL: the parent's, or "Default" without one */
	const char *name;       /* NULL: "run-" and the id's last 6 characters */
	const char *parent;     /* a run reference, or NULL */
	/* The process that owns the run while it is RUNNING (0: this one). */
	int owner_pid;
};

/* Starts a RUNNING run. The caller owns *out (cairn_run_free). */
int cairn_run_start(cairn_ctx *ctx, const struct cairn_run_options *opts, cairn_run **out);
/* Opens an existing run by reference (an id or a unique id prefix) to log to
 * it; CAIRN_EINVAL when it is no longer RUNNING. */
int cairn_run_attach(cairn_ctx *ctx, const char *ref, cairn_run **out);
/* Opens the run the program runs under, by the id its starter gave it
 * (`cairn run` puts it in CAIRN_RUN_ID; the caller reads it): as
 * cairn_run_attach, and CAIRN_EINVAL when run_id is NULL or empty. */
int cairn_run_open_current(cairn_ctx *ctx, const char *run_id, cairn_run **out);
/* Frees the handle; the run keeps its status (NULL is a no-op). */
void cairn_run_free(cairn_run *run);

const char *cairn_run_id(const cairn_run *run);
cairn_ctx *cairn_run_ctx(const cairn_run *run);

int cairn_run_log_param(cairn_run *run, const char *key, const char *value);

/* Logs value at step with the current time. Non-finite values are kept
 * (NaN is stored as NULL and read back as NaN). */
int cairn_run_log_metric(cairn_run *run, const char *key, double value, int64_t step);

struct cairn_metric {
	const char *key;
	double value;
	int64_t step;
	int64_t timestamp_ms; /* 0: now */
};
/* Logs n points in one transaction (the fast path for many points). */
int cairn_run_log_metrics(cairn_run *run, const struct cairn_metric *points, size_t n);

/* Logs every number in the JSON tree v as a metric at step 0, in one
 * transaction, named prefix_key_subkey... (the path of objects; arrays,
 * such as confusion matrices, are skipped). */
int cairn_run_log_metric_tree(cairn_run *run, const char *prefix, const json_t *v);

/* Sets (or replaces) a tag; value NULL deletes it. */
int cairn_run_set_tag(cairn_run *run, const char *key, const char *value);
/* Replaces the run's free-text note. */
int cairn_run_set_note(cairn_run *run, const char *text);

/* Stores the file or directory at path as artifacts under dest (a relative
 * path inside the run: no "..", no leading "/"; NULL: the base name of path).
 * A directory is stored file by file below dest. Logging a path twice
 * replaces the earlier artifact. A symbolic link in a directory that leads
 * outside it is refused (CAIRN_EINVAL naming the link and its target); one
 * that stays inside is stored as the file it names, or skipped with a
 * warning when it names a directory (whose files are stored anyway). */
int cairn_run_log_artifact(cairn_run *run, const char *path, const char *dest);
/* Flags of cairn_run_log_artifact_flags(). */
#define CAIRN_ARTIFACT_FOLLOW_SYMLINKS 1u /* store what every link points to */
/* cairn_run_log_artifact() with flags (0: the same). */
int cairn_run_log_artifact_flags(cairn_run *run, const char *path, const char *dest,
				 unsigned flags);
/* Stores len bytes from memory as the artifact at dest. */
int cairn_run_log_artifact_buf(cairn_run *run, const void *data, size_t len, const char *dest);

/* Records that the run used a dataset version (a dataset reference, see
 * dataset.h) in context "train", "test", "validation" or "other". */
int cairn_run_log_input(cairn_run *run, const char *dataset_ref, const char *context);
/* The same for a version already resolved (cairn_dataset_resolve): the one
 * recorded is exactly v, whatever versions were added since. */
int cairn_run_log_input_version(cairn_run *run, const struct cairn_dataset_version *v,
				const char *context);

/* Sets one key of the run's system information object (command, code,
 * environment, resources, reproduced_from, ...); value is stolen. */
int cairn_run_set_info(cairn_run *run, const char *key, json_t *value);

/* Ends the run with status (not RUNNING) and an optional message (why it
 * failed). CAIRN_EINVAL when it had already ended. */
int cairn_run_end(cairn_run *run, enum cairn_run_status status, const char *message);

/*
 * Reading. A run reference is a run id or a unique prefix of one.
 */

/* Expands ref to the run's full id. */
int cairn_run_resolve(cairn_ctx *ctx, const char *ref, char id[CAIRN_ID_LEN + 1]);

/* Marks RUNNING runs of this host whose owning process is gone as FAILED,
 * ended at the last time they were seen alive (the latest of their start,
 * metric points and artifacts), not when the death was noticed. Called by
 * the reading functions below; cheap when nothing is running. */
int cairn_run_reap_dead(cairn_ctx *ctx);

/* Ends by hand a RUNNING run whose process is gone where nobody can see it
 * (another host, a container's hostname), with status FAILED or KILLED and
 * message (NULL or "": "ended by hand by USER: its process on HOST was
 * gone"), at the last time it was seen alive. CAIRN_EINVAL when status is
 * another, when the run has already ended (the message names its status),
 * or when its owner is a live process on this host. */
int cairn_run_end_dead(cairn_ctx *ctx, const char *ref, enum cairn_run_status status,
		       const char *message);

/*
 * The run as JSON (new reference): id, name, experiment, status, start_time,
 * end_time (RFC 3339 or null), start_ms, end_ms, duration_ms, user, host,
 * parent, note, message, params {k: v}, metrics {k: latest value}, tags
 * {k: v}, inputs [{dataset, version_id, context}], artifacts [{path, hash,
 * size}], info {...}, children [ids].
 */
int cairn_run_show(cairn_ctx *ctx, const char *ref, json_t **out);

struct cairn_run_list_options {
	const char *experiment; /* NULL: all */
	const char *status;     /* NULL: all */
	size_t max;             /* 0: no limit */
};
/* Runs, newest first, as an array of summaries {id, name, experiment, status,
 * start_time, start_ms, end_ms, duration_ms, user, parent} (new reference). */
int cairn_run_list(cairn_ctx *ctx, const struct cairn_run_list_options *opts, json_t **out);

/* The artifacts of a run: [{path, hash, size, created_ms}] ordered by path. */
int cairn_run_artifacts(cairn_ctx *ctx, const char *ref, json_t **out);

/* Writes the artifact at path (a file, or a directory prefix whose files are
 * all written below dest) to dest, atomically per file, under the rules of
 * cairn_object_checkout() (flags: CAIRN_OUTPUT_FORCE replaces files that
 * exist). dest NULL: the base name of path in the current directory. A
 * stored artifact path that would not pass cairn_run_log_artifact()'s
 * checks (absolute, '.' or '..', control characters) is refused
 * (CAIRN_ECORRUPT) before anything is written. */
int cairn_run_get_artifact(cairn_ctx *ctx, const char *ref, const char *path, const char *dest,
			   unsigned flags);

/* The full history of metric key: [{step, value, timestamp_ms}] by step then
 * time. CAIRN_ENOTFOUND when the run has no such metric. */
int cairn_run_metric_history(cairn_ctx *ctx, const char *ref, const char *key, json_t **out);

/* Experiments: [{id, name, created_ms, runs}] by name. */
int cairn_experiment_list(cairn_ctx *ctx, json_t **out);

CAIRN_END_DECLS

#endif
