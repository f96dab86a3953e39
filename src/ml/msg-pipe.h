/*
 * The pipes between a parent and the worker processes it forks: federated
 * training's sites (ml/federated.h) and a sweep's trials (ml/sweep.c). A
 * message is a 64-bit length and that many bytes; federated rounds also send
 * raw doubles through cairn__pipe_write_all and cairn__pipe_read_all without
 * a length. Both ends are processes forked from one program on one machine,
 * so lengths and doubles travel in the host's byte order.
 *
 * Every function blocks until done, retries on EINTR and returns 0, or -1
 * when the other end has closed or the descriptor fails (errno says which,
 * but callers report the worker instead). Writing to a pipe whose reader is
 * gone fails with EPIPE and raises no SIGPIPE: the signal is blocked in the
 * calling thread around the write and a SIGPIPE the write caused is taken
 * back, so an embedding program need not ignore it. The caller owns the
 * descriptors; the functions keep no state, so threads may use them on
 * different descriptors.
 */
#ifndef CAIRN_ML_MSG_PIPE_H
#define CAIRN_ML_MSG_PIPE_H

#include <stddef.h>
#include <jansson.h>

/* n raw bytes, no length. */
int cairn__pipe_write_all(int fd, const void *p, size_t n);
int cairn__pipe_read_all(int fd, void *p, size_t n);

/* One message of the n bytes at p. */
int cairn__pipe_send_msg(int fd, const void *p, size_t n);

/* Reads a message into a NUL-terminated allocation (*out; the caller frees
 * it, and it is NULL on failure) and its length into *n (n may be NULL).
 * A length over 1 GiB fails: the other end is broken. */
int cairn__pipe_recv_msg(int fd, char **out, size_t *n);

/* v as one message of compact JSON text. */
int cairn__pipe_send_json(int fd, json_t *v);

/* One message read as JSON into *out (new reference); -1 when the pipe
 * ends or the text is not JSON. */
int cairn__pipe_recv_json(int fd, json_t **out);

#endif
