/* Canary and shadow challengers of the served models: which version
 * answers a request, and the shadow's worker; see route.h. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/error.h"
#include "cairn/frame.h"
#include "cairn/id.h"
#include "core/format.h"
#include "core/json.h"
#include "core/parallel.h"
#include "serve/predlog-hooks.h"
#include "serve/route.h"

#define SHADOW_QUEUE 256

struct route {
	char *name;                    /* the served model it challenges */
	char *spec;                    /* as given, for messages */
	struct cairn__models *table;   /* the challenger, alone */
	int share;                     /* canary: hundredths of a percent */
	int shadow;
};

struct shadow_job {
	struct route *route;
	struct cairn_frame *frame;
	char id[129];
	int64_t ts_ms;
	enum cairn__serve_protocol protocol;
	char *champion;                /* the version that answered */
};

struct cairn__routes {
	size_t n;
	struct route *routes;
	struct cairn__serve_state *state;  /* the access log */
	/* The shadow's queue and worker. */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct shadow_job *queue[SHADOW_QUEUE];
	size_t head, len;
	int stopping, started;
	pthread_t worker;
};

int cairn__route_parse_canary(cairn_ctx *ctx, const char *spec, char **ref, int *share)
{
	const char *eq = strrchr(spec, '='), *p;
	long whole = 0, frac = 0;
	int digits = 0, fdigits = 0;

	*ref = NULL;
	if (!eq || eq == spec)
		return cairn_error(ctx, CAIRN_EINVAL, "canary '%s' is not MODELREF=SHARE%% (such as "
				   "iris@challenger=10%%)", spec);
	for (p = eq + 1; *p >= '0' && *p <= '9' && digits < 4; p++, digits++)
		whole = whole * 10 + (*p - '0');
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9' && fdigits < 3; p++, fdigits++)
			frac = frac * 10 + (*p - '0');
	if (*p == '%')
		p++;
	if (!digits || *p || fdigits > 2 || whole * 100 + frac * (fdigits == 1 ? 10 : 1) > 10000)
		return cairn_error(ctx, CAIRN_EINVAL, "canary '%s': the share must be a percentage "
				   "from 0 to 100 (two decimals at most), not '%s'", spec, eq + 1);
	*share = (int)(whole * 100 + frac * (fdigits == 1 ? 10 : 1));
	*ref = cairn_xstrndup(spec, (size_t)(eq - spec));
	return 0;
}

int cairn__route_bucket(const char *id)
{
	uint64_t h = 14695981039346656037ull;

	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return (int)(h % 10000);
}

static struct route *find(const struct cairn__routes *r, const char *name, int shadow)
{
	for (size_t i = 0; r && i < r->n; i++)
		if (r->routes[i].shadow == shadow && !strcmp(r->routes[i].name, name))
			return &r->routes[i];
	return NULL;
}

/*
 * The shadow's worker.
 */

static void shadow_log(struct cairn__routes *r, const struct shadow_job *j,
		       const struct cairn__model_version *v, const double *out, size_t nout,
		       double seconds, const char *error)
{
	struct cairn__serve_state *s = r->state;
	cairn_buf line = CAIRN_BUF_INIT;
	char ts[32];
	json_t *o;

	if (!s || !s->access_log)
		return;
	cairn_format_time(j->ts_ms, ts);
	o = json_pack("{s:s, s:s, s:b, s:s, s:s, s:s, s:I, s:f}", "ts", ts, "id", j->id, "shadow",
		      1, "model", j->route->name, "version", v ? v->version : "", "champion",
		      j->champion, "rows", (json_int_t)j->frame->nrows, "latency_ms",
		      seconds * 1000);
	if (!o)
		return;
	if (error)
		json_object_set_new(o, "error", json_string(error));
	cairn_json_append(&line, o, 0);
	json_decref(o);
	if (!error && out) {
		cairn_buf_setlen(&line, line.len - 1);   /* the closing brace */
		cairn_buf_adds(&line, ",\"predictions\":[");
		for (size_t i = 0; i < j->frame->nrows; i++) {
			if (i)
				cairn_buf_addch(&line, ',');
			cairn__serve_add_prediction(&line, v, out + i * nout);
		}
		cairn_buf_adds(&line, "]}");
	}
	cairn__serve_log(s, &line);
	cairn_buf_release(&line);
}

