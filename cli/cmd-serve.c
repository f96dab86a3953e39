/* cairn serve: models answering HTTP requests (MLflow's scoring protocol
 * and the Open Inference Protocol v2) until SIGTERM or SIGINT. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cairn/error.h"
#include "cairn/serve.h"
#include "cairn/workspace.h"
#include "cli/cli.h"
#include "cli/signals.h"
#include "core/fs.h"

static const char usage[] =
	"usage: cairn serve [MODELREF...] [--bundle FILE]... [--host ADDR] [--port N]\n"
	"                   [--threads N] [--token-file FILE] [--max-body BYTES]\n"
	"                   [--max-header BYTES] [--timeout SECONDS] [--idle-timeout SECONDS]\n"
	"                   [--max-connections N] [--max-batch N] [--max-delay-us U]\n"
	"                   [--access-log FILE] [--reload-interval SECONDS]\n"
	"                   [--canary MODELREF=SHARE%]... [--shadow MODELREF]...\n"
	"                   [--predictions-flush-ms N] [--prediction-log-full wait|drop]\n"
	"                   [--no-prediction-log] [--json]\n"
	"\n"
	"Serves the models over HTTP until SIGTERM or SIGINT, which stop it\n"
	"gracefully: no new connection, the requests in flight answered. MODELREF\n"
	"is NAME@VERSION, NAME@ALIAS, a run or a package directory; each model is\n"
	"served under its registry name, else its directory's (or file's) name.\n"
	"A model served as NAME@ALIAS follows the alias: when it moves, the new\n"
	"version loads in the background and takes over. SIGHUP loads every model\n"
	"again. The header X-Cairn-Model-Version names the version that answered.\n"
	"\n"
	"MLflow's scoring protocol: POST /invocations (one model) or\n"
	"/models/NAME/invocations, GET /ping, /health, /version. The Open\n"
	"Inference Protocol v2: GET /v2, /v2/health/live, /v2/health/ready,\n"
	"/v2/models/NAME[/versions/V][/ready], POST /v2/models/NAME[/versions/V]/infer.\n"
	"GET /metrics: Prometheus metrics; POST /feedback {\"request_id\", \"label\"}:\n"
	"the ground truth of a request (see 'cairn predictions'). Every prediction\n"
	"is logged to .cairn/predictions/ when a workspace is open.\n"
	"Prints 'listening on http://HOST:PORT' once it accepts requests.\n"
	"\n"
	"Options:\n"
	"  --bundle FILE        serve a bundle file (no workspace needed)\n"
	"  --host ADDR          the IPv4 or IPv6 address to listen on (default 127.0.0.1)\n"
	"  --port N             the port (default 5000; 0: a free one, printed)\n"
	"  --threads N          worker threads (default: the usable cores)\n"
	"  --token-file FILE    require 'Authorization: Bearer TOKEN', TOKEN being\n"
	"                       FILE's content (trailing line break dropped)\n"
	"  --max-body BYTES     the largest request body (default 16777216; 413)\n"
	"  --max-header BYTES   memory per connection for the request line and\n"
	"                       headers (default 32768; 431 beyond)\n"
	"  --timeout SECONDS    answer 504 when a request takes longer (default: none)\n"
	"  --idle-timeout SECONDS  close an idle connection after this (default 30)\n"
	"  --max-connections N  connections at once (default 1024)\n"
	"  --max-batch N        evaluate concurrent requests for one model together,\n"
	"                       up to N rows (default 1: each request alone)\n"
	"  --max-delay-us U     the first request of a batch waits up to U\n"
	"                       microseconds for others (default 500)\n"
	"  --access-log FILE    append the access log (JSON lines) to FILE\n"
	"                       instead of standard error\n"
	"  --reload-interval SECONDS  look for moved aliases this often (default 1;\n"
	"                       0: only on SIGHUP)\n"
	"  --canary MODELREF=SHARE%  answer SHARE percent (0-100) of the requests\n"
	"                       of MODELREF's model with MODELREF (by request id)\n"
	"  --shadow MODELREF    also run MODELREF on every request of its model,\n"
	"                       after answering; its answer goes to the log only\n"
	"  --predictions-flush-ms N  write the prediction log every N ms (default\n"
	"                       1000): a crash loses at most the last N ms of records\n"
	"  --prediction-log-full wait|drop  when requests outrun the log's disk and\n"
	"                       its queue is full: a request waits for room (wait,\n"
	"                       the default: every prediction is logged) or its\n"
	"                       record is dropped and counted (drop)\n"
	"  --no-prediction-log  do not log predictions under .cairn/predictions/\n"
	"  --json               print the listening line as JSON\n"
	"  -h, --help           this help\n";

/* One write per line, so that lines of threads never interleave: a write
 * of at most PIPE_BUF bytes is atomic on a pipe (and any on a file opened
 * for appending), so short lines go out together; a longer one is written
 * alone. */
