/*
 * Progress display for long operations, on stderr and only when stderr is a
 * terminal. Nothing is drawn for the first second, so quick operations stay
 * silent; after that the line is redrawn at most ten times a second.
 */
#ifndef CAIRN_PROGRESS_H
#define CAIRN_PROGRESS_H

#include <stdint.h>

struct cairn_progress {
	const char *title;
	uint64_t total;     /* 0 when unknown */
	int64_t start_ms;
	int64_t last_ms;
	int enabled;
	int drawn;
	int bytes;          /* show amounts as bytes */
};

/* Process-wide switch; the CLI turns progress off for --quiet and --json. */
void cairn_progress_set_enabled(int enabled);
void cairn_progress_start(struct cairn_progress *p, const char *title,
			  uint64_t total, int bytes);
void cairn_progress_update(struct cairn_progress *p, uint64_t done);
/* Clears the line when one was drawn. */
void cairn_progress_end(struct cairn_progress *p);

#endif
