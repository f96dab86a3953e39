/*
 * libpq, loaded on first use (see core/dynlib.h): the functions cairn calls,
 * through one struct.
 */
#ifndef CAIRN_STORE_PQ_LOADER_H
#define CAIRN_STORE_PQ_LOADER_H

#include <libpq-fe.h>
#include "cairn/ctx.h"

struct cairn__pq_api {
	PGconn *(*connectdb)(const char *conninfo);
	ConnStatusType (*status)(const PGconn *c);
	char *(*error_message)(const PGconn *c);
	void (*finish)(PGconn *c);
	PGresult *(*exec)(PGconn *c, const char *query);
	int (*send_query)(PGconn *c, const char *query);
	int (*set_single_row_mode)(PGconn *c);
	PGresult *(*get_result)(PGconn *c);
	ExecStatusType (*result_status)(const PGresult *r);
	char *(*result_error_message)(const PGresult *r);
	int (*ntuples)(const PGresult *r);
	int (*nfields)(const PGresult *r);
	char *(*fname)(const PGresult *r, int col);
	char *(*getvalue)(const PGresult *r, int row, int col);
	int (*getlength)(const PGresult *r, int row, int col);
	int (*getisnull)(const PGresult *r, int row, int col);
	void (*clear)(PGresult *r);
};

/* Sets *api to the loaded libpq; needed_for names the caller in errors. */
int cairn__pq(cairn_ctx *ctx, const char *needed_for, const struct cairn__pq_api **api);

#endif