static pthread_rwlock_t log_order = PTHREAD_RWLOCK_INITIALIZER;

static void log_line(const char *line, size_t len, void *arg)
{
	int fd = *(int *)arg, alone = len + 1 > PIPE_BUF;
	char *copy = malloc(len + 1);

	if (!copy)
		return;
	memcpy(copy, line, len);
	copy[len] = '\n';
	if (alone)
		pthread_rwlock_wrlock(&log_order);
	else
		pthread_rwlock_rdlock(&log_order);
	if (cairn_write_full(fd, copy, len + 1) < 0) {
		/* Nothing more to do: the log's reader went away. */
	}
	pthread_rwlock_unlock(&log_order);
	free(copy);
}

/* The token: the file's bytes without a trailing line break. */
static int read_token(cairn_ctx *ctx, const char *path, cairn_buf *token)
{
	int rc = cairn_read_file(ctx, path, token);

	if (rc)
		return rc;
	while (token->len && (token->buf[token->len - 1] == '\n' ||
			      token->buf[token->len - 1] == '\r'))
		cairn_buf_setlen(token, token->len - 1);
	if (!token->len)
		return cairn_error(ctx, CAIRN_EINVAL, "the token file '%s' is empty", path);
	if (memchr(token->buf, '\n', token->len))
		return cairn_error(ctx, CAIRN_EINVAL, "the token file '%s' holds more than one line",
				   path);
	return 0;
}