/* The shadow's answer into the prediction log, flagged, as the request's
 * record would be. The log takes over the outputs (*out becomes NULL) and
 * may take the frame (j->frame becomes NULL). */
static void shadow_record(struct cairn__routes *r, struct shadow_job *j,
			  const struct cairn__model_version *v, double **out, size_t nout,
			  double seconds, const char *error)
{
	struct cairn__serve_record rec;

	if (!r->state || !r->state->observe)
		return;
	memset(&rec, 0, sizeof(rec));
	memcpy(rec.id, j->id, sizeof(rec.id));
	rec.ts_ms = j->ts_ms;
	rec.method = "POST";
	rec.protocol = j->protocol;
	rec.model = v;
	rec.status = error ? 500 : 200;
	rec.latency = seconds;
	rec.inputs = j->frame;
	rec.nrows = j->frame->nrows;
	rec.outputs = *out;
	rec.noutputs = *out ? nout : 0;
	rec.error = error;
	rec.shadow = 1;
	cairn__observe_request(r->state->observe, &rec, 0);
	j->frame = (struct cairn_frame *)rec.inputs;
	*out = (double *)rec.outputs;
}

static void shadow_run(struct cairn__routes *r, struct shadow_job *j)
{
	struct cairn__model_version *v = cairn__models_acquire_at(j->route->table, 0);
	cairn_ctx *ctx = cairn_ctx_new();
	double start = cairn__serve_now(), secs;
	double *out = NULL;
	size_t nout = 0;
	const char *error = NULL;

	if (!ctx)
		error = "out of memory";
	else if (cairn_model_predict(ctx, v->model, j->frame, NULL, 0, &out, &nout))
		error = cairn_errmsg(ctx);
	secs = cairn__serve_now() - start;
	shadow_log(r, j, v, out, nout, secs, error);
	shadow_record(r, j, v, &out, nout, secs, error);
	free(out);
	cairn_ctx_free(ctx);
	cairn__model_version_release(v);
}

static void job_free(struct shadow_job *j)
{
	if (!j)
		return;
	cairn_frame_free(j->frame);
	free(j->champion);
	free(j);
}

static void *shadow_worker(void *arg)
{
	struct cairn__routes *r = arg;
	struct shadow_job *j;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		while (!r->len && !r->stopping)
			pthread_cond_wait(&r->cond, &r->lock);
		if (!r->len)
			break;
		j = r->queue[r->head];
		r->head = (r->head + 1) % SHADOW_QUEUE;
		r->len--;
		pthread_mutex_unlock(&r->lock);
		shadow_run(r, j);
		job_free(j);
		pthread_mutex_lock(&r->lock);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

static struct route *shadow_of(const struct cairn__routes *r,
			       const struct cairn__serve_record *rec)
{
	if (!r || !rec->model || !rec->inputs || rec->status != 200)
		return NULL;
	return find(r, rec->model->name, 1);
}

int cairn__route_shadowed(const struct cairn__routes *r, const struct cairn__serve_record *rec)
{
	return shadow_of(r, rec) != NULL;
}

void cairn__route_shadow(struct cairn__routes *r, struct cairn__serve_record *rec)
{
	struct route *sh;
	struct shadow_job *j;
	int queued = 0;

	if (!(sh = shadow_of(r, rec)))
		return;
	j = cairn_xcalloc(1, sizeof(*j));
	j->route = sh;
	j->frame = (struct cairn_frame *)rec->inputs;
	rec->inputs = NULL;
	memcpy(j->id, rec->id, sizeof(j->id));
	j->ts_ms = rec->ts_ms;
	j->protocol = rec->protocol;
	j->champion = cairn_xstrdup(rec->model->version);
	pthread_mutex_lock(&r->lock);
	if (r->started && !r->stopping && r->len < SHADOW_QUEUE) {
		r->queue[(r->head + r->len) % SHADOW_QUEUE] = j;
		r->len++;
		queued = 1;
		pthread_cond_broadcast(&r->cond);
	}
	pthread_mutex_unlock(&r->lock);
	if (!queued) {
		shadow_log(r, j, NULL, NULL, 0, 0, "the shadow's queue is full: not run");
		job_free(j);
	}
}

/*
 * Routing.
 */

struct cairn__model_version *cairn__route_pick(struct cairn__routes *r,
					       struct cairn__model_version *champion,
					       const char *id, const char *want)
{
	struct route *canary;

	if (want) {
		if (!strcmp(want, champion->version) || !r)
			return champion;
		for (size_t i = 0; i < r->n; i++) {
			struct cairn__model_version *c;
			if (strcmp(r->routes[i].name, champion->name))
				continue;
			c = cairn__models_acquire_at(r->routes[i].table, 0);
			if (!strcmp(c->version, want)) {
				cairn__model_version_release(champion);
				return c;
			}
			cairn__model_version_release(c);
		}
		return champion;
	}
	if (!id || !(canary = find(r, champion->name, 0)) || cairn__route_bucket(id) >= canary->share)
		return champion;
	cairn__model_version_release(champion);
	return cairn__models_acquire_at(canary->table, 0);
}

/*
 * Making and freeing.
 */

static int add_route(cairn_ctx *ctx, struct cairn__routes *r, struct cairn__models *served,
		     const char *spec, const char *ref, int share, int shadow)
{
	struct route *rt = &r->routes[r->n];
	struct cairn__model_version *v, *champion;
	double start = cairn__serve_now();
	int rc;

	rc = cairn__model_version_load(ctx, ref, &v);
	if (r->state && r->state->observe)
		cairn__observe_loaded(ctx, r->state->observe, ref, v, cairn__serve_now() - start);
	if (rc)
		return cairn_error_prefix(ctx, "cannot load the %s '%s'", shadow ? "shadow" :
					  "canary", spec);
	if (!(champion = cairn__models_acquire(served, v->name))) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "the %s '%s' is a version of '%s', which is not "
				 "served", shadow ? "shadow" : "canary", spec, v->name);
		cairn__model_version_release(v);
		return rc;
	}
	cairn__model_version_release(champion);
	if (find(r, v->name, shadow)) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "'%s' has two %s: one model has one at most",
				 v->name, shadow ? "shadows" : "canaries");
		cairn__model_version_release(v);
		return rc;
	}
	rt->name = cairn_xstrdup(v->name);
	rt->spec = cairn_xstrdup(spec);
	rt->share = share;
	rt->shadow = shadow;
	if ((rc = cairn__models_new(ctx, &v, 1, &rt->table)))
		return rc;
	r->n++;
	return 0;
}

