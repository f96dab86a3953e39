/* cairn data split|sample|augment: new dataset versions derived from one,
 * each with a derived_from edge and the parameters that made it. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cairn/derive.h"
#include "cairn/error.h"
#include "cairn/fs.h"
#include "cairn/id.h"
#include "cairn/json.h"
#include "cairn/workspace.h"
#include "cli/cli.h"
#include "cli/data.h"

/* One version to record: rows of the source (exact bytes), then synthetic rows. */
struct output {
	const char *name;
	const size_t *rows;
	size_t n;
	const cairn_buf *extra;  /* may be NULL */
	size_t nsynthetic;
	json_t *params;          /* borrowed */
};

/*
 * Records outputs as derived versions of src: writes every output to a
 * temporary file under .cairn/tmp first, then adds them one by one (so that
 * a failure to write leaves nothing recorded), prints one line each or, with
 * json, the version(s) as JSON (an array when there are several), and
 * removes the temporary files.
 */
static int derive_outputs(cairn_ctx *ctx, const struct cairn_dataset_version *src,
			  const struct cairn_frame *f, const struct output *outs, size_t nouts,
			  int json)
{
	cairn_buf *paths = cairn_xcalloc(nouts, sizeof(cairn_buf));
	char ref[CAIRN_NAME_MAX + 32], id[CAIRN_ID_LEN + 1];
	const char *from[1] = { src->id };
	json_t *array = json_array();
	size_t written = 0;
	int rc = 0;

	snprintf(ref, sizeof(ref), "%s@%lld", src->name, (long long)src->version);
	for (size_t i = 0; i < nouts; i++)
		cairn_buf_init(&paths[i]);
	cairn_buf_addf(&paths[0], "%s/tmp", cairn_workspace_dir(ctx));
	if ((rc = cairn_mkdir_p(ctx, paths[0].buf, 0777)))
		goto out;
	cairn_id_new(id);
	for (size_t i = 0; i < nouts && !rc; i++) {
		int fd;
		cairn_buf_reset(&paths[i]);
		cairn_buf_addf(&paths[i], "%s/tmp/derive-%s-%zu.%s", cairn_workspace_dir(ctx), id, i,
			       src->format);
		cli_remove_on_signal(paths[i].buf);
		fd = open(paths[i].buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0) {
			rc = cairn_error_errno(ctx, "cannot create '%s'", paths[i].buf);
			break;
		}
		written = i + 1;
		rc = cairn_frame_write_rows(ctx, f, outs[i].rows, outs[i].n, outs[i].extra, fd);
		if (close(fd) < 0 && !rc)
			rc = cairn_error_errno(ctx, "cannot write '%s'", paths[i].buf);
	}
	for (size_t i = 0; i < nouts && !rc; i++) {
		struct cairn_dataset_add add = { 0 };
		struct cairn_dataset_version v;
		int existed = 0;

		add.name = outs[i].name;
		add.source = ref;
		add.source_kind = "derived";
		add.params = outs[i].params;
		add.derived_from = from;
		add.nderived = 1;
		add.csv.delimiter = f->format == CAIRN_FORMAT_CSV ? f->delimiter : 0;
		add.csv.header = f->has_header;
		add.tabular = 1;
		add.format_hint = src->format;
		if ((rc = cairn_dataset_add_file(ctx, paths[i].buf, &add, &v, &existed)))
			break;
		if (json) {
			json_t *o = cairn_dataset_version_json(&v);
			json_object_set_new(o, "unchanged", json_boolean(existed));
			if (outs[i].extra)
				json_object_set_new(o, "synthetic", json_integer((json_int_t)outs[i].nsynthetic));
			json_array_append_new(array, o);
		} else if (existed) {
			printf("%s@%lld already holds this content (sha256 %.12s); nothing added\n",
			       v.name, (long long)v.version, v.hash);
		} else if (outs[i].extra) {
			printf("Created %s@%lld (%lld row%s, %zu synthetic, derived from %s)\n", v.name,
			       (long long)v.version, (long long)v.rows, v.rows == 1 ? "" : "s",
			       outs[i].nsynthetic, ref);
		} else {
			printf("Created %s@%lld (%lld row%s, derived from %s)\n", v.name,
			       (long long)v.version, (long long)v.rows, v.rows == 1 ? "" : "s", ref);
		}
		cairn_dataset_version_release(&v);
	}
	if (!rc && json)
		cairn_json_print(stdout, nouts == 1 ? json_array_get(array, 0) : array, 1);
out:
	for (size_t i = 0; i < written; i++)
		unlink(paths[i].buf);
	cli_forget_temps();
	for (size_t i = 0; i < nouts; i++)
		cairn_buf_release(&paths[i]);
	free(paths);
	json_decref(array);
	return rc;
}

