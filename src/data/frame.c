/* Loading delimited text and JSON lines into a typed, column-wise frame, and
 * writing rows back; see include/cairn/frame.h. */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cairn/error.h"
#include "cairn/frame.h"
#include "cairn/id.h"
#include "core/format.h"
#include "core/fs.h"
#include "core/json.h"
#include "core/strmap.h"
#include "data/frame-internal.h"

void cairn__frame_add_row(struct cairn__frame_builder *b, uint64_t start, uint64_t end)
{
	struct cairn_frame *f = b->f;
	if (f->nrows == b->rows_cap) {
		b->rows_cap = b->rows_cap ? b->rows_cap * 2 : 1024;
		f->row_start = cairn_xrealloc(f->row_start, sizeof(uint64_t) * b->rows_cap);
		f->row_end = cairn_xrealloc(f->row_end, sizeof(uint64_t) * b->rows_cap);
	}
	f->row_start[f->nrows] = start;
	f->row_end[f->nrows] = end;
	f->nrows++;
}

static void alloc_columns(struct cairn__frame_builder *b)
{
	struct cairn_frame *f = b->f;
	size_t n = f->nrows ? f->nrows : 1;

	b->dicts = cairn_xcalloc(f->ncols ? f->ncols : 1, sizeof(*b->dicts));
	for (size_t c = 0; c < f->ncols; c++) {
		struct cairn_column *col = &f->cols[c];
		if (col->type == CAIRN_TYPE_NULL)
			col->type = CAIRN_TYPE_STRING;
		col->valid = cairn_xcalloc(n, 1);
		if (col->type == CAIRN_TYPE_STRING) {
			col->code = cairn_xcalloc(n, sizeof(*col->code));
			cairn_strmap_init(&b->dicts[c]);
		} else {
			col->num = cairn_xmalloc(n * sizeof(*col->num));
			if (col->type != CAIRN_TYPE_FLOAT)
				col->i64 = cairn_xcalloc(n, sizeof(*col->i64));
		}
	}
}

void cairn__frame_finish_columns(struct cairn__frame_builder *b)
{
	struct cairn_frame *f = b->f;
	for (size_t c = 0; c < f->ncols; c++) {
		struct cairn_column *col = &f->cols[c];
		if (col->type == CAIRN_TYPE_STRING) {
			col->dict = cairn_strmap_detach_keys(&b->dicts[c], &col->ndict);
			if (!col->dict)
				col->dict = cairn_xcalloc(1, sizeof(char *));
		}
	}
	free(b->dicts);
	b->dicts = NULL;
}

void cairn__frame_set_text(struct cairn__frame_builder *b, size_t c, size_t row, const char *s,
			   size_t len, int quoted)
{
	struct cairn_column *col = &b->f->cols[c];
	int64_t i = 0;
	double d = NAN;
	int v;

	if (cairn_value_is_null(s, len, quoted)) {
		col->nnull++;
		if (col->num)
			col->num[row] = NAN;
		return;
	}
	col->valid[row] = 1;
	switch (col->type) {
	case CAIRN_TYPE_STRING:
		col->code[row] = cairn_strmap_intern(&b->dicts[c], s, len, NULL);
		return;
	case CAIRN_TYPE_BOOL:
		cairn_parse_bool(s, len, &v);
		i = v;
		d = v;
		break;
	case CAIRN_TYPE_INT:
		cairn_parse_int(s, len, &i);
		d = (double)i;
		break;
	case CAIRN_TYPE_DATETIME:
		cairn_parse_datetime(s, len, &i);
		d = (double)i;
		break;
	default:
		cairn_parse_float(s, len, &d);
		break;
	}
	col->num[row] = d;
	if (col->i64)
		col->i64[row] = i;
}

static enum cairn_type json_value_type(const json_t *v)
{
	int64_t ms;
	switch (json_typeof(v)) {
	case JSON_NULL: return CAIRN_TYPE_NULL;
	case JSON_TRUE:
	case JSON_FALSE: return CAIRN_TYPE_BOOL;
	case JSON_INTEGER: return CAIRN_TYPE_INT;
	case JSON_REAL: return CAIRN_TYPE_FLOAT;
	case JSON_STRING:
		return cairn_parse_datetime(json_string_value(v), json_string_length(v), &ms) ?
		       CAIRN_TYPE_DATETIME : CAIRN_TYPE_STRING;
	default: return CAIRN_TYPE_STRING;
	}
}

