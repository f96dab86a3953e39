/* The metric families `cairn serve` exposes at GET /metrics, in base units
 * (seconds, rows) with the cairn_ prefix; see prom.h. */
#include <stdio.h>
#include <string.h>
#include "cairn/version.h"
#include "serve/prom.h"

/* Request latency: 100 us to 10 s. */
static const double seconds_buckets[] = {
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
	2.5, 5, 10
};
static const double load_buckets[] = { 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60 };
static const double rows_buckets[] = { 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096, 16384 };

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The one series of a family without labels. */
static struct cairn__prom_series *unlabelled(cairn__prom *p, enum cairn__prom_type type,
					     const char *name, const char *help)
{
	return cairn__prom_series(cairn__prom_family(p, type, name, help, 0, NULL, NULL, 0), NULL);
}

void cairn__serve_metrics_init(struct cairn__serve_metrics *m)
{
	static const char *const request_labels[] = { "model", "version", "protocol", "status" };
	static const char *const model_protocol[] = { "model", "protocol" };
	static const char *const model[] = { "model" };
	static const char *const model_result[] = { "model", "result" };
	static const char *const version[] = { "version" };
	const char *build[] = { cairn_version() };
	cairn__prom *p = cairn__prom_new();

	memset(m, 0, sizeof(*m));
	m->registry = p;
	cairn__prom_set(cairn__prom_series(cairn__prom_family(p, CAIRN__PROM_GAUGE,
		"cairn_build_info", "The cairn build serving: always 1, its version as a label",
		1, version, NULL, 0), build), 1);
	m->requests = cairn__prom_family(p, CAIRN__PROM_COUNTER, "cairn_requests_total",
		"Requests answered, by model, version, protocol and HTTP status", 4,
		request_labels, NULL, 0);
	m->duration = cairn__prom_family(p, CAIRN__PROM_HISTOGRAM,
		"cairn_request_duration_seconds", "Time from a request's arrival to its answer",
		2, model_protocol, seconds_buckets, N(seconds_buckets));
	m->batch = cairn__prom_family(p, CAIRN__PROM_HISTOGRAM, "cairn_batch_rows",
		"Rows evaluated per model evaluation (a request, or a batch of them)", 1, model,
		rows_buckets, N(rows_buckets));
	m->in_flight = unlabelled(p, CAIRN__PROM_GAUGE, "cairn_requests_in_flight",
		"Requests being answered now");
	m->load_duration = cairn__prom_family(p, CAIRN__PROM_HISTOGRAM,
		"cairn_model_load_duration_seconds", "Time to load a model version (its _count:"
		" the loads)", 1, model, load_buckets, N(load_buckets));
	m->loads = cairn__prom_family(p, CAIRN__PROM_COUNTER, "cairn_model_loads_total",
		"Model loads, by model and result (ok or error)", 2, model_result, NULL, 0);
	m->log_queue = unlabelled(p, CAIRN__PROM_GAUGE, "cairn_prediction_log_queue_records",
		"Records waiting for the prediction log's next flush");
	m->log_written = unlabelled(p, CAIRN__PROM_COUNTER, "cairn_prediction_log_written_total",
		"Records written to the prediction log and synced");
	m->log_dropped = unlabelled(p, CAIRN__PROM_COUNTER, "cairn_prediction_log_dropped_total",
		"Records not logged because the prediction log's queue was full");
	m->log_waited = unlabelled(p, CAIRN__PROM_COUNTER, "cairn_prediction_log_waited_total",
		"Requests that waited for room in the prediction log's full queue");
	m->log_errors = unlabelled(p, CAIRN__PROM_COUNTER,
		"cairn_prediction_log_write_errors_total",
		"Flushes of the prediction log that failed (their records are lost)");
}

void cairn__serve_metrics_release(struct cairn__serve_metrics *m)
{
	cairn__prom_free(m->registry);
	memset(m, 0, sizeof(*m));
}

void cairn__serve_metrics_request(struct cairn__serve_metrics *m, const char *model,
				  const char *version, const char *protocol, int status,
				  double seconds)
{
	char code[16];
	const char *labels[] = { model, version, protocol, code };
	const char *mp[] = { model, protocol };

	snprintf(code, sizeof(code), "%d", status);
	cairn__prom_add(cairn__prom_series(m->requests, labels), 1);
	cairn__prom_observe(cairn__prom_series(m->duration, mp), seconds);
}

void cairn__serve_metrics_batch(struct cairn__serve_metrics *m, const char *model, size_t rows)
{
	cairn__prom_observe(cairn__prom_series(m->batch, &model), (double)rows);
}

void cairn__serve_metrics_load(struct cairn__serve_metrics *m, const char *model, int ok,
			       double seconds)
{
	const char *mr[] = { model, ok ? "ok" : "error" };

	cairn__prom_add(cairn__prom_series(m->loads, mr), 1);
	if (ok)
		cairn__prom_observe(cairn__prom_series(m->load_duration, &model), seconds);
}

void cairn__serve_metrics_predlog(struct cairn__serve_metrics *m,
				  const struct cairn__predlog_stats *st)
{
	cairn__prom_set(m->log_queue, (double)st->queued);
	cairn__prom_set(m->log_written, (double)st->written);
	cairn__prom_set(m->log_dropped, (double)st->dropped);
	cairn__prom_set(m->log_waited, (double)st->waited);
	cairn__prom_set(m->log_errors, (double)st->write_errors);
}
