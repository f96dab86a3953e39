/*
 * The actions of a fired alert: record (the alert is stored whatever the
 * actions), webhook (a JSON POST with libcurl, each attempt timed out,
 * retried with exponential backoff) and command (fork and exec of an argv
 * with placeholders substituted, never through a shell, in the project
 * file's directory). Each returns its outcome; a failure is logged as a
 * warning and never fails the pass. See src/monitor/alerts-internal.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "core/child.h"
#include "core/cancel.h"
#include "core/curl-loader.h"
#include "core/log.h"
#include "core/oom.h"
#include "monitor/alerts-internal.h"

/* Waits ms unless ctx is cancelled first; 1 when cancelled. */
static int wait_or_cancel(cairn_ctx *ctx, int64_t ms)
{
	while (ms > 0 && !cairn_ctx_cancelled(ctx)) {
		int64_t step = ms < 50 ? ms : 50;
		cairn__sleep_ms(step);
		ms -= step;
	}
	return cairn_ctx_cancelled(ctx) != 0;
}

static const char *str(const json_t *alert, const char *key)
{
	return json_string_value(json_object_get(alert, key));
}

/* The body a webhook receives. */
static char *webhook_body(const json_t *alert)
{
	const json_t *model = json_object_get(alert, "model");
	json_t *body = json_pack("{s:s, s:s, s:O, s:s, s:O, s:s, s:s, s:s}",
				 "alert", str(alert, "alert"), "rule", str(alert, "rule"),
				 "model", model ? model : json_null(), "signal", str(alert, "signal"),
				 "value", json_object_get(alert, "value"),
				 "condition", str(alert, "condition"),
				 "severity", str(alert, "severity"),
				 "fired_at", str(alert, "fired_at"));
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;

	if (!text)
		cairn__oom(0);
	json_decref(body);
	return text;
}

static size_t discard(char *data, size_t size, size_t n, void *arg)
{
	(void)data;
	(void)arg;
	return size * n;
}

static json_t *run_webhook(cairn_ctx *ctx, const struct cairn__alert_action *a,
			   const json_t *alert)
{
	const struct cairn__curl_api *curl;
	struct curl_slist *headers = NULL;
	char *body = webhook_body(alert);
	cairn_buf why = CAIRN_BUF_INIT;
	long status = 0;
	int attempts = 0, ok = 0;
	json_t *out;

	if (cairn__curl(ctx, "a webhook action", &curl)) {
		cairn_buf_adds(&why, cairn_errmsg(ctx));
		goto out;
	}
	headers = curl->slist_append(NULL, "Content-Type: application/json");
	for (int64_t backoff = a->backoff_ms; attempts <= a->retries; backoff *= 2) {
		char errbuf[CURL_ERROR_SIZE] = "";
		CURLcode res;
		CURL *c;

		if (attempts && wait_or_cancel(ctx, backoff)) {
			cairn_buf_reset(&why);
			cairn_buf_adds(&why, "interrupted");
			break;
		}
		attempts++;
		if (!(c = curl->easy_init()))
			cairn__oom(0);
		curl->easy_setopt(c, CURLOPT_URL, a->url);
		curl->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		curl->easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)a->timeout_ms);
		curl->easy_setopt(c, CURLOPT_USERAGENT, "cairn");
		curl->easy_setopt(c, CURLOPT_HTTPHEADER, headers);
		curl->easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl->easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
		curl->easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
		curl->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		res = curl->easy_perform(c);
		status = 0;
		curl->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		cairn_buf_reset(&why);
		if (res != CURLE_OK)
			cairn_buf_adds(&why, *errbuf ? errbuf : curl->easy_strerror(res));
		else if (status < 200 || status > 299)
			cairn_buf_addf(&why, "HTTP status %ld", status);
		else
			ok = 1;
		curl->easy_cleanup(c);
		if (ok)
			break;
		if (attempts <= a->retries)
			cairn__log_warn(ctx, "alert %s: webhook '%s' attempt %d of %d failed, retrying:"
					" %s", str(alert, "alert"), a->url, attempts, a->retries + 1,
					why.buf);
	}
	curl->slist_free_all(headers);
out:
	out = json_pack("{s:s, s:s, s:b, s:i}", "action", "webhook", "url", a->url, "ok", ok,
			"attempts", attempts);
	if (!out)
		cairn__oom(0);
	if (status)
		json_object_set_new(out, "status", json_integer(status));
	if (!ok) {
		json_object_set_new(out, "error", json_string(why.buf));
		cairn__log_warn(ctx, "alert %s: webhook '%s' failed: %s", str(alert, "alert"),
				a->url, why.buf);
	}
	cairn_buf_release(&why);
	free(body);
	return out;
}

/* An argument with {alert}, {rule}, {model}, {signal}, {value},
 * {condition}, {severity} and {fired_at} replaced; other text is kept. */