static void set_json(struct cairn__frame_builder *b, size_t c, size_t row, const json_t *v)
{
	struct cairn_column *col = &b->f->cols[c];
	cairn_buf text = CAIRN_BUF_INIT;

	if (!v || json_is_null(v)) {
		col->nnull++;
		if (col->num)
			col->num[row] = NAN;
		return;
	}
	if (json_is_string(v)) {
		cairn__frame_set_text(b, c, row, json_string_value(v), json_string_length(v), 1);
		return;
	}
	if (col->type == CAIRN_TYPE_STRING) {
		/* Numbers, booleans, arrays and objects in a string column keep their JSON text. */
		cairn_json_append(&text, v, 0);
		cairn__frame_set_text(b, c, row, text.buf, text.len, 1);
		cairn_buf_release(&text);
		return;
	}
	col->valid[row] = 1;
	if (json_is_boolean(v)) {
		col->num[row] = json_is_true(v);
		if (col->i64)
			col->i64[row] = json_is_true(v);
	} else if (json_is_integer(v)) {
		col->num[row] = (double)json_integer_value(v);
		if (col->i64)
			col->i64[row] = json_integer_value(v);
	} else {
		col->num[row] = json_number_value(v);
	}
}

static int load_jsonl(cairn_ctx *ctx, struct cairn__frame_builder *b)
{
	struct cairn_frame *f = b->f;
	struct cairn_strmap names;
	size_t cols_cap = 0;
	int rc = 0;

	cairn_strmap_init(&names);
	for (int pass = 1; pass <= 2 && !rc; pass++) {
		const char *p = f->text, *end = f->text + f->text_len;
		uint64_t line = 0;
		size_t row = 0;

		if (pass == 2)
			alloc_columns(b);
		while (p < end && !rc) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *eol = nl ? nl + 1 : end;
			json_error_t err;
			json_t *obj;
			const char *key;
			json_t *v;

			line++;
			if (strspn(p, " \t\r") >= (size_t)((nl ? nl : end) - p)) {
				p = eol;
				continue;
			}
			obj = json_loadb(p, (size_t)((nl ? nl : end) - p), JSON_DECODE_ANY, &err);
			if (!obj) {
				rc = cairn_error(ctx, CAIRN_EPARSE, "'%s' line %llu column %d: invalid JSON: %s",
						 f->name, (unsigned long long)line, err.column, err.text);
				break;
			}
			if (!json_is_object(obj)) {
				json_decref(obj);
				rc = cairn_error(ctx, CAIRN_EPARSE,
						 "'%s' line %llu: expected a JSON object, one per line",
						 f->name, (unsigned long long)line);
				break;
			}
			if (pass == 1) {
				cairn__frame_add_row(b, (uint64_t)(p - f->text), (uint64_t)(eol - f->text));
				json_object_foreach(obj, key, v) {
					int is_new;
					uint32_t c = cairn_strmap_intern(&names, key, strlen(key), &is_new);
					if (is_new && c >= CAIRN_CSV_MAX_COLUMNS) {
						rc = cairn_error(ctx, CAIRN_EPARSE, "'%s' line %llu: more "
								 "than %d columns, more than cairn reads",
								 f->name, (unsigned long long)line,
								 CAIRN_CSV_MAX_COLUMNS);
						break;
					}
					if (is_new) {
						if (c >= cols_cap) {
							cols_cap = cols_cap ? cols_cap * 2 : 16;
							f->cols = cairn_xrealloc(f->cols, cols_cap * sizeof(*f->cols));
						}
						memset(&f->cols[c], 0, sizeof(f->cols[c]));
						f->cols[c].name = cairn_xstrdup(key);
						f->ncols = c + 1;
					}
					f->cols[c].type = cairn_type_join(f->cols[c].type, json_value_type(v));
				}
			} else {
				for (size_t c = 0; c < f->ncols; c++)
					set_json(b, c, row, json_object_get(obj, f->cols[c].name));
				row++;
			}
			json_decref(obj);
			p = eol;
		}
		if (pass == 1 && !rc && !f->nrows)
			rc = cairn_error(ctx, CAIRN_EPARSE, "'%s' holds no records", f->name);
	}
	if (!rc)
		cairn__frame_finish_columns(b);
	cairn_strmap_release(&names);
	return rc;
}

