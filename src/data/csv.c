/* Streaming RFC 4180 reader with delimiter and header detection and strict
 * checks; see include/cairn/csv.h. */
#include <errno.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/csv.h"
#include "cairn/error.h"
#include "core/fs.h"
#include "core/strmap.h"
#include "core/utf8.h"

#define CHUNK ((size_t)1 << 20)
#define SNIFF_LINES 20

enum { C_PLAIN = 0, C_SPECIAL = 1 };

struct raw_field {
	size_t start, end; /* offsets in buf: content without the quotes */
	int quoted, escaped, nonascii;
};

struct cairn_csv {
	cairn_ctx *ctx;
	char *name;
	int fd, own_fd, seekable;
	const char *mem;
	size_t mem_len;
	uint64_t src_off;     /* next byte to read from the source */

	char *buf;
	size_t cap, len, pos;
	uint64_t buf_off;     /* source offset of buf[0] */
	int eof;
	uint64_t range_end;   /* stop before a record starting here */

	char delim;
	int header;
	size_t ncols;
	char **names;
	size_t max_record;
	int allow_ragged;
	unsigned char cls[256];

	struct raw_field *raw;
	struct cairn_csv_field *fields;
	size_t fields_cap;

	uint64_t line;        /* line number at buf[pos] (0: lines unknown) */
	uint64_t rec_line, rec_off, records;
	uint64_t start_off, end_off;
};

static void where(const cairn_csv *r, cairn_buf *out, uint64_t line, uint64_t off)
{
	if (r->line)
		cairn_buf_addf(out, "'%s' line %llu", r->name, (unsigned long long)line);
	else
		cairn_buf_addf(out, "'%s' record at byte %llu", r->name, (unsigned long long)off);
}

static int rec_error(cairn_csv *r, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int rec_error(cairn_csv *r, int code, const char *fmt, ...)
{
	cairn_buf msg = CAIRN_BUF_INIT;
	va_list ap;

	where(r, &msg, r->rec_line, r->rec_off);
	cairn_buf_adds(&msg, ": ");
	va_start(ap, fmt);
	cairn_buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	cairn_error(r->ctx, code, "%s", msg.buf);
	cairn_buf_release(&msg);
	return code;
}

static void set_classes(cairn_csv *r)
{
	memset(r->cls, C_PLAIN, sizeof(r->cls));
	r->cls[(unsigned char)r->delim] = C_SPECIAL;
	r->cls['\n'] = C_SPECIAL;
	r->cls['\r'] = C_SPECIAL;
	r->cls[0] = C_SPECIAL;
	for (int c = 0x80; c < 0x100; c++)
		r->cls[c] = C_SPECIAL;
}

/* Reads more input after the unparsed tail; returns 0, or an error code. */
static int fill(cairn_csv *r)
{
	ssize_t n;

	if (r->pos) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->buf_off += r->pos;
		r->len -= r->pos;
		r->pos = 0;
	}
	if (r->len + 1 >= r->cap) {
		/* The buffer holds only the unfinished record now. */
		if (r->len >= r->max_record)
			return rec_error(r, CAIRN_EPARSE,
					 "the record is longer than %zu bytes (the limit); is this a text file with line breaks?",
					 r->max_record);
		r->cap = r->cap * 2 < r->max_record + 2 ? r->cap * 2 : r->max_record + 2;
		r->buf = cairn_xrealloc(r->buf, r->cap);
	}
	if (r->mem) {
		size_t want = r->cap - r->len - 1, have = r->mem_len - (size_t)r->src_off;
		n = (ssize_t)(want < have ? want : have);
		memcpy(r->buf + r->len, r->mem + r->src_off, (size_t)n);
	} else {
		for (;;) {
			n = r->seekable ?
			    pread(r->fd, r->buf + r->len, r->cap - r->len - 1, (off_t)r->src_off) :
			    read(r->fd, r->buf + r->len, r->cap - r->len - 1);
			if (n >= 0 || errno != EINTR)
				break;
		}
		if (n < 0)
			return cairn_error_errno(r->ctx, "cannot read '%s'", r->name);
	}
	if (n == 0)
		r->eof = 1;
	r->len += (size_t)n;
	r->src_off += (uint64_t)n;
	return 0;
}

