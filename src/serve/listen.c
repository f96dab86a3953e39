/* The listening socket and its accepting thread; see serve/listen.h. */
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "core/cancel.h"
#include "serve/listen.h"

struct cairn__listener {
	int fd;                     /* the listening socket, non-blocking */
	int stop;                   /* an eventfd: readable once asked to stop */
	struct MHD_Daemon *daemon;
	pthread_t thread;
	int started;
};

int cairn__listener_open(cairn_ctx *ctx, const struct sockaddr_storage *addr, const char *host,
			 int *port, struct cairn__listener **out)
{
	struct cairn__listener *l;
	struct sockaddr_storage bound;
	socklen_t len = addr->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
						      sizeof(struct sockaddr_in);
	int one = 1, fd;

	*out = NULL;
	fd = socket(addr->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cairn_error_errno(ctx, "cannot open a socket to listen on %s", host);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (addr->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)addr, len) || listen(fd, SOMAXCONN) ||
	    getsockname(fd, (struct sockaddr *)&bound, &len)) {
		close(fd);
		return cairn_error(ctx, CAIRN_EIO, "cannot listen on %s:%d (the address is in use"
				   " or not this machine's)", host, *port);
	}
	*port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port :
						    ((struct sockaddr_in *)&bound)->sin_port);
	l = cairn_xcalloc(1, sizeof(*l));
	l->fd = fd;
	if ((l->stop = eventfd(0, EFD_CLOEXEC)) < 0) {
		int rc = cairn_error_errno(ctx, "cannot make the listener's event");
		close(fd);
		free(l);
		return rc;
	}
	*out = l;
	return 0;
}

/* Accepts every pending connection; 1 when the socket is done for (an
 * error other than running out of descriptors or memory, which pass). */
static int accept_pending(struct cairn__listener *l)
{
	for (;;) {
		struct sockaddr_storage addr;
		socklen_t len = sizeof(addr);
		int one = 1, c;

		c = accept4(l->fd, (struct sockaddr *)&addr, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (c < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO)
				continue;
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM) {
				cairn__sleep_ms(10);   /* until a connection closes */
				return 0;
			}
			return 1;
		}
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		/* Refused (the connection cap) or failed: the socket is closed. */
		MHD_add_connection(l->daemon, c, (const struct sockaddr *)&addr, len);
	}
}

static void *accepting(void *arg)
{
	struct cairn__listener *l = arg;

	for (;;) {
		struct pollfd p[2] = { { l->fd, POLLIN, 0 }, { l->stop, POLLIN, 0 } };
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents || (p[0].revents && accept_pending(l)))
			break;
	}
	return NULL;
}

int cairn__listener_start(cairn_ctx *ctx, struct cairn__listener *l, struct MHD_Daemon *daemon)
{
	int rc;

	l->daemon = daemon;
	if ((rc = pthread_create(&l->thread, NULL, accepting, l))) {
		errno = rc;
		return cairn_error_errno(ctx, "cannot start the accepting thread");
	}
	l->started = 1;
	return 0;
}

void cairn__listener_close(struct cairn__listener *l)
{
	uint64_t one = 1;

	if (!l)
		return;
	if (l->started) {
		while (write(l->stop, &one, sizeof(one)) < 0 && errno == EINTR)
			;
		pthread_join(l->thread, NULL);
	}
	close(l->stop);
	close(l->fd);
	free(l);
}
