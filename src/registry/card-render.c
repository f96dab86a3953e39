/* The sections of a model card (Mitchell et al. 2019, "Model Cards for
 * Model Reporting") written from the facts document, once for both formats
 * through the primitives of card-doc.c. What was not recorded is said so,
 * with how to record it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/version.h"
#include "registry/card-internal.h"

#define STR(o, k) json_string_value(json_object_get((o), (k)))
/* Values of a slice column shown in a table (in order of the values). */
#define MAX_SLICES 50

/* A value as text: numbers to 6 significant digits, booleans yes/no,
 * arrays joined with commas; NULL for null or missing. */
static const char *value_text(const json_t *v, cairn_buf *b)
{
	size_t i;
	const json_t *e;

	cairn_buf_reset(b);
	if (json_is_string(v))
		return json_string_value(v);
	if (json_is_integer(v))
		cairn_buf_addf(b, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		cairn_buf_addf(b, "%.6g", json_real_value(v));
	else if (json_is_boolean(v))
		cairn_buf_adds(b, json_is_true(v) ? "yes" : "no");
	else if (json_is_array(v))
		json_array_foreach(v, i, e) {
			cairn_buf t = CAIRN_BUF_INIT;
			const char *s = value_text(e, &t);
			cairn_buf_addf(b, "%s%s", i ? ", " : "", s ? s : "null");
			cairn_buf_release(&t);
		}
	else
		return NULL;
	return b->buf;
}

/* A row of a two-column table: label, then text (as code when code is
 * set), or "not recorded". */
static void row_as(struct cairn__doc *d, const char *label, const char *text, int code)
{
	cairn__doc_cell(d, label);
	cairn__doc_cell_begin(d);
	if (!text)
		cairn__doc_missing(d, "not recorded");
	else if (code)
		cairn__doc_code(d, text);
	else
		cairn__doc_text(d, text);
	cairn__doc_cell_end(d);
	cairn__doc_row_end(d);
}

static void row_text(struct cairn__doc *d, const char *label, const char *text)
{
	row_as(d, label, text, 0);
}

static void row_code(struct cairn__doc *d, const char *label, const char *code)
{
	row_as(d, label, code, 1);
}

/* A row of a two-column table: label, then v as text (or "not recorded"). */
static void row(struct cairn__doc *d, const char *label, const json_t *v)
{
	cairn_buf b = CAIRN_BUF_INIT;

	row_text(d, label, value_text(v, &b));
	cairn_buf_release(&b);
}

/* A row per key of obj, labelled prefix and the key. */
static void object_rows(struct cairn__doc *d, const char *prefix, const json_t *obj)
{
	cairn_buf label = CAIRN_BUF_INIT;
	const char *key;
	const json_t *v;

	json_object_foreach((json_t *)obj, key, v) {
		cairn_buf_reset(&label);
		cairn_buf_addf(&label, "%s%s", prefix, key);
		row(d, label.buf, v);
	}
	cairn_buf_release(&label);
}

static const char *const kv_heads[] = { "Field", "Value" };

static void missing_para(struct cairn__doc *d, const char *text)
{
	cairn__doc_para_begin(d);
	cairn__doc_missing(d, text);
	cairn__doc_para_end(d);
}

/* --- model details --- */

static void model_table(struct cairn__doc *d, const json_t *facts)
{
	const json_t *m = json_object_get(facts, "model");
	const json_t *target = json_object_get(m, "target");
	cairn_buf b = CAIRN_BUF_INIT;

	cairn__doc_table_begin(d, 2, kv_heads);
	row(d, "Algorithm", json_object_get(m, "algorithm"));
	row(d, "Task", json_object_get(m, "task"));
	if (json_is_object(target)) {
		cairn_buf_reset(&b);
		cairn_buf_addf(&b, "%s (%s)", STR(target, "name") ? STR(target, "name") : "?",
			       STR(target, "type") ? STR(target, "type") : "?");
		row_text(d, "Target", b.buf);
	} else if (STR(m, "task") && !strcmp(STR(m, "task"), "clustering")) {
		row_text(d, "Target", "none (clustering)");
	} else {
		row(d, "Target", NULL);
	}
	if (json_is_array(json_object_get(m, "classes")))
		row(d, "Classes", json_object_get(m, "classes"));
	cairn_buf_reset(&b);
	if (!strcmp(STR(m, "source") ? STR(m, "source") : "", "registry"))
		cairn_buf_addf(&b, "the registered version %s, from the object store",
			       STR(json_object_get(facts, "registry"), "ref") ?
			       STR(json_object_get(facts, "registry"), "ref") : STR(m, "ref"));
	else if (!strcmp(STR(m, "source") ? STR(m, "source") : "", "run"))
		cairn_buf_addf(&b, "the artifact '%s' of run %s", STR(m, "path"), STR(m, "run_id"));
	else
		cairn_buf_addf(&b, "the directory %s", STR(m, "path") ? STR(m, "path") : "?");
	row_text(d, "Package", b.buf);
	if (json_array_size(json_object_get(m, "members")))
		row(d, "Ensemble of", json_object_get(m, "members"));
	if (STR(m, "init_model"))
		row(d, "Training went on from", json_object_get(m, "init_model"));
	row(d, "Created (UTC)", json_object_get(m, "created"));
	row(d, "Model UUID", json_object_get(m, "model_uuid"));
	row(d, "Written by cairn", json_object_get(m, "cairn_version"));
	row(d, "Flavors", json_object_get(m, "flavors"));
	cairn__doc_table_end(d);
	cairn_buf_release(&b);
}

/* The heading of a table of the rows of list, when list is an array (0
 * when not); an empty one says none instead (0 too). */
static int list_heading(struct cairn__doc *d, const char *title, const json_t *list,
			const char *none)
{
	if (!json_is_array(list))
		return 0;
	cairn__doc_heading(d, 3, title);
	if (!json_array_size(list)) {
		missing_para(d, none);
		return 0;
	}
	return 1;
}

/* Where the registered version came from: a run's artifact or a directory. */
static void source_row(struct cairn__doc *d, const json_t *src)
{
	cairn_buf b = CAIRN_BUF_INIT;

	if (STR(src, "run_id"))
		cairn_buf_addf(&b, "run %s, artifact %s", STR(src, "run_id"),
			       STR(src, "path") ? STR(src, "path") : "model");
	else if (STR(src, "path"))
		cairn_buf_addf(&b, "the package directory %s", STR(src, "path"));
	row_text(d, "Registered from", b.len ? b.buf : NULL);
	cairn_buf_release(&b);
}

/* The version's gate reports from the audit log, latest first. */
static void gate_reports_table(struct cairn__doc *d, const json_t *reports)
{
	static const char *const heads[] = { "When", "Event", "Alias", "Verdict", "Forced",
					     "Report object" };
	const json_t *r;
	size_t i;

	if (!list_heading(d, "Gate reports", reports, "None recorded: 'cairn models promote'"
			  " records the gate report of each promotion of this version."))
		return;
	cairn__doc_table_begin(d, 6, heads);
	json_array_foreach(reports, i, r) {
		cairn__doc_cell(d, STR(r, "time"));
		cairn__doc_cell(d, STR(r, "action"));
		cairn__doc_cell(d, STR(r, "alias"));
		cairn__doc_cell(d, STR(r, "verdict"));
		cairn__doc_cell(d, json_is_true(json_object_get(r, "forced")) ? "yes" : "no");
		cairn__doc_cell_begin(d);
		cairn__doc_code(d, STR(r, "report_hash") ? STR(r, "report_hash") : "?");
		if (STR(r, "problem"))
			cairn__doc_textf(d, " (%s)", STR(r, "problem"));
		cairn__doc_cell_end(d);
		cairn__doc_row_end(d);
	}
	cairn__doc_table_end(d);
}

static void registry_table(struct cairn__doc *d, const json_t *reg)
{
	if (!json_is_object(reg))
		return;
	cairn__doc_heading(d, 3, "Registry");
	cairn__doc_table_begin(d, 2, kv_heads);
	row(d, "Name", json_object_get(reg, "name"));
	row(d, "Version", json_object_get(reg, "version"));
	row(d, "Aliases", json_object_get(reg, "aliases"));
	if (json_object_get(reg, "status"))
		row(d, "Status", json_object_get(reg, "status"));
	if (json_is_object(json_object_get(reg, "source")))
		source_row(d, json_object_get(reg, "source"));
	if (json_object_get(reg, "created_at"))
		row(d, "Registered", json_object_get(reg, "created_at"));
	object_rows(d, "Tag ", json_object_get(reg, "tags"));
	cairn__doc_table_end(d);
	gate_reports_table(d, json_object_get(reg, "gate_reports"));
}

static void run_tables(struct cairn__doc *d, const json_t *facts)
{
	const json_t *run = json_object_get(facts, "run");
	const json_t *code = json_object_get(run, "code"), *env = json_object_get(run, "environment");
	const char *id = STR(run, "id");
	cairn_buf b = CAIRN_BUF_INIT;

	cairn__doc_heading(d, 3, "Training run");
	if (!json_is_object(run)) {
		missing_para(d, "Not recorded: the training run is not in this workspace (see the notes"
			     " at the end).");
		return;
	}
	cairn__doc_table_begin(d, 2, kv_heads);
	row_code(d, "Run", id);
	row(d, "Name", json_object_get(run, "name"));
	row(d, "Experiment", json_object_get(run, "experiment"));
	row(d, "Status", json_object_get(run, "status"));
	row(d, "Started", json_object_get(run, "start_time"));
	row(d, "Ended", json_object_get(run, "end_time"));
	row(d, "User", json_object_get(run, "user"));
	row(d, "Host", json_object_get(run, "host"));
	if (STR(run, "parent") && *STR(run, "parent"))
		row_code(d, "Started inside run", STR(run, "parent"));
	/* A run that made no params of the model's own (an import) says
	 * where the model came from in its params. */
	if (!json_object_size(json_object_get(json_object_get(facts, "model"), "params")))
		object_rows(d, "Run param ", json_object_get(run, "params"));
	cairn__doc_table_end(d);

	cairn__doc_heading(d, 3, "Code version");
	if (json_is_object(code)) {
		const json_t *dirty = json_object_get(code, "dirty");
		cairn__doc_table_begin(d, 2, kv_heads);
		row_code(d, "Commit", STR(code, "commit"));
		row_text(d, "Uncommitted changes",
			 json_is_true(dirty) ? "yes (the run stored them as a diff)" :
			 json_is_false(dirty) ? "no" : NULL);
		row(d, "Branch", json_object_get(code, "branch"));
		row(d, "Repository", json_object_get(code, "repository"));
		row_text(d, "Directory in it",
			 STR(code, "path") && *STR(code, "path") ? STR(code, "path") :
			 "the top directory");
		row(d, "Remote", json_object_get(code, "remote"));
		if (STR(run, "code_run") && id && strcmp(STR(run, "code_run"), id))
			row_code(d, "Recorded by run", STR(run, "code_run"));
		cairn__doc_table_end(d);
	} else {
		missing_para(d, "Not recorded: the training run ran outside a git work tree. 'cairn"
			     " train', 'cairn sweep' and 'cairn run' record the commit of the work"
			     " tree they run in.");
	}

	cairn__doc_heading(d, 3, "Environment");
	if (json_is_object(env)) {
		const json_t *k = json_object_get(env, "kernel"), *libs = json_object_get(env, "libraries");
		cairn__doc_table_begin(d, 2, kv_heads);
		row(d, "cairn", json_object_get(env, "cairn_version"));
		row(d, "Operating system", json_object_get(env, "os"));
		if (json_is_object(k)) {
			cairn_buf_addf(&b, "%s %s", STR(k, "release") ? STR(k, "release") : "",
				       STR(k, "machine") ? STR(k, "machine") : "");
			row_text(d, "Kernel", b.buf);
		}
		if (json_object_get(env, "compiler"))
			row(d, "Compiler", json_object_get(env, "compiler"));
		if (json_object_get(env, "libc"))
			row(d, "C library", json_object_get(env, "libc"));
		object_rows(d, "", libs);
		if (STR(run, "environment_run") && id && strcmp(STR(run, "environment_run"), id))
			row_code(d, "Recorded by run", STR(run, "environment_run"));
		cairn__doc_table_end(d);
		if (!json_object_get(env, "os"))
			missing_para(d, "The operating system and libraries were not recorded: 'cairn run'"
				     " records them.");
	} else {
		missing_para(d, "Not recorded: 'cairn run' records the operating system and libraries.");
	}
	cairn_buf_release(&b);
}

static void model_tables(struct cairn__doc *d, const json_t *m)
{
	static const char *const param_heads[] = { "Parameter", "Value" };
	static const char *const sig_heads[] = { "Input column", "Type" };
	static const char *const file_heads[] = { "File", "Bytes", "SHA-256" };
	const json_t *params = json_object_get(m, "params"), *v, *libs = json_object_get(m, "libraries");
	size_t i;

	cairn__doc_heading(d, 3, "Parameters");
	if (json_object_size(params)) {
		cairn__doc_table_begin(d, 2, param_heads);
		object_rows(d, "", params);
		cairn__doc_table_end(d);
	} else {
		missing_para(d, "No parameters were recorded with the package.");
	}
	if (json_object_size(libs)) {
		cairn__doc_heading(d, 3, "Model libraries");
		cairn__doc_table_begin(d, 2, kv_heads);
		object_rows(d, "", libs);
		cairn__doc_table_end(d);
	}
	cairn__doc_heading(d, 3, "Signature");
	cairn__doc_table_begin(d, 2, sig_heads);
	json_array_foreach(json_object_get(json_object_get(m, "signature"), "inputs"), i, v) {
		cairn__doc_cell(d, STR(v, "name"));
		cairn__doc_cell(d, STR(v, "type"));
		cairn__doc_row_end(d);
	}
	cairn__doc_table_end(d);
	cairn__doc_heading(d, 3, "Files of the package");
	cairn__doc_table_begin(d, 3, file_heads);
	json_array_foreach(json_object_get(m, "files"), i, v) {
		cairn_buf b = CAIRN_BUF_INIT;
		cairn__doc_cell(d, STR(v, "path"));
		cairn__doc_cell(d, value_text(json_object_get(v, "size"), &b));
		cairn__doc_cell_begin(d);
		cairn__doc_code(d, STR(v, "sha256") ? STR(v, "sha256") : "");
		cairn__doc_cell_end(d);
		cairn__doc_row_end(d);
		cairn_buf_release(&b);
	}
	cairn__doc_table_end(d);
}

/* --- metrics --- */

/* The numbers of a metrics object, nested objects flattened with spaces
 * ("macro f1"), per class and confusion matrix left to their own tables. */
static void metric_rows(struct cairn__doc *d, const json_t *m, const char *prefix)
{
	const char *key;
	const json_t *v;
	cairn_buf name = CAIRN_BUF_INIT;

	json_object_foreach((json_t *)m, key, v) {
		cairn_buf_reset(&name);
		cairn_buf_addf(&name, "%s%s%s", prefix, *prefix ? " " : "", key);
		if (json_is_number(v)) {
			row(d, name.buf, v);
		} else if (json_is_null(v)) {
			row_text(d, name.buf, "undefined");
		}
		else if (json_is_object(v) && strcmp(key, "per_class") && strcmp(key, "slices"))
			metric_rows(d, v, name.buf);
	}
	cairn_buf_release(&name);
}

static void per_class_table(struct cairn__doc *d, const json_t *pc)
{
	static const char *const heads[] = { "Class", "Precision", "Recall", "F1", "Support",
					     "ROC AUC", "Average precision" };
	static const char *const keys[] = { "precision", "recall", "f1", "support", "roc_auc",
					    "average_precision" };
	const char *cls;
	const json_t *v;

	if (!json_object_size(pc))
		return;
	cairn__doc_table_begin(d, 7, heads);
	json_object_foreach((json_t *)pc, cls, v) {
		cairn__doc_cell(d, cls);
		for (size_t k = 0; k < 6; k++) {
			cairn_buf b = CAIRN_BUF_INIT;
			cairn__doc_cell(d, value_text(json_object_get(v, keys[k]), &b));
			cairn_buf_release(&b);
		}
		cairn__doc_row_end(d);
	}
	cairn__doc_table_end(d);
}

static void confusion_table(struct cairn__doc *d, const json_t *m)
{
	const json_t *cm = json_object_get(m, "confusion_matrix"), *classes = json_object_get(m, "classes");
	size_t k = json_array_size(classes);
	const char **heads;
	cairn_buf *names;

	if (!k || json_array_size(cm) != k)
		return;
	heads = cairn_xcalloc(k + 1, sizeof(*heads));
	names = cairn_xcalloc(k + 1, sizeof(*names));
	heads[0] = "true \\ predicted";
	for (size_t i = 0; i < k; i++) {
		cairn_buf_init(&names[i]);
		heads[i + 1] = value_text(json_array_get(classes, i), &names[i]);
		if (!heads[i + 1])
			heads[i + 1] = "?";
	}
	cairn__doc_table_begin(d, (int)k + 1, heads);
	for (size_t i = 0; i < k; i++) {
		cairn_buf b = CAIRN_BUF_INIT;
		cairn__doc_cell(d, heads[i + 1]);
		for (size_t j = 0; j < k; j++)
			cairn__doc_cell(d, value_text(json_array_get(json_array_get(cm, i), j), &b));
		cairn__doc_row_end(d);
		cairn_buf_release(&b);
	}
	cairn__doc_table_end(d);
	for (size_t i = 0; i < k; i++)
		cairn_buf_release(&names[i]);
	free(names);
	free(heads);
}

static void metrics_block(struct cairn__doc *d, const json_t *m)
{
	static const char *const heads[] = { "Metric", "Value" };

	cairn__doc_table_begin(d, 2, heads);
	metric_rows(d, m, "");
	cairn__doc_table_end(d);
	per_class_table(d, json_object_get(m, "per_class"));
	confusion_table(d, m);
}

static const char *set_title(const char *key)
{
	if (!strcmp(key, "test"))
		return "On the test data";
	if (!strcmp(key, "train"))
		return "On the training data";
	if (!strcmp(key, "cv"))
		return "Cross-validation on the training data";
	return key;
}

static void gates_table(struct cairn__doc *d, const json_t *gates, const json_t *from)
{
	static const char *const heads[] = { "Gate", "Value", "Threshold", "Verdict", "Detail" };
	static const char *const keys[] = { "value", "threshold", "verdict", "detail" };
	const json_t *g;
	size_t i;

	if (!list_heading(d, "Acceptance gates", gates, "No gate report was given or recorded."))
		return;
	if (json_is_object(from)) {
		cairn__doc_para_begin(d);
		cairn__doc_textf(d, "From the latest gate report of the registered version (%s, %s%s%s,"
				 " verdict %s%s), object ", STR(from, "time") ? STR(from, "time") : "?",
				 STR(from, "action") ? STR(from, "action") : "?",
				 STR(from, "alias") ? " to " : "", STR(from, "alias") ? STR(from, "alias") : "",
				 STR(from, "verdict") ? STR(from, "verdict") : "?",
				 json_is_true(json_object_get(from, "forced")) ? ", forced" : "");
		cairn__doc_code(d, STR(from, "report_hash") ? STR(from, "report_hash") : "?");
		cairn__doc_raw(d, ".");
		cairn__doc_para_end(d);
	}
	cairn__doc_table_begin(d, 5, heads);
	json_array_foreach(gates, i, g) {
		const char *name = STR(g, "gate") ? STR(g, "gate") : STR(g, "name");
		cairn__doc_cell(d, name ? name : "?");
		for (size_t k = 0; k < 4; k++) {
			cairn_buf b = CAIRN_BUF_INIT;
			const json_t *v = json_object_get(g, keys[k]), *passed = json_object_get(g, "passed");
			if (!v && !strcmp(keys[k], "verdict") && json_is_boolean(passed))
				cairn__doc_cell(d, json_is_true(passed) ? "pass" : "fail");
			else
				cairn__doc_cell(d, value_text(v, &b));
			cairn_buf_release(&b);
		}
		cairn__doc_row_end(d);
	}
	cairn__doc_table_end(d);
}

static void metrics_section(struct cairn__doc *d, const json_t *facts)
{
	const json_t *metrics = json_object_get(facts, "metrics");
	static const char *const order[] = { "test", "train", "cv" };

	cairn__doc_heading(d, 2, "Metrics");
	if (!json_is_object(metrics)) {
		missing_para(d, "Not recorded: the package holds no metrics. Evaluate the model with"
			     " 'cairn evaluate MODELREF --data REF'.");
	} else {
		cairn__doc_para_begin(d);
		cairn__doc_raw(d, "The metrics recorded when the model was trained.");
		cairn__doc_para_end(d);
		for (size_t i = 0; i < 3; i++) {
			const json_t *m = json_object_get(metrics, order[i]);
			if (!json_is_object(m))
				continue;
			cairn__doc_heading(d, 3, set_title(order[i]));
			if (!strcmp(order[i], "cv")) {
				static const char *const heads[] = { "Metric", "Mean", "Std" };
				const char *key;
				const json_t *v;
				cairn__doc_table_begin(d, 3, heads);
				json_object_foreach((json_t *)m, key, v) {
					cairn_buf a = CAIRN_BUF_INIT, b = CAIRN_BUF_INIT;
					if (!json_is_object(v) || !json_object_get(v, "mean"))
						continue;
					cairn__doc_cell(d, key);
					cairn__doc_cell(d, value_text(json_object_get(v, "mean"), &a));
					cairn__doc_cell(d, value_text(json_object_get(v, "std"), &b));
					cairn__doc_row_end(d);
					cairn_buf_release(&a);
					cairn_buf_release(&b);
				}
				cairn__doc_table_end(d);
			} else {
				metrics_block(d, m);
			}
		}
		if (!json_is_object(json_object_get(metrics, "test")))
			missing_para(d, "No test metrics: the model was not evaluated on held-out data"
				     " when it was trained (cairn train --test REF).");
	}
	gates_table(d, json_object_get(facts, "gates"),
		    json_object_get(json_object_get(facts, "registry"), "gates_from"));
}

/* --- data --- */

static void derivation_text(const json_t *der, cairn_buf *b)
{
	const json_t *params = json_object_get(der, "params"), *v;
	const char *key, *op = STR(der, "op");
	cairn_buf t = CAIRN_BUF_INIT;
	int first = 1;

	cairn_buf_addf(b, "%s of ", op ? op : "derived");
	value_text(json_object_get(der, "from"), &t);
	cairn_buf_adds(b, *t.buf ? t.buf : "?");
	json_object_foreach((json_t *)params, key, v) {
		const char *s = value_text(v, &t);
		if (!strcmp(key, "parts"))
			continue;
		cairn_buf_addf(b, "%s%s %s", first ? " (" : "; ", key, s ? s : "null");
		first = 0;
	}
	if (!first)
		cairn_buf_addch(b, ')');
	cairn_buf_release(&t);
}

static void columns_table(struct cairn__doc *d, const json_t *cols)
{
	static const char *const heads[] = { "Column", "Type", "Nulls", "Min", "Max", "Mean",
					     "Top categories" };
	static const char *const keys[] = { "type", "nulls", "min", "max", "mean" };
	const json_t *c;
	size_t i;

	if (!json_array_size(cols)) {
		missing_para(d, "No profile was recorded for this data.");
		return;
	}
	cairn__doc_table_begin(d, 7, heads);
	json_array_foreach(cols, i, c) {
		cairn_buf b = CAIRN_BUF_INIT;
		const json_t *t;
		size_t j;
		cairn__doc_cell(d, STR(c, "name"));
		for (size_t k = 0; k < 5; k++)
			cairn__doc_cell(d, value_text(json_object_get(c, keys[k]), &b));
		cairn_buf_reset(&b);
		json_array_foreach(json_object_get(c, "top"), j, t)
			cairn_buf_addf(&b, "%s%s (%lld)", j ? ", " : "",
				       STR(t, "value") ? STR(t, "value") : "null",
				       (long long)json_integer_value(json_object_get(t, "count")));
		cairn__doc_cell(d, b.buf);
		cairn__doc_row_end(d);
		cairn_buf_release(&b);
	}
	cairn__doc_table_end(d);
}

static void dataset_block(struct cairn__doc *d, const json_t *ds)
{
	const json_t *der = json_object_get(ds, "derivation"), *a;
	cairn_buf b = CAIRN_BUF_INIT;
	size_t i;

	cairn_buf_addf(&b, "%s (%s)", STR(ds, "dataset") ? STR(ds, "dataset") : "unnamed data",
		       STR(ds, "context") ? STR(ds, "context") : "?");
	cairn__doc_heading(d, 3, b.buf);
	cairn__doc_table_begin(d, 2, kv_heads);
	row_code(d, "Content hash (SHA-256)", STR(ds, "hash"));
	row_code(d, "Version id", STR(ds, "version_id"));
	if (json_is_true(json_object_get(ds, "recorded"))) {
		cairn_buf_reset(&b);
		cairn_buf_addf(&b, "%lld x %lld", (long long)json_integer_value(json_object_get(ds, "rows")),
			       (long long)json_integer_value(json_object_get(ds, "cols")));
		row_text(d, "Rows x columns", b.buf);
		row(d, "Format", json_object_get(ds, "format"));
		row(d, "Bytes", json_object_get(ds, "size"));
		cairn_buf_reset(&b);
		cairn_buf_addf(&b, "%s: %s", STR(ds, "source_kind") ? STR(ds, "source_kind") : "?",
			       STR(ds, "source") ? STR(ds, "source") : "");
		row_text(d, "Source", b.buf);
		row(d, "Created", json_object_get(ds, "created_at"));
		cairn_buf_reset(&b);
		if (json_is_object(der))
			derivation_text(der, &b);
		row_text(d, "Derivation", json_is_object(der) ? b.buf : "none: added as it is");
		json_array_foreach(json_object_get(ds, "ancestors"), i, a) {
			cairn_buf_reset(&b);
			cairn_buf_addf(&b, "%s: %s", STR(a, "ref") ? STR(a, "ref") : "?",
				       STR(a, "hash") ? STR(a, "hash") : "not in this workspace");
			if (STR(a, "op"))
				cairn_buf_addf(&b, " (%s)", STR(a, "op"));
			else if (STR(a, "source_kind"))
				cairn_buf_addf(&b, " (%s %s)", STR(a, "source_kind"),
					       STR(a, "source") ? STR(a, "source") : "");
			cairn__doc_cell(d, i ? "" : "Comes from");
			cairn__doc_cell(d, b.buf);
			cairn__doc_row_end(d);
		}
	} else {
		cairn__doc_cell(d, "In this workspace");
		cairn__doc_cell_begin(d);
		cairn__doc_missing(d, "no: only the hash above is known");
		cairn__doc_cell_end(d);
		cairn__doc_row_end(d);
	}
	cairn__doc_table_end(d);
	columns_table(d, json_object_get(ds, "columns"));
	cairn_buf_release(&b);
}

/* The data of the contexts in ctxs (NULL-terminated); 0 when none. */
static int data_section(struct cairn__doc *d, const json_t *facts, const char *const *ctxs)
{
	const json_t *ds;
	size_t i;
	int n = 0;

	json_array_foreach(json_object_get(facts, "data"), i, ds)
		for (size_t k = 0; ctxs[k]; k++)
			if (STR(ds, "context") && !strcmp(STR(ds, "context"), ctxs[k])) {
				dataset_block(d, ds);
				n++;
			}
	return n;
}

/* The rows held out of the training data, when that is what the model
 * was tested on; 0 when it was not. */
static int held_out_para(struct cairn__doc *d, const json_t *h)
{
	if (!json_is_object(h))
		return 0;
	cairn__doc_para_begin(d);
	cairn__doc_textf(d, "The %lld rows held out of the training data %s (fraction %.6g, seed %lld%s%s),"
			 " described under Training data; the run's artifact ",
			 (long long)json_integer_value(json_object_get(h, "rows")),
			 STR(h, "dataset") ? STR(h, "dataset") : "?",
			 json_number_value(json_object_get(h, "test_split")),
			 (long long)json_integer_value(json_object_get(h, "seed")),
			 STR(h, "stratify") ? ", stratified by " : "",
			 STR(h, "stratify") ? STR(h, "stratify") : "");
	cairn__doc_code(d, "split/test_rows.json");
	cairn__doc_raw(d, " lists them.");
	cairn__doc_para_end(d);
	return 1;
}

/* --- quantitative analyses --- */

static const char *const *key_metrics(const char *task)
{
	static const char *const cls[] = { "rows", "accuracy", "balanced_accuracy", "f1", "roc_auc", NULL };
	static const char *const reg[] = { "rows", "rmse", "mae", "r2", NULL };
	static const char *const clu[] = { "rows", "inertia", "silhouette", NULL };

	if (task && !strcmp(task, "regression"))
		return reg;
	if (task && !strcmp(task, "clustering"))
		return clu;
	return cls;
}

/* A classification's F1: binary "f1", else the macro average's. */
static const json_t *metric(const json_t *m, const char *key)
{
	const json_t *v = json_object_get(m, key);

	if (!v && !strcmp(key, "f1"))
		v = json_object_get(json_object_get(m, "macro"), "f1");
	return v;
}

static void slices_table(struct cairn__doc *d, const char *col, const json_t *slices,
			 const char *task)
{
	const char *const *keys = key_metrics(task);
	const char *heads[8] = { "Slice" };
	const char *value;
	const json_t *m;
	cairn_buf title = CAIRN_BUF_INIT;
	int n = 1, shown = 0;

	for (size_t k = 0; keys[k] && n < 8; k++)
		heads[n++] = keys[k];
	cairn_buf_addf(&title, "Per value of %s", col);
	cairn__doc_heading(d, 3, title.buf);
	cairn__doc_table_begin(d, n, heads);
	json_object_foreach((json_t *)slices, value, m) {
		cairn_buf b = CAIRN_BUF_INIT;
		if (shown++ == MAX_SLICES)
			break;
		cairn__doc_cell(d, value);
		for (int k = 1; k < n; k++)
			cairn__doc_cell(d, value_text(metric(m, heads[k]), &b));
		cairn__doc_row_end(d);
		cairn_buf_release(&b);
	}
	cairn__doc_table_end(d);
	if (json_object_size(slices) > MAX_SLICES) {
		cairn_buf_reset(&title);
		cairn_buf_addf(&title, "The first %d of %zu values; --json gives them all.", MAX_SLICES,
			       json_object_size(slices));
		missing_para(d, title.buf);
	}
	cairn_buf_release(&title);
}

static void analyses_section(struct cairn__doc *d, const struct cairn_card *card)
{
	const json_t *facts = card->facts, *ev = json_object_get(facts, "evaluation");
	const char *task = STR(json_object_get(facts, "model"), "task"), *col;
	const json_t *s;
	cairn_buf b = CAIRN_BUF_INIT;

	cairn__doc_heading(d, 2, "Quantitative analyses");
	if (!json_is_object(ev)) {
		missing_para(d, "Not available: the model was not evaluated again on recorded test"
			     " data (see the notes at the end).");
		return;
	}
	cairn__doc_para_begin(d);
	cairn__doc_textf(d, "The model evaluated again on %s%s (%lld rows) when this card was made;"
			 " its content hash is ", json_is_true(json_object_get(ev, "held_out")) ?
			 "the rows held out of " : "", STR(ev, "dataset") ? STR(ev, "dataset") : "?",
			 (long long)json_integer_value(json_object_get(ev, "rows")));
	cairn__doc_code(d, STR(ev, "hash") ? STR(ev, "hash") : "?");
	cairn__doc_raw(d, ".");
	cairn__doc_para_end(d);
	{
		static const char *const heads[] = { "Metric", "Value" };
		const char *const *keys = key_metrics(task);
		cairn__doc_table_begin(d, 2, heads);
		for (size_t k = 0; keys[k]; k++)
			if (metric(json_object_get(ev, "metrics"), keys[k]))
				row(d, keys[k], metric(json_object_get(ev, "metrics"), keys[k]));
		cairn__doc_table_end(d);
	}
	json_object_foreach((json_t *)json_object_get(ev, "slices"), col, s)
		slices_table(d, col, s, task);
	if (!json_object_size(json_object_get(ev, "slices")))
		missing_para(d, "No metrics per slice: name the columns with --by COL, or tag the"
			     " training run factors=COL,COL.");
	if (card->nplots) {
		cairn__doc_heading(d, 3, "Plots");
		if (!d->html)
			cairn__doc_list_begin(d);
		for (size_t i = 0; i < card->nplots; i++)
			cairn__doc_svg(d, card->plots[i].name, i, &card->plots[i].svg);
		if (!d->html)
			cairn__doc_list_end(d);
	}
	cairn_buf_release(&b);
}

/* --- the rest --- */

static void items(struct cairn__doc *d, const json_t *list)
{
	const json_t *v;
	size_t i;

	cairn__doc_list_begin(d);
	json_array_foreach(list, i, v) {
		cairn__doc_item_begin(d);
		cairn__doc_text(d, STR(v, "text"));
		cairn__doc_textf(d, " (%s)", STR(v, "source") ? STR(v, "source") : "?");
		cairn__doc_item_end(d);
	}
	cairn__doc_list_end(d);
}

static void title(const json_t *facts, cairn_buf *b)
{
	const json_t *reg = json_object_get(facts, "registry");
	const json_t *run = json_object_get(facts, "run");

	cairn_buf_adds(b, "Model card: ");
	if (STR(reg, "name") && json_is_integer(json_object_get(reg, "version")))
		cairn_buf_addf(b, "%s version %lld", STR(reg, "name"),
			       (long long)json_integer_value(json_object_get(reg, "version")));
	else if (STR(run, "name"))
		cairn_buf_addf(b, "%s (run %s)", STR(run, "name"), STR(run, "id"));
	else
		cairn_buf_adds(b, STR(json_object_get(facts, "model"), "ref"));
}

void cairn__card_render(const struct cairn_card *card, struct cairn__doc *d)
{
	static const char *const eval_ctx[] = { "test", "validation", NULL };
	static const char *const train_ctx[] = { "train", "other", NULL };
	const json_t *facts = card->facts, *v, *run = json_object_get(facts, "run");
	cairn_buf b = CAIRN_BUF_INIT;
	size_t i;

	title(facts, &b);
	cairn__doc_begin(d, b.buf);
	cairn__doc_para_begin(d);
	cairn__doc_textf(d, "Written by cairn %s from the model package ", cairn_version());
	cairn__doc_code(d, STR(json_object_get(facts, "model"), "ref"));
	cairn__doc_raw(d, " and what the workspace records about it. Sections follow Mitchell et al.,"
		       " Model Cards for Model Reporting (2019).");
	cairn__doc_para_end(d);

	cairn__doc_heading(d, 2, "Model details");
	model_table(d, facts);
	registry_table(d, json_object_get(facts, "registry"));
	run_tables(d, facts);
	model_tables(d, json_object_get(facts, "model"));

	cairn__doc_heading(d, 2, "Intended use");
	if (STR(facts, "intended_use")) {
		cairn__doc_para_begin(d);
		cairn__doc_text(d, STR(facts, "intended_use"));
		cairn__doc_para_end(d);
	} else {
		cairn_buf_reset(&b);
		cairn_buf_addf(&b, "Not stated. State it with a description of the registered version,"
			       " or tag the training run: cairn runs tag %s intended_use=TEXT",
			       STR(run, "id") ? STR(run, "id") : "RUN");
		missing_para(d, b.buf);
	}

	cairn__doc_heading(d, 2, "Factors");
	if (json_array_size(json_object_get(facts, "factors"))) {
		cairn__doc_list_begin(d);
		json_array_foreach(json_object_get(facts, "factors"), i, v) {
			cairn__doc_item_begin(d);
			cairn__doc_textf(d, "%s (%s)", STR(v, "column"), STR(v, "source"));
			cairn__doc_item_end(d);
		}
		cairn__doc_list_end(d);
	} else {
		missing_para(d, "None recorded. Name the groups the model should be checked across"
			     " (sensitive columns among them) with --by COL, or tag the training run"
			     " factors=COL,COL or sensitive_columns=COL,COL.");
	}

	metrics_section(d, facts);

	cairn__doc_heading(d, 2, "Evaluation data");
	if (!data_section(d, facts, eval_ctx) && !held_out_para(d, json_object_get(facts, "held_out")))
		missing_para(d, "Not recorded: the model was trained without test data"
			     " (cairn train --test REF or --test-split F records it).");
	cairn__doc_heading(d, 2, "Training data");
	if (!data_section(d, facts, train_ctx))
		missing_para(d, "Not recorded: the package names no training data.");

	analyses_section(d, card);

	cairn__doc_heading(d, 2, "Ethical considerations");
	if (json_array_size(json_object_get(facts, "ethical_considerations")))
		items(d, json_object_get(facts, "ethical_considerations"));
	else
		missing_para(d, "None recorded. Tag the training run ethical_considerations=TEXT, or"
			     " give a fairness gate's report.");

	cairn__doc_heading(d, 2, "Caveats and recommendations");
	if (json_array_size(json_object_get(facts, "caveats")))
		items(d, json_object_get(facts, "caveats"));
	else
		missing_para(d, "None recorded. Tag the training run limitations=TEXT.");
	if (json_array_size(json_object_get(facts, "notes"))) {
		cairn__doc_heading(d, 3, "Not recorded");
		cairn__doc_list_begin(d);
		json_array_foreach(json_object_get(facts, "notes"), i, v) {
			cairn__doc_item_begin(d);
			cairn__doc_text(d, json_string_value(v));
			cairn__doc_item_end(d);
		}
		cairn__doc_list_end(d);
	}
	cairn__doc_end(d);
	cairn_buf_release(&b);
}
