/* Unit tests for loading frames and writing rows back. */
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>
#include "cairn/error.h"
#include "cairn/frame.h"
#include "cairn/fs.h"
#include "tests/unit/suites.h"

static const char csv_text[] =
	"\"carat\",\"cut\",\"price\",\"sold\",\"when\"\n"
	"0.23,\"Ideal\",326,TRUE,2026-01-02\n"
	"0.21,\"Premium\",NA,FALSE,2026-01-03\n"
	"1,\"Ideal\",327,true,\n";

static void test_frame_csv_types_and_values(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_frame *f = NULL;
	cairn_buf cell = CAIRN_BUF_INIT;

	CHECK_OK(ctx, cairn_frame_load_mem(ctx, csv_text, sizeof(csv_text) - 1, "d.csv", NULL, &f));
	if (!f)
		goto out;
	CHECK_INT(f->nrows, ==, 3);
	CHECK_INT(f->ncols, ==, 5);
	CHECK_STR(f->cols[1].name, "cut");
	CHECK_INT(f->cols[0].type, ==, CAIRN_TYPE_FLOAT);
	CHECK_INT(f->cols[1].type, ==, CAIRN_TYPE_STRING);
	CHECK_INT(f->cols[2].type, ==, CAIRN_TYPE_INT);
	CHECK_INT(f->cols[3].type, ==, CAIRN_TYPE_BOOL);
	CHECK_INT(f->cols[4].type, ==, CAIRN_TYPE_DATETIME);
	CHECK_INT(f->cols[1].ndict, ==, 2);
	CHECK_INT(f->cols[1].code[2], ==, 0);
	CHECK_INT(f->cols[2].nnull, ==, 1);
	CHECK(isnan(f->cols[2].num[1]));
	CHECK_INT(f->cols[4].nnull, ==, 1);
	CHECK(f->cols[0].num[2] == 1.0);
	cairn_frame_cell_text(f, 0, 4, &cell);
	CHECK_STR(cell.buf, "2026-01-02T00:00:00.000Z");
	CHECK_INT(cairn_frame_col(f, "price"), ==, 2);
	{
		size_t idx;
		CHECK_ERR(ctx, cairn_frame_need_col(ctx, f, "colour", &idx), CAIRN_ENOTFOUND,
			  "no column 'colour' in 'd.csv' (columns: carat, cut, price, sold, when)");
	}
out:
	cairn_buf_release(&cell);
	cairn_frame_free(f);
	cairn_ctx_free(ctx);
}

static void test_frame_writes_rows_verbatim(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_frame *f = NULL;
	cairn_buf got = CAIRN_BUF_INIT, extra = CAIRN_BUF_INIT;
	size_t rows[] = { 2, 0 };
	struct cairn_cell cells[5] = { { 0.5, NULL }, { 0, "Very, Good" }, { 400, NULL },
				       { 1, NULL }, { NAN, NULL } };
	int fd;

	CHECK_OK(ctx, cairn_frame_load_mem(ctx, csv_text, sizeof(csv_text) - 1, "d.csv", NULL, &f));
	if (!f)
		goto out;
	cairn_frame_format_row(f, cells, &extra);
	CHECK_STR(extra.buf, "0.5,\"Very, Good\",400,true,\n");
	fd = open("out.csv", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	CHECK_OK(ctx, cairn_frame_write_rows(ctx, f, rows, 2, &extra, fd));
	close(fd);
	CHECK_OK(ctx, cairn_read_file(ctx, "out.csv", &got));
	CHECK_STR(got.buf, "\"carat\",\"cut\",\"price\",\"sold\",\"when\"\n"
			   "1,\"Ideal\",327,true,\n"
			   "0.23,\"Ideal\",326,TRUE,2026-01-02\n"
			   "0.5,\"Very, Good\",400,true,\n");
out:
	cairn_buf_release(&got);
	cairn_buf_release(&extra);
	cairn_frame_free(f);
	cairn_ctx_free(ctx);
}

static void test_frame_jsonl(void)
{
	static const char text[] =
		"{\"x\": 1, \"name\": \"a\"}\n"
		"\n"
		"{\"x\": 2.5, \"name\": null, \"extra\": true}\n";
	static const char bad[] = "{\"x\": 1}\n{\"x\": }\n";
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_frame *f = NULL;

	CHECK_OK(ctx, cairn_frame_load_mem(ctx, text, sizeof(text) - 1, "d.jsonl", NULL, &f));
	if (f) {
		CHECK_INT(f->format, ==, CAIRN_FORMAT_JSONL);
		CHECK_INT(f->nrows, ==, 2);
		CHECK_INT(f->ncols, ==, 3);
		CHECK_INT(f->cols[0].type, ==, CAIRN_TYPE_FLOAT);
		CHECK_INT(f->cols[1].nnull, ==, 1);
		CHECK_INT(f->cols[2].type, ==, CAIRN_TYPE_BOOL);
		CHECK_INT(f->cols[2].nnull, ==, 1);
		cairn_frame_free(f);
	}
	f = NULL;
	CHECK_ERR(ctx, cairn_frame_load_mem(ctx, bad, sizeof(bad) - 1, "b.jsonl", NULL, &f),
		  CAIRN_EPARSE, "'b.jsonl' line 2 column");
	cairn_ctx_free(ctx);
}

const struct unit_test frame_tests[] = {
	{ "frame_csv_types_and_values", test_frame_csv_types_and_values },
	{ "frame_writes_rows_verbatim", test_frame_writes_rows_verbatim },
	{ "frame_jsonl", test_frame_jsonl },
	{ NULL, NULL }
};
