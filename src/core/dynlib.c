/* Loading a shared library on first use; see dynlib.h. */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include "cairn/error.h"
#include "core/dynlib.h"

/* pthread_once takes no argument: the library being loaded is passed here,
 * under a lock, so that loads of different libraries do not mix. */
static pthread_mutex_t loading_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cairn__dynlib *loading;

static void load_once(void)
{
	struct cairn__dynlib *lib = loading;
	void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		lib->failed = 1;
		snprintf(lib->error, sizeof(lib->error), "%s", dlerror());
		return;
	}
	for (size_t i = 0; i < lib->nsyms; i++) {
		void *fn = dlsym(h, lib->syms[i].name);
		if (!fn) {
			lib->failed = 1;
			snprintf(lib->error, sizeof(lib->error), "%s lacks %s", lib->soname,
				 lib->syms[i].name);
			return;
		}
		/* POSIX guarantees that a function pointer round-trips through void *. */
		memcpy((char *)lib->api + lib->syms[i].offset, &fn, sizeof(fn));
	}
}

int cairn__dynlib_load(cairn_ctx *ctx, struct cairn__dynlib *lib, const char *needed_for)
{
	pthread_mutex_lock(&loading_lock);
	loading = lib;
	pthread_once(&lib->once, load_once);
	pthread_mutex_unlock(&loading_lock);
	if (lib->failed)
		return cairn_error(ctx, CAIRN_EIO, "%s needs %s (Debian package %s): %s", needed_for,
				   lib->soname, lib->package, lib->error);
	return 0;
}
