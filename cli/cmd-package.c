/* cairn package: a model as a verified bundle file, or as an OCI image. */
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cairn/error.h"
#include "cairn/package.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "core/json.h"

static const char usage[] =
	"usage: cairn package MODELREF --out FILE [--force] [--json]\n"
	"   or: cairn package MODELREF (--oci DIR | --oci-archive FILE) [--tag TAG]\n"
	"                     [--port PORT] [--force] [--json]\n"
	"\n"
	"Packages the model MODELREF (NAME@VERSION, NAME@ALIAS, NAME@latest, a run\n"
	"or a package directory) for use where there is no workspace.\n"
	"\n"
	"--out writes a bundle: one file holding the model package, its\n"
	"signature, a summary of its lineage (model version, run, data versions\n"
	"and their hashes, code version, params) and a manifest of every file\n"
	"with its size and SHA-256. A bundle is a MODELREF itself: 'cairn predict\n"
	"model.cairn --data x.csv' verifies it, and refuses it when any byte\n"
	"differs from the manifest, with no workspace needed.\n"
	"\n"
	"--oci and --oci-archive build an OCI image, without a container daemon:\n"
	"an image layout directory, or that layout as one tar file (podman load,\n"
	"skopeo copy oci-archive:FILE). Its root filesystem holds this cairn\n"
	"program, the shared libraries it needs and loads, and the bundle at\n"
	"/model/model.cairn; its entrypoint is 'cairn serve --bundle\n"
	"/model/model.cairn --host 0.0.0.0 --port PORT', and its labels name the\n"
	"model version and its lineage.\n"
	"\n"
	"Options:\n"
	"  --out FILE          write the bundle here\n"
	"  --oci DIR           write an OCI image layout here\n"
	"  --oci-archive FILE  write the image layout as a tar file here\n"
	"  --tag TAG           the image's tag (default: latest)\n"
	"  --port PORT         the port the image serves on (default: 8080)\n"
	"  --force             replace FILE or DIR if it exists\n"
	"  --json              print the result as JSON\n"
	"  -h, --help          this help\n";

/* The running program, for the image (the library does not look). */
static int self_exe(cairn_ctx *ctx, char path[PATH_MAX])
{
	ssize_t n = readlink("/proc/self/exe", path, PATH_MAX - 1);

	if (n < 0)
		return cairn_error_errno(ctx, "cannot find the cairn program (/proc/self/exe)");
	path[n] = '\0';
	return 0;
}

static void print_bundle(const char *out, const struct cairn_bundle_result *b)
{
	printf("Wrote %s: %s, %zu files, %llu bytes, sha256 %s\n", cli_esc(out),
	       cli_esc(b->model), b->files, (unsigned long long)b->size, b->sha256);
}

int cmd_package(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "oci", required_argument, NULL, 'O' },
		{ "oci-archive", required_argument, NULL, 'A' },
		{ "tag", required_argument, NULL, 't' },
		{ "port", required_argument, NULL, 'p' },
		{ "force", no_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct cairn_bundle_options bo = { 0 };
	struct cairn_oci_options oo = { 0 };
	struct cairn_oci_result ores;
	struct cairn_bundle_result bres;
	unsigned long long port = 8080;
	char exe[PATH_MAX];
	const char *out = NULL;
	int c, rc, status = 0, json = 0, force = 0, targets;
	cairn_ctx *ctx;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'O': oo.layout = optarg; break;
		case 'A': oo.archive = optarg; break;
		case 't': oo.tag = optarg; break;
		case 'p':
			if ((rc = cli_parse_uint_range(usage, "--port", optarg, 1, 65535, &port)))
				return rc;
			break;
		case 'f': force = 1; break;
		case 'j': json = 1; break;
		case 'h': return cli_help(usage);
		default: return cli_bad_option(usage);
		}
	}
	targets = !!out + !!oo.layout + !!oo.archive;
	if (argc - optind != 1 || targets != 1)
		return cli_usage_error(usage, "package needs MODELREF and one of --out, --oci and"
				       " --oci-archive");
	if (out && oo.tag)
		return cli_usage_error(usage, "--tag goes with --oci or --oci-archive");
	if (!(ctx = cli_open_workspace_for_model(argv[optind], &status)))
		return status;
	if (out) {
		bo.model = argv[optind];
		bo.out = out;
		bo.force = force;
		if ((rc = cairn_bundle_write(ctx, &bo, &bres)))
			goto fail;
		if (json) {
			json_t *j = json_pack("{s:s, s:s, s:s, s:I, s:I, s:O}", "bundle", out,
					      "model", bres.model, "sha256", bres.sha256,
					      "size", (json_int_t)bres.size,
					      "files", (json_int_t)bres.files, "summary", bres.summary);
			cairn_json_print(stdout, j, 1);
			json_decref(j);
		} else {
			print_bundle(out, &bres);
		}
		cairn_bundle_result_release(&bres);
		goto done;
	}
	oo.model = argv[optind];
	oo.port = (int)port;
	oo.force = force;
	oo.exe = exe;
	if ((rc = self_exe(ctx, exe)) || (rc = cairn_oci_build(ctx, &oo, &ores)))
		goto fail;
	if (json) {
		json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s}",
				      oo.layout ? "layout" : "archive",
				      oo.layout ? oo.layout : oo.archive, "tag",
				      oo.tag ? oo.tag : "latest", "model", ores.bundle.model,
				      "manifest", ores.manifest_digest, "config", ores.config_digest,
				      "layer", ores.layer_digest, "layer_size",
				      (json_int_t)ores.layer_size, "libraries",
				      (json_int_t)ores.libraries, "bundle_sha256", ores.bundle.sha256);
		cairn_json_print(stdout, j, 1);
		json_decref(j);
	} else {
		printf("Wrote the OCI image %s:%s: %s, %zu shared libraries, layer %llu bytes,"
		       " manifest sha256:%s\n", cli_esc(oo.layout ? oo.layout : oo.archive),
		       cli_esc(oo.tag ? oo.tag : "latest"), cli_esc(ores.bundle.model),
		       ores.libraries, (unsigned long long)ores.layer_size, ores.manifest_digest);
	}
	cairn_oci_result_release(&ores);
	goto done;
fail:
	status = cli_fail_output(ctx, rc);
done:
	cairn_ctx_free(ctx);
	return status;
}
