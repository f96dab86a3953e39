/*
 * The cairn program's log and progress output on stderr (cli/output.c):
 * settings from -v/-q/--log-json and CAIRN_LOG / CAIRN_LOG_FORMAT, and the
 * sinks given to every library context.
 */
#ifndef CAIRN_CLI_OUTPUT_H
#define CAIRN_CLI_OUTPUT_H

#include "cairn/ctx.h"
#include "cairn/log.h"

void cli_log_set_level(enum cairn_log_level level);
enum cairn_log_level cli_log_level(void);
void cli_log_set_json(int json);
/* Applies CAIRN_LOG and CAIRN_LOG_FORMAT=json|text when set. */
void cli_log_from_env(void);
/* Turns the progress line off (--quiet, --json). Call before contexts are
 * made, or attach again. */
void cli_progress_set_enabled(int enabled);

/* A message of the program itself, through the same sink. */
void cli_log(enum cairn_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Sets the log and progress sinks on ctx from the current settings. */
void cli_output_attach(cairn_ctx *ctx);

#endif