/* Parses --seed (0 .. 2^63-1, so that it fits the JSON parameters). */
static int parse_seed(const char *usage, const char *s, uint64_t *seed)
{
	unsigned long long v;
	int status = cli_parse_uint(usage, "--seed", s, &v);

	if (status)
		return status;
	if (v > INT64_MAX)
		return cli_usage_error(usage, "--seed must be at most %lld, not '%s'",
				       (long long)INT64_MAX, s);
	*seed = v;
	return 0;
}

/* Parses a number in (0, max]. */
static int parse_fraction(const char *usage, const char *opt, const char *s, double max,
			  double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (!*s || *end || errno || !isfinite(*out))
		return cli_usage_error(usage, "%s expects a number, not '%s'", opt, s);
	if (!(*out > 0) || *out > max)
		return cli_usage_error(usage, "%s must be above 0 and at most %g, not '%s'", opt,
				       max, s);
	return 0;
}

/* Splits "a,b,c" into its parts (pointers into a copy owned by *copy). */
static size_t split_list(const char *s, char **copy, char ***items)
{
	size_t n = 1;
	char *p;

	*copy = cairn_xstrdup(s);
	for (p = *copy; *p; p++)
		n += *p == ',';
	*items = cairn_xcalloc(n, sizeof(char *));
	n = 0;
	for (p = *copy;;) {
		char *comma = strchr(p, ',');
		(*items)[n++] = p;
		if (!comma)
			break;
		*comma = '\0';
		p = comma + 1;
	}
	return n;
}

/* Resolves REF and loads it as a frame. */
static int load_source(cairn_ctx *ctx, const char *ref, struct cairn_dataset_version *v,
		       int *have_v, struct cairn_frame **f)
{
	int rc;

	if ((rc = cairn_dataset_resolve(ctx, ref, v)))
		return rc;
	*have_v = 1;
	return cairn_dataset_load_frame(ctx, v, f);
}

static json_t *seed_json(uint64_t seed)
{
	return json_integer((json_int_t)seed);
}

static const char split_usage[] =
	"usage: cairn data split REF --ratios R1,R2[,...] --seed N [--stratify COL] [--names A,B[,...]] [--json]\n"
	"\n"
	"Splits a tabular dataset version into parts, each recorded as a new\n"
	"dataset version derived from REF (lineage edge derived_from, with the\n"
	"ratios, stratify column and seed in its parameters). Rows are shuffled\n"
	"with the seed and cut by the ratios: part i gets the floor or the ceiling\n"
	"of Ri x rows. With --stratify, every class of COL keeps its share within\n"
	"one row in every part. Each part holds the source's rows byte for byte,\n"
	"in their original order; the same REF, ratios and seed give the same\n"
	"bytes every time.\n"
	"\n"
	"Options:\n"
	"  --ratios R1,R2,...  fractions of the rows, each above 0, summing to 1\n"
	"  --seed N            seed of the shuffle (0 .. 2^63-1); required\n"
	"  --stratify COL      keep the class shares of column COL in every part\n"
	"                      (COL must have no nulls)\n"
	"  --names A,B,...     names of the parts (default: NAME-train, NAME-test\n"
	"                      for two parts; NAME-train, NAME-val, NAME-test for\n"
	"                      three; NAME-split1, NAME-split2, ... otherwise)\n"
	"  --json              print the new versions as a JSON array\n"
	"  -h, --help          this help\n";

