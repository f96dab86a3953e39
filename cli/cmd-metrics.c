/* cairn metrics: the metrics of tracked runs; `history` prints every point
 * of one metric, with a sparkline on a terminal and an SVG plot on request. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/run.h"
#include "cli/cli.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/svgplot.h"

/* The widest sparkline: longer histories are averaged into this many cells. */
#define SPARK_CELLS 60

/* A point's value as a double: null (NaN) and "Infinity" strings included. */
static double point_value(const json_t *p)
{
	const json_t *v = json_object_get(p, "value");
	const char *s;

	if (json_is_number(v))
		return json_number_value(v);
	if ((s = json_string_value(v)))
		return s[0] == '-' ? -INFINITY : INFINITY;
	return NAN;
}

/* Prints ▁▂▃▄▅▆▇█ for the values (NaN: a space), scaled between the least
 * and the greatest finite value, then that range. */
static void print_sparkline(const json_t *points)
{
	static const char *const bars[] = { "\u2581", "\u2582", "\u2583", "\u2584",
					    "\u2585", "\u2586", "\u2587", "\u2588" };
	size_t n = json_array_size(points), cells = n < SPARK_CELLS ? n : SPARK_CELLS;
	double lo = INFINITY, hi = -INFINITY;
	double *v = calloc(cells ? cells : 1, sizeof(*v));

	if (!v)
		return;
	for (size_t c = 0; c < cells; c++) {
		/* Cell c averages the points [c*n/cells, (c+1)*n/cells). */
		size_t from = c * n / cells, to = (c + 1) * n / cells, finite = 0;
		double sum = 0, inf = 0;
		for (size_t i = from; i < to; i++) {
			double x = point_value(json_array_get(points, i));
			if (isfinite(x)) {
				sum += x;
				finite++;
			} else if (!isnan(x))
				inf = x;
		}
		v[c] = finite ? sum / (double)finite : inf ? inf : NAN;
		if (isfinite(v[c])) {
			lo = fmin(lo, v[c]);
			hi = fmax(hi, v[c]);
		}
	}
	for (size_t c = 0; c < cells; c++) {
		int level;
		if (isnan(v[c])) {
			fputs(" ", stdout);
			continue;
		}
		if (isinf(v[c]))
			level = v[c] > 0 ? 7 : 0;
		else if (hi > lo)
			level = (int)lround((v[c] - lo) / (hi - lo) * 7);
		else
			level = 3;
		fputs(bars[level < 0 ? 0 : level > 7 ? 7 : level], stdout);
	}
	if (lo <= hi)
		printf("  %.6g .. %.6g", lo, hi);
	putchar('\n');
	free(v);
}

static void print_history(const json_t *points)
{
	size_t i;
	json_t *p;

	printf("%10s  %-20s  %s\n", "STEP", "VALUE", "TIME");
	json_array_foreach(points, i, p) {
		char t[32], num[40];
		double v = point_value(p);
		cairn_format_time(json_integer_value(json_object_get(p, "timestamp_ms")), t);
		snprintf(num, sizeof(num), "%.10g", v);
		printf("%10lld  %-20s  %s\n", (long long)json_integer_value(json_object_get(p, "step")),
		       num, t);
	}
}

/* Writes the history as an SVG line plot (step, value) to path. */
static int write_svg(cairn_ctx *ctx, const char *path, int force, const char *id,
		     const char *key, const json_t *points)
{
	size_t n = json_array_size(points);
	double *x = calloc(n ? n : 1, sizeof(*x)), *y = calloc(n ? n : 1, sizeof(*y));
	cairn_buf title = CAIRN_BUF_INIT, svg = CAIRN_BUF_INIT;
	struct cairn_svgplot plot = { 0 };
	struct cairn_svgplot_series s = { .label = NULL, .x = x, .y = y, .n = n };
	int rc;

	if (!x || !y) {
		free(x);
		free(y);
		return cairn_error(ctx, CAIRN_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		x[i] = (double)json_integer_value(json_object_get(json_array_get(points, i), "step"));
		y[i] = point_value(json_array_get(points, i));
	}
	cairn_buf_addf(&title, "%s/%s", id, key);
	plot.title = title.buf;
	plot.x_label = "step";
	plot.y_label = key;
	plot.x_integer = 1;
	cairn_svgplot_render(&plot, &s, 1, &svg);
	rc = cli_output_write(ctx, path, svg.buf, svg.len, force);
	cairn_buf_release(&title);
	cairn_buf_release(&svg);
	free(x);
	free(y);
	return rc;
}

static int metrics_history(int argc, char **argv)
{
	static const char usage[] =
		"usage: cairn metrics history RUN KEY [--json] [--svg FILE [--force]]\n"
		"\n"
		"Prints every point logged for metric KEY of RUN, by step: the step, the\n"
		"value and the time it was logged. On a terminal a sparkline of the\n"
		"values follows (NaN shows as a gap).\n"
		"\n"
		"Options:\n"
		"  --svg FILE  also write a line plot of value by step as SVG to FILE\n"
		"              (NaN points are left out)\n"
		"  --force     replace FILE if it exists\n"
		"  --json      print as JSON ([{step, value, timestamp_ms}]; NaN is null)\n"
		"  -h, --help  this help\n";
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "svg", required_argument, NULL, 's' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *svg = NULL;
	char id[CAIRN_ID_LEN + 1];
	int c, json = 0, force = 0, rc, status = 0;
	json_t *points = NULL;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 's': svg = optarg; break;
		case 'f': force = 1; break;
		case 'h': return cli_help(usage);
		default: return cli_bad_option(usage);
		}
	}
	if (argc - optind != 2)
		return cli_usage_error(usage, "expected RUN KEY");
	if (svg && !*svg)
		return cli_usage_error(usage, "--svg needs a file name");
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((svg && (rc = cli_output_check(ctx, svg, force))) ||
	    (rc = cairn_run_resolve(ctx, argv[optind], id)) ||
	    (rc = cairn_run_metric_history(ctx, id, argv[optind + 1], &points)) ||
	    (svg && (rc = write_svg(ctx, svg, force, id, argv[optind + 1], points)))) {
		status = cli_fail_output(ctx, rc);
		goto out;
	}
	if (json) {
		cairn_json_print(stdout, points, 1);
	} else {
		print_history(points);
		if (isatty(STDOUT_FILENO))
			print_sparkline(points);
	}
out:
	json_decref(points);
	cairn_ctx_free(ctx);
	return status;
}

static const struct cli_command metrics_commands[] = {
	{ "history", metrics_history, "every point of a run's metric, as text, JSON or an SVG plot" },
	{ NULL, NULL, NULL }
};

int cmd_metrics(int argc, char **argv)
{
	return cli_dispatch("metrics",
			    "The metrics logged by runs (see 'cairn log metric' and 'cairn runs\n"
			    "show'). Runs are referred to by their id or a unique prefix of it.\n",
			    metrics_commands, argc, argv);
}
