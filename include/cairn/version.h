/* The version of libcairn and of the libraries it is built on. */
#ifndef CAIRN_VERSION_H
#define CAIRN_VERSION_H
#include "cairn/common.h"

CAIRN_BEGIN_DECLS

/* "0.1.0": the VERSION file at build time. */
const char *cairn_version(void);
/* The SQLite library version in use. */
const char *cairn_sqlite_version(void);

CAIRN_END_DECLS

#endif
