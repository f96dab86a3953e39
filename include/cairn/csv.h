/*
 * A streaming reader of delimited text (CSV, TSV and friends) after RFC 4180:
 * quoted fields may hold delimiters, doubled quotes and line breaks; lines end
 * in LF or CRLF; a UTF-8 byte-order mark is skipped.
 *
 * The reader hands out one record at a time as an array of fields that point
 * into its own buffer (valid until the next call). It checks what a careful
 * reader must: every record has as many fields as the first, text is valid
 * UTF-8, there are no NUL bytes (binary data), quotes are closed, no
 * record is longer than max_record bytes, there are at most
 * CAIRN_CSV_MAX_COLUMNS columns, and no record repeats the header (files
 * concatenated with their headers). Errors name the source, the line
 * and, where it helps, the column ("'a.csv' line 1042: 7 fields, expected 9").
 *
 * A reader may also cover only a byte range of a file (for parallel parsing):
 * it starts at the first record boundary at or after the range start (see
 * cairn_csv_open_range) and stops after the record that crosses the range end.
 *
 * Memory: one buffer of at least max_record bytes. Not thread-safe; one
 * reader per thread.
 */
#ifndef CAIRN_CSV_H
#define CAIRN_CSV_H

#include <stddef.h>
#include <stdint.h>
#include "cairn/buf.h"
#include "cairn/common.h"
#include "cairn/ctx.h"

CAIRN_BEGIN_DECLS

struct cairn_csv_field {
	const char *p;  /* NUL-terminated, unquoted and unescaped */
	size_t len;
	int quoted;     /* the field was written in quotes */
};

struct cairn_csv_options {
	char delimiter;       /* 0: detect among ',', '\t', ';', '|' */
	int header;           /* 1 yes, 0 no, -1 detect */
	size_t max_record;    /* 0: CAIRN_CSV_MAX_RECORD */
	int allow_ragged;     /* do not check field counts */
};

#define CAIRN_CSV_MAX_RECORD ((size_t)8 << 20)
/* Columns a file may have: a wider first record is an error. */
#define CAIRN_CSV_MAX_COLUMNS 16384

typedef struct cairn_csv cairn_csv;

/* Opens path; name (NULL: path) is what error messages call it. */
int cairn_csv_open(cairn_ctx *ctx, const char *path, const char *name,
		   const struct cairn_csv_options *opts, cairn_csv **out);
/* Reads from an open descriptor (not closed by the reader). */
int cairn_csv_open_fd(cairn_ctx *ctx, int fd, const char *name,
		      const struct cairn_csv_options *opts, cairn_csv **out);
/* Reads from memory (not copied; must outlive the reader). */
int cairn_csv_open_mem(cairn_ctx *ctx, const char *data, size_t len, const char *name,
		       const struct cairn_csv_options *opts, cairn_csv **out);
/*
 * Reads the byte range [start, end) of the file on fd with the settings
 * (delimiter, field count) of an already-open reader of the same file. When
 * start is not 0 the reader skips to just after the first line break at or
 * after start, assuming that break is outside quotes: the caller checks that
 * assumption by comparing the previous range's cairn_csv_end_offset() with
 * this range's cairn_csv_start_offset(). line_base numbers lines for errors
 * (0 when unknown: errors then give the byte offset instead).
 */
int cairn_csv_open_range(cairn_ctx *ctx, const cairn_csv *like, int fd,
			 uint64_t start, uint64_t end, uint64_t line_base,
			 cairn_csv **out);
/* The same over data[0..len) in memory (not copied; like was opened on the
 * same bytes); errors give byte offsets. */
int cairn_csv_open_mem_range(cairn_ctx *ctx, const cairn_csv *like, const char *data,
			     size_t len, uint64_t start, uint64_t end, cairn_csv **out);
void cairn_csv_close(cairn_csv *r);

/* Reads the next record: 1 with the fields and their count set, 0 at the
 * end, or -1 on an error (message and code on ctx). The header, when there
 * is one, is not returned here. */
int cairn_csv_next(cairn_csv *r, const struct cairn_csv_field **fields, size_t *nfields);

/* The detected or given settings, known once the reader is open. */
char cairn_csv_delimiter(const cairn_csv *r);
int cairn_csv_has_header(const cairn_csv *r);
size_t cairn_csv_ncols(const cairn_csv *r);
/* Column i's name: from the header, else "column_<i+1>". */
const char *cairn_csv_colname(const cairn_csv *r, size_t i);
/* 1-based line number where the last record returned started. */
uint64_t cairn_csv_line(const cairn_csv *r);
/* Byte offset in the source where the last record returned started. */
uint64_t cairn_csv_record_offset(const cairn_csv *r);
/* Records returned so far. */
uint64_t cairn_csv_records(const cairn_csv *r);
/* Byte offsets (in the file) where this reader started, and just past the
 * last byte of the last record it returned. */
uint64_t cairn_csv_start_offset(const cairn_csv *r);
uint64_t cairn_csv_end_offset(const cairn_csv *r);
/* What errors call the source. */
const char *cairn_csv_name(const cairn_csv *r);

/*
 * Appends field s[0..len) to out as it must be written in delimited text with
 * delimiter delim: as is, or in quotes (with quotes doubled) when it holds the
 * delimiter, a quote, a line break, or leading or trailing spaces, or when it
 * is empty and quote_empty is set (so that it reads back as a string, not a
 * null).
 */
void cairn_csv_append_field(cairn_buf *out, const char *s, size_t len, char delim,
			    int quote_empty);

CAIRN_END_DECLS

#endif
