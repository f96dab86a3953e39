/*
 * libcurl, loaded on first use (see dynlib.h): the functions cairn calls,
 * through one struct. curl_global_init has been called when cairn__curl()
 * returns 0.
 */
#ifndef CAIRN_CORE_CURL_LOADER_H
#define CAIRN_CORE_CURL_LOADER_H

#include <curl/curl.h>
#include "cairn/ctx.h"

struct cairn__curl_api {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *c, CURLoption option, ...);
	CURLcode (*easy_perform)(CURL *c);
	CURLcode (*easy_getinfo)(CURL *c, CURLINFO info, ...);
	const char *(*easy_strerror)(CURLcode code);
	void (*easy_cleanup)(CURL *c);
	struct curl_slist *(*slist_append)(struct curl_slist *list, const char *s);
	void (*slist_free_all)(struct curl_slist *list);
};

/* Sets *api to the loaded libcurl; needed_for names the caller in errors
 * ("fetching a URL"). */
int cairn__curl(cairn_ctx *ctx, const char *needed_for, const struct cairn__curl_api **api);

#endif
