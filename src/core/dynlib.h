/*
 * Loading a shared library on first use (dlopen), for the libraries that only
 * a few commands need (libcurl, libpq): linking them into every process
 * would cost each `cairn` invocation several milliseconds of start-up.
 *
 * A library is described by a static struct cairn__dynlib: its soname and a
 * table of symbols, each with the offset of its function pointer inside an
 * API struct. cairn__dynlib_load() loads it once per process (thread-safe)
 * and fills the struct; a library that cannot be loaded is reported with the
 * soname, the Debian package that provides it and what needs it.
 */
#ifndef CAIRN_CORE_DYNLIB_H
#define CAIRN_CORE_DYNLIB_H

#include <pthread.h>
#include <stddef.h>
#include "cairn/ctx.h"

struct cairn__dynsym {
	const char *name;
	size_t offset; /* of the function pointer in the API struct */
};

struct cairn__dynlib {
	const char *soname;      /* "libcurl.so.4" */
	const char *package;     /* the Debian package providing it */
	const struct cairn__dynsym *syms;
	size_t nsyms;
	void *api;               /* the struct of function pointers to fill */
	pthread_once_t once;
	int failed;
	char error[256];
};

/* Loads lib (once); 0, or CAIRN_EIO with a message naming what needs it. */
int cairn__dynlib_load(cairn_ctx *ctx, struct cairn__dynlib *lib, const char *needed_for);

#endif
