/*
 * Prometheus metrics: a small registry of counters, gauges and histograms
 * with label sets, and its text exposition (format 0.0.4), for GET /metrics.
 *
 * A family (name, help, type, label names, a histogram's fixed bucket
 * bounds) holds one series per set of label values. Series are found
 * without a lock: a family's series form a list that only grows, each new
 * series published with a release store after it is complete, and only
 * adding one takes the family's mutex; values are updated with atomic
 * operations (a double as its 64 bits, by compare-and-swap). So the
 * request path takes no lock once its series exist; a caller on a hot path
 * may keep the series pointer, which lives as long as the registry.
 *
 * The exposition reads the values without stopping writers: a histogram's
 * +Inf bucket and _count are the sum of the bucket counts read, so the
 * three agree even while requests are counted. Label values are escaped
 * (backslash, double quote, line feed); HELP text likewise (backslash, line
 * feed). Names are checked when the family is made ([a-zA-Z_:][a-zA-Z0-9_:]*
 * and, for labels, no leading "__" and no "le" on a histogram); a bad name
 * is a bug in the caller and the family is not made (NULL).
 *
 * Families are made before the registry is shared between threads, and
 * never removed; cairn__prom_free frees everything.
 */
#ifndef CAIRN_SERVE_PROM_H
#define CAIRN_SERVE_PROM_H

#include <stddef.h>
#include <stdint.h>
#include "cairn/buf.h"
#include "serve/predlog.h"

enum cairn__prom_type { CAIRN__PROM_COUNTER, CAIRN__PROM_GAUGE, CAIRN__PROM_HISTOGRAM };

typedef struct cairn__prom cairn__prom;
struct cairn__prom_family;
struct cairn__prom_series;

cairn__prom *cairn__prom_new(void);
void cairn__prom_free(cairn__prom *p);

/* A family of nlabels label names; buckets (ascending upper bounds,
 * without +Inf) for a histogram only. NULL when a name is malformed. */
struct cairn__prom_family *cairn__prom_family(cairn__prom *p, enum cairn__prom_type type,
					      const char *name, const char *help,
					      size_t nlabels, const char *const *labels,
					      const double *buckets, size_t nbuckets);

/* The series of these label values (as many as the family's labels; NULL
 * for none), made on first use. */
struct cairn__prom_series *cairn__prom_series(struct cairn__prom_family *f,
					      const char *const *values);

void cairn__prom_add(struct cairn__prom_series *s, double v);  /* counter, gauge */
void cairn__prom_set(struct cairn__prom_series *s, double v);  /* gauge (or a counter
								  mirrored from elsewhere) */
void cairn__prom_observe(struct cairn__prom_series *s, double v); /* histogram */
/* A series' value (counter, gauge) or count (histogram). */
double cairn__prom_value(const struct cairn__prom_series *s);

/* Appends the exposition of every family, in the order they were made. */
void cairn__prom_expose(cairn__prom *p, cairn_buf *out);

/*
 * cairn's own families (prom-cairn.c): what `cairn serve` exposes.
 *
 *   cairn_build_info{version}                          gauge, 1
 *   cairn_requests_total{model,version,protocol,status} counter
 *   cairn_request_duration_seconds{model,protocol}     histogram
 *   cairn_batch_rows{model}                            histogram (rows per evaluation)
 *   cairn_requests_in_flight                           gauge
 *   cairn_model_load_duration_seconds{model}           histogram (its _count: loads)
 *   cairn_model_loads_total{model,result}              counter (result ok|error)
 *   cairn_prediction_log_queue_records                 gauge
 *   cairn_prediction_log_written_total                 counter
 *   cairn_prediction_log_dropped_total                 counter
 *   cairn_prediction_log_waited_total                  counter
 *   cairn_prediction_log_write_errors_total            counter
 */
struct cairn__serve_metrics {
	cairn__prom *registry;
	struct cairn__prom_family *requests, *duration, *batch, *load_duration, *loads;
	struct cairn__prom_series *in_flight;
	struct cairn__prom_series *log_queue, *log_written, *log_dropped, *log_waited, *log_errors;
};

/* Makes the registry and the families above (build info set to 1). */
void cairn__serve_metrics_init(struct cairn__serve_metrics *m);
void cairn__serve_metrics_release(struct cairn__serve_metrics *m);
/* Counts one answered request. */
void cairn__serve_metrics_request(struct cairn__serve_metrics *m, const char *model,
				  const char *version, const char *protocol, int status,
				  double seconds);
void cairn__serve_metrics_batch(struct cairn__serve_metrics *m, const char *model, size_t rows);
void cairn__serve_metrics_load(struct cairn__serve_metrics *m, const char *model, int ok,
			       double seconds);
/* Mirrors the prediction log's counters (call before an exposition). */
void cairn__serve_metrics_predlog(struct cairn__serve_metrics *m,
				  const struct cairn__predlog_stats *st);

#endif
