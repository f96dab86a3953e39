/* Fetching an HTTP(S) URL to a file with libcurl; see include/cairn/acquire.h. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#include "cairn/acquire.h"
#include "cairn/error.h"
#include "core/curl-loader.h"
#include "core/fs.h"
#include "core/progress.h"
#include "core/redact.h"

struct sink {
	int fd;
	int err;
	struct cairn__progress progress;
};

static size_t write_body(char *data, size_t size, size_t n, void *arg)
{
	struct sink *s = arg;
	if (cairn_write_full(s->fd, data, size * n) < 0) {
		s->err = errno;
		return 0;
	}
	return size * n;
}

static int on_progress(void *arg, curl_off_t total, curl_off_t now, curl_off_t ut, curl_off_t un)
{
	struct sink *s = arg;
	(void)ut;
	(void)un;
	s->progress.total = total > 0 ? (uint64_t)total : 0;
	cairn__progress_update(&s->progress, (uint64_t)now);
	/* Non-zero makes libcurl abort the transfer (CURLE_ABORTED_BY_CALLBACK). */
	return cairn_ctx_cancelled(s->progress.ctx) != 0;
}

int cairn_fetch_url(cairn_ctx *ctx, const char *url, const struct cairn_fetch_options *opts,
		    const char *dest_path, json_t **info)
{
	char errbuf[CURL_ERROR_SIZE] = "";
	struct sink sink = { -1, 0, { 0 } };
	long status = 0;
	char *final_url = NULL, *ctype = NULL;
	CURLcode res;
	const struct cairn__curl_api *curl;
	cairn_buf shown = CAIRN_BUF_INIT, final_shown = CAIRN_BUF_INIT;
	CURL *c;
	int rc = 0;

	/* Messages and the recorded information name the URL without its
	 * credentials; libcurl gets them, from the URL itself. */
	cairn__redact_credentials(url, &shown);
	if (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)) {
		rc = cairn_error(ctx, CAIRN_EINVAL, "cannot fetch '%s': only http and https URLs are supported", shown.buf);
		goto out;
	}
	if ((rc = cairn__curl(ctx, "fetching a URL", &curl)))
		goto out;
	sink.fd = open(dest_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (sink.fd < 0) {
		rc = cairn_error_errno(ctx, "cannot create '%s'", dest_path);
		goto out;
	}
	if (!(c = curl->easy_init())) {
		close(sink.fd);
		rc = cairn_error(ctx, CAIRN_ENOMEM, "cannot start an HTTP client");
		goto out;
	}
	cairn__progress_start(ctx, &sink.progress, "Downloading", 0, 1);
	curl->easy_setopt(c, CURLOPT_URL, url);
	curl->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl->easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl->easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#endif
	curl->easy_setopt(c, CURLOPT_CONNECTTIMEOUT, opts && opts->connect_timeout_s ? opts->connect_timeout_s : 30L);
	if (opts && opts->timeout_s)
		curl->easy_setopt(c, CURLOPT_TIMEOUT, opts->timeout_s);
	/* A transfer that stalls (under 1 byte/s for 60 s) fails. */
	curl->easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl->easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
	curl->easy_setopt(c, CURLOPT_FAILONERROR, 0L);
	curl->easy_setopt(c, CURLOPT_USERAGENT, "cairn");
	/* Credentials may also come from ~/.netrc, never recorded either. */
	curl->easy_setopt(c, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
	curl->easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl->easy_setopt(c, CURLOPT_WRITEFUNCTION, write_body);
	curl->easy_setopt(c, CURLOPT_WRITEDATA, &sink);
	curl->easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl->easy_setopt(c, CURLOPT_XFERINFODATA, &sink);
	curl->easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	res = curl->easy_perform(c);
	cairn__progress_end(&sink.progress);
	curl->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	if (res != CURLE_OK) {
		if (res == CURLE_ABORTED_BY_CALLBACK && cairn_ctx_cancelled(ctx)) {
			rc = cairn_error(ctx, CAIRN_EINTERRUPTED, "the download of '%s' was cancelled", shown.buf);
		} else if (sink.err) {
			errno = sink.err;
			rc = cairn_error_errno(ctx, "cannot write '%s'", dest_path);
		} else {
			rc = cairn_error(ctx, CAIRN_EIO, "cannot fetch '%s': %s", shown.buf,
					 *errbuf ? errbuf : curl->easy_strerror(res));
		}
	} else if (status < 200 || status > 299) {
		rc = cairn_error(ctx, status == 404 || status == 410 ? CAIRN_ENOTFOUND : CAIRN_EIO,
				 "cannot fetch '%s': the server answered HTTP %ld", shown.buf, status);
	} else if (fsync(sink.fd) < 0) {
		rc = cairn_error_errno(ctx, "cannot write '%s'", dest_path);
	}
	if (!rc && info) {
		curl->easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &final_url);
		curl->easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ctype);
		if (final_url)
			cairn__redact_credentials(final_url, &final_shown);
		*info = json_pack("{s:s, s:i}", "url", final_url ? final_shown.buf : shown.buf,
				  "status", (int)status);
		if (ctype)
			json_object_set_new(*info, "content_type", json_string(ctype));
	}
	curl->easy_cleanup(c);
	close(sink.fd);
out:
	cairn_buf_release(&shown);
	cairn_buf_release(&final_shown);
	return rc;
}
