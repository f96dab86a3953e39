/*
 * Deriving dataset versions from one (split, sample, augment), all or
 * nothing; see include/cairn/derive.h. The outputs go to temporary files
 * under .cairn/tmp first, so that one whose writing fails records nothing;
 * the versions are then stored and recorded in one transaction, so that a
 * failure or a cancel half-way leaves no part recorded. The temporary files
 * are removed on every path.
 */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cairn/derive.h"
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/workspace.h"
#include "core/fs.h"
#include "data/dataset-internal.h"
#include "data/record.h"
#include "store/workspace-internal.h"

/* One version to record: rows of the source (exact bytes), then synthetic rows. */
struct output {
	cairn_buf name;
	size_t *rows;           /* owned */
	size_t n;
	const cairn_buf *extra; /* may be NULL */
	size_t synthetic;
	json_t *params;         /* owned */
	cairn_buf path;         /* the temporary file */
	int written;            /* path exists */
};

struct derivation {
	cairn_ctx *ctx;
	const struct cairn_derive_options *opts;
	struct cairn_dataset_version src;
	int have_src;
	char ref[CAIRN_NAME_MAX + 24];
	struct cairn_frame *f;
	struct output *outs;
	size_t nouts;
	cairn_buf extra;
};

static int cancelled(cairn_ctx *ctx)
{
	if (!cairn_ctx_cancelled(ctx))
		return 0;
	return cairn_error(ctx, CAIRN_EINTERRUPTED, "deriving was cancelled; nothing was recorded");
}

/* What can be checked before reading any data. */
static int check_options(cairn_ctx *ctx, const struct cairn_derive_options *o)
{
	if (!o->source || !*o->source)
		return cairn_error(ctx, CAIRN_EINVAL, "deriving needs a source dataset reference");
	if (o->seed > INT64_MAX)
		return cairn_error(ctx, CAIRN_EINVAL, "seed must be at most %lld, not %llu",
				   (long long)INT64_MAX, (unsigned long long)o->seed);
	switch (o->kind) {
	case CAIRN_DERIVE_SPLIT: {
		double sum = 0;
		if (o->split.nparts < 2 || !o->split.ratios)
			return cairn_error(ctx, CAIRN_EINVAL, "a split needs at least two ratios");
		for (size_t i = 0; i < o->split.nparts; i++) {
			double r = o->split.ratios[i];
			if (!(r > 0) || r > 1)
				return cairn_error(ctx, CAIRN_EINVAL,
						   "split ratio %zu must be above 0 and at most 1, not %g",
						   i + 1, r);
			sum += r;
		}
		if (fabs(sum - 1) > 1e-9)
			return cairn_error(ctx, CAIRN_EINVAL, "the split ratios sum to %.10g, not 1", sum);
		if (o->names)
			for (size_t i = 0; i < o->split.nparts; i++)
				for (size_t j = 0; j < i; j++)
					if (!strcmp(o->names[i], o->names[j]))
						return cairn_error(ctx, CAIRN_EINVAL,
								   "the part names give '%s' twice",
								   o->names[i]);
		return 0;
	}
	case CAIRN_DERIVE_SAMPLE:
		if (!o->sample.n && (!(o->sample_frac > 0) || o->sample_frac > 1))
			return cairn_error(ctx, CAIRN_EINVAL,
					   "a sample needs a size n of at least 1 or a fraction in (0, 1], not %g",
					   o->sample_frac);
		return 0;
	case CAIRN_DERIVE_SMOTE:
		if (!o->smote.target || !*o->smote.target)
			return cairn_error(ctx, CAIRN_EINVAL, "SMOTE needs a target column, the class column");
		if (o->smote.strategy == CAIRN_SAMPLING_RATIO &&
		    (!(o->smote.ratio > 0) || o->smote.ratio > 1))
			return cairn_error(ctx, CAIRN_EINVAL,
					   "the sampling ratio must be in (0, 1], not %g", o->smote.ratio);
		return 0;
	case CAIRN_DERIVE_NOISE:
		if (!(o->noise.sd > 0) || !isfinite(o->noise.sd))
			return cairn_error(ctx, CAIRN_EINVAL, "the noise sd must be above 0, not %g",
					   o->noise.sd);
		if (!o->noise.copies)
			return cairn_error(ctx, CAIRN_EINVAL, "noise needs at least one copy");
		return 0;
	}
	return cairn_error(ctx, CAIRN_EINVAL, "unknown derivation kind %d", (int)o->kind);
}

