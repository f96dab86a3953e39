/*
 * An HTTP/1.1 load generator for the serving benchmark (bench/bench-serve.sh),
 * like wrk but closed-loop and exact: CONNS keep-alive connections spread
 * over THREADS threads (one epoll loop each), each sending one request at a
 * time, back to back, until REQUESTS requests were sent or SECONDS passed.
 * Responses are parsed (status line, Content-Length, chunked bodies, bodies
 * up to the close, 1xx interim responses); each request's latency, from its
 * first byte written to its response's last byte read, goes into a
 * log-linear histogram (2048 sub-buckets per power of two: 3 significant
 * digits, in microseconds), as HdrHistogram does. A connection that fails or
 * that the server closes with a request in flight, a malformed response, and
 * a request unanswered within the timeout each count one error, and the
 * connection is made again. Prints one JSON object on stdout.
 *
 * usage: loadgen [-c CONNS] [-t THREADS] [-n REQUESTS] [-d SECONDS]
 *                [-m METHOD] [-H 'Name: value']... [-b FILE]... [-l FILE]
 *                [-T TIMEOUT_MS] http://HOST:PORT[/PATH]
 *   -b FILE   a request body (repeatable: the bodies are sent round robin)
 *   -l FILE   request bodies, one a line, sent round robin
 * Without -n or -d it runs for 10 seconds. Exit status: 0 when the run was
 * made (errors are in the JSON), 1 on a bad argument or a failure to start.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memmem */
#endif
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Values below 2^SUB_BITS are exact; above, 2^(SUB_BITS-1) buckets per power of two. */
#define SUB_BITS 11
#define SUB_COUNT (1 << SUB_BITS)
#define HALF_COUNT (SUB_COUNT / 2)
/* Up to 2^(SUB_BITS + MAX_SHIFT) microseconds: 2^41 us is 25 days. */
#define MAX_SHIFT 30
#define NBUCKETS (SUB_COUNT + MAX_SHIFT * HALF_COUNT)
#define MAX_RESPONSE (64 << 20)
#define RETRY_NS 10000000LL

struct hist {
	uint64_t counts[NBUCKETS];
	uint64_t max;
};

struct request {
	char *bytes;
	size_t len;
};

enum conn_state { CONNECTING, SENDING, READING, WAITING };

/* The response being read: parsed as bytes arrive, resumable. */
struct response {
	size_t head_scanned; /* bytes searched for the end of the header */
	size_t body_start;   /* 0 until the header is complete */
	int status;
	long long length;    /* Content-Length, or -1 */
	int chunked, until_close, close;
	size_t chunk_pos;    /* chunked: where the next size line starts */
};

struct conn {
	int fd;
	enum conn_state state;
	const struct request *req;
	size_t sent;
	char *buf;
	size_t len, cap;
	struct response r;
	long long start_ns; /* when the request's first byte was written */
	long long retry_ns; /* WAITING: when to connect again */
	int want_out;       /* EPOLLOUT is registered */
};

struct worker {
	pthread_t tid;
	int ep;
	struct conn *conns;
	int nconns;
	struct hist *hist;
	uint64_t requests, errors, timeouts, non2xx;
	long long last_done_ns;
};

static struct addrinfo *target;
static struct request *reqs;
static size_t nreqs;
static int head_method;
static long long limit;       /* requests to send; 0: no limit */
static atomic_llong tickets;  /* requests handed out */
static long long deadline_ns; /* 0: no time limit */
static long long timeout_ns = 10000000000LL;

static long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000000 + t.tv_nsec;
}

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("loadgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		die("%s", "out of memory");
	return p;
}

static size_t bucket_of(uint64_t v)
{
	int shift;

	if (v < SUB_COUNT)
		return v;
	shift = 63 - __builtin_clzll(v) - (SUB_BITS - 1);
	if (shift > MAX_SHIFT)
		return NBUCKETS - 1;
	return SUB_COUNT + (size_t)(shift - 1) * HALF_COUNT + (v >> shift) - HALF_COUNT;
}

/* The largest value that falls into bucket b. */
static uint64_t bucket_top(size_t b)
{
	size_t shift;

	if (b < SUB_COUNT)
		return b;
	shift = (b - SUB_COUNT) / HALF_COUNT + 1;
	return (((uint64_t)((b - SUB_COUNT) % HALF_COUNT + HALF_COUNT)) << shift) + ((uint64_t)1 << shift) - 1;
}

