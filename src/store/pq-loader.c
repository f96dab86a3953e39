/* libpq, loaded on first use; see pq-loader.h. */
#include <pthread.h>
#include "core/dynlib.h"
#include "store/pq-loader.h"

static struct cairn__pq_api pq;

#define SYM(field, name) { name, offsetof(struct cairn__pq_api, field) }
static const struct cairn__dynsym syms[] = {
	SYM(connectdb, "PQconnectdb"),
	SYM(status, "PQstatus"),
	SYM(error_message, "PQerrorMessage"),
	SYM(finish, "PQfinish"),
	SYM(exec, "PQexec"),
	SYM(send_query, "PQsendQuery"),
	SYM(set_single_row_mode, "PQsetSingleRowMode"),
	SYM(get_result, "PQgetResult"),
	SYM(result_status, "PQresultStatus"),
	SYM(result_error_message, "PQresultErrorMessage"),
	SYM(ntuples, "PQntuples"),
	SYM(nfields, "PQnfields"),
	SYM(fname, "PQfname"),
	SYM(getvalue, "PQgetvalue"),
	SYM(getlength, "PQgetlength"),
	SYM(getisnull, "PQgetisnull"),
	SYM(clear, "PQclear"),
};

static struct cairn__dynlib lib = {
	"libpq.so.5", "libpq5", syms, sizeof(syms) / sizeof(syms[0]), &pq,
	PTHREAD_ONCE_INIT, 0, ""
};

int cairn__pq(cairn_ctx *ctx, const char *needed_for, const struct cairn__pq_api **api)
{
	int rc = cairn__dynlib_load(ctx, &lib, needed_for);

	if (!rc)
		*api = &pq;
	return rc;
}