static int parse_seconds(const char *opt, const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno || end == s || *end || !(*out >= 0) || *out > 86400)
		return cli_usage_error(usage, "%s expects seconds from 0 to 86400, not '%s'", opt, s);
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "host", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 't' },
		{ "token-file", required_argument, NULL, 'T' },
		{ "max-body", required_argument, NULL, 'B' },
		{ "max-header", required_argument, NULL, 'M' },
		{ "timeout", required_argument, NULL, 'o' },
		{ "idle-timeout", required_argument, NULL, 'i' },
		{ "max-connections", required_argument, NULL, 'c' },
		{ "max-batch", required_argument, NULL, 'X' },
		{ "max-delay-us", required_argument, NULL, 'D' },
		{ "access-log", required_argument, NULL, 'a' },
		{ "reload-interval", required_argument, NULL, 'r' },
		{ "canary", required_argument, NULL, 'C' },
		{ "shadow", required_argument, NULL, 'S' },
		{ "predictions-flush-ms", required_argument, NULL, 'F' },
		{ "no-prediction-log", no_argument, NULL, 'N' },
		{ "prediction-log-full", required_argument, NULL, 'L' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_server_options o;
	const char **refs = NULL, **canaries = NULL, **shadows = NULL;
	const char *token_file = NULL, *access_log = NULL;
	cairn_buf token = CAIRN_BUF_INIT;
	unsigned long long n;
	size_t nrefs = 0, nbundles = 0, ncanaries = 0, nshadows = 0;
	int c, json = 0, rc, status = 0, log_fd = STDERR_FILENO, v6;
	double secs;
	cairn_server *s = NULL;
	cairn_ctx *ctx = NULL;

	cairn_server_options_init(&o);
	refs = calloc((size_t)argc + 1, sizeof(*refs));
	canaries = calloc((size_t)argc + 1, sizeof(*canaries));
	shadows = calloc((size_t)argc + 1, sizeof(*shadows));
	if (!refs || !canaries || !shadows) {
		status = cli_usage_error(usage, "out of memory");
		goto done;
	}
	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'b': refs[nrefs++] = optarg; nbundles++; break;
		case 'H': o.host = optarg; break;
		case 'p':
			if ((status = cli_parse_uint_range(usage, "--port", optarg, 0, 65535, &n)))
				goto done;
			o.port = (int)n;
			break;
		case 't':
			if ((status = cli_parse_uint_range(usage, "--threads", optarg, 1, 1024, &n)))
				goto done;
			o.threads = (int)n;
			break;
		case 'T': token_file = optarg; break;
		case 'B':
			if ((status = cli_parse_uint_range(usage, "--max-body", optarg, 1,
							   1ull << 40, &n)))
				goto done;
			o.max_body = (size_t)n;
			break;
		case 'M':
			if ((status = cli_parse_uint_range(usage, "--max-header", optarg, 1024,
							   1ull << 24, &n)))
				goto done;
			o.max_header = (size_t)n;
			break;
		case 'o':
			if ((status = parse_seconds("--timeout", optarg, &secs)))
				goto done;
			o.timeout = secs;
			break;
		case 'i':
			if ((status = cli_parse_uint_range(usage, "--idle-timeout", optarg, 1, 86400,
							   &n)))
				goto done;
			o.idle_timeout = (unsigned)n;
			break;
		case 'c':
			if ((status = cli_parse_uint_range(usage, "--max-connections", optarg, 1,
							   100000, &n)))
				goto done;
			o.max_connections = (unsigned)n;
			break;
		case 'X':
			if ((status = cli_parse_uint_range(usage, "--max-batch", optarg, 1, 1000000,
							   &n)))
				goto done;
			o.max_batch = (size_t)n;
			break;
		case 'D':
			if ((status = cli_parse_uint_range(usage, "--max-delay-us", optarg, 0,
							   10000000, &n)))
				goto done;
			o.max_delay_us = (int64_t)n;
			break;
		case 'a': access_log = optarg; break;
		case 'r':
			if ((status = parse_seconds("--reload-interval", optarg, &secs)))
				goto done;
			o.reload_interval = secs > 0 ? secs : -1;
			break;
		case 'C': canaries[ncanaries++] = optarg; break;
		case 'S': shadows[nshadows++] = optarg; break;
		case 'F':
			if ((status = cli_parse_uint_range(usage, "--predictions-flush-ms", optarg, 1,
							   3600000, &n)))
				goto done;
			o.predictions_flush_ms = (int64_t)n;
			break;
		case 'N': o.no_predictions = 1; break;
		case 'L':
			if (!strcmp(optarg, "wait") || !strcmp(optarg, "drop")) {
				o.predictions_drop_when_full = !strcmp(optarg, "drop");
				break;
			}
			status = cli_usage_error(usage, "--prediction-log-full is wait or drop,"
						 " not '%s'", optarg);
			goto done;
		case 'j': json = 1; break;
		case 'h': status = cli_help(usage); goto done;
		default: status = cli_bad_option(usage); goto done;
		}
	}
	for (int i = optind; i < argc; i++)
		refs[nrefs++] = argv[i];
	if (!nrefs) {
		status = cli_usage_error(usage, "serve needs a MODELREF or --bundle FILE");
		goto done;
	}
	ctx = cli_new_context();
	/* A package directory or a bundle needs no workspace; a registry
	 * reference or a run finds out that it has none when it loads. */
	if (nrefs > nbundles) {
		const char *dir = getenv("CAIRN_DIR");
		rc = dir && *dir ? cairn_workspace_open_dir(ctx, dir) : cairn_workspace_open(ctx, NULL);
		if (rc && dir && *dir)
			cairn_error_prefix(ctx, "CAIRN_DIR");
		if (rc && (rc != CAIRN_ENOWORKSPACE || (dir && *dir))) {
			status = cli_fail(ctx, rc);
			goto done;
		}
	}
	if (token_file && (rc = read_token(ctx, token_file, &token))) {
		status = cli_fail(ctx, rc);
		goto done;
	}
	if (access_log && (log_fd = open(access_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
					 0666)) < 0) {
		status = cli_fail(ctx, cairn_error_errno(ctx, "cannot open the access log '%s'",
							 access_log));
		goto done;
	}
	cli_cancel_on_signals(ctx);
	o.models = refs;
	o.nmodels = nrefs;
	o.token = token_file ? token.buf : NULL;
	o.token_len = token.len;
	o.access_log = log_line;
	o.access_log_arg = &log_fd;
	o.cancel = cli_cancel_flag();
	o.reload = cli_reload_on_sighup();
	o.canaries = canaries;
	o.ncanaries = ncanaries;
	o.shadows = shadows;
	o.nshadows = nshadows;
	if ((rc = cairn_server_start(ctx, &o, &s))) {
		status = cli_fail(ctx, rc);
		goto done;
	}
	/* An IPv6 address goes in brackets in a URL. */
	v6 = strchr(o.host, ':') != NULL;
	if (json)
		printf("{\"listening\":\"http://%s%s%s:%d\",\"host\":\"%s\",\"port\":%d}\n",
		       v6 ? "[" : "", o.host, v6 ? "]" : "", cairn_server_port(s), o.host,
		       cairn_server_port(s));
	else
		printf("listening on http://%s%s%s:%d\n", v6 ? "[" : "", o.host, v6 ? "]" : "",
		       cairn_server_port(s));
	fflush(stdout);
	cairn_server_wait(s);
	cairn_server_stop(s, 1);
done:
	cairn_server_free(s);
	if (log_fd != STDERR_FILENO && log_fd >= 0)
		close(log_fd);
	/* The token's bytes do not outlive the server. */
	if (token.len)
		memset(token.buf, 0, token.len);
	cairn_buf_release(&token);
	cairn_ctx_free(ctx);
	free(refs);
	free(canaries);
	free(shadows);
	return status;
}
