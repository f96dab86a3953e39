/* Progress lines on a terminal's stderr; see include/cairn/progress.h. */
#include <stdio.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/fs.h"
#include "cairn/id.h"
#include "cairn/progress.h"

static int progress_allowed = 1;

void cairn_progress_set_enabled(int enabled)
{
	progress_allowed = enabled;
}

void cairn_progress_start(struct cairn_progress *p, const char *title,
			  uint64_t total, int bytes)
{
	p->title = title;
	p->total = total;
	p->bytes = bytes;
	p->start_ms = p->last_ms = cairn_now_ms();
	p->enabled = progress_allowed && isatty(STDERR_FILENO);
	p->drawn = 0;
}

static void add_amount(cairn_buf *b, uint64_t n, int bytes)
{
	if (!bytes)
		cairn_buf_addf(b, "%llu", (unsigned long long)n);
	else if (n >= (1ull << 30))
		cairn_buf_addf(b, "%.2f GiB", (double)n / (1ull << 30));
	else
		cairn_buf_addf(b, "%.1f MiB", (double)n / (1ull << 20));
}

void cairn_progress_update(struct cairn_progress *p, uint64_t done)
{
	cairn_buf line = CAIRN_BUF_INIT;
	int64_t now;

	if (!p->enabled)
		return;
	now = cairn_now_ms();
	if (now - p->start_ms < 1000 || (p->drawn && now - p->last_ms < 100))
		return;
	p->last_ms = now;
	cairn_buf_addf(&line, "\r%s: ", p->title);
	if (p->total)
		cairn_buf_addf(&line, "%3d%% (", (int)(done * 100 / p->total));
	add_amount(&line, done, p->bytes);
	if (p->total) {
		cairn_buf_adds(&line, " / ");
		add_amount(&line, p->total, p->bytes);
		cairn_buf_addch(&line, ')');
	}
	cairn_buf_adds(&line, "\033[K");
	(void)cairn_write_full(STDERR_FILENO, line.buf, line.len);
	p->drawn = 1;
	cairn_buf_release(&line);
}

void cairn_progress_end(struct cairn_progress *p)
{
	if (p->enabled && p->drawn)
		(void)cairn_write_full(STDERR_FILENO, "\r\033[K", 4);
	p->drawn = 0;
}
