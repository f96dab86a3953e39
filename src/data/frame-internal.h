/*
 * What the readers of a frame share (src/data/frame.c: JSON lines, the
 * frame itself; src/data/frame-csv.c: delimited text; frame-csv-ranges.c:
 * delimited text read by byte ranges in threads).
 *
 * A builder fills a frame's columns while its reader goes through the text:
 * the rows' byte ranges, each column's values, and the dictionaries of its
 * string columns until cairn__frame_finish_columns() moves them into the
 * columns.
 */
#ifndef CAIRN_DATA_FRAME_INTERNAL_H
#define CAIRN_DATA_FRAME_INTERNAL_H

#include "cairn/frame.h"
#include "core/strmap.h"

struct cairn__frame_builder {
	struct cairn_frame *f;
	struct cairn_strmap *dicts;  /* per column */
	size_t rows_cap;
};

/* Appends a row whose text is f->text[start .. end). */
void cairn__frame_add_row(struct cairn__frame_builder *b, uint64_t start, uint64_t end);
/* Stores one text value of column c at row (already known to fit the
 * column's type): null, or the string interned, or the number parsed. */
void cairn__frame_set_text(struct cairn__frame_builder *b, size_t c, size_t row, const char *s,
			   size_t len, int quoted);
/* Gives each string column its dictionary (from b->dicts, then freed). */
void cairn__frame_finish_columns(struct cairn__frame_builder *b);

/* Reads b->f->text as delimited text into b->f (frame-csv.c). */
int cairn__frame_load_csv(cairn_ctx *ctx, struct cairn__frame_builder *b,
			  const struct cairn_frame_options *opts);

/*
 * Pass 1 of delimited text (frame-csv.c says how the passes work): each
 * column is kept as one of these while the records go by.
 */
enum csv_keep {
	KEEP_NUM,    /* num[], i64[] unless float, valid[]: type NULL, BOOL, INT, FLOAT, DATETIME */
	KEEP_STRING, /* code[], valid[]: a string column from its first value on */
	KEEP_LATER   /* nothing: read again in pass 2 (the type is still joined) */
};

struct csv_col {
	enum csv_keep keep;
	int wide;            /* a wide integer was stored as (double)i */
	int fd;              /* digits after the point of its last decimal (up to 8) */
};

/* Sets up b->f's f->ncols columns (allocating f->cols unless there) for
 * pass 1, and *cs, one per column. */
void cairn__csv_begin(struct cairn__frame_builder *b, struct csv_col **cs);
/* Pass 1 over r's records into b: 0 at the end, -1 on an error (in r's
 * context). */
int cairn__csv_read_rows(struct cairn__frame_builder *b, struct csv_col *cs, cairn_csv *r);
/* Frees a column's values and zeroes its null count. */
void cairn__csv_drop_values(struct cairn_column *col);

/*
 * Pass 1 by byte ranges of b->f->text in up to threads threads
 * (frame-csv-ranges.c), leaving b and cs as cairn__csv_read_rows() over r
 * would have: 0 when done, 1 when the caller must read the records of r
 * itself (small text, one thread, or a range that failed or did not join
 * its neighbour, as when a quoted field holds a line break; the caller's
 * own pass then finds the error, if any, with its line).
 */
int cairn__csv_read_ranges(struct cairn__frame_builder *b, struct csv_col *cs,
			   const cairn_csv *r, int threads);
/* The fewest bytes of text a range gets (4 MiB); tests and fuzz targets
 * lower it (before any thread starts) to read small texts by ranges. */
extern size_t cairn__frame_min_range;

#endif