static int looks_like_jsonl(const char *text, size_t len)
{
	size_t i = 0;
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
		i++;
	return i < len && text[i] == '{';
}

static int load(cairn_ctx *ctx, struct cairn_frame *f, const struct cairn_frame_options *opts)
{
	struct cairn__frame_builder b = { f, NULL, 0 };
	int format = opts ? opts->format : -1;
	int rc;

	if (format < 0)
		format = looks_like_jsonl(f->text, f->text_len) ? CAIRN_FORMAT_JSONL :
			 CAIRN_FORMAT_CSV;
	f->format = (enum cairn_format)format;
	if (!f->text_len)
		return cairn_error(ctx, CAIRN_EPARSE, "'%s' is empty", f->name);
	rc = format == CAIRN_FORMAT_JSONL ? load_jsonl(ctx, &b) : cairn__frame_load_csv(ctx, &b, opts);
	if (b.dicts) {
		for (size_t c = 0; c < f->ncols; c++)
			cairn_strmap_release(&b.dicts[c]);
		free(b.dicts);
	}
	return rc;
}

int cairn_frame_load_mem(cairn_ctx *ctx, const char *text, size_t len, const char *name,
			 const struct cairn_frame_options *opts, struct cairn_frame **out)
{
	struct cairn_frame *f = cairn_xcalloc(1, sizeof(*f));
	int rc;

	f->name = cairn_xstrdup(name);
	f->text = cairn_xstrndup(text, len);
	f->text_len = len;
	if ((rc = load(ctx, f, opts))) {
		cairn_frame_free(f);
		return rc;
	}
	*out = f;
	return 0;
}

int cairn_frame_load(cairn_ctx *ctx, const char *path, const char *name,
		     const struct cairn_frame_options *opts, struct cairn_frame **out)
{
	cairn_buf text = CAIRN_BUF_INIT;
	struct cairn_frame *f;
	int rc;

	if ((rc = cairn_read_file(ctx, path, &text))) {
		cairn_buf_release(&text);
		return rc;
	}
	f = cairn_xcalloc(1, sizeof(*f));
	f->name = cairn_xstrdup(name ? name : path);
	f->text_len = text.len;
	f->text = cairn_buf_detach(&text, NULL);
	if ((rc = load(ctx, f, opts))) {
		cairn_frame_free(f);
		return rc;
	}
	*out = f;
	return 0;
}

void cairn_frame_free(struct cairn_frame *f)
{
	if (!f)
		return;
	for (size_t c = 0; c < f->ncols; c++) {
		struct cairn_column *col = &f->cols[c];
		free(col->name);
		free(col->valid);
		free(col->num);
		free(col->i64);
		free(col->code);
		for (uint32_t i = 0; col->dict && i < col->ndict; i++)
			free(col->dict[i]);
		free(col->dict);
	}
	free(f->cols);
	free(f->name);
	free(f->text);
	free(f->row_start);
	free(f->row_end);
	free(f);
}

int cairn_frame_col(const struct cairn_frame *f, const char *name)
{
	for (size_t c = 0; c < f->ncols; c++)
		if (!strcmp(f->cols[c].name, name))
			return (int)c;
	return -1;
}

int cairn_frame_need_col(cairn_ctx *ctx, const struct cairn_frame *f, const char *name,
			 size_t *index)
{
	cairn_buf list = CAIRN_BUF_INIT;
	int c = cairn_frame_col(f, name);

	if (c >= 0) {
		*index = (size_t)c;
		return 0;
	}
	for (size_t i = 0; i < f->ncols; i++)
		cairn_buf_addf(&list, "%s%s", i ? ", " : "", f->cols[i].name);
	cairn_error(ctx, CAIRN_ENOTFOUND, "no column '%s' in '%s' (columns: %s)", name,
		    f->name, list.buf);
	cairn_buf_release(&list);
	return CAIRN_ENOTFOUND;
}