int cairn__routes_new(cairn_ctx *ctx, const struct cairn_server_options *o,
		      struct cairn__models *served, struct cairn__serve_state *s,
		      struct cairn__routes **out)
{
	struct cairn__routes *r;
	int rc = 0;

	*out = NULL;
	if (!o->ncanaries && !o->nshadows)
		return 0;
	r = cairn_xcalloc(1, sizeof(*r));
	r->routes = cairn_xcalloc(o->ncanaries + o->nshadows, sizeof(*r->routes));
	r->state = s;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cond, NULL);
	for (size_t i = 0; i < o->ncanaries && !rc; i++) {
		char *ref;
		int share;
		if (!(rc = cairn__route_parse_canary(ctx, o->canaries[i], &ref, &share)))
			rc = add_route(ctx, r, served, o->canaries[i], ref, share, 0);
		free(ref);
	}
	for (size_t i = 0; i < o->nshadows && !rc; i++)
		rc = add_route(ctx, r, served, o->shadows[i], o->shadows[i], 0, 1);
	if (!rc && o->nshadows) {
		if ((errno = pthread_create(&r->worker, NULL, shadow_worker, r)))
			rc = cairn_error_errno(ctx, "cannot start the shadow's thread");
		else
			r->started = 1;
	}
	if (rc) {
		cairn__routes_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void cairn__routes_stop(struct cairn__routes *r)
{
	if (!r)
		return;
	cairn__stop_threads(&r->lock, &r->cond, &r->stopping, &r->worker, r->started ? 1 : 0);
	r->started = 0;
}

void cairn__routes_free(struct cairn__routes *r)
{
	if (!r)
		return;
	cairn__routes_stop(r);
	for (size_t i = 0; i < r->n; i++) {
		cairn__models_free(r->routes[i].table);
		free(r->routes[i].name);
		free(r->routes[i].spec);
	}
	free(r->routes);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->cond);
	free(r);
}

size_t cairn__routes_count(const struct cairn__routes *r)
{
	return r ? r->n : 0;
}

struct cairn__models *cairn__routes_table(struct cairn__routes *r, size_t i)
{
	return r->routes[i].table;
}
