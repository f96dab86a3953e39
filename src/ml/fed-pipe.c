/* The length-prefixed messages between federated training's parent and its
 * sites; see ml/fed-pipe.h. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "core/json.h"
#include "ml/fed-pipe.h"

/* A longer length is a broken peer, not a message. */
#define MAX_MESSAGE ((uint64_t)1 << 30)

int cairn__fed_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

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

int cairn__fed_read_all(int fd, void *p, size_t n)
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

int cairn__fed_send_msg(int fd, const void *p, size_t n)
{
	uint64_t len = n;

	return cairn__fed_write_all(fd, &len, sizeof(len)) || cairn__fed_write_all(fd, p, n) ?
	       -1 : 0;
}

int cairn__fed_recv_msg(int fd, char **out, size_t *n)
{
	uint64_t len;

	*out = NULL;
	if (cairn__fed_read_all(fd, &len, sizeof(len)) || len > MAX_MESSAGE)
		return -1;
	*out = cairn_xmalloc((size_t)len + 1);
	if (cairn__fed_read_all(fd, *out, (size_t)len)) {
		free(*out);
		*out = NULL;
		return -1;
	}
	(*out)[len] = '\0';
	if (n)
		*n = (size_t)len;
	return 0;
}

int cairn__fed_send_json(int fd, json_t *v)
{
	cairn_buf b = CAIRN_BUF_INIT;
	int rc;

	cairn_json_append(&b, v, 0);
	rc = cairn__fed_send_msg(fd, b.buf, b.len);
	cairn_buf_release(&b);
	return rc;
}
