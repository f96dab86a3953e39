/*
 * The pipes between federated training's parent and its sites (see
 * ml/federated.h for the protocol over them): a message is a 64-bit length
 * and that many bytes; the rounds' raw doubles go through
 * cairn__fed_write_all and cairn__fed_read_all without a length. Both ends
 * are processes forked from one program on one machine, so lengths and
 * doubles travel in the host's byte order.
 *
 * Every function blocks until done, retries on EINTR and returns 0, or -1
 * when the other end has closed or the descriptor fails (errno says which,
 * but callers report the site instead). Writing to a closed pipe raises
 * SIGPIPE unless the caller ignores it, as cairn__federated_train does. The
 * caller owns the descriptors; the functions keep no state, so threads may
 * use them on different descriptors.
 */
#ifndef CAIRN_ML_FED_PIPE_H
#define CAIRN_ML_FED_PIPE_H

#include <stddef.h>
#include <jansson.h>

/* n raw bytes, no length. */
int cairn__fed_write_all(int fd, const void *p, size_t n);
int cairn__fed_read_all(int fd, void *p, size_t n);

/* One message of the n bytes at p. */
int cairn__fed_send_msg(int fd, const void *p, size_t n);

/* Reads a message into a NUL-terminated allocation (*out; the caller frees
 * it, and it is NULL on failure) and its length into *n (n may be NULL).
 * A length over 1 GiB fails: the other end is broken. */
int cairn__fed_recv_msg(int fd, char **out, size_t *n);

/* v as one message of compact JSON text. */
int cairn__fed_send_json(int fd, json_t *v);

#endif