static void set_name(struct derivation *d, size_t i, const char *suffix)
{
	static const char *const three[] = { "train", "val", "test" };
	cairn_buf *name = &d->outs[i].name;

	if (d->opts->names)
		cairn_buf_adds(name, d->opts->names[i]);
	else if (suffix)
		cairn_buf_addf(name, "%s-%s", d->src.name, suffix);
	else if (d->nouts <= 3)
		cairn_buf_addf(name, "%s-%s", d->src.name,
			       d->nouts == 2 ? three[i ? 2 : 0] : three[i]);
	else
		cairn_buf_addf(name, "%s-split%zu", d->src.name, i + 1);
}

static json_t *seed_json(uint64_t seed)
{
	return json_integer((json_int_t)seed);
}

static int derive_split(struct derivation *d)
{
	const struct cairn_derive_options *o = d->opts;
	struct cairn_split_options so = o->split;
	struct cairn_split parts = { 0 };
	json_t *ratios = json_array(), *names = json_array();
	int rc;

	so.seed = o->seed;
	for (size_t i = 0; i < d->nouts; i++)
		json_array_append_new(names, json_string(d->outs[i].name.buf));
	for (size_t i = 0; i < so.nparts; i++)
		json_array_append_new(ratios, json_real(so.ratios[i]));
	if (!(rc = cairn_split_rows(d->ctx, d->f, &so, &parts))) {
		for (size_t i = 0; i < d->nouts; i++) {
			d->outs[i].rows = parts.rows[i];
			parts.rows[i] = NULL;
			d->outs[i].n = parts.n[i];
			d->outs[i].params = json_pack("{s:s, s:O, s:o, s:o, s:I, s:O}", "op", "split",
				"ratios", ratios,
				"stratify", so.stratify ? json_string(so.stratify) : json_null(),
				"seed", seed_json(o->seed), "part", (json_int_t)(i + 1), "parts", names);
		}
	}
	cairn_split_release(&parts);
	json_decref(ratios);
	json_decref(names);
	return rc;
}

static int derive_sample(struct derivation *d)
{
	const struct cairn_derive_options *o = d->opts;
	struct cairn_sample_options so = o->sample;
	struct output *out = &d->outs[0];
	int rc;

	so.seed = o->seed;
	if (!so.n) {
		so.n = cairn_sample_size(o->sample_frac, d->f->nrows);
		if (!so.n && d->f->nrows)
			return cairn_error(d->ctx, CAIRN_EINVAL,
					   "a fraction of %g of %zu rows selects no row",
					   o->sample_frac, d->f->nrows);
	}
	if ((rc = cairn_sample_rows(d->ctx, d->f, &so, &out->rows, &out->n)))
		return rc;
	out->params = json_pack("{s:s, s:I, s:o, s:o, s:o}", "op", "sample", "n", (json_int_t)out->n,
				"frac", o->sample.n ? json_null() : json_real(o->sample_frac),
				"stratify", so.stratify ? json_string(so.stratify) : json_null(),
				"seed", seed_json(o->seed));
	return 0;
}

