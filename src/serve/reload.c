/* The reload thread: aliases followed, reloads on request, each new
 * version loaded off the request path and swapped in; see reload.h. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/registry.h"
#include "cairn/workspace.h"
#include "core/ctx-internal.h"
#include "core/json.h"
#include "core/log.h"
#include "core/parallel.h"
#include "serve/predlog-hooks.h"
#include "serve/reload.h"

#define TICK_MS 50

struct target {
	struct cairn__models *table;
	size_t i;
	char failed[32];           /* the version whose load failed ("" none) */
};

struct cairn__reloader {
	cairn_ctx *ctx;            /* the thread's own */
	struct target *targets;
	size_t n;
	double interval;
	const volatile sig_atomic_t *signalled;
	sig_atomic_t seen_signalled;
	int requested, seen_requested;  /* atomic: cairn__reloader_request's count */
	struct cairn__serve_state *state;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int stopping;
	pthread_t thread;
};

void cairn__reloader_request(struct cairn__reloader *r)
{
	if (r)
		__atomic_add_fetch(&r->requested, 1, __ATOMIC_RELEASE);
}

/* One JSON line to the access log: {ts, event, model, ref, ...extra}. */
static void log_event(struct cairn__reloader *r, const char *event,
		      const struct cairn__model_version *v, json_t *extra)
{
	struct cairn__serve_state *s = r->state;
	cairn_buf line = CAIRN_BUF_INIT;
	char ts[32];
	json_t *o;

	if (!s || !s->access_log) {
		json_decref(extra);
		return;
	}
	cairn_format_time(cairn_now_ms(), ts);
	o = json_pack("{s:s, s:s, s:s, s:s}", "ts", ts, "event", event, "model", v->name, "ref",
		      v->ref);
	if (!o) {
		json_decref(extra);
		return;
	}
	json_object_update(o, extra);
	json_decref(extra);
	cairn_json_append(&line, o, 0);
	json_decref(o);
	cairn__serve_log(s, &line);
	cairn_buf_release(&line);
}

/* Loads cur's reference again and swaps it in; want is the version the
 * reference names now ("" when unknown: a reload on request). */
static void reload(struct cairn__reloader *r, struct target *t,
		   const struct cairn__model_version *cur, const char *want)
{
	struct cairn__model_version *v;
	double start = cairn__serve_now();
	int rc;

	rc = cairn__model_version_load(r->ctx, cur->ref, &v);
	/* The metrics count the load (failed or not); a new version is
	 * recorded as a deployment in the lineage. */
	if (r->state && r->state->observe)
		cairn__observe_loaded(r->ctx, r->state->observe, cur->ref, v,
				      cairn__serve_now() - start);
	/* A load cut short because the server is stopping is no failure. */
	if (rc && cairn_ctx_cancelled(r->ctx))
		return;
	if (rc) {
		cairn__log_warn(r->ctx, "cannot reload '%s' (version %s keeps serving): %s",
				cur->ref, cur->version, cairn_errmsg(r->ctx));
		log_event(r, "reload-failed", cur, json_pack("{s:s, s:s, s:s}", "version",
							     cur->version, "wanted", want, "error",
							     cairn_errmsg(r->ctx)));
		snprintf(t->failed, sizeof(t->failed), "%s", *want ? want : "?");
		return;
	}
	log_event(r, "reload", v, json_pack("{s:s, s:s, s:f}", "version", v->version, "from",
					    cur->version, "load_ms",
					    (cairn__serve_now() - start) * 1000));
	t->failed[0] = '\0';
	/* The slot's name is the version's: a reference that now names
	 * another model fails here and the old version stays. */
	if ((rc = cairn__models_swap(r->ctx, t->table, v))) {
		cairn__log_warn(r->ctx, "cannot reload '%s': %s", cur->ref, cairn_errmsg(r->ctx));
		cairn__model_version_release(v);
	}
}

/* Whether t's reference names another version than the one serving;
 * want is that version. */
