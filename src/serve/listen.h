/*
 * The server's listening socket and the thread that accepts on it, handing
 * each connection to libmicrohttpd (MHD_add_connection). libmicrohttpd's
 * own accepting lets whichever pool thread wakes first take every pending
 * connection, so that a client opening its connections at once could have
 * them all on one thread and leave the other cores idle; a connection
 * added from outside goes to the pool thread its socket's number picks,
 * which spreads connections opened together evenly.
 */
#ifndef CAIRN_SERVE_LISTEN_H
#define CAIRN_SERVE_LISTEN_H

#include <sys/socket.h>
#include "cairn/ctx.h"

struct MHD_Daemon;
struct cairn__listener;

/* Binds addr (IPv4 or IPv6, IPv6 only for an IPv6 address) and listens;
 * CAIRN_EIO naming host and port when it cannot. *port is the bound port
 * (the one picked when addr's is 0). */
int cairn__listener_open(cairn_ctx *ctx, const struct sockaddr_storage *addr, const char *host,
			 int *port, struct cairn__listener **out);
/* Starts accepting, each connection added to daemon (started with
 * MHD_USE_NO_LISTEN_SOCKET and MHD_USE_ITC). */
int cairn__listener_start(cairn_ctx *ctx, struct cairn__listener *l, struct MHD_Daemon *daemon);
/* Stops accepting and closes the socket: connections not yet accepted are
 * refused. NULL is a no-op. */
void cairn__listener_close(struct cairn__listener *l);

#endif
