/* cairn alerts: the alerts that the rules of cairn.yaml fired (list, show)
 * and acknowledging them (ack). */
#include <stdio.h>
#include <string.h>
#include "cairn/alerts.h"
#include "cairn/error.h"
#include "cli/cli.h"
#include "cli/output.h"
#include "core/json.h"

static const char list_usage[] =
	"usage: cairn alerts list [--all] [--json]\n"
	"\n"
	"Lists the alerts fired by the rules of cairn.yaml (see 'cairn monitor\n"
	"watch'), newest first: those not acknowledged yet, or all with --all.\n"
	"\n"
	"Options:\n"
	"  --all          acknowledged alerts too\n"
	"  --json         a JSON array of {id, rule, model, signal, value, condition,\n"
	"                 severity, fired_at, acked_at, actions}\n"
	"  -h, --help     this help\n"
	"\n"
	"Exit status: 0 success, 2 usage, 3 no workspace.\n";

static const char show_usage[] =
	"usage: cairn alerts show ID [--json]\n"
	"\n"
	"Shows an alert (ID or a unique prefix of it): its rule, the value that\n"
	"fired it, and the outcome of each of its actions.\n"
	"\n"
	"Options:\n"
	"  --json         the alert as JSON\n"
	"  -h, --help     this help\n"
	"\n"
	"Exit status: 0 success, 2 usage, 3 no workspace, 4 no such alert (or an\n"
	"ambiguous prefix).\n";

static const char ack_usage[] =
	"usage: cairn alerts ack ID [--json]\n"
	"\n"
	"Acknowledges an alert: 'cairn alerts list' no longer shows it without\n"
	"--all. Acknowledging it again keeps the first time.\n"
	"\n"
	"Options:\n"
	"  --json         the alert as JSON\n"
	"  -h, --help     this help\n"
	"\n"
	"Exit status: 0 success, 2 usage, 3 no workspace, 4 no such alert (or an\n"
	"ambiguous prefix).\n";

static void print_alert(const json_t *a)
{
	const json_t *model = json_object_get(a, "model"), *acked = json_object_get(a, "acked_at");
	json_t *act;
	size_t i;

	printf("alert      %s\n", json_string_value(json_object_get(a, "id")));
	printf("rule       %s\n", cli_esc(json_string_value(json_object_get(a, "rule"))));
	if (json_is_string(model))
		printf("model      %s\n", cli_esc(json_string_value(model)));
	printf("signal     %s = %g (condition %s)\n",
	       json_string_value(json_object_get(a, "signal")),
	       json_number_value(json_object_get(a, "value")),
	       json_string_value(json_object_get(a, "condition")));
	printf("severity   %s\n", json_string_value(json_object_get(a, "severity")));
	printf("fired      %s\n", json_string_value(json_object_get(a, "fired_at")));
	printf("acked      %s\n", json_is_string(acked) ? json_string_value(acked) : "no");
	json_array_foreach(json_object_get(a, "actions"), i, act) {
		const char *err = json_string_value(json_object_get(act, "error"));
		printf("action     %s: %s%s%s\n", json_string_value(json_object_get(act, "action")),
		       json_is_true(json_object_get(act, "ok")) ? "ok" : "failed",
		       err ? ": " : "", err ? cli_esc(err) : "");
	}
}

static int alerts_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int c, json = 0, all = 0, rc, status = 0;
	json_t *out = NULL, *a;
	cairn_ctx *ctx;
	size_t i;

	while ((c = cli_getopt(argc, argv, "h", opts)) != -1) {
		switch (c) {
		case 'a': all = 1; break;
		case 'j': json = 1; break;
		case 'h': return cli_help(list_usage);
		default: return cli_bad_option(list_usage);
		}
	}
	if (argc != optind)
		return cli_usage_error(list_usage, "unexpected argument '%s'", argv[optind]);
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	if ((rc = cairn_alerts_list(ctx, all, &out))) {
		status = cli_fail(ctx, rc);
		goto out;
	}
	if (json) {
		cairn_json_print(stdout, out, 1);
	} else if (!json_array_size(out)) {
		printf(all ? "no alerts\n" : "no alerts to acknowledge\n");
	} else {
		printf("%-26s  %-24s  %-8s  %-20s  %12s  %s\n", "ID", "FIRED", "SEVERITY", "RULE",
		       "VALUE", "ACKED");
		json_array_foreach(out, i, a) {
			const json_t *acked = json_object_get(a, "acked_at");
			printf("%-26s  %-24s  %-8s  %-20s  %12g  %s\n",
			       json_string_value(json_object_get(a, "id")),
			       json_string_value(json_object_get(a, "fired_at")),
			       json_string_value(json_object_get(a, "severity")),
			       cli_esc(json_string_value(json_object_get(a, "rule"))),
			       json_number_value(json_object_get(a, "value")),
			       json_is_string(acked) ? json_string_value(acked) : "-");
		}
	}
out:
	json_decref(out);
	cairn_ctx_free(ctx);
	return status;
}

/* show and ack: one ID, --json. */
static int alerts_one(int argc, char **argv, const char *usage, int ack)
{
	int json = 0, rc, status;
	json_t *out = NULL;
	cairn_ctx *ctx;

	if ((status = cli_parse_json_only(argc, argv, usage, &json)))
		return status < 0 ? 0 : status;
	if (argc == optind)
		return cli_usage_error(usage, "missing the alert ID");
	if (argc - optind > 1)
		return cli_usage_error(usage, "unexpected argument '%s'", argv[optind + 1]);
	if (!(ctx = cli_open_workspace(&status)))
		return status;
	rc = ack ? cairn_alerts_ack(ctx, argv[optind], &out)
		 : cairn_alerts_show(ctx, argv[optind], &out);
	if (rc)
		status = cli_fail(ctx, rc);
	else if (json)
		cairn_json_print(stdout, out, 1);
	else if (ack)
		printf("acknowledged alert %s (%s)\n", json_string_value(json_object_get(out, "id")),
		       json_string_value(json_object_get(out, "acked_at")));
	else
		print_alert(out);
	json_decref(out);
	cairn_ctx_free(ctx);
	return status;
}

static int alerts_show(int argc, char **argv)
{
	return alerts_one(argc, argv, show_usage, 0);
}

static int alerts_ack(int argc, char **argv)
{
	return alerts_one(argc, argv, ack_usage, 1);
}

static const struct cli_command alerts_commands[] = {
	{ "list", alerts_list, "the alerts fired, newest first (not yet acknowledged, or --all)" },
	{ "show", alerts_show, "one alert: its rule, value and the outcome of its actions" },
	{ "ack", alerts_ack, "acknowledge an alert" },
	{ NULL, NULL, NULL }
};

int cmd_alerts(int argc, char **argv)
{
	return cli_dispatch("alerts",
			    "Alert rules under alerts: in cairn.yaml watch served models; 'cairn\n"
			    "monitor watch' evaluates them and records every alert fired.\n",
			    alerts_commands, argc, argv);
}