static void hist_add(struct hist *h, uint64_t us)
{
	h->counts[bucket_of(us)]++;
	if (us > h->max)
		h->max = us;
}

static uint64_t hist_percentile(const struct hist *h, uint64_t total, double p)
{
	uint64_t want = (uint64_t)(p / 100 * (double)total + 0.999999), seen = 0;

	if (!total)
		return 0;
	if (!want)
		want = 1;
	for (size_t b = 0; b < NBUCKETS; b++) {
		seen += h->counts[b];
		if (seen >= want)
			return bucket_top(b) < h->max ? bucket_top(b) : h->max;
	}
	return h->max;
}

/* Returns a find of NEEDLE in BUF[FROM..LEN), or NULL. */
static const char *find(const char *buf, size_t from, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	if (len < from + n)
		return NULL;
	return memmem(buf + from, len - from, needle, n);
}

/* Whether the header line at P (up to END) is NAME: and its value holds WORD. */
static int header_has(const char *p, const char *end, const char *name, const char *word)
{
	size_t n = strlen(name), w = strlen(word);

	if ((size_t)(end - p) <= n || strncasecmp(p, name, n) || p[n] != ':')
		return 0;
	for (p += n + 1; end - p >= (long)w; p++)
		if (!strncasecmp(p, word, w))
			return 1;
	return 0;
}

/*
 * Parses the header of C's response once it is complete. Returns 1 when
 * parsed, 0 when more bytes are needed, -1 when malformed; skips 1xx
 * interim responses.
 */
static int parse_head(struct conn *c)
{
	struct response *r = &c->r;
	const char *end, *p, *eol;
	size_t from = r->head_scanned > 3 ? r->head_scanned - 3 : 0;
	int minor;

	for (;;) {
		end = find(c->buf, from, c->len, "\r\n\r\n");
		if (!end) {
			r->head_scanned = c->len;
			return c->len > 65536 ? -1 : 0;
		}
		if (c->len < 12 || memcmp(c->buf, "HTTP/1.", 7) || c->buf[8] != ' ')
			return -1;
		minor = c->buf[7] - '0';
		if (c->buf[9] < '1' || c->buf[9] > '5' || c->buf[10] < '0' || c->buf[10] > '9' ||
		    c->buf[11] < '0' || c->buf[11] > '9')
			return -1;
		r->status = (c->buf[9] - '0') * 100 + (c->buf[10] - '0') * 10 + (c->buf[11] - '0');
		if (r->status >= 200)
			break;
		/* An interim response: drop it and read the next. */
		memmove(c->buf, end + 4, c->len - (size_t)(end + 4 - c->buf));
		c->len -= (size_t)(end + 4 - c->buf);
		from = 0;
	}
	r->length = -1;
	r->close = minor == 0;
	for (p = (const char *)memchr(c->buf, '\n', c->len) + 1; p < end + 2; p = eol + 2) {
		eol = find(c->buf, (size_t)(p - c->buf), (size_t)(end + 2 - c->buf), "\r\n");
		if (!eol)
			return -1;
		if (header_has(p, eol, "Content-Length", "")) {
			char *stop;
			const char *v = p + 15;
			while (*v == ' ' || *v == '\t')
				v++;
			if (*v < '0' || *v > '9')
				return -1;
			errno = 0;
			r->length = strtoll(v, &stop, 10);
			if (errno || stop == v || r->length < 0 || r->length > MAX_RESPONSE)
				return -1;
		} else if (header_has(p, eol, "Transfer-Encoding", "chunked")) {
			r->chunked = 1;
		} else if (header_has(p, eol, "Connection", "close")) {
			r->close = 1;
		} else if (header_has(p, eol, "Connection", "keep-alive")) {
			r->close = 0;
		}
	}
	r->body_start = (size_t)(end + 4 - c->buf);
	if (head_method || r->status == 204 || r->status == 304)
		r->length = 0, r->chunked = 0;
	else if (r->chunked)
		r->length = -1;
	else if (r->length < 0)
		r->until_close = r->close = 1;
	r->chunk_pos = r->body_start;
	return 1;
}

