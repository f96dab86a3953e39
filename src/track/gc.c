/*
 * cairn_gc: removing unreferenced objects and stale temporary files; see
 * include/cairn/gc.h. It lives in track beside fsck, for the same reason:
 * which objects are referenced is for each table owner to say (data's
 * dataset-refs.c, track's run-refs.c); the store finds and removes the rest
 * (src/store/gc.c).
 */
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cairn/error.h"
#include "cairn/gc.h"
#include "cairn/hash.h"
#include "core/cancel.h"
#include "core/progress.h"
#include "data/dataset-refs.h"
#include "store/gc.h"
#include "track/run-refs.h"

struct gc {
	cairn_ctx *ctx;
	const struct cairn_gc_options *opts;
	struct cairn_gc_report *r;
	cairn_gc_fn *fn;
	void *arg;
	int64_t cutoff;
	struct cairn__progress progress;
	uint64_t done;
};

static int add_ref(const char *what, const char *role, const char *hash, void *arg)
{
	(void)what;
	(void)role;
	if (hash && cairn_is_sha256_hex(hash))
		cairn_strmap_intern(arg, hash, CAIRN_HEX_LEN, NULL);
	return 0;
}

static int on_object(const char *hash, const struct stat *st, void *arg)
{
	struct gc *g = arg;
	int removed = 1, rc;

	if (cairn_ctx_cancelled(g->ctx))
		return cairn__interrupted(g->ctx);
	cairn__progress_update(&g->progress, ++g->done);
	if (st->st_mtime >= g->cutoff) {
		g->r->recent++;
		return 0;
	}
	if (!g->opts->dry_run &&
	    (rc = cairn__object_remove_stale(g->ctx, hash, g->cutoff, &removed)))
		return rc;
	if (!removed) {
		g->r->recent++;
		return 0;
	}
	g->r->objects++;
	g->r->object_bytes += (uint64_t)st->st_size;
	if (g->fn)
		g->fn("object", hash, (uint64_t)st->st_size, g->arg);
	return 0;
}

static int on_temp(const char *path, const struct stat *st, void *arg)
{
	struct gc *g = arg;

	if (cairn_ctx_cancelled(g->ctx))
		return cairn__interrupted(g->ctx);
	cairn__progress_update(&g->progress, ++g->done);
	if (!g->opts->dry_run && unlink(path) < 0)
		return cairn_error_errno(g->ctx, "cannot remove '%s'", path);
	g->r->temps++;
	g->r->temp_bytes += (uint64_t)st->st_size;
	if (g->fn)
		g->fn("temporary", path, (uint64_t)st->st_size, g->arg);
	return 0;
}

int cairn_gc(cairn_ctx *ctx, const struct cairn_gc_options *opts,
	     struct cairn_gc_report *report, cairn_gc_fn *fn, void *arg)
{
	static const struct cairn_gc_options defaults = { 0, -1, NULL };
	struct gc g = { ctx, opts ? opts : &defaults, report, fn, arg, 0, { 0 }, 0 };
	int64_t grace = g.opts->grace_seconds < 0 ? CAIRN_GC_GRACE_DEFAULT : g.opts->grace_seconds;
	struct cairn_strmap refs;
	int rc;

	memset(report, 0, sizeof(*report));
	cairn_strmap_init(&refs);
	/* The cut-off is taken before the references are read: an object put
	 * after it is too recent, one put before it is named by now. */
	g.cutoff = (int64_t)time(NULL) - grace;
	cairn__progress_start(ctx, &g.progress, "collecting garbage", 0, 0);
	if (!(rc = cairn__dataset_object_refs(ctx, add_ref, &refs)) &&
	    !(rc = cairn__run_object_refs(ctx, add_ref, &refs)) &&
	    !(rc = g.opts->more_refs ? g.opts->more_refs(ctx, add_ref, &refs) : 0) &&
	    !(rc = cairn__store_unreferenced(ctx, &refs, on_object, &g)))
		rc = cairn__store_stale_temps(ctx, g.cutoff, on_temp, &g);
	cairn__progress_end(&g.progress);
	cairn_strmap_release(&refs);
	return rc;
}
