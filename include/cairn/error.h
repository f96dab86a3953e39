/*
 * Error codes shared by every libcairn function.
 *
 * Functions return 0 (CAIRN_OK) on success or one of these codes; the detailed
 * human message ("cannot open 'x.csv': No such file or directory") is kept on
 * the context and read with cairn_errmsg(), as sqlite3_errmsg() does.
 */
#ifndef CAIRN_ERROR_H
#define CAIRN_ERROR_H

#include "cairn/common.h"

CAIRN_BEGIN_DECLS

enum cairn_err {
	CAIRN_OK = 0,
	CAIRN_EINVAL,      /* invalid argument or usage */
	CAIRN_ENOWORKSPACE, /* no .cairn workspace found */
	CAIRN_ENOTFOUND,   /* no such record, object or file */
	CAIRN_EAMBIGUOUS,  /* a prefix or reference matches more than one thing */
	CAIRN_EEXIST,      /* already exists */
	CAIRN_EPARSE,      /* malformed input data */
	CAIRN_EIO,         /* operating system or file error */
	CAIRN_EDB,         /* metadata store error */
	CAIRN_ECORRUPT,    /* stored data does not match its checksum */
	CAIRN_ENOMEM,      /* out of memory */
	CAIRN_EINTERRUPTED, /* stopped by a signal */
	CAIRN_EINTERNAL,   /* a bug in cairn */
	CAIRN_ERR_COUNT
};

/* A short static description of code; never NULL. */
const char *cairn_strerror(int code);

/* The process exit status the CLI uses for code (see docs/exit-codes.md). */
int cairn_exit_status(int code);

CAIRN_END_DECLS

#endif