static void add_raw(cairn_csv *r, size_t *nf, size_t start, size_t end, int quoted,
		    int escaped, int nonascii)
{
	if (*nf == r->fields_cap) {
		r->fields_cap = r->fields_cap ? r->fields_cap * 2 : 32;
		r->raw = cairn_xrealloc(r->raw, sizeof(*r->raw) * r->fields_cap);
		r->fields = cairn_xrealloc(r->fields, sizeof(*r->fields) * r->fields_cap);
	}
	r->raw[*nf] = (struct raw_field){ start, end, quoted, escaped, nonascii };
	(*nf)++;
}

static uint64_t count_newlines(const char *p, size_t n)
{
	uint64_t c = 0;
	const char *e = p + n;
	while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		c++;
		p++;
	}
	return c;
}

/*
 * Scans one record from r->pos. Returns 1 with the raw fields in r->raw and
 * *nf set, 0 at the end of input, 2 when more input is needed (nothing
 * consumed), or an error code + 2 (see scan_record's caller).
 */
enum { SCAN_RECORD = 1, SCAN_END = 0, SCAN_MORE = 2, SCAN_ERROR = 3 };

static int scan_record(cairn_csv *r, size_t *nf, uint64_t *lines)
{
	const char *buf = r->buf, *end = r->buf + r->len;
	const char *p = buf + r->pos;
	const unsigned char *cls = r->cls;
	char delim = r->delim;

	*nf = 0;
	*lines = 0;
	if (p == end)
		return r->eof ? SCAN_END : SCAN_MORE;
	for (;;) {
		int nonascii = 0;
		if (p == end) {
			if (!r->eof)
				return SCAN_MORE;
			add_raw(r, nf, (size_t)(p - buf), (size_t)(p - buf), 0, 0, 0);
			break;
		}
		if (*p == '"') {
			const char *q = p + 1, *close;
			int escaped = 0;
			for (;;) {
				close = memchr(q, '"', (size_t)(end - q));
				if (!close || close + 1 == end) {
					if (!r->eof)
						return SCAN_MORE;
					if (!close) {
						*lines += count_newlines(p, (size_t)(end - p));
						rec_error(r, CAIRN_EPARSE,
							  "field %zu opens a quote that is never closed",
							  *nf + 1);
						return SCAN_ERROR;
					}
					break;
				}
				if (close[1] == '"') {
					escaped = 1;
					q = close + 2;
					continue;
				}
				break;
			}
			*lines += count_newlines(p + 1, (size_t)(close - p - 1));
			for (const char *s = p + 1; s < close; s++)
				if ((unsigned char)*s >= 0x80 || !*s) {
					nonascii = 1;
					break;
				}
			add_raw(r, nf, (size_t)(p + 1 - buf), (size_t)(close - buf), 1, escaped,
				nonascii);
			p = close + 1;
			if (p < end && *p != delim && *p != '\n' && *p != '\r') {
				rec_error(r, CAIRN_EPARSE,
					  "field %zu has '%c' after its closing quote (a quote inside a quoted field is written as \"\")",
					  *nf, *p);
				return SCAN_ERROR;
			}
		} else {
			const char *s = p;
			for (;;) {
				while (p < end && !cls[(unsigned char)*p])
					p++;
				if (p < end && ((unsigned char)*p >= 0x80 || !*p)) {
					nonascii = 1;
					p++;
					continue;
				}
				break;
			}
			add_raw(r, nf, (size_t)(s - buf), (size_t)(p - buf), 0, 0, nonascii);
		}
		if (p == end) {
			if (!r->eof)
				return SCAN_MORE;
			break;
		}
		if (*p == delim) {
			p++;
			continue;
		}
		if (*p == '\r') {
			if (p + 1 == end && !r->eof)
				return SCAN_MORE;
			p += (p + 1 < end && p[1] == '\n') ? 2 : 1;
		} else {
			p++; /* '\n' */
		}
		(*lines)++;
		break;
	}
	r->pos = (size_t)(p - buf);
	return SCAN_RECORD;
}

