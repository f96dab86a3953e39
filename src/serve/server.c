/* The HTTP side of the server: libmicrohttpd's thread pool with epoll, fed
 * connections by the accepting thread (listen.c), bodies read within their
 * limit, the request handed to the request path (request.c), and the drain
 * at stop; see include/cairn/serve.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cairn/error.h"
#include "cairn/serve.h"
#include "core/cancel.h"
#include "core/cpu.h"
#include "serve/batch.h"
#include "serve/listen.h"
#include "serve/predlog-hooks.h"
#include "serve/reload.h"
#include "serve/request.h"
#include "serve/route.h"
#include "serve/workers.h"

struct cairn_server {
	struct MHD_Daemon *daemon;
	struct cairn__listener *listener;
	struct cairn__serve_state state;
	struct cairn__reloader *reloader;
	struct cairn_cancel *cancel;
	int port;
	int in_flight;             /* atomic: requests begun and not yet completed */
	unsigned connections;      /* atomic: connections open (or being accepted) */
	unsigned max_connections;
	int stopped;
	struct cairn__workers *workers;  /* batching: requests are answered there */
};

/* One request's state across libmicrohttpd's calls. */
struct conn_req {
	cairn_buf body;
	int too_large;
	double start;
	/* The request, its answer and its record; with batching, made on a
	 * pool thread while the connection is suspended. */
	struct cairn_server *server;
	struct MHD_Connection *conn;
	struct cairn__http_request req;
	struct cairn__http_response resp;
	struct cairn__serve_record rec;
	char addr[INET6_ADDRSTRLEN];
	int answered;              /* atomic: the pool thread is done */
};

void cairn_server_options_init(struct cairn_server_options *o)
{
	memset(o, 0, sizeof(*o));
	o->host = "127.0.0.1";
	o->port = 5000;
	o->max_body = 16u << 20;
	o->max_header = 32u << 10;
	o->idle_timeout = 30;
	o->max_connections = 1024;
	o->max_batch = 1;
	o->max_delay_us = 500;
}

static const char *header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

static enum MHD_Result queue(struct MHD_Connection *c, struct cairn__http_response *resp,
			     const struct cairn__serve_record *rec, size_t *bytes_out)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	size_t len;
	char *body = cairn_buf_detach(&resp->body, &len);

	*bytes_out = len;
	r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", resp->content_type ? resp->content_type :
				"application/json");
	MHD_add_response_header(r, "X-Request-ID", rec->id);
	if (rec->model)
		MHD_add_response_header(r, "X-Cairn-Model-Version", rec->model->version);
	if (resp->www_authenticate)
		MHD_add_response_header(r, "WWW-Authenticate", "Bearer realm=\"cairn\"");
	ret = MHD_queue_response(c, (unsigned)resp->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* The request whose body is complete (or was refused), as the request
 * path takes it. */
static void take_request(struct MHD_Connection *c, const char *url, const char *method,
			 struct conn_req *cr)
{
	const union MHD_ConnectionInfo *ci;
	struct cairn__http_request req = {
		.method = method, .path = url,
		.content_type = header(c, "Content-Type"),
		.authorization = header(c, "Authorization"),
		.request_id = header(c, "X-Request-ID"),
		.body = cr->body.buf, .body_len = cr->body.len,
		.body_too_large = cr->too_large, .start = cr->start,
		.remote = cr->addr,
	};

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr,
			  cr->addr, sizeof(cr->addr));
	else if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr,
			  cr->addr, sizeof(cr->addr));
	cr->req = req;
	cairn_buf_init(&cr->resp.body);
}

/* Sends the answer made and finishes its record. */
static enum MHD_Result deliver(struct cairn_server *s, struct MHD_Connection *c,
			       struct conn_req *cr)
{
	enum MHD_Result ret;

	cr->rec.status = cr->resp.status;
	ret = queue(c, &cr->resp, &cr->rec, &cr->rec.bytes_out);
	cairn_buf_release(&cr->resp.body);
	cr->rec.latency = cairn__serve_now() - cr->start;
	cairn__serve_finish(&s->state, &cr->rec);
	return ret;
}

static enum MHD_Result answer(struct cairn_server *s, struct MHD_Connection *c, const char *url,
			      const char *method, struct conn_req *cr)
{
	take_request(c, url, method, cr);
	cairn__serve_handle(&s->state, &cr->req, &cr->resp, &cr->rec);
	return deliver(s, c, cr);
}

/* On a pool thread: the answer, then the connection resumes and
 * on_request delivers it. */