static void append_number(const struct cairn_column *col, double v, cairn_buf *out)
{
	char tmp[32];

	switch (col->type) {
	case CAIRN_TYPE_BOOL:
		cairn_buf_adds(out, v != 0 ? "true" : "false");
		break;
	case CAIRN_TYPE_INT:
		cairn_buf_addf(out, "%lld", (long long)llround(v));
		break;
	case CAIRN_TYPE_DATETIME:
		cairn_format_time((int64_t)llround(v), tmp);
		cairn_buf_adds(out, tmp);
		break;
	default:
		cairn_buf_add(out, tmp, cairn_format_double(v, tmp));
		break;
	}
}

void cairn_frame_cell_text(const struct cairn_frame *f, size_t row, size_t col,
			   cairn_buf *out)
{
	const struct cairn_column *c = &f->cols[col];

	if (!c->valid[row])
		return;
	if (c->type == CAIRN_TYPE_STRING)
		cairn_buf_adds(out, c->dict[c->code[row]]);
	else if (c->i64)
		append_number(c, (double)c->i64[row], out);
	else
		append_number(c, c->num[row], out);
}

int cairn_frame_write_rows(cairn_ctx *ctx, const struct cairn_frame *f,
			   const size_t *rows, size_t n, const cairn_buf *extra, int fd)
{
	cairn_buf out = CAIRN_BUF_INIT;
	int rc = 0;

	cairn_buf_add(&out, f->text, f->header_len);
	if (out.len && out.buf[out.len - 1] != '\n')
		cairn_buf_addch(&out, '\n');
	for (size_t i = 0; i < n && !rc; i++) {
		uint64_t s = f->row_start[rows[i]], e = f->row_end[rows[i]];
		cairn_buf_add(&out, f->text + s, (size_t)(e - s));
		if (e == s || f->text[e - 1] != '\n')
			cairn_buf_addch(&out, '\n');
		if (out.len >= (1u << 20)) {
			if (cairn_write_full(fd, out.buf, out.len) < 0)
				rc = cairn_error_errno(ctx, "cannot write rows of '%s'", f->name);
			cairn_buf_reset(&out);
		}
	}
	if (!rc && extra)
		cairn_buf_add(&out, extra->buf, extra->len);
	if (!rc && cairn_write_full(fd, out.buf, out.len) < 0)
		rc = cairn_error_errno(ctx, "cannot write rows of '%s'", f->name);
	cairn_buf_release(&out);
	return rc;
}

void cairn_frame_format_row(const struct cairn_frame *f, const struct cairn_cell *cells,
			    cairn_buf *out)
{
	if (f->format == CAIRN_FORMAT_JSONL) {
		json_t *o = json_object();
		for (size_t c = 0; c < f->ncols; c++) {
			const struct cairn_column *col = &f->cols[c];
			json_t *v;
			if (col->type == CAIRN_TYPE_STRING)
				v = cells[c].str ? json_string(cells[c].str) : json_null();
			else if (isnan(cells[c].num))
				v = json_null();
			else if (col->type == CAIRN_TYPE_BOOL)
				v = json_boolean(cells[c].num != 0);
			else if (col->type == CAIRN_TYPE_INT)
				v = json_integer((json_int_t)llround(cells[c].num));
			else if (col->type == CAIRN_TYPE_DATETIME) {
				char ts[32];
				cairn_format_time((int64_t)llround(cells[c].num), ts);
				v = json_string(ts);
			} else
				v = json_real(cells[c].num);
			json_object_set_new(o, col->name, v);
		}
		cairn_json_append(out, o, 0);
		json_decref(o);
		cairn_buf_addch(out, '\n');
		return;
	}
	for (size_t c = 0; c < f->ncols; c++) {
		const struct cairn_column *col = &f->cols[c];
		if (c)
			cairn_buf_addch(out, f->delimiter);
		if (col->type == CAIRN_TYPE_STRING) {
			if (cells[c].str)
				cairn_csv_append_field(out, cells[c].str, strlen(cells[c].str),
						       f->delimiter, 1);
		} else if (!isnan(cells[c].num)) {
			append_number(col, cells[c].num, out);
		}
	}
	cairn_buf_addch(out, '\n');
}
