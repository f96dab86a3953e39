/* The length-prefixed messages between a parent and its forked workers
 * (federated sites, sweep trials); see ml/msg-pipe.h. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "core/json.h"
#include "ml/msg-pipe.h"

/* A longer length is a broken peer, not a message. */
#define MAX_MESSAGE ((uint64_t)1 << 30)

static int write_loop(int fd, const char *c, size_t n)
{
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

int cairn__pipe_write_all(int fd, const void *p, size_t n)
{
	sigset_t pipe_set, old, pending;
	int rc, err, was_pending;

	/* SIGPIPE is sent to the thread that wrote: blocked here, it stays
	 * pending instead of killing the process, and is taken back unless one
	 * was pending already (someone else's, to be delivered as before). */
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	sigpending(&pending);
	was_pending = sigismember(&pending, SIGPIPE);
	rc = write_loop(fd, p, n);
	err = errno;
	if (rc && err == EPIPE && !was_pending) {
		static const struct timespec zero = { 0, 0 };
		while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = err;
	return rc;
}

int cairn__pipe_read_all(int fd, void *p, size_t n)
{
	char *c = p;

	while (n) {
		ssize_t r = read(fd, c, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

int cairn__pipe_send_msg(int fd, const void *p, size_t n)
{
	cairn_buf b = CAIRN_BUF_INIT;
	uint64_t len = n;
	int rc;

	/* One write for length and bytes: a reader never sees half a header
	 * from a writer that died between two writes. */
	cairn_buf_add(&b, &len, sizeof(len));
	cairn_buf_add(&b, p, n);
	rc = cairn__pipe_write_all(fd, b.buf, b.len);
	cairn_buf_release(&b);
	return rc;
}

int cairn__pipe_recv_msg(int fd, char **out, size_t *n)
{
	uint64_t len;

	*out = NULL;
	if (cairn__pipe_read_all(fd, &len, sizeof(len)) || len > MAX_MESSAGE)
		return -1;
	*out = cairn_xmalloc((size_t)len + 1);
	if (cairn__pipe_read_all(fd, *out, (size_t)len)) {
		free(*out);
		*out = NULL;
		return -1;
	}
	(*out)[len] = '\0';
	if (n)
		*n = (size_t)len;
	return 0;
}

int cairn__pipe_send_json(int fd, json_t *v)
{
	cairn_buf b = CAIRN_BUF_INIT;
	int rc;

	cairn_json_append(&b, v, 0);
	rc = cairn__pipe_send_msg(fd, b.buf, b.len);
	cairn_buf_release(&b);
	return rc;
}

int cairn__pipe_recv_json(int fd, json_t **out)
{
	char *text = NULL;

	*out = NULL;
	if (cairn__pipe_recv_msg(fd, &text, NULL))
		return -1;
	*out = json_loads(text, 0, NULL);
	free(text);
	return *out ? 0 : -1;
}