static void answer_job(void *arg)
{
	struct conn_req *cr = arg;

	cairn__serve_handle(&cr->server->state, &cr->req, &cr->resp, &cr->rec);
	__atomic_store_n(&cr->answered, 1, __ATOMIC_RELEASE);
	MHD_resume_connection(cr->conn);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct cairn_server *s = cls;
	struct conn_req *cr = *con_cls;

	if (!cr) {
		const char *cl = header(c, "Content-Length");
		unsigned long long announced;
		cr = cairn_xcalloc(1, sizeof(*cr));
		cairn_buf_init(&cr->body);
		cr->start = cairn__serve_now();
		*con_cls = cr;
		__atomic_add_fetch(&s->in_flight, 1, __ATOMIC_ACQ_REL);
		/* A body announced too large is refused before it is read. */
		announced = cl ? strtoull(cl, NULL, 10) : 0;
		if (announced > s->state.max_body) {
			cr->too_large = 1;
			return answer(s, c, url, method, cr);
		}
		/* The room for an announced body, taken once. */
		if (announced)
			cairn_buf_grow(&cr->body, (size_t)announced);
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!cr->too_large && cr->body.len + *upload_data_size > s->state.max_body) {
			cr->too_large = 1;
			cairn_buf_release(&cr->body);
		}
		if (!cr->too_large)
			cairn_buf_add(&cr->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (__atomic_load_n(&cr->answered, __ATOMIC_ACQUIRE))
		return deliver(s, c, cr);
	if (s->workers) {
		take_request(c, url, method, cr);
		cr->server = s;
		cr->conn = c;
		MHD_suspend_connection(c);
		cairn__workers_submit(s->workers, answer_job, cr);
		return MHD_YES;
	}
	return answer(s, c, url, method, cr);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct cairn_server *s = cls;
	struct conn_req *cr = *con_cls;

	if (!cr)
		return;
	cairn_buf_release(&cr->body);
	free(cr);
	*con_cls = NULL;
	__atomic_sub_fetch(&s->in_flight, 1, __ATOMIC_ACQ_REL);
}

/* The connection cap: a connection past it is refused at accept (closed
 * before a byte is read). The slot is taken here and given back when the
 * connection closes. */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	struct cairn_server *s = cls;
	unsigned n = __atomic_load_n(&s->connections, __ATOMIC_ACQUIRE);

	do {
		if (n >= s->max_connections)
			return MHD_NO;
	} while (!__atomic_compare_exchange_n(&s->connections, &n, n + 1, 0, __ATOMIC_ACQ_REL,
					      __ATOMIC_ACQUIRE));
	return MHD_YES;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
			  enum MHD_ConnectionNotificationCode toe)
{
	struct cairn_server *s = cls;

	if (toe == MHD_CONNECTION_NOTIFY_CLOSED)
		__atomic_sub_fetch(&s->connections, 1, __ATOMIC_ACQ_REL);
}

/* Every evaluation's rows: the metrics' batch size. */
static void observe_batch(void *arg, const char *model, size_t rows)
{
	struct cairn__serve_observe *ob = arg;

	if (ob)
		cairn__serve_metrics_batch(&ob->metrics, model, rows);
}

static int load_models(cairn_ctx *ctx, const struct cairn_server_options *o,
		       struct cairn__serve_observe *ob, struct cairn__models **out)
{
	struct cairn__model_version **v;
	int rc = 0;

	if (!o->nmodels)
		return cairn_error(ctx, CAIRN_EINVAL, "no model to serve");
	v = cairn_xcalloc(o->nmodels, sizeof(*v));
	for (size_t i = 0; i < o->nmodels && !rc; i++) {
		double start = cairn__serve_now();
		if ((rc = cairn__model_version_load(ctx, o->models[i], &v[i])))
			cairn_error_prefix(ctx, "cannot serve '%s'", o->models[i]);
		cairn__observe_loaded(ctx, ob, o->models[i], v[i], cairn__serve_now() - start);
	}
	if (rc) {
		for (size_t i = 0; i < o->nmodels; i++)
			cairn__model_version_release(v[i]);
	} else
		rc = cairn__models_new(ctx, v, o->nmodels, out);
	free(v);
	return rc;
}

/* The challengers, and the thread that reloads every model. */
static int start_reload(cairn_ctx *ctx, const struct cairn_server_options *o,
			struct cairn_server *s)
{
	struct cairn__models **tables;
	size_t n = 0;
	int rc;

	if ((rc = cairn__routes_new(ctx, o, s->state.models, &s->state, &s->state.routes)))
		return rc;
	tables = cairn_xcalloc(1 + cairn__routes_count(s->state.routes), sizeof(*tables));
	tables[n++] = s->state.models;
	for (size_t i = 0; i < cairn__routes_count(s->state.routes); i++)
		tables[n++] = cairn__routes_table(s->state.routes, i);
	rc = cairn__reloader_start(ctx, tables, n, o->reload_interval ? o->reload_interval : 1,
				   o->reload, &s->state, &s->reloader);
	free(tables);
	if (rc) {
		cairn__routes_free(s->state.routes);
		s->state.routes = NULL;
	}
	return rc;
}

/* Stops the reload thread and the shadow's worker (their versions stay
 * until the tables are freed). */
static void stop_reload(struct cairn_server *s)
{
	cairn__reloader_free(s->reloader);
	s->reloader = NULL;
	cairn__routes_stop(s->state.routes);
}

/* host (a numeric IPv4 or IPv6 address) and port as a socket address;
 * -1 when host is neither. */
static int listen_address(const char *host, int port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		return 0;
	}
	return -1;
}