/* Unquotes, unescapes, NUL-terminates and checks the fields of a complete record. */
static int finish_fields(cairn_csv *r, size_t nf)
{
	for (size_t i = 0; i < nf; i++) {
		struct raw_field *f = &r->raw[i];
		char *s = r->buf + f->start;
		size_t len = f->end - f->start;

		if (f->escaped) {
			size_t w = 0;
			for (size_t k = 0; k < len; k++) {
				s[w++] = s[k];
				if (s[k] == '"')
					k++; /* skip the second quote of a pair */
			}
			len = w;
		}
		if (f->nonascii) {
			size_t bad;
			if (memchr(s, '\0', len))
				return rec_error(r, CAIRN_EPARSE,
						 "field %zu holds a NUL byte: this looks like a binary file, not delimited text",
						 i + 1);
			if (!cairn_utf8_valid(s, len, &bad))
				return rec_error(r, CAIRN_EPARSE,
						 "field %zu is not valid UTF-8 (byte 0x%02x at offset %zu of the field)",
						 i + 1, (unsigned char)s[bad], bad);
		}
		s[len] = '\0';
		r->fields[i] = (struct cairn_csv_field){ s, len, f->quoted };
	}
	return 0;
}

/* Appends a field to r->fields, growing it as needed. */
static inline void push_field(cairn_csv *r, size_t *n, char *s, size_t len)
{
	if (*n == r->fields_cap) {
		r->fields_cap = r->fields_cap ? r->fields_cap * 2 : 32;
		r->raw = cairn_xrealloc(r->raw, sizeof(*r->raw) * r->fields_cap);
		r->fields = cairn_xrealloc(r->fields, sizeof(*r->fields) * r->fields_cap);
	}
	r->fields[(*n)++] = (struct cairn_csv_field){ s, len, 0 };
}

/*
 * The fast path for the common record: complete in the buffer, no quote, no
 * CR but a final one, only ASCII without NUL. One pass over the line (16
 * bytes at a time with SSE2) checks it and finds the delimiters; only when
 * the line qualifies are the fields cut in place. Returns 1 with r->fields
 * set, 2 for a blank line (consumed), or 0 when the general scanner must
 * handle the record (nothing consumed or changed).
 */
static int fast_record(cairn_csv *r, size_t *nf)
{
	char *p = r->buf + r->pos, *end = r->buf + r->len, *nl, *e, *s, *q;
	char delim = r->delim;
	size_t n = 0;

	if (p == end || !(nl = memchr(p, '\n', (size_t)(end - p))))
		return 0;
	e = nl > p && nl[-1] == '\r' ? nl - 1 : nl;
	if (e == p && r->ncols != 1) {
		r->pos = (size_t)(nl + 1 - r->buf);
		return 2;
	}
	s = q = p;
#ifdef __SSE2__
	{
		const __m128i vd = _mm_set1_epi8(delim), vq = _mm_set1_epi8('"');
		const __m128i vr = _mm_set1_epi8('\r'), vz = _mm_setzero_si128();
		for (; q + 16 <= e; q += 16) {
			__m128i b = _mm_loadu_si128((const __m128i *)q);
			unsigned bad = (unsigned)_mm_movemask_epi8(_mm_or_si128(
				_mm_or_si128(_mm_cmpeq_epi8(b, vq), _mm_cmpeq_epi8(b, vr)),
				_mm_cmpeq_epi8(b, vz)));
			unsigned dm = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(b, vd));
			if (bad | (unsigned)_mm_movemask_epi8(b))
				return 0;
			while (dm) {
				char *at = q + __builtin_ctz(dm);
				push_field(r, &n, s, (size_t)(at - s));
				s = at + 1;
				dm &= dm - 1;
			}
		}
	}