static char *substitute(const char *arg, const json_t *alert)
{
	static const char *const keys[] = {
		"alert", "rule", "model", "signal", "value", "condition", "severity", "fired_at", NULL
	};
	cairn_buf b = CAIRN_BUF_INIT;

	for (const char *p = arg; *p;) {
		size_t i;
		for (i = 0; keys[i]; i++) {
			size_t n = strlen(keys[i]);
			if (p[0] == '{' && !strncmp(p + 1, keys[i], n) && p[n + 1] == '}')
				break;
		}
		if (!keys[i]) {
			cairn_buf_addch(&b, *p++);
			continue;
		}
		{
			const json_t *v = json_object_get(alert, keys[i]);
			if (json_is_string(v))
				cairn_buf_adds(&b, json_string_value(v));
			else if (json_is_number(v))
				cairn_buf_addf(&b, "%.17g", json_number_value(v));
		}
		p += strlen(keys[i]) + 2;
	}
	return cairn_buf_detach(&b, NULL);
}

static json_t *run_command(cairn_ctx *ctx, const struct cairn__alert_rules *rules,
			   const struct cairn__alert_action *a, const json_t *alert)
{
	char **argv = cairn_xcalloc(a->argc + 1, sizeof(*argv));
	json_t *args = json_array(), *out;
	cairn_buf why = CAIRN_BUF_INIT;
	int fds[2] = { -1, -1 }, status = 0, child_errno = 0, exited = 0;
	pid_t parent = getpid(), pid;
	int64_t waited = 0;

	for (size_t i = 0; i < a->argc; i++) {
		argv[i] = substitute(a->argv[i], alert);
		json_array_append_new(args, json_string(argv[i]));
	}
	if (pipe2(fds, O_CLOEXEC)) {
		cairn_buf_addf(&why, "cannot create a pipe: %s", strerror(errno));
		goto out;
	}
	if ((pid = fork()) < 0) {
		cairn_buf_addf(&why, "cannot fork: %s", strerror(errno));
		goto out;
	}
	if (!pid) {
		int null = open("/dev/null", O_RDONLY);
		cairn__die_with_parent(parent, SIGTERM);
		if (null >= 0)
			dup2(null, 0);
		/* The command's output goes to stderr: stdout may be a report. */
		dup2(2, 1);
		if (chdir(rules->dir) || execvp(argv[0], argv) || 1) {
			int e = errno;
			if (write(fds[1], &e, sizeof(e)) < 0)
				_exit(127);
		}
		_exit(127);
	}
	close(fds[1]);
	fds[1] = -1;
	if (read(fds[0], &child_errno, sizeof(child_errno)) != (ssize_t)sizeof(child_errno))
		child_errno = 0;
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid) {
			exited = 1;
			break;
		}
		if (w < 0 && errno != EINTR)
			break;
		if (waited >= a->timeout_ms || cairn_ctx_cancelled(ctx)) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			cairn_buf_addf(&why, cairn_ctx_cancelled(ctx) ? "interrupted"
				       : "still running after %lld ms: killed",
				       (long long)a->timeout_ms);
			break;
		}
		cairn__sleep_ms(10);
		waited += 10;
	}
	if (child_errno)
		cairn_buf_addf(&why, "cannot run '%s': %s", argv[0], strerror(child_errno));
	else if (exited && WIFSIGNALED(status))
		cairn_buf_addf(&why, "'%s' was killed by signal %d", argv[0], WTERMSIG(status));
	else if (exited && WEXITSTATUS(status))
		cairn_buf_addf(&why, "'%s' exited with status %d", argv[0], WEXITSTATUS(status));
out:
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	out = json_pack("{s:s, s:o, s:b}", "action", "command", "argv", args, "ok", !why.len);
	if (!out)
		cairn__oom(0);
	if (exited && WIFEXITED(status) && !child_errno)
		json_object_set_new(out, "exit_status", json_integer(WEXITSTATUS(status)));
	if (why.len) {
		json_object_set_new(out, "error", json_string(why.buf));
		cairn__log_warn(ctx, "alert %s: command failed: %s", str(alert, "alert"), why.buf);
	}
	for (size_t i = 0; i < a->argc; i++)
		free(argv[i]);
	free(argv);
	cairn_buf_release(&why);
	return out;
}

json_t *cairn__alert_run_action(cairn_ctx *ctx, const struct cairn__alert_rules *rules,
				const struct cairn__alert_action *a, const json_t *alert)
{
	json_t *out;

	switch (a->kind) {
	case CAIRN__ACTION_WEBHOOK:
		return run_webhook(ctx, a, alert);
	case CAIRN__ACTION_COMMAND:
		return run_command(ctx, rules, a, alert);
	case CAIRN__ACTION_RECORD:
		break;
	}
	if (!(out = json_pack("{s:s, s:b}", "action", "record", "ok", 1)))
		cairn__oom(0);
	return out;
}