int data_split(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ratios", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "stratify", required_argument, NULL, 'S' },
		{ "names", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const three[] = { "train", "val", "test" };
	struct cairn_dataset_version v;
	struct cairn_split parts = { 0 };
	struct cairn_split_options so = { 0 };
	struct cairn_frame *f = NULL;
	struct output *outs = NULL;
	const char *ratios_arg = NULL, *names_arg = NULL, *seed_arg = NULL;
	char *ratios_copy = NULL, *names_copy = NULL, **ratio_items = NULL, **name_items = NULL;
	cairn_buf *names = NULL;
	double *ratios = NULL, sum = 0;
	size_t nparts = 0, nnames = 0;
	json_t *jratios = NULL, *jnames = NULL;
	cairn_ctx *ctx = NULL;
	int json = 0, c, rc = 0, status = 0, have_v = 0;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'r': ratios_arg = optarg; break;
		case 's': seed_arg = optarg; break;
		case 'S': so.stratify = optarg; break;
		case 'n': names_arg = optarg; break;
		case 'j': json = 1; break;
		case 'h': return cli_help(split_usage);
		default: return cli_bad_option(split_usage);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(split_usage, "split takes one dataset reference");
	if (!ratios_arg)
		return cli_usage_error(split_usage, "--ratios is required (for example --ratios 0.8,0.2)");
	if (!seed_arg)
		return cli_usage_error(split_usage, "--seed is required: the same seed gives the same split");
	if ((status = parse_seed(split_usage, seed_arg, &so.seed)))
		return status;
	nparts = split_list(ratios_arg, &ratios_copy, &ratio_items);
	ratios = cairn_xmalloc(sizeof(double) * nparts);
	jratios = json_array();
	if (nparts < 2) {
		status = cli_usage_error(split_usage, "--ratios needs at least two ratios, as in 0.8,0.2");
		goto out;
	}
	for (size_t i = 0; i < nparts; i++) {
		if ((status = parse_fraction(split_usage, "each ratio", ratio_items[i], 1, &ratios[i])))
			goto out;
		sum += ratios[i];
		json_array_append_new(jratios, json_real(ratios[i]));
	}
	if (fabs(sum - 1) > 1e-9) {
		status = cli_usage_error(split_usage, "the ratios %s sum to %.10g, not 1", ratios_arg, sum);
		goto out;
	}
	if (names_arg) {
		nnames = split_list(names_arg, &names_copy, &name_items);
		if (nnames != nparts) {
			status = cli_usage_error(split_usage, "--names gives %zu names for %zu ratios",
						 nnames, nparts);
			goto out;
		}
		for (size_t i = 0; i < nnames; i++)
			for (size_t j = 0; j < i; j++)
				if (!strcmp(name_items[i], name_items[j])) {
					status = cli_usage_error(split_usage, "--names gives '%s' twice",
								 name_items[i]);
					goto out;
				}
	}
	so.ratios = ratios;
	so.nparts = nparts;

	if (!(ctx = cli_open_workspace(&status)))
		goto out;
	if ((rc = load_source(ctx, argv[optind], &v, &have_v, &f)))
		goto fail;
	names = cairn_xcalloc(nparts, sizeof(cairn_buf));
	jnames = json_array();
	for (size_t i = 0; i < nparts; i++) {
		cairn_buf_init(&names[i]);
		if (names_arg)
			cairn_buf_adds(&names[i], name_items[i]);
		else if (nparts <= 3)
			cairn_buf_addf(&names[i], "%s-%s", v.name, nparts == 2 ? three[i ? 2 : 0] : three[i]);
		else
			cairn_buf_addf(&names[i], "%s-split%zu", v.name, i + 1);
		if ((rc = cairn_name_check(ctx, "dataset name", names[i].buf)))
			goto fail;
		json_array_append_new(jnames, json_string(names[i].buf));
	}
	if ((rc = cairn_split_rows(ctx, f, &so, &parts)))
		goto fail;
	outs = cairn_xcalloc(nparts, sizeof(*outs));
	for (size_t i = 0; i < nparts; i++) {
		outs[i].name = names[i].buf;
		outs[i].rows = parts.rows[i];
		outs[i].n = parts.n[i];
		outs[i].params = json_pack("{s:s, s:O, s:o, s:o, s:I, s:O}", "op", "split",
					   "ratios", jratios,
					   "stratify", so.stratify ? json_string(so.stratify) : json_null(),
					   "seed", seed_json(so.seed), "part", (json_int_t)(i + 1),
					   "parts", jnames);
	}
	if ((rc = derive_outputs(ctx, &v, f, outs, nparts, json)))
		goto fail;
	goto out;
fail:
	status = cli_fail(ctx, rc);
out:
	if (outs)
		for (size_t i = 0; i < nparts; i++)
			json_decref(outs[i].params);
	free(outs);
	if (names)
		for (size_t i = 0; i < nparts; i++)
			cairn_buf_release(&names[i]);
	free(names);
	cairn_split_release(&parts);
	cairn_frame_free(f);
	if (have_v)
		cairn_dataset_version_release(&v);
	json_decref(jratios);
	json_decref(jnames);
	free(ratios);
	free(ratios_copy);
	free(ratio_items);
	free(names_copy);
	free(name_items);
	cairn_ctx_free(ctx);
	return status;
}

static const char sample_usage[] =
	"usage: cairn data sample REF (--n N | --frac F) --seed N [--stratify COL] [--name NAME] [--json]\n"
	"\n"
	"Draws rows of a tabular dataset version without replacement and records\n"
	"them as a new dataset version derived from REF (lineage edge\n"
	"derived_from, with the size, stratify column and seed in its\n"
	"parameters). With --stratify, every class of COL keeps its share within\n"
	"one row. The sample holds the source's rows byte for byte, in their\n"
	"original order; the same REF, size and seed give the same bytes every\n"
	"time, and without --stratify a smaller sample with the same seed is a\n"
	"subset of a larger one.\n"
	"\n"
	"Options:\n"
	"  --n N            draw N rows (at most the number of rows)\n"
	"  --frac F         draw F x rows, rounded to the nearest integer (0 < F <= 1)\n"
	"  --seed N         seed of the draw (0 .. 2^63-1); required\n"
	"  --stratify COL   keep the class shares of column COL (no nulls allowed)\n"
	"  --name NAME      name of the sample (default: NAME-sample)\n"
	"  --json           print the new version as JSON\n"
	"  -h, --help       this help\n";

int data_sample(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "n", required_argument, NULL, 'n' },
		{ "frac", required_argument, NULL, 'f' },
		{ "seed", required_argument, NULL, 's' },
		{ "stratify", required_argument, NULL, 'S' },
		{ "name", required_argument, NULL, 'N' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_dataset_version v;
	struct cairn_sample_options so = { 0 };
	struct cairn_frame *f = NULL;
	struct output o = { 0 };
	const char *n_arg = NULL, *frac_arg = NULL, *seed_arg = NULL, *name_arg = NULL;
	cairn_buf name = CAIRN_BUF_INIT;
	unsigned long long n = 0;
	double frac = 0;
	size_t *rows = NULL, nrows = 0;
	cairn_ctx *ctx = NULL;
	int json = 0, c, rc = 0, status = 0, have_v = 0;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'n': n_arg = optarg; break;
		case 'f': frac_arg = optarg; break;
		case 's': seed_arg = optarg; break;
		case 'S': so.stratify = optarg; break;
		case 'N': name_arg = optarg; break;
		case 'j': json = 1; break;
		case 'h': return cli_help(sample_usage);
		default: return cli_bad_option(sample_usage);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(sample_usage, "sample takes one dataset reference");
	if (!!n_arg + !!frac_arg != 1)
		return cli_usage_error(sample_usage, "give the sample size with either --n or --frac");
	if (!seed_arg)
		return cli_usage_error(sample_usage, "--seed is required: the same seed gives the same sample");
	if ((status = parse_seed(sample_usage, seed_arg, &so.seed)))
		return status;
	if (n_arg) {
		if ((status = cli_parse_uint(sample_usage, "--n", n_arg, &n)))
			return status;
		if (!n)
			return cli_usage_error(sample_usage, "--n must be at least 1");
	} else if ((status = parse_fraction(sample_usage, "--frac", frac_arg, 1, &frac))) {
		return status;
	}

	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((rc = load_source(ctx, argv[optind], &v, &have_v, &f)))
		goto fail;
	if (name_arg)
		cairn_buf_adds(&name, name_arg);
	else
		cairn_buf_addf(&name, "%s-sample", v.name);
	if ((rc = cairn_name_check(ctx, "dataset name", name.buf)))
		goto fail;
	if (frac_arg) {
		so.n = cairn_sample_size(frac, f->nrows);
		if (!so.n && f->nrows) {
			rc = cairn_error(ctx, CAIRN_EINVAL, "--frac %s of %zu rows selects no row",
					 frac_arg, f->nrows);
			goto fail;
		}
	} else {
		so.n = n > SIZE_MAX ? SIZE_MAX : (size_t)n;
	}
	if ((rc = cairn_sample_rows(ctx, f, &so, &rows, &nrows)))
		goto fail;
	o.name = name.buf;
	o.rows = rows;
	o.n = nrows;
	o.params = json_pack("{s:s, s:I, s:o, s:o, s:o}", "op", "sample", "n", (json_int_t)nrows,
			     "frac", frac_arg ? json_real(frac) : json_null(),
			     "stratify", so.stratify ? json_string(so.stratify) : json_null(),
			     "seed", seed_json(so.seed));
	if ((rc = derive_outputs(ctx, &v, f, &o, 1, json)))
		goto fail;
	goto out;
fail:
	status = cli_fail(ctx, rc);
out:
	json_decref(o.params);
	free(rows);
	cairn_frame_free(f);
	if (have_v)
		cairn_dataset_version_release(&v);
	cairn_buf_release(&name);
	cairn_ctx_free(ctx);
	return status;
}

static const char augment_usage[] =
	"usage: cairn data augment REF (--smote --target COL | --noise SD) --seed N [options]\n"
	"\n"
	"Adds synthetic rows to a tabular dataset version and records the result\n"
	"(the source's rows byte for byte, then the synthetic rows) as a new\n"
	"dataset version derived from REF, with the method and its parameters.\n"
	"The same REF, options and seed give the same bytes every time.\n"
	"\n"
	"--smote oversamples classes of the target column by SMOTE: a synthetic\n"
	"row lies on the segment between a row and one of its k nearest neighbours\n"
	"of the same class (Euclidean distance on the raw numeric features).\n"
	"String and boolean features are handled as in SMOTE-NC: each mismatch\n"
	"adds the squared median of the class's numeric standard deviations to the\n"
	"squared distance, and the synthetic row takes the most frequent category\n"
	"among the k neighbours. Feature columns must have no nulls.\n"
	"\n"
	"--noise SD adds copies of every row with Gaussian noise of standard\n"
	"deviation SD x the column's standard deviation on each integer and float\n"
	"column (not the target); other columns are copied unchanged.\n"
	"\n"
	"Options:\n"
	"  --smote                  oversample with SMOTE (SMOTE-NC for categories)\n"
	"  --target COL             the class column (required with --smote; with\n"
	"                           --noise, a column left without noise)\n"
	"  --k-neighbors K          neighbours per row (default 5; a class of n rows\n"
	"                           uses at most n - 1)\n"
	"  --sampling-strategy S    auto (every class but the majority, up to the\n"
	"                           majority's count; default), minority (only the\n"
	"                           smallest class), or a ratio R in (0, 1] (every\n"
	"                           class up to R x the majority's count)\n"
	"  --noise SD               add Gaussian noise instead (SD > 0)\n"
	"  --copies N               noisy copies of every row (default 1)\n"
	"  --seed N                 seed (0 .. 2^63-1); required\n"
	"  --name NAME              name of the result (default: NAME-smote or\n"
	"                           NAME-noise)\n"
	"  --json                   print the new version as JSON\n"
	"  -h, --help               this help\n";

int data_augment(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "smote", no_argument, NULL, 'm' },
		{ "noise", required_argument, NULL, 'z' },
		{ "target", required_argument, NULL, 't' },
		{ "k-neighbors", required_argument, NULL, 'k' },
		{ "sampling-strategy", required_argument, NULL, 'g' },
		{ "copies", required_argument, NULL, 'c' },
		{ "seed", required_argument, NULL, 's' },
		{ "name", required_argument, NULL, 'N' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_dataset_version v;
	struct cairn_smote_options sm = { 0 };
	struct cairn_noise_options nz = { 0 };
	struct cairn_frame *f = NULL;
	struct output o = { 0 };
	const char *noise_arg = NULL, *k_arg = NULL, *strategy = NULL, *copies_arg = NULL;
	const char *seed_arg = NULL, *name_arg = NULL, *target = NULL;
	cairn_buf name = CAIRN_BUF_INIT, extra = CAIRN_BUF_INIT;
	unsigned long long k = 5, copies = 1;
	size_t *all = NULL, nsyn = 0;
	uint64_t seed = 0;
	json_t *jstrategy = NULL;
	cairn_ctx *ctx = NULL;
	int json = 0, smote = 0, c, rc = 0, status = 0, have_v = 0;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'm': smote = 1; break;
		case 'z': noise_arg = optarg; break;
		case 't': target = optarg; break;
		case 'k': k_arg = optarg; break;
		case 'g': strategy = optarg; break;
		case 'c': copies_arg = optarg; break;
		case 's': seed_arg = optarg; break;
		case 'N': name_arg = optarg; break;
		case 'j': json = 1; break;
		case 'h': return cli_help(augment_usage);
		default: return cli_bad_option(augment_usage);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(augment_usage, "augment takes one dataset reference");
	if (smote + !!noise_arg != 1)
		return cli_usage_error(augment_usage, "choose one method: --smote or --noise SD");
	if (!seed_arg)
		return cli_usage_error(augment_usage, "--seed is required: the same seed gives the same rows");
	if ((status = parse_seed(augment_usage, seed_arg, &seed)))
		return status;
	if (smote) {
		if (!target)
			return cli_usage_error(augment_usage, "--smote needs --target COL, the class column");
		if (copies_arg)
			return cli_usage_error(augment_usage, "--copies goes with --noise, not --smote");
		if (k_arg) {
			if ((status = cli_parse_uint(augment_usage, "--k-neighbors", k_arg, &k)))
				return status;
			if (!k || k > 100000)
				return cli_usage_error(augment_usage, "--k-neighbors must be between 1 and 100000, not %llu", k);
		}
		sm.target = target;
		sm.k = (size_t)k;
		sm.seed = seed;
		if (!strategy || !strcmp(strategy, "auto")) {
			sm.strategy = CAIRN_SAMPLING_AUTO;
			jstrategy = json_string("auto");
		} else if (!strcmp(strategy, "minority")) {
			sm.strategy = CAIRN_SAMPLING_MINORITY;
			jstrategy = json_string("minority");
		} else {
			char *end;
			errno = 0;
			sm.ratio = strtod(strategy, &end);
			if (!*strategy || *end || errno || !(sm.ratio > 0) || sm.ratio > 1)
				return cli_usage_error(augment_usage,
						       "--sampling-strategy is auto, minority or a ratio in (0, 1], not '%s'",
						       strategy);
			sm.strategy = CAIRN_SAMPLING_RATIO;
			jstrategy = json_real(sm.ratio);
		}
	} else {
		if (k_arg || strategy)
			return cli_usage_error(augment_usage, "--%s goes with --smote, not --noise",
					       k_arg ? "k-neighbors" : "sampling-strategy");
		if ((status = parse_fraction(augment_usage, "--noise", noise_arg, HUGE_VAL, &nz.sd)))
			return status;
		if (copies_arg) {
			if ((status = cli_parse_uint(augment_usage, "--copies", copies_arg, &copies)))
				return status;
			if (!copies || copies > 1000)
				return cli_usage_error(augment_usage, "--copies must be between 1 and 1000, not %llu", copies);
		}
		nz.target = target;
		nz.copies = (size_t)copies;
		nz.seed = seed;
	}

	if (!(ctx = cli_open_workspace(&status))) {
		json_decref(jstrategy);
		return status;
	}
	if ((rc = load_source(ctx, argv[optind], &v, &have_v, &f)))
		goto fail;
	if (name_arg)
		cairn_buf_adds(&name, name_arg);
	else
		cairn_buf_addf(&name, "%s-%s", v.name, smote ? "smote" : "noise");
	if ((rc = cairn_name_check(ctx, "dataset name", name.buf)))
		goto fail;
	if (smote)
		rc = cairn_smote(ctx, f, &sm, &extra, &nsyn, NULL);
	else
		rc = cairn_noise(ctx, f, &nz, &extra, &nsyn);
	if (rc)
		goto fail;
	all = cairn_xmalloc(sizeof(size_t) * (f->nrows ? f->nrows : 1));
	for (size_t r = 0; r < f->nrows; r++)
		all[r] = r;
	o.name = name.buf;
	o.rows = all;
	o.n = f->nrows;
	o.extra = &extra;
	o.nsynthetic = nsyn;
	if (smote)
		o.params = json_pack("{s:s, s:s, s:s, s:I, s:O, s:o, s:I}", "op", "augment",
				     "method", "smote", "target", target, "k_neighbors", (json_int_t)k,
				     "sampling_strategy", jstrategy, "seed", seed_json(seed),
				     "synthetic", (json_int_t)nsyn);
	else
		o.params = json_pack("{s:s, s:s, s:f, s:I, s:o, s:o, s:I}", "op", "augment",
				     "method", "noise", "noise_sd", nz.sd, "copies", (json_int_t)copies,
				     "target", target ? json_string(target) : json_null(),
				     "seed", seed_json(seed), "synthetic", (json_int_t)nsyn);
	if ((rc = derive_outputs(ctx, &v, f, &o, 1, json)))
		goto fail;
	goto out;
fail:
	status = cli_fail(ctx, rc);
out:
	json_decref(o.params);
	json_decref(jstrategy);
	free(all);
	cairn_frame_free(f);
	if (have_v)
		cairn_dataset_version_release(&v);
	cairn_buf_release(&name);
	cairn_buf_release(&extra);
	cairn_ctx_free(ctx);
	return status;
}
