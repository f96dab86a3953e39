/*
 * libFuzzer target for the alerts: section of cairn.yaml
 * (src/monitor/rules.c over the project-file reader): it must never crash,
 * leak or read out of bounds; a rejected file is CAIRN_EPARSE naming the
 * file; an accepted rule has a name, a signal, a server when its signal
 * needs one, and actions that are complete.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cairn/ctx.h"
#include "cairn/error.h"
#include "core/fs.h"
#include "core/yaml.h"
#include "monitor/alerts-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void remove_file(void)
{
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn__alert_rules *r = NULL;
	FILE *f;

	if (!*path) {
		snprintf(path, sizeof(path), "/tmp/cairn-fuzz-rules-%ld.yaml", (long)getpid());
		cairn__yaml_max_nodes = 10000;
		atexit(remove_file);
	}
	if (!(f = fopen(path, "wb")) || fwrite(data, 1, size, f) != size || fclose(f))
		abort();
	if (cairn__alert_rules_load(ctx, path, &r)) {
		if (r || (cairn_errcode(ctx) != CAIRN_EPARSE && cairn_errcode(ctx) != CAIRN_ENOMEM) ||
		    !strstr(cairn_errmsg(ctx), path))
			abort();
	} else {
		for (size_t i = 0; i < r->n; i++) {
			const struct cairn__alert_rule *a = &r->rules[i];
			if (!a->name || !*a->name || !a->signal || (a->signal->needs_server && !a->server))
				abort();
			for (size_t j = 0; j < a->nactions; j++)
				if ((a->actions[j].kind == CAIRN__ACTION_WEBHOOK && !a->actions[j].url) ||
				    (a->actions[j].kind == CAIRN__ACTION_COMMAND &&
				     (!a->actions[j].argc || a->actions[j].argv[a->actions[j].argc])))
					abort();
		}
	}
	cairn__alert_rules_free(r);
	cairn_ctx_free(ctx);
	return 0;
}