/* Returns the end of a complete chunked body in C's buffer, 0 if incomplete, -1 if malformed. */
static long long parse_chunks(struct conn *c)
{
	struct response *r = &c->r;

	for (;;) {
		const char *line = c->buf + r->chunk_pos, *eol, *end;
		unsigned long long size = 0;
		const char *p = line;
		size_t next;

		eol = find(c->buf, r->chunk_pos, c->len, "\r\n");
		if (!eol)
			return c->len - r->chunk_pos > 1024 ? -1 : 0;
		for (; p < eol; p++) {
			int d = *p >= '0' && *p <= '9' ? *p - '0' :
				*p >= 'a' && *p <= 'f' ? *p - 'a' + 10 :
				*p >= 'A' && *p <= 'F' ? *p - 'A' + 10 : -1;
			if (d < 0)
				break;
			if (size > MAX_RESPONSE)
				return -1;
			size = size * 16 + (unsigned)d;
		}
		/* Digits, then nothing or a chunk extension. */
		if (p == line || (p < eol && *p != ';' && *p != ' ' && *p != '\t'))
			return -1;
		next = (size_t)(eol + 2 - c->buf);
		if (!size) {
			/* The last chunk, then trailers up to an empty line. */
			if (c->len >= next + 2 && !memcmp(c->buf + next, "\r\n", 2))
				return (long long)next + 2;
			end = find(c->buf, next, c->len, "\r\n\r\n");
			if (!end)
				return c->len - next > 65536 ? -1 : 0;
			return end + 4 - c->buf;
		}
		if (size > MAX_RESPONSE || next + size + 2 > MAX_RESPONSE)
			return -1;
		if (c->len < next + size + 2)
			return 0;
		if (memcmp(c->buf + next + size, "\r\n", 2))
			return -1;
		r->chunk_pos = next + size + 2;
	}
}

/* Returns the length of C's complete response, 0 if incomplete, -1 if malformed. */
static long long parse_response(struct conn *c)
{
	struct response *r = &c->r;

	if (!r->body_start) {
		int rc = parse_head(c);
		if (rc <= 0)
			return rc;
	}
	if (r->chunked)
		return parse_chunks(c);
	if (r->until_close)
		return c->len > MAX_RESPONSE ? -1 : 0;
	if (c->len >= r->body_start + (size_t)r->length)
		return (long long)(r->body_start + (size_t)r->length);
	return 0;
}

static void watch(struct worker *w, struct conn *c, int out)
{
	struct epoll_event ev = { .events = EPOLLIN | (out ? EPOLLOUT : 0), .data.ptr = c };

	if (out != c->want_out && epoll_ctl(w->ep, EPOLL_CTL_MOD, c->fd, &ev))
		die("epoll_ctl: %s", strerror(errno));
	c->want_out = out;
}

