/* cairn data split|sample|augment: new dataset versions derived from one,
 * each with a derived_from edge and the parameters that made it. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/derive.h"
#include "cairn/error.h"
#include "cairn/id.h"
#include "cli/cli.h"
#include "cli/data.h"
#include "cli/signals.h"
#include "core/json.h"

/*
 * Opens the workspace, derives as opts says (inside the run this command
 * runs under, if any) and prints one line per new version or, with json,
 * the version(s) as JSON (an array when there are several).
 */
static int derive_and_print(const struct cairn_derive_options *opts, int json)
{
	struct cairn_derive_options o = *opts;
	struct cairn_derive_result res = { 0 };
	char run_id[CAIRN_ID_LEN + 1];
	json_t *array = json_array();
	cairn_ctx *ctx;
	int rc, status = 0;

	if (!(ctx = cli_open_workspace(&status)))
		goto out;
	cli_cancel_on_signals(ctx);
	if ((rc = cli_current_run(ctx, run_id, &o.generated_by_run)) ||
	    (rc = cairn_dataset_derive(ctx, &o, &res))) {
		status = data_fail(ctx, rc);
		goto out;
	}
	for (size_t i = 0; i < res.n; i++) {
		const struct cairn_derive_output *out = &res.outputs[i];
		const struct cairn_dataset_version *v = &out->version;
		if (json) {
			json_t *j = cairn_dataset_version_json(v);
			json_object_set_new(j, "unchanged", json_boolean(out->existed));
			if (res.augmented)
				json_object_set_new(j, "synthetic", json_integer((json_int_t)out->synthetic));
			json_array_append_new(array, j);
		} else if (out->existed) {
			printf("%s@%lld already holds this content (sha256 %.12s); nothing added\n",
			       v->name, (long long)v->version, v->hash);
		} else if (res.augmented) {
			printf("Created %s@%lld (%lld row%s, %zu synthetic, derived from %s)\n", v->name,
			       (long long)v->version, (long long)v->rows, v->rows == 1 ? "" : "s",
			       out->synthetic, res.source);
		} else {
			printf("Created %s@%lld (%lld row%s, derived from %s)\n", v->name,
			       (long long)v->version, (long long)v->rows, v->rows == 1 ? "" : "s",
			       res.source);
		}
	}
	if (json)
		cairn_json_print(stdout, res.n == 1 ? json_array_get(array, 0) : array, 1);
out:
	cairn_derive_result_release(&res);
	json_decref(array);
	cairn_ctx_free(ctx);
	return status;
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
	struct cairn_derive_options o = { .kind = CAIRN_DERIVE_SPLIT };
	const char *ratios_arg = NULL, *names_arg = NULL, *seed_arg = NULL;
	char *ratios_copy = NULL, *names_copy = NULL, **ratio_items = NULL, **name_items = NULL;
	double *ratios = NULL, sum = 0;
	size_t nparts = 0, nnames = 0;
	int json = 0, c, status = 0;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'r': ratios_arg = optarg; break;
		case 's': seed_arg = optarg; break;
		case 'S': o.split.stratify = optarg; break;
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
	if ((status = parse_seed(split_usage, seed_arg, &o.seed)))
		return status;
	nparts = split_list(ratios_arg, &ratios_copy, &ratio_items);
	ratios = cairn_xmalloc(sizeof(double) * nparts);
	if (nparts < 2) {
		status = cli_usage_error(split_usage, "--ratios needs at least two ratios, as in 0.8,0.2");
		goto out;
	}
	for (size_t i = 0; i < nparts; i++) {
		if ((status = parse_fraction(split_usage, "each ratio", ratio_items[i], 1, &ratios[i])))
			goto out;
		sum += ratios[i];
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
		o.names = (const char *const *)name_items;
	}
	o.source = argv[optind];
	o.split.ratios = ratios;
	o.split.nparts = nparts;
	status = derive_and_print(&o, json);
out:
	free(ratios);
	free(ratios_copy);
	free(ratio_items);
	free(names_copy);
	free(name_items);
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
	struct cairn_derive_options o = { .kind = CAIRN_DERIVE_SAMPLE };
	const char *n_arg = NULL, *frac_arg = NULL, *seed_arg = NULL, *name_arg = NULL;
	unsigned long long n = 0;
	int json = 0, c, status = 0;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'n': n_arg = optarg; break;
		case 'f': frac_arg = optarg; break;
		case 's': seed_arg = optarg; break;
		case 'S': o.sample.stratify = optarg; break;
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
	if ((status = parse_seed(sample_usage, seed_arg, &o.seed)))
		return status;
	if (n_arg) {
		if ((status = cli_parse_uint(sample_usage, "--n", n_arg, &n)))
			return status;
		if (!n)
			return cli_usage_error(sample_usage, "--n must be at least 1");
		o.sample.n = n > SIZE_MAX ? SIZE_MAX : (size_t)n;
	} else if ((status = parse_fraction(sample_usage, "--frac", frac_arg, 1, &o.sample_frac))) {
		return status;
	}
	o.source = argv[optind];
	if (name_arg)
		o.names = &name_arg;
	return derive_and_print(&o, json);
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
	struct cairn_derive_options o = { 0 };
	const char *noise_arg = NULL, *k_arg = NULL, *strategy = NULL, *copies_arg = NULL;
	const char *seed_arg = NULL, *name_arg = NULL, *target = NULL;
	unsigned long long k = 5, copies = 1;
	int json = 0, smote = 0, c, status = 0;

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
	if ((status = parse_seed(augment_usage, seed_arg, &o.seed)))
		return status;
	if (smote) {
		o.kind = CAIRN_DERIVE_SMOTE;
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
		o.smote.target = target;
		o.smote.k = (size_t)k;
		if (!strategy || !strcmp(strategy, "auto")) {
			o.smote.strategy = CAIRN_SAMPLING_AUTO;
		} else if (!strcmp(strategy, "minority")) {
			o.smote.strategy = CAIRN_SAMPLING_MINORITY;
		} else {
			char *end;
			errno = 0;
			o.smote.ratio = strtod(strategy, &end);
			if (!*strategy || *end || errno || !(o.smote.ratio > 0) || o.smote.ratio > 1)
				return cli_usage_error(augment_usage,
						       "--sampling-strategy is auto, minority or a ratio in (0, 1], not '%s'",
						       strategy);
			o.smote.strategy = CAIRN_SAMPLING_RATIO;
		}
	} else {
		o.kind = CAIRN_DERIVE_NOISE;
		if (k_arg || strategy)
			return cli_usage_error(augment_usage, "--%s goes with --smote, not --noise",
					       k_arg ? "k-neighbors" : "sampling-strategy");
		if ((status = parse_fraction(augment_usage, "--noise", noise_arg, HUGE_VAL, &o.noise.sd)))
			return status;
		if (copies_arg) {
			if ((status = cli_parse_uint(augment_usage, "--copies", copies_arg, &copies)))
				return status;
			if (!copies || copies > 1000)
				return cli_usage_error(augment_usage, "--copies must be between 1 and 1000, not %llu", copies);
		}
		o.noise.target = target;
		o.noise.copies = (size_t)copies;
	}
	o.source = argv[optind];
	if (name_arg)
		o.names = &name_arg;
	return derive_and_print(&o, json);
}