static int derive_augment(struct derivation *d)
{
	const struct cairn_derive_options *o = d->opts;
	struct output *out = &d->outs[0];
	int rc;

	if (o->kind == CAIRN_DERIVE_SMOTE) {
		struct cairn_smote_options sm = o->smote;
		json_t *strategy;
		sm.seed = o->seed;
		if (!sm.k)
			sm.k = 5;
		if ((rc = cairn_smote(d->ctx, d->f, &sm, &d->extra, &out->synthetic, NULL)))
			return rc;
		strategy = sm.strategy == CAIRN_SAMPLING_AUTO ? json_string("auto") :
			   sm.strategy == CAIRN_SAMPLING_MINORITY ? json_string("minority") :
			   json_real(sm.ratio);
		out->params = json_pack("{s:s, s:s, s:s, s:I, s:o, s:o, s:I}", "op", "augment",
					"method", "smote", "target", sm.target,
					"k_neighbors", (json_int_t)sm.k, "sampling_strategy", strategy,
					"seed", seed_json(o->seed), "synthetic", (json_int_t)out->synthetic);
	} else {
		struct cairn_noise_options nz = o->noise;
		nz.seed = o->seed;
		if ((rc = cairn_noise(d->ctx, d->f, &nz, &d->extra, &out->synthetic)))
			return rc;
		out->params = json_pack("{s:s, s:s, s:f, s:I, s:o, s:o, s:I}", "op", "augment",
					"method", "noise", "noise_sd", nz.sd, "copies",
					(json_int_t)nz.copies,
					"target", nz.target ? json_string(nz.target) : json_null(),
					"seed", seed_json(o->seed), "synthetic", (json_int_t)out->synthetic);
	}
	out->rows = cairn_xmalloc(sizeof(size_t) * (d->f->nrows ? d->f->nrows : 1));
	for (size_t r = 0; r < d->f->nrows; r++)
		out->rows[r] = r;
	out->n = d->f->nrows;
	out->extra = &d->extra;
	return 0;
}

/* Writes every output to its temporary file. */
static int write_outputs(struct derivation *d)
{
	char id[CAIRN_ID_LEN + 1];
	cairn_buf dir = CAIRN_BUF_INIT;
	int rc;

	rc = cairn__workspace_tmp_dir(d->ctx, &dir);
	cairn_id_new(id);
	for (size_t i = 0; i < d->nouts && !rc; i++) {
		struct output *out = &d->outs[i];
		int fd;

		if ((rc = cancelled(d->ctx)))
			break;
		cairn_buf_addf(&out->path, "%s/derive-%s-%zu.%s", dir.buf, id, i, d->src.format);
		fd = open(out->path.buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0) {
			rc = cairn_error_errno(d->ctx, "cannot create '%s'", out->path.buf);
			break;
		}
		out->written = 1;
		rc = cairn_frame_write_rows(d->ctx, d->f, out->rows, out->n, out->extra, fd);
		if (close(fd) < 0 && !rc)
			rc = cairn_error_errno(d->ctx, "cannot write '%s'", out->path.buf);
	}
	cairn_buf_release(&dir);
	return rc;
}

/* Stores the outputs' content and records the new versions in one
 * transaction; fills res. */
static int record_outputs(struct derivation *d, struct cairn_derive_result *res)
{
	const char *from[1] = { d->src.id };
	struct cairn_dataset_add *adds = cairn_xcalloc(d->nouts, sizeof(*adds));
	struct cairn__new_version *nvs = cairn_xcalloc(d->nouts, sizeof(*nvs));
	struct cairn_dataset_add *new_adds = cairn_xcalloc(d->nouts, sizeof(*new_adds));
	struct cairn__new_version *new_nvs = cairn_xcalloc(d->nouts, sizeof(*new_nvs));
	struct cairn_dataset_version *added = cairn_xcalloc(d->nouts, sizeof(*added));
	struct cairn_derive_output *outs = cairn_xcalloc(d->nouts, sizeof(*outs));
	size_t nnew = 0, nprepared = 0;
	int rc = 0;

	for (size_t i = 0; i < d->nouts && !rc; i++) {
		struct cairn_dataset_add *a = &adds[i];
		a->name = d->outs[i].name.buf;
		a->source = d->ref;
		a->source_kind = "derived";
		a->params = d->outs[i].params;
		a->derived_from = from;
		a->nderived = 1;
		a->generated_by_run = d->opts->generated_by_run;
		a->csv.delimiter = d->f->format == CAIRN_FORMAT_CSV ? d->f->delimiter : 0;
		a->csv.header = d->f->has_header;
		a->tabular = 1;
		a->format_hint = d->src.format;
		if ((rc = cancelled(d->ctx)))
			break;
		rc = cairn__dataset_prepare_file(d->ctx, d->outs[i].path.buf, a, &nvs[i],
						 &outs[i].version, &outs[i].existed);
		nprepared = i + 1;
		outs[i].synthetic = d->outs[i].synthetic;
		if (!rc && !outs[i].existed) {
			new_adds[nnew] = *a;
			new_nvs[nnew++] = nvs[i];
		}
	}
	if (!rc)
		rc = cancelled(d->ctx);
	if (!rc && nnew)
		rc = cairn__dataset_insert(d->ctx, new_nvs, new_adds, nnew, added);
	if (!rc) {
		for (size_t i = 0, j = 0; i < d->nouts; i++)
			if (!outs[i].existed)
				outs[i].version = added[j++];
		memcpy(res->source, d->ref, sizeof(res->source));
		res->augmented = d->opts->kind == CAIRN_DERIVE_SMOTE || d->opts->kind == CAIRN_DERIVE_NOISE;
		res->n = d->nouts;
		res->outputs = outs;
		outs = NULL;
	}
	if (outs)
		for (size_t i = 0; i < nprepared; i++)
			if (outs[i].existed)
				cairn_dataset_version_release(&outs[i].version);
	for (size_t i = 0; i < nprepared; i++)
		cairn__new_version_release(&nvs[i]);
	free(outs);
	free(added);
	free(new_nvs);
	free(new_adds);
	free(nvs);
	free(adds);
	return rc;
}