static void conn_close(struct worker *w, struct conn *c)
{
	if (c->fd >= 0) {
		epoll_ctl(w->ep, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	c->fd = -1;
}

static int finished(long long now)
{
	return (deadline_ns && now >= deadline_ns) || (limit && atomic_load(&tickets) >= limit);
}

/*
 * C failed: one error, and the connection is made again after RETRY_NS. A
 * request in flight is lost; a failed connection counts against the limit
 * too, so that a server that is down does not make a run without end.
 */
static void conn_fail(struct worker *w, struct conn *c)
{
	w->errors++;
	if (c->state == CONNECTING)
		atomic_fetch_add(&tickets, 1);
	conn_close(w, c);
	c->state = WAITING;
	c->retry_ns = now_ns() + RETRY_NS;
}

/* Starts C's connection; on failure it waits RETRY_NS before the next try. */
static void conn_open(struct worker *w, struct conn *c)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT, .data.ptr = c };
	int one = 1;

	c->fd = socket(target->ai_family, target->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       target->ai_protocol);
	if (c->fd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->len = 0;
	c->want_out = 1;
	c->state = CONNECTING;
	c->start_ns = now_ns();
	if (connect(c->fd, target->ai_addr, target->ai_addrlen) && errno != EINPROGRESS) {
		conn_fail(w, c);
		return;
	}
	if (epoll_ctl(w->ep, EPOLL_CTL_ADD, c->fd, &ev))
		die("epoll_ctl: %s", strerror(errno));
}

/* Writes what is left of C's request; fails the connection on an error. */
static void conn_write(struct worker *w, struct conn *c)
{
	while (c->sent < c->req->len) {
		ssize_t n = send(c->fd, c->req->bytes + c->sent, c->req->len - c->sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			watch(w, c, 1);
			return;
		}
		if (n <= 0) {
			conn_fail(w, c);
			return;
		}
		c->sent += (size_t)n;
	}
	watch(w, c, 0);
	c->state = READING;
}

/* Sends C's next request, or closes C when the run is over. */
static void conn_next(struct worker *w, struct conn *c, long long now)
{
	long long ticket = finished(now) ? -1 : atomic_fetch_add(&tickets, 1);

	if (ticket < 0 || (limit && ticket >= limit)) {
		conn_close(w, c);
		c->state = WAITING;
		c->retry_ns = -1;
		return;
	}
	c->req = &reqs[(size_t)ticket % nreqs];
	c->sent = 0;
	c->len = 0;
	memset(&c->r, 0, sizeof(c->r));
	c->start_ns = now;
	c->state = SENDING;
	conn_write(w, c);
}

static void complete(struct worker *w, struct conn *c, size_t end, long long now)
{
	long long us = (now - c->start_ns + 500) / 1000;

	hist_add(w->hist, us > 0 ? (uint64_t)us : 0);
	w->requests++;
	if (c->r.status < 200 || c->r.status > 299)
		w->non2xx++;
	w->last_done_ns = now;
	if (c->len > end) {
		/* Bytes nobody asked for: the connection is out of step. */
		conn_fail(w, c);
		return;
	}
	if (c->r.close) {
		conn_close(w, c);
		if (finished(now)) {
			c->state = WAITING;
			c->retry_ns = -1;
			return;
		}
		conn_open(w, c);
		return;
	}
	conn_next(w, c, now);
}

static void conn_read(struct worker *w, struct conn *c)
{
	long long end;
	size_t room;
	ssize_t n;

	for (;;) {
		if (c->cap - c->len < 16384) {
			c->cap = c->cap ? c->cap * 2 : 65536;
			c->buf = xrealloc(c->buf, c->cap);
		}
		room = c->cap - c->len;
		n = recv(c->fd, c->buf + c->len, room, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0 || c->state != READING) {
			/* A reset, or bytes before the request was sent. */
			conn_fail(w, c);
			return;
		}
		if (n == 0) {
			if (c->r.body_start && c->r.until_close)
				complete(w, c, c->len, now_ns());
			else
				conn_fail(w, c);
			return;
		}
		c->len += (size_t)n;
		end = parse_response(c);
		if (end < 0) {
			conn_fail(w, c);
			return;
		}
		if (end > 0) {
			complete(w, c, (size_t)end, now_ns());
			return;
		}
		if ((size_t)n < room)
			return; /* the socket is drained */
	}
}

static void on_event(struct worker *w, struct conn *c, uint32_t events)
{
	if (c->state == CONNECTING) {
		int err = 0;
		socklen_t len = sizeof(err);

		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
			conn_fail(w, c);
			return;
		}
		conn_next(w, c, now_ns());
		return;
	}
	if (c->state == SENDING && (events & EPOLLOUT)) {
		conn_write(w, c);
		return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		conn_read(w, c);
}

/* Times out requests in flight too long, reconnects those waiting; returns how many are active. */
static int sweep(struct worker *w, long long now)
{
	int active = 0;

	for (int i = 0; i < w->nconns; i++) {
		struct conn *c = &w->conns[i];
		if (c->state == WAITING) {
			if (c->retry_ns < 0)
				continue;
			if (now >= c->retry_ns) {
				if (finished(now)) {
					c->retry_ns = -1;
					continue;
				}
				conn_open(w, c);
			}
		} else if (now - c->start_ns > timeout_ns) {
			w->timeouts++;
			conn_fail(w, c);
		}
		active++;
	}
	return active;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	struct epoll_event events[64];
	long long last_sweep = 0;

	for (int i = 0; i < w->nconns; i++)
		conn_open(w, &w->conns[i]);
	for (;;) {
		long long now = now_ns();
		int wait_ms = 5, n;

		if (now - last_sweep >= 1000000) {
			if (!sweep(w, now))
				break;
			last_sweep = now;
		}
		if (deadline_ns && now >= deadline_ns)
			break;
		n = epoll_wait(w->ep, events, 64, wait_ms);
		if (n < 0 && errno != EINTR)
			die("epoll_wait: %s", strerror(errno));
		for (int i = 0; i < n; i++) {
			struct conn *c = events[i].data.ptr;
			if (c->fd >= 0)
				on_event(w, c, events[i].events);
		}
	}
	for (int i = 0; i < w->nconns; i++)
		conn_close(w, &w->conns[i]);
	return NULL;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n;

	if (!f)
		die("cannot open '%s'", path);
	*len = 0;
	do {
		if (cap - *len < 65536)
			buf = xrealloc(buf, cap = cap * 2 + 65536);
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n);
	if (ferror(f))
		die("cannot read '%s'", path);
	fclose(f);
	return buf;
}

struct text {
	char *s;
	size_t len, cap;
};

static void add(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap)
		t->s = xrealloc(t->s, t->cap = (t->len + n + 1) * 2);
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = 0;
}

