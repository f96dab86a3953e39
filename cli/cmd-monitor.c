/* cairn monitor: watching served models (watch: the alert rules). */
#include "cli/cli.h"

static const struct cli_command monitor_commands[] = {
	{ "watch", cli_monitor_watch, "evaluate the alert rules of cairn.yaml on a schedule" },
	{ NULL, NULL, NULL }
};

int cmd_monitor(int argc, char **argv)
{
	return cli_dispatch("monitor",
			    "Monitoring served models: alert rules evaluated on a schedule.\n",
			    monitor_commands, argc, argv);
}