#endif
	for (; q < e; q++) {
		unsigned char c = (unsigned char)*q;
		if (c >= 0x80 || !c || c == '"' || c == '\r')
			return 0;
		if (c == (unsigned char)delim) {
			push_field(r, &n, s, (size_t)(q - s));
			s = q + 1;
		}
	}
	push_field(r, &n, s, (size_t)(e - s));
	/* The line qualifies: cut it into NUL-terminated fields. */
	for (size_t i = 0; i < n; i++)
		((char *)r->fields[i].p)[r->fields[i].len] = '\0';
	*nf = n;
	r->pos = (size_t)(nl + 1 - r->buf);
	return 1;
}

/* Reads one record into r->fields: 1, 0 at the end, or -1 on an error. */
static int read_record(cairn_csv *r, size_t *nf)
{
	uint64_t lines;
	int rc;

	for (;;) {
		if (r->buf_off + r->pos >= r->range_end)
			return 0;
		r->rec_line = r->line;
		r->rec_off = r->buf_off + r->pos;
		if ((rc = fast_record(r, nf))) {
			if (r->line)
				r->line++;
			if (rc == 2)
				continue;
			return 1;
		}
		rc = scan_record(r, nf, &lines);
		if (rc == SCAN_MORE) {
			if (fill(r))
				return -1;
			continue;
		}
		if (rc == SCAN_ERROR)
			return -1;
		if (rc == SCAN_END)
			return 0;
		if (r->line)
			r->line += lines;
		/* A blank line in a file of several columns is not a record. */
		if (*nf == 1 && r->ncols != 1 && r->raw[0].start == r->raw[0].end &&
		    !r->raw[0].quoted)
			continue;
		return finish_fields(r, *nf) ? -1 : 1;
	}
}

/* Delimiter detection: the candidate giving the same field count (more than
 * one) on the most of the first lines, quote-aware. */
static char sniff_delimiter(const char *p, size_t len)
{
	static const char candidates[] = { ',', '\t', ';', '|' };
	char best = ',';
	int best_score = 0;

	for (size_t c = 0; c < sizeof(candidates); c++) {
		int counts[SNIFF_LINES], nlines = 0, inq = 0, fields = 1, score = 0;
		for (size_t i = 0; i < len && nlines < SNIFF_LINES; i++) {
			char ch = p[i];
			if (ch == '"')
				inq = !inq;
			else if (!inq && ch == candidates[c])
				fields++;
			else if (!inq && ch == '\n') {
				counts[nlines++] = fields;
				fields = 1;
			}
		}
		if (nlines < SNIFF_LINES && fields > 1)
			counts[nlines++] = fields;
		if (!nlines || counts[0] < 2)
			continue;
		for (int i = 0; i < nlines; i++)
			if (counts[i] == counts[0])
				score++;
		/* Consistency first, then more fields. */
		score = score * 1000 + (counts[0] < 999 ? counts[0] : 999);
		if (score > best_score) {
			best_score = score;
			best = candidates[c];
		}
	}
	return best;
}