static void adds(struct text *t, const char *s)
{
	add(t, s, strlen(s));
}

/* Adds the request with BODY (NULL: none) to the list. */
static void add_request(const struct text *head, const char *body, size_t len, int with_length)
{
	struct text t = { 0 };
	char num[32];

	add(&t, head->s, head->len);
	if (with_length) {
		snprintf(num, sizeof(num), "%zu", len);
		adds(&t, "Content-Length: ");
		adds(&t, num);
		adds(&t, "\r\n");
	}
	adds(&t, "\r\n");
	if (len)
		add(&t, body, len);
	reqs = xrealloc(reqs, (nreqs + 1) * sizeof(*reqs));
	reqs[nreqs].bytes = t.s;
	reqs[nreqs++].len = t.len;
}

static long long number(const char *s, const char *what)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < 0)
		die("bad %s", what);
	return v;
}

int main(int argc, char **argv)
{
	const char *method = "GET", *url = NULL, *body_files[256], *lines_file = NULL;
	const char *headers[64];
	int nbody = 0, nheaders = 0, conns = 16, threads = 2;
	double seconds = 0;
	char host[256], port[16] = "80", path[2048] = "/";
	struct text head = { 0 };
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM };
	struct worker *workers;
	struct hist *all;
	uint64_t requests = 0, errors = 0, timeouts = 0, non2xx = 0;
	long long start, last = 0;
	double elapsed;
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (a[0] != '-') {
			if (url)
				die("%s", "one URL only");
			url = a;
			continue;
		}
		if (!v || a[2])
			die("bad argument '%s' (see the usage at the top of bench/loadgen.c)", a);
		i++;
		switch (a[1]) {
		case 'c': conns = (int)number(v, "-c"); break;
		case 't': threads = (int)number(v, "-t"); break;
		case 'n': limit = number(v, "-n"); break;
		case 'd': seconds = strtod(v, NULL); break;
		case 'm': method = v; break;
		case 'T': timeout_ns = number(v, "-T") * 1000000; break;
		case 'l': lines_file = v; break;
		case 'H':
			if (nheaders == 64)
				die("%s", "too many -H");
			headers[nheaders++] = v;
			break;
		case 'b':
			if (nbody == 256)
				die("%s", "too many -b");
			body_files[nbody++] = v;
			break;
		default:
			die("bad argument '%s'", a);
		}
	}
	if (!url || strncmp(url, "http://", 7))
		die("%s", "usage: loadgen [-c CONNS] [-t THREADS] [-n REQUESTS] [-d SECONDS] [-m METHOD] "
			  "[-H HEADER]... [-b FILE]... [-l FILE] [-T TIMEOUT_MS] http://HOST:PORT/PATH");
	if (conns < 1 || threads < 1 || conns > 100000 || timeout_ns <= 0)
		die("%s", "-c, -t and -T must be positive");
	if (threads > conns)
		threads = conns;
	if (!limit && seconds <= 0)
		seconds = 10;
	{
		const char *h = url + 7, *slash = strchr(h, '/'), *colon;
		size_t hl = slash ? (size_t)(slash - h) : strlen(h);
		if (hl == 0 || hl >= sizeof(host) || (slash && strlen(slash) >= sizeof(path)))
			die("bad URL '%s'", url);
		memcpy(host, h, hl);
		host[hl] = 0;
		if (slash)
			memcpy(path, slash, strlen(slash) + 1);
		colon = strrchr(host, ':');
		if (colon) {
			if (strlen(colon + 1) >= sizeof(port) || !colon[1])
				die("bad URL '%s'", url);
			memcpy(port, colon + 1, strlen(colon + 1) + 1);
			host[colon - host] = 0;
		}
		if ((rc = getaddrinfo(host, port, &hints, &target)))
			die("cannot resolve the URL's host: %s", gai_strerror(rc));
		head_method = !strcmp(method, "HEAD");
		adds(&head, method);
		adds(&head, " ");
		adds(&head, path);
		adds(&head, " HTTP/1.1\r\nHost: ");
		add(&head, h, hl);
		adds(&head, "\r\n");
		for (int i = 0; i < nheaders; i++) {
			adds(&head, headers[i]);
			adds(&head, "\r\n");
		}
	}
	for (int i = 0; i < nbody; i++) {
		size_t len;
		char *b = read_file(body_files[i], &len);
		add_request(&head, b, len, 1);
		free(b);
	}
	if (lines_file) {
		size_t len;
		char *b = read_file(lines_file, &len), *p = b, *end = b + len;
		while (p < end) {
			char *nl = memchr(p, '\n', (size_t)(end - p));
			size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
			if (n && p[n - 1] == '\r')
				n--;
			if (n)
				add_request(&head, p, n, 1);
			p = nl ? nl + 1 : end;
		}
		free(b);
		if (!nreqs)
			die("no request body in '%s'", lines_file);
	}
	if (!nreqs)
		add_request(&head, NULL, 0, strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0);

	workers = calloc((size_t)threads, sizeof(*workers));
	all = calloc(1, sizeof(*all));
	if (!workers || !all)
		die("%s", "out of memory");
	start = now_ns();
	if (seconds > 0)
		deadline_ns = start + (long long)(seconds * 1e9);
	for (int t = 0; t < threads; t++) {
		struct worker *w = &workers[t];
		w->nconns = conns / threads + (t < conns % threads);
		w->conns = calloc((size_t)w->nconns, sizeof(*w->conns));
		w->hist = calloc(1, sizeof(*w->hist));
		w->ep = epoll_create1(EPOLL_CLOEXEC);
		if (!w->conns || !w->hist || w->ep < 0)
			die("%s", "cannot make a worker");
		for (int i = 0; i < w->nconns; i++)
			w->conns[i].fd = -1;
		if ((rc = pthread_create(&w->tid, NULL, run, w)))
			die("pthread_create: %s", strerror(rc));
	}
	for (int t = 0; t < threads; t++) {
		struct worker *w = &workers[t];
		pthread_join(w->tid, NULL);
		for (size_t b = 0; b < NBUCKETS; b++)
			all->counts[b] += w->hist->counts[b];
		if (w->hist->max > all->max)
			all->max = w->hist->max;
		requests += w->requests;
		errors += w->errors;
		timeouts += w->timeouts;
		non2xx += w->non2xx;
		if (w->last_done_ns > last)
			last = w->last_done_ns;
		for (int i = 0; i < w->nconns; i++)
			free(w->conns[i].buf);
		free(w->conns);
		free(w->hist);
		close(w->ep);
	}
	free(workers);
	elapsed = (double)((last ? last : now_ns()) - start) / 1e9;
	printf("{\"requests\": %llu, \"errors\": %llu, \"timeouts\": %llu, \"non2xx\": %llu, "
	       "\"seconds\": %.3f, \"requests_per_second\": %.1f, \"p50_us\": %llu, "
	       "\"p90_us\": %llu, \"p99_us\": %llu, \"max_us\": %llu, \"connections\": %d, "
	       "\"threads\": %d}\n",
	       (unsigned long long)requests, (unsigned long long)errors,
	       (unsigned long long)timeouts, (unsigned long long)non2xx, elapsed,
	       elapsed > 0 ? (double)requests / elapsed : 0.0,
	       (unsigned long long)hist_percentile(all, requests, 50),
	       (unsigned long long)hist_percentile(all, requests, 90),
	       (unsigned long long)hist_percentile(all, requests, 99),
	       (unsigned long long)all->max, conns, threads);
	free(all);
	for (size_t i = 0; i < nreqs; i++)
		free(reqs[i].bytes);
	free(reqs);
	free(head.s);
	freeaddrinfo(target);
	return fflush(stdout) ? 1 : 0;
}
