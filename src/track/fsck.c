/*
 * cairn_fsck: the whole check of a workspace; see include/cairn/fsck.h.
 * It lives in track, the highest module that owns tables, because it asks
 * every table owner below it: the store checks its object files against
 * its objects table and its database, and data and track each list the
 * objects their records name, which must be stored ("dangling" otherwise).
 */
#include <string.h>
#include <time.h>
#include "cairn/error.h"
#include "cairn/fsck.h"
#include "cairn/gc.h"
#include "cairn/objects.h"
#include "data/dataset-refs.h"
#include "store/fsck.h"
#include "store/gc.h"
#include "track/run-refs.h"

struct dangling {
	cairn_ctx *ctx;
	struct cairn_fsck_report *r;
	cairn_fsck_problem_fn *problem;
	void *arg;
	cairn_buf detail;
	struct cairn_strmap refs; /* every hash a record names */
};

static int check_ref(const char *what, const char *role, const char *hash, void *arg)
{
	struct dangling *d = arg;

	if (hash && cairn_is_sha256_hex(hash))
		cairn_strmap_intern(&d->refs, hash, CAIRN_HEX_LEN, NULL);
	if (cairn_object_exists(d->ctx, hash))
		return 0;
	d->r->dangling++;
	if (d->problem) {
		cairn_buf_reset(&d->detail);
		cairn_buf_addf(&d->detail, "its %s, object %s, is not stored", role, hash);
		d->problem("dangling", what, d->detail.buf, d->arg);
	}
	return 0;
}

/* The warnings: what gc would remove (whatever its age, for objects). */
static int warn(struct dangling *d, uint64_t *n, const char *kind, const char *what,
		const char *why, const struct stat *st)
{
	(*n)++;
	if (d->problem) {
		cairn_buf_reset(&d->detail);
		cairn_buf_addf(&d->detail, "%s (%llu bytes; 'cairn gc' removes it)", why,
			       (unsigned long long)st->st_size);
		d->problem(kind, what, d->detail.buf, d->arg);
	}
	return 0;
}

static int warn_unreferenced(const char *hash, const struct stat *st, void *arg)
{
	struct dangling *d = arg;

	return warn(d, &d->r->unreferenced, "unreferenced", hash, "no record names it", st);
}

static int warn_temporary(const char *path, const struct stat *st, void *arg)
{
	struct dangling *d = arg;

	return warn(d, &d->r->temporary, "temporary", path, "left by an interrupted write", st);
}

static void count(cairn_buf *b, uint64_t n, const char *one, const char *many)
{
	cairn_buf_addf(b, "%s%llu %s", b->len ? ", " : "", (unsigned long long)n,
		       n == 1 ? one : many);
}

static void copy_counts(struct cairn_fsck_report *r, const struct cairn__store_check *s)
{
	r->objects_checked = s->objects_checked;
	r->bytes_checked = s->bytes_checked;
	r->corrupt = s->corrupt;
	r->missing = s->missing;
	r->unrecorded = s->unrecorded;
	r->stray = s->stray;
	r->database = s->database;
}

int cairn_fsck(cairn_ctx *ctx, struct cairn_fsck_report *report,
	       cairn_fsck_problem_fn *problem, void *arg)
{
	return cairn_fsck_with(ctx, NULL, report, problem, arg);
}

int cairn_fsck_with(cairn_ctx *ctx, cairn_object_refs_fn *more_refs,
		    struct cairn_fsck_report *report, cairn_fsck_problem_fn *problem, void *arg)
{
	struct cairn__store_check store;
	struct dangling d = { ctx, report, problem, arg, CAIRN_BUF_INIT, { 0 } };
	cairn_buf msg = CAIRN_BUF_INIT;
	int rc;

	memset(report, 0, sizeof(*report));
	memset(&store, 0, sizeof(store));
	cairn_strmap_init(&d.refs);
	rc = cairn__store_check_objects(ctx, &store, problem, arg);
	copy_counts(report, &store);
	if (rc || (rc = cairn__dataset_object_refs(ctx, check_ref, &d)) ||
	    (rc = cairn__run_object_refs(ctx, check_ref, &d)) ||
	    (more_refs && (rc = more_refs(ctx, check_ref, &d))) ||
	    (rc = cairn__store_unreferenced(ctx, &d.refs, warn_unreferenced, &d)) ||
	    (rc = cairn__store_stale_temps(ctx, (int64_t)time(NULL) - CAIRN_GC_GRACE_DEFAULT,
					   warn_temporary, &d)))
		goto out;
	rc = cairn__store_check_db(ctx, &store, problem, arg);
	copy_counts(report, &store);
	if (rc)
		goto out;
	if (report->corrupt || report->missing || report->dangling || report->database) {
		if (report->corrupt)
			count(&msg, report->corrupt, "corrupt object", "corrupt objects");
		if (report->missing)
			count(&msg, report->missing, "missing object", "missing objects");
		if (report->dangling)
			count(&msg, report->dangling, "record without its object",
			      "records without their object");
		if (report->database)
			count(&msg, report->database, "metadata store problem",
			      "metadata store problems");
		rc = cairn_error(ctx, CAIRN_ECORRUPT, "the store is damaged: %s", msg.buf);
	}
out:
	cairn_buf_release(&msg);
	cairn_buf_release(&d.detail);
	cairn_strmap_release(&d.refs);
	return rc;
}
