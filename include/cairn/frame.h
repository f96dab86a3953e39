/*
 * cairn_frame: a table held in memory by columns, loaded from delimited text
 * (CSV, TSV, ...) or JSON lines, for the operations that need all rows at
 * once (quality checks, splits, samples, augmentation, training).
 *
 * Each column has one inferred type (include/cairn/value.h) and per-row
 * validity. Numeric, boolean and datetime columns are also available as
 * doubles (num[], NaN where null) so that statistics need no switch on type;
 * string columns are dictionary-encoded (code[] indexes dict[], in order of
 * first appearance).
 *
 * The frame keeps the source text and the byte range of every row, so rows
 * can be written back exactly as they were read (cairn_frame_write_rows):
 * a split or sample of a file holds the very bytes of the original rows.
 *
 * Ownership: the frame owns everything it points to; cairn_frame_free()
 * releases it. Read-only use from several threads is safe.
 */
#ifndef CAIRN_FRAME_H
#define CAIRN_FRAME_H

#include <stddef.h>
#include <stdint.h>
#include "cairn/buf.h"
#include "cairn/common.h"
#include "cairn/csv.h"
#include "cairn/ctx.h"
#include "cairn/value.h"

CAIRN_BEGIN_DECLS

enum cairn_format {
	CAIRN_FORMAT_CSV,   /* delimited text, any delimiter */
	CAIRN_FORMAT_JSONL  /* one JSON object per line */
};

struct cairn_column {
	char *name;
	enum cairn_type type;  /* never CAIRN_TYPE_NULL; all-null columns are strings */
	size_t nnull;
	uint8_t *valid;        /* 1 when the row has a value */
	double *num;           /* BOOL, INT, FLOAT, DATETIME: value (NaN when null) */
	int64_t *i64;          /* BOOL (0/1), INT, DATETIME (ms): exact value, else NULL */
	uint32_t *code;        /* STRING: index into dict (0 when null) */
	char **dict;           /* STRING: the distinct values */
	uint32_t ndict;
};

struct cairn_frame {
	size_t nrows, ncols;
	struct cairn_column *cols;
	enum cairn_format format;
	char delimiter;        /* CSV */
	int has_header;        /* CSV */
	char *name;            /* what errors call the source */
	char *text;            /* the source text */
	size_t text_len;
	size_t header_len;     /* bytes of the header line (with its line break) */
	uint64_t *row_start;   /* row i is text[row_start[i] .. row_end[i]) */
	uint64_t *row_end;     /* including its line break, if it has one */
};

struct cairn_frame_options {
	struct cairn_csv_options csv;  /* for delimited text */
	int format;                    /* -1 detect, else an enum cairn_format */
	int threads;                   /* delimited text of some megabytes is read in up to
					* this many threads; 0: the cores this process may
					* use (affinity and CPU quota), 1 or less: one */
};

/* Loads a file; name (NULL: path) is what errors call it. opts may be NULL. */
int cairn_frame_load(cairn_ctx *ctx, const char *path, const char *name,
		     const struct cairn_frame_options *opts, struct cairn_frame **out);
/* Loads text from memory (copied). */
int cairn_frame_load_mem(cairn_ctx *ctx, const char *text, size_t len, const char *name,
			 const struct cairn_frame_options *opts, struct cairn_frame **out);
void cairn_frame_free(struct cairn_frame *f);

/* The index of the column called name, or -1. */
int cairn_frame_col(const struct cairn_frame *f, const char *name);
/* Like cairn_frame_col, but sets an error naming the frame and listing its
 * columns when there is none. */
int cairn_frame_need_col(cairn_ctx *ctx, const struct cairn_frame *f, const char *name,
			 size_t *index);

/* Appends the text of one cell: the string, or the number formatted
 * (integers exactly, floats in shortest round-trip form, datetimes in
 * RFC 3339, booleans as true/false); nothing for a null. */
void cairn_frame_cell_text(const struct cairn_frame *f, size_t row, size_t col,
			   cairn_buf *out);

/*
 * Writes the header (CSV with a header) and then rows[0..n) in that order,
 * each exactly as it appeared in the source, to fd. A last row without a line
 * break gets one. extra (may be NULL) is appended after the rows: synthetic
 * rows built with cairn_frame_format_row.
 */
int cairn_frame_write_rows(cairn_ctx *ctx, const struct cairn_frame *f,
			   const size_t *rows, size_t n, const cairn_buf *extra, int fd);

/* One value of a synthetic row: for STRING columns str (NULL: null), for
 * others num (NaN: null; integers and datetimes are rounded). */
struct cairn_cell {
	double num;
	const char *str;
};
/* Appends one row in the frame's format (CSV with its delimiter, or a JSON
 * object) followed by "\n". */
void cairn_frame_format_row(const struct cairn_frame *f, const struct cairn_cell *cells,
			    cairn_buf *out);

CAIRN_END_DECLS

#endif