static int looks_numeric(const char *s)
{
	int digits = 0;
	if (*s == '-' || *s == '+')
		s++;
	while (*s >= '0' && *s <= '9')
		s++, digits++;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			digits++;
	if (digits && (*s == 'e' || *s == 'E')) {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return digits && !*s;
}

/* The first record is a header unless a field is empty, numeric or repeated. */
static int looks_like_header(const struct cairn_csv_field *f, size_t n)
{
	struct cairn_strmap seen;
	int header = 1;

	cairn_strmap_init(&seen);
	for (size_t i = 0; i < n && header; i++) {
		int is_new;
		if (!f[i].len || looks_numeric(f[i].p)) {
			header = 0;
		} else {
			cairn_strmap_intern(&seen, f[i].p, f[i].len, &is_new);
			header = is_new;
		}
	}
	cairn_strmap_release(&seen);
	return header;
}

/* Column names from the header (hashed: files may be 100,000 columns wide). */
static int set_names(cairn_csv *r, const struct cairn_csv_field *f, size_t n, int from_header)
{
	struct cairn_strmap seen;
	int rc = 0;

	r->ncols = n;
	r->names = cairn_xcalloc(n, sizeof(*r->names));
	cairn_strmap_init(&seen);
	for (size_t i = 0; i < n && !rc; i++) {
		cairn_buf b = CAIRN_BUF_INIT;
		size_t len;
		uint32_t k;
		int is_new;
		if (from_header && f[i].len)
			cairn_buf_add(&b, f[i].p, f[i].len);
		else
			cairn_buf_addf(&b, "column_%zu", i + 1);
		len = b.len;
		r->names[i] = cairn_buf_detach(&b, NULL);
		if (!from_header)
			continue;
		k = cairn_strmap_intern(&seen, r->names[i], len, &is_new);
		if (!is_new)
			rc = rec_error(r, CAIRN_EPARSE,
				       "the header names column '%s' twice (fields %u and %zu)",
				       r->names[i], (unsigned)k + 1, i + 1);
	}
	cairn_strmap_release(&seen);
	return rc;
}

/* A reader whose buffer starts at a chunk, or at size_hint bytes (plus the
 * terminator) when the whole input is smaller: small inputs in memory then
 * cost no megabyte each. The buffer grows for longer records as usual. */
static cairn_csv *reader_new(cairn_ctx *ctx, const char *name, size_t max_record,
			     size_t size_hint)
{
	cairn_csv *r = cairn_xcalloc(1, sizeof(*r));

	r->ctx = ctx;
	r->name = cairn_xstrdup(name);
	r->fd = -1;
	r->max_record = max_record ? max_record : CAIRN_CSV_MAX_RECORD;
	r->cap = CHUNK < r->max_record ? CHUNK : r->max_record + 2;
	if (size_hint && size_hint + 2 < r->cap)
		r->cap = size_hint + 2 < 64 ? 64 : size_hint + 2;
	r->buf = cairn_xmalloc(r->cap);
	r->range_end = UINT64_MAX;
	r->line = 1;
	return r;
}

/* Detects settings and reads the header (if any) of a reader at offset 0. */
static int start(cairn_csv *r, const struct cairn_csv_options *opts)
{
	size_t nf;
	int rc;

	r->allow_ragged = opts && opts->allow_ragged;
	/* Enough input to sniff: a chunk, or everything there is. */
	while (!r->eof && r->len < CHUNK / 4 && r->len + 1 < r->cap)
		if ((rc = fill(r)))
			return rc;
	if (r->len >= 3 && !memcmp(r->buf, "\xef\xbb\xbf", 3))
		r->pos = 3;
	if (r->len == r->pos)
		return cairn_error(r->ctx, CAIRN_EPARSE, "'%s' is empty", r->name);
	if (memchr(r->buf, '\0', r->len))
		return cairn_error(r->ctx, CAIRN_EPARSE,
				   "'%s' holds NUL bytes: this looks like a binary file, not delimited text",
				   r->name);
	r->delim = opts && opts->delimiter ? opts->delimiter :
		   sniff_delimiter(r->buf + r->pos, r->len - r->pos);
	set_classes(r);

	rc = read_record(r, &nf);
	if (rc == 0)
		return cairn_error(r->ctx, CAIRN_EPARSE, "'%s' holds no records", r->name);
	if (rc < 0)
		return cairn_errcode(r->ctx);
	if (nf > CAIRN_CSV_MAX_COLUMNS)
		return rec_error(r, CAIRN_EPARSE, "%zu columns, more than cairn reads (%d)", nf,
				 CAIRN_CSV_MAX_COLUMNS);
	r->header = opts && opts->header >= 0 ? opts->header :
		    looks_like_header(r->fields, nf);
	if ((rc = set_names(r, r->fields, nf, r->header)))
		return rc;
	if (!r->header) {
		/* The first record is data: read it again on the first call. */
		r->pos = 0;
		r->buf_off = 0;
		r->len = 0;
		r->src_off = 0;
		r->eof = 0;
		r->line = 1;
		if ((rc = fill(r)))
			return rc;
		if (r->len >= 3 && !memcmp(r->buf, "\xef\xbb\xbf", 3))
			r->pos = 3;
	}
	r->start_off = r->end_off = r->buf_off + r->pos;
	return 0;
}

int cairn_csv_open_fd(cairn_ctx *ctx, int fd, const char *name,
		      const struct cairn_csv_options *opts, cairn_csv **out)
{
	cairn_csv *r = reader_new(ctx, name, opts ? opts->max_record : 0, 0);
	int rc;

	r->fd = fd;
	r->seekable = lseek(fd, 0, SEEK_CUR) >= 0;
	if (r->seekable)
		r->src_off = (uint64_t)lseek(fd, 0, SEEK_CUR);
	if (r->seekable && r->src_off != 0)
		r->seekable = 0; /* keep reading from where the caller left it */
	if ((rc = start(r, opts))) {
		cairn_csv_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

int cairn_csv_open(cairn_ctx *ctx, const char *path, const char *name,
		   const struct cairn_csv_options *opts, cairn_csv **out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return cairn_error_errno(ctx, "cannot open '%s'", path);
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	rc = cairn_csv_open_fd(ctx, fd, name ? name : path, opts, out);
	if (rc) {
		close(fd);
		return rc;
	}
	(*out)->own_fd = 1;
	return 0;
}

int cairn_csv_open_mem(cairn_ctx *ctx, const char *data, size_t len, const char *name,
		       const struct cairn_csv_options *opts, cairn_csv **out)
{
	cairn_csv *r = reader_new(ctx, name, opts ? opts->max_record : 0, len);
	int rc;

	r->mem = data;
	r->mem_len = len;
	if ((rc = start(r, opts))) {
		cairn_csv_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

/* A range reader of a file (fd) or of memory (mem, mem_len). */
static int open_range(cairn_ctx *ctx, const cairn_csv *like, int fd, const char *mem,
		      size_t mem_len, uint64_t start_at, uint64_t end, uint64_t line_base,
		      cairn_csv **out)
{
	cairn_csv *r = reader_new(ctx, like->name, like->max_record, 0);
	int rc;

	r->fd = fd;
	r->seekable = 1;
	r->mem = mem;
	r->mem_len = mem_len;
	r->delim = like->delim;
	r->header = like->header;
	r->allow_ragged = like->allow_ragged;
	r->ncols = like->ncols;
	r->names = cairn_xcalloc(like->ncols, sizeof(*r->names));
	for (size_t i = 0; i < like->ncols; i++)
		r->names[i] = cairn_xstrdup(like->names[i]);
	set_classes(r);
	r->line = line_base;
	r->range_end = end;

	if (start_at <= like->start_off) {
		start_at = like->start_off;
	} else {
		/* Skip to just after the first line break at or after start_at - 1. */
		r->src_off = r->buf_off = start_at - 1;
		for (;;) {
			char *nl;
			if (r->pos == r->len) {
				if (r->eof)
					break;
				r->pos = r->len;
				if ((rc = fill(r)))
					goto fail;
				continue;
			}
			nl = memchr(r->buf + r->pos, '\n', r->len - r->pos);
			if (nl) {
				r->pos = (size_t)(nl - r->buf) + 1;
				break;
			}
			r->pos = r->len;
		}
		start_at = r->buf_off + r->pos;
	}
	r->src_off = r->buf_off = start_at;
	r->pos = r->len = 0;
	r->eof = 0;
	r->start_off = r->end_off = start_at;
	*out = r;
	return 0;
fail:
	cairn_csv_close(r);
	return rc;
}

int cairn_csv_open_range(cairn_ctx *ctx, const cairn_csv *like, int fd,
			 uint64_t start_at, uint64_t end, uint64_t line_base,
			 cairn_csv **out)
{
	return open_range(ctx, like, fd, NULL, 0, start_at, end, line_base, out);
}

int cairn_csv_open_mem_range(cairn_ctx *ctx, const cairn_csv *like, const char *data,
			     size_t len, uint64_t start_at, uint64_t end, cairn_csv **out)
{
	return open_range(ctx, like, -1, data, len, start_at, end, 0, out);
}

/* 1 when the record just read is the header again. */
static int repeats_header(const cairn_csv *r, size_t nf)
{
	if (!r->header || nf != r->ncols)
		return 0;
	for (size_t i = 0; i < nf; i++)
		if (strcmp(r->fields[i].p, r->names[i]))
			return 0;
	return 1;
}

int cairn_csv_next(cairn_csv *r, const struct cairn_csv_field **fields, size_t *nfields)
{
	size_t nf;
	int rc = read_record(r, &nf);

	if (rc <= 0)
		return rc;
	if (nf != r->ncols && !r->allow_ragged) {
		rec_error(r, CAIRN_EPARSE, "%zu field%s, expected %zu", nf,
			  nf == 1 ? "" : "s", r->ncols);
		return -1;
	}
	/* Files concatenated with their headers: the header is not a row. */
	if (repeats_header(r, nf)) {
		rec_error(r, CAIRN_EPARSE, "the header line again (concatenated files?); remove"
			  " it or read the files separately");
		return -1;
	}
	r->records++;
	r->end_off = r->buf_off + r->pos;
	*fields = r->fields;
	*nfields = nf;
	return 1;
}

void cairn_csv_close(cairn_csv *r)
{
	if (!r)
		return;
	if (r->own_fd)
		close(r->fd);
	for (size_t i = 0; i < r->ncols; i++)
		free(r->names ? r->names[i] : NULL);
	free(r->names);
	free(r->raw);
	free(r->fields);
	free(r->buf);
	free(r->name);
	free(r);
}

char cairn_csv_delimiter(const cairn_csv *r) { return r->delim; }
int cairn_csv_has_header(const cairn_csv *r) { return r->header; }
size_t cairn_csv_ncols(const cairn_csv *r) { return r->ncols; }
const char *cairn_csv_colname(const cairn_csv *r, size_t i) { return r->names[i]; }
uint64_t cairn_csv_line(const cairn_csv *r) { return r->rec_line; }
uint64_t cairn_csv_records(const cairn_csv *r) { return r->records; }
uint64_t cairn_csv_record_offset(const cairn_csv *r) { return r->rec_off; }
uint64_t cairn_csv_start_offset(const cairn_csv *r) { return r->start_off; }
uint64_t cairn_csv_end_offset(const cairn_csv *r) { return r->end_off; }
const char *cairn_csv_name(const cairn_csv *r) { return r->name; }

void cairn_csv_append_field(cairn_buf *out, const char *s, size_t len, char delim,
			    int quote_empty)
{
	int quote = (!len && quote_empty) ||
		    (len && (s[0] == ' ' || s[len - 1] == ' '));

	for (size_t i = 0; i < len && !quote; i++)
		quote = s[i] == delim || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
	if (!quote) {
		cairn_buf_add(out, s, len);
		return;
	}
	cairn_buf_addch(out, '"');
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			cairn_buf_addch(out, '"');
		cairn_buf_addch(out, s[i]);
	}
	cairn_buf_addch(out, '"');
}
