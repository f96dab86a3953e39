/* libcurl, loaded on first use; see curl-loader.h. */
#include <pthread.h>
#include "core/curl-loader.h"
#include "core/dynlib.h"

static struct cairn__curl_api curl;

#define SYM(field, name) { name, offsetof(struct cairn__curl_api, field) }
static const struct cairn__dynsym syms[] = {
	SYM(global_init, "curl_global_init"),
	SYM(easy_init, "curl_easy_init"),
	SYM(easy_setopt, "curl_easy_setopt"),
	SYM(easy_perform, "curl_easy_perform"),
	SYM(easy_getinfo, "curl_easy_getinfo"),
	SYM(easy_strerror, "curl_easy_strerror"),
	SYM(easy_cleanup, "curl_easy_cleanup"),
	SYM(slist_append, "curl_slist_append"),
	SYM(slist_free_all, "curl_slist_free_all"),
};

static struct cairn__dynlib lib = {
	"libcurl.so.4", "libcurl4", syms, sizeof(syms) / sizeof(syms[0]), &curl,
	PTHREAD_ONCE_INIT, 0, ""
};

static pthread_once_t global_once = PTHREAD_ONCE_INIT;

static void global_init(void)
{
	curl.global_init(CURL_GLOBAL_DEFAULT);
}

int cairn__curl(cairn_ctx *ctx, const char *needed_for, const struct cairn__curl_api **api)
{
	int rc = cairn__dynlib_load(ctx, &lib, needed_for);

	if (rc)
		return rc;
	pthread_once(&global_once, global_init);
	*api = &curl;
	return 0;
}