static int moved(struct cairn__reloader *r, struct target *t,
		 const struct cairn__model_version *cur, char want[32])
{
	struct cairn_registry_ref ref;

	if (!cairn_registry_is_version_ref(cur->ref))
		return 0;
	if (cairn_registry_resolve(r->ctx, cur->ref, &ref)) {
		/* An alias removed: the version serving stays; said once (and
		 * not at all when the server is stopping). */
		if (strcmp(t->failed, "unresolved") && !cairn_ctx_cancelled(r->ctx)) {
			cairn__log_warn(r->ctx, "cannot follow '%s' (version %s keeps serving): %s",
					cur->ref, cur->version, cairn_errmsg(r->ctx));
			snprintf(t->failed, sizeof(t->failed), "unresolved");
		}
		return 0;
	}
	snprintf(want, 32, "%lld", (long long)ref.version);
	if (!strcmp(want, cur->version)) {
		t->failed[0] = '\0';
		return 0;
	}
	return strcmp(want, t->failed) != 0;
}

static void check(struct cairn__reloader *r, int all)
{
	for (size_t k = 0; k < r->n; k++) {
		struct target *t = &r->targets[k];
		struct cairn__model_version *cur = cairn__models_acquire_at(t->table, t->i);
		char want[32] = "";

		if (all || moved(r, t, cur, want))
			reload(r, t, cur, want);
		cairn__model_version_release(cur);
	}
}

/* Whether a reload was asked for since the last call. */
static int requested(struct cairn__reloader *r)
{
	int asked = 0, n = __atomic_load_n(&r->requested, __ATOMIC_ACQUIRE);

	if (r->signalled && *r->signalled != r->seen_signalled) {
		r->seen_signalled = *r->signalled;
		asked = 1;
	}
	if (n != r->seen_requested) {
		r->seen_requested = n;
		asked = 1;
	}
	return asked;
}

static void *reload_thread(void *arg)
{
	struct cairn__reloader *r = arg;
	double next = cairn__serve_now() + r->interval;
	struct timespec ts;

	pthread_mutex_lock(&r->lock);
	while (!r->stopping) {
		int all;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += TICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&r->cond, &r->lock, &ts);
		if (r->stopping)
			break;
		pthread_mutex_unlock(&r->lock);
		all = requested(r);
		if (all || (r->interval > 0 && cairn__serve_now() >= next)) {
			check(r, all);
			next = cairn__serve_now() + r->interval;
		}
		pthread_mutex_lock(&r->lock);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

int cairn__reloader_start(cairn_ctx *ctx, struct cairn__models **tables, size_t ntables,
			  double interval, const volatile sig_atomic_t *reload,
			  struct cairn__serve_state *s, struct cairn__reloader **out)
{
	struct cairn__reloader *r;
	pthread_condattr_t ca;
	const char *ws = cairn_workspace_dir(ctx);
	size_t n = 0;
	int rc;

	*out = NULL;
	r = cairn_xcalloc(1, sizeof(*r));
	for (size_t k = 0; k < ntables; k++)
		n += cairn__models_count(tables[k]);
	r->targets = cairn_xcalloc(n ? n : 1, sizeof(*r->targets));
	for (size_t k = 0; k < ntables; k++)
		for (size_t i = 0; i < cairn__models_count(tables[k]); i++) {
			r->targets[r->n].table = tables[k];
			r->targets[r->n++].i = i;
		}
	r->interval = interval;
	r->signalled = reload;
	r->seen_signalled = reload ? *reload : 0;
	r->state = s;
	if (!(r->ctx = cairn_ctx_new())) {
		free(r->targets);
		free(r);
		return cairn_error(ctx, CAIRN_ENOMEM, "out of memory");
	}
	cairn__ctx_inherit(r->ctx, ctx);
	if (ws && (rc = cairn_workspace_open_dir(r->ctx, ws))) {
		rc = cairn_error(ctx, rc, "cannot open the workspace again to follow the aliases: "
				 "%s", cairn_errmsg(r->ctx));
		goto fail;
	}
	pthread_mutex_init(&r->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->cond, &ca);
	pthread_condattr_destroy(&ca);
	if ((errno = pthread_create(&r->thread, NULL, reload_thread, r))) {
		rc = cairn_error_errno(ctx, "cannot start the reload thread");
		pthread_mutex_destroy(&r->lock);
		pthread_cond_destroy(&r->cond);
		goto fail;
	}
	*out = r;
	return 0;
fail:
	cairn_ctx_free(r->ctx);
	free(r->targets);
	free(r);
	return rc;
}

void cairn__reloader_free(struct cairn__reloader *r)
{
	if (!r)
		return;
	cairn__stop_threads(&r->lock, &r->cond, &r->stopping, &r->thread, 1);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->cond);
	cairn_ctx_free(r->ctx);
	free(r->targets);
	free(r);
}