/* Connections come from the listener (MHD_USE_ITC wakes a pool thread
 * for each); suspending a connection is needed only when batching hands
 * requests to workers. */
static struct MHD_Daemon *start_daemon(struct cairn_server *s, unsigned threads,
				       const struct cairn_server_options *o)
{
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_TURBO |
			 MHD_USE_NO_LISTEN_SOCKET;

	if (s->workers)
		flags |= MHD_ALLOW_SUSPEND_RESUME;
	return MHD_start_daemon(flags, 0, on_accept, s, on_request, s,
				MHD_OPTION_THREAD_POOL_SIZE, threads,
				MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
				MHD_OPTION_CONNECTION_TIMEOUT, o->idle_timeout,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT,
				o->max_header ? o->max_header : (size_t)32 << 10,
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				MHD_OPTION_END);
}

int cairn_server_start(cairn_ctx *ctx, const struct cairn_server_options *o,
		       cairn_server **out)
{
	struct cairn_server *s;
	struct sockaddr_storage sin;
	unsigned threads = o->threads > 0 ? (unsigned)o->threads :
			   (unsigned)cairn__usable_cores();
	int rc;

	*out = NULL;
	if (o->port < 0 || o->port > 65535)
		return cairn_error(ctx, CAIRN_EINVAL, "port %d is not between 0 and 65535", o->port);
	if (listen_address(o->host ? o->host : "127.0.0.1", o->port, &sin))
		return cairn_error(ctx, CAIRN_EINVAL, "'%s' is not an IPv4 or IPv6 address", o->host);
	if (o->token && !o->token_len)
		return cairn_error(ctx, CAIRN_EINVAL, "the token is empty");
	s = cairn_xcalloc(1, sizeof(*s));
	if ((rc = cairn__observe_open(ctx, o, &s->in_flight, &s->state.observe)) ||
	    (rc = load_models(ctx, o, s->state.observe, &s->state.models))) {
		cairn__observe_close(s->state.observe);
		free(s);
		return rc;
	}
	s->state.token = o->token;
	s->state.token_len = o->token_len;
	s->state.timeout = o->timeout;
	s->state.max_body = o->max_body;
	s->state.access_log = o->access_log;
	s->state.access_log_arg = o->access_log_arg;
	s->state.batcher = cairn__batcher_new(o->max_batch, o->max_delay_us, observe_batch,
					      s->state.observe);
	/* A request waiting for its batch holds a pool thread: enough of them
	 * for a batch of single rows. */
	if (o->max_batch > 1)
		s->workers = cairn__workers_new(o->max_batch < 256 ? o->max_batch : 256);
	s->cancel = o->cancel;
	if ((rc = start_reload(ctx, o, s)))
		goto fail;
	s->max_connections = o->max_connections ? o->max_connections : 1024u;
	s->port = o->port;
	if ((rc = cairn__listener_open(ctx, &sin, o->host ? o->host : "127.0.0.1", &s->port,
				       &s->listener)))
		goto fail_reload;
	if (!(s->daemon = start_daemon(s, threads, o))) {
		rc = cairn_error(ctx, CAIRN_EIO, "cannot start the HTTP server's threads");
		goto fail_reload;
	}
	if ((rc = cairn__listener_start(ctx, s->listener, s->daemon))) {
		MHD_stop_daemon(s->daemon);
		goto fail_reload;
	}
	*out = s;
	return 0;

fail_reload:
	cairn__listener_close(s->listener);
	stop_reload(s);
fail:
	cairn__routes_free(s->state.routes);
	cairn__models_free(s->state.models);
	cairn__workers_free(s->workers);
	cairn__batcher_free(s->state.batcher);
	cairn__observe_close(s->state.observe);
	free(s);
	return rc;
}

int cairn_server_port(const cairn_server *s)
{
	return s->port;
}

void cairn_server_wait(cairn_server *s)
{
	while (s->cancel && !s->cancel->requested)
		cairn__sleep_ms(50);
}

void cairn_server_stop(cairn_server *s, int drain)
{
	if (!s || s->stopped)
		return;
	s->stopped = 1;
	cairn__listener_close(s->listener);
	s->listener = NULL;
	/* Requests already begun are answered; idle keep-alive connections
	 * are closed by the stop below. */
	while (drain && __atomic_load_n(&s->in_flight, __ATOMIC_ACQUIRE) > 0)
		cairn__sleep_ms(5);
	/* Suspended connections are resumed before the daemon stops. */
	cairn__workers_free(s->workers);
	s->workers = NULL;
	MHD_stop_daemon(s->daemon);
	s->daemon = NULL;
	stop_reload(s);
}

void cairn_server_reload(cairn_server *s)
{
	cairn__reloader_request(s->reloader);
}

void cairn_server_free(cairn_server *s)
{
	if (!s)
		return;
	cairn_server_stop(s, 0);
	cairn__routes_free(s->state.routes);
	cairn__models_free(s->state.models);
	cairn__batcher_free(s->state.batcher);
	cairn__observe_close(s->state.observe);
	free(s);
}