int cairn__dataset_derive(cairn_ctx *ctx, const struct cairn_derive_options *opts,
			  struct cairn_derive_result *res)
{
	struct derivation d;
	int rc;

	memset(&d, 0, sizeof(d));
	d.ctx = ctx;
	d.opts = opts;
	memset(res, 0, sizeof(*res));
	cairn_buf_init(&d.extra);
	if ((rc = check_options(ctx, opts)) || (rc = cairn_dataset_resolve(ctx, opts->source, &d.src)))
		goto out;
	d.have_src = 1;
	snprintf(d.ref, sizeof(d.ref), "%s@%lld", d.src.name, (long long)d.src.version);
	d.nouts = opts->kind == CAIRN_DERIVE_SPLIT ? opts->split.nparts : 1;
	d.outs = cairn_xcalloc(d.nouts, sizeof(*d.outs));
	for (size_t i = 0; i < d.nouts; i++) {
		cairn_buf_init(&d.outs[i].name);
		cairn_buf_init(&d.outs[i].path);
		set_name(&d, i, opts->kind == CAIRN_DERIVE_SAMPLE ? "sample" :
				opts->kind == CAIRN_DERIVE_SMOTE ? "smote" :
				opts->kind == CAIRN_DERIVE_NOISE ? "noise" : NULL);
		if ((rc = cairn_name_check(ctx, "dataset name", d.outs[i].name.buf)))
			goto out;
		/* A part under the source's name would quietly become its latest
		 * version: every later plain reference would mean the part. */
		if (!strcmp(d.outs[i].name.buf, d.src.name)) {
			rc = cairn_error(ctx, CAIRN_EINVAL, "the derived version would be named '%s',"
					 " as its source %s: it would become the latest '%s' (choose"
					 " another name)", d.src.name, d.ref, d.src.name);
			goto out;
		}
	}
	if ((rc = cairn_dataset_load_frame(ctx, &d.src, &d.f)) || (rc = cancelled(ctx)))
		goto out;
	if (opts->kind == CAIRN_DERIVE_SPLIT)
		rc = derive_split(&d);
	else if (opts->kind == CAIRN_DERIVE_SAMPLE)
		rc = derive_sample(&d);
	else
		rc = derive_augment(&d);
	if (rc || (rc = cancelled(ctx)) || (rc = write_outputs(&d)))
		goto out;
	rc = record_outputs(&d, res);
out:
	for (size_t i = 0; i < d.nouts && d.outs; i++) {
		if (d.outs[i].written)
			unlink(d.outs[i].path.buf);
		cairn_buf_release(&d.outs[i].name);
		cairn_buf_release(&d.outs[i].path);
		free(d.outs[i].rows);
		json_decref(d.outs[i].params);
	}
	free(d.outs);
	cairn_buf_release(&d.extra);
	cairn_frame_free(d.f);
	if (d.have_src)
		cairn_dataset_version_release(&d.src);
	return rc;
}

void cairn_derive_result_release(struct cairn_derive_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		cairn_dataset_version_release(&r->outputs[i].version);
	free(r->outputs);
	memset(r, 0, sizeof(*r));
}
