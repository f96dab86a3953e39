/* Unit tests for the delimited-text reader. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/csv.h"
#include "cairn/error.h"
#include "tests/unit/suites.h"

/* Reads all of text and renders the records as "a|b|c\n" lines. */
static int render(cairn_ctx *ctx, const char *text, const struct cairn_csv_options *o,
		  cairn_buf *out)
{
	const struct cairn_csv_field *f;
	cairn_csv *r;
	size_t n;
	int rc;

	if ((rc = cairn_csv_open_mem(ctx, text, strlen(text), "t.csv", o, &r)))
		return rc;
	cairn_buf_addf(out, "[%c%s]", cairn_csv_delimiter(r), cairn_csv_has_header(r) ? "H" : "");
	for (size_t i = 0; i < cairn_csv_ncols(r); i++)
		cairn_buf_addf(out, "%s%s", i ? "|" : "", cairn_csv_colname(r, i));
	cairn_buf_addch(out, '\n');
	while ((rc = cairn_csv_next(r, &f, &n)) == 1) {
		for (size_t i = 0; i < n; i++)
			cairn_buf_addf(out, "%s%s", i ? "|" : "", f[i].p);
		cairn_buf_addch(out, '\n');
	}
	cairn_csv_close(r);
	return rc < 0 ? cairn_errcode(ctx) : 0;
}

#define CHECK_RENDER(text, expected) do { \
	cairn_buf out_ = CAIRN_BUF_INIT; \
	CHECK_OK(ctx, render(ctx, text, NULL, &out_)); \
	CHECK_STR(out_.buf, expected); \
	cairn_buf_release(&out_); } while (0)

#define CHECK_PARSE_ERROR(text, o, msg) do { \
	cairn_buf out_ = CAIRN_BUF_INIT; \
	CHECK_ERR(ctx, render(ctx, text, o, &out_), CAIRN_EPARSE, msg); \
	cairn_buf_release(&out_); } while (0)

static void test_csv_rfc4180_quoting(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	CHECK_RENDER("a,b,c\n1,\"x,y\",3\n", "[,H]a|b|c\n1|x,y|3\n");
	CHECK_RENDER("a,b\n\"say \"\"hi\"\"\",2\n", "[,H]a|b\nsay \"hi\"|2\n");
	CHECK_RENDER("a,b\n\"two\nlines\",2\r\n3,4", "[,H]a|b\ntwo\nlines|2\n3|4\n");
	CHECK_RENDER("\xef\xbb\xbf" "a,b\n1,2\n", "[,H]a|b\n1|2\n");
	CHECK_RENDER("a,b\n1,\n,\n", "[,H]a|b\n1|\n|\n");
	CHECK_RENDER("a,b\n1,2\n\n3,4\n\n", "[,H]a|b\n1|2\n3|4\n");
	cairn_ctx_free(ctx);
}

static void test_csv_detects_delimiter_and_header(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	CHECK_RENDER("\"lettr\"\t\"x.box\"\n\"T\"\t2\n", "[\tH]lettr|x.box\nT|2\n");
	CHECK_RENDER("x;y\n1,5;2\n", "[;H]x|y\n1,5|2\n");
	CHECK_RENDER("1,2\n3,4\n", "[,]column_1|column_2\n1|2\n3|4\n");
	CHECK_RENDER("a,a\n1,2\n", "[,]column_1|column_2\na|a\n1|2\n");
	CHECK_RENDER("only\nvalue\n", "[,H]only\nvalue\n");
	cairn_ctx_free(ctx);
}

static void test_csv_errors_name_line_and_problem(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_csv_options small = { 0, -1, 64, 0 };
	cairn_buf big = CAIRN_BUF_INIT;

	CHECK_PARSE_ERROR("a,b,c\n1,2,3\n4,5\n", NULL, "'t.csv' line 3: 2 fields, expected 3");
	CHECK_PARSE_ERROR("a,b\n1,\"open\n2,3\n", NULL, "line 2: field 2 opens a quote that is never closed");
	CHECK_PARSE_ERROR("a,b\n1,\"x\"y\n", NULL, "line 2: field 2 has 'y' after its closing quote");
	CHECK_PARSE_ERROR("a,b\n1,\xff\xfe\n", NULL, "line 2: field 2 is not valid UTF-8");
	CHECK_PARSE_ERROR("", NULL, "'t.csv' is empty");
	CHECK_PARSE_ERROR("\xef\xbb\xbf", NULL, "'t.csv' is empty");
	cairn_buf_adds(&big, "a,b\n1,");
	for (int i = 0; i < 200; i++)
		cairn_buf_adds(&big, "xxxxxxxxxx");
	cairn_buf_adds(&big, "\n");
	CHECK_PARSE_ERROR(big.buf, &small, "line 2: the record is longer than 64 bytes");
	cairn_buf_release(&big);
	{
		const char bin[] = "a,b\n1,2\0\0\0\n";
		cairn_csv *r;
		CHECK_ERR(ctx, cairn_csv_open_mem(ctx, bin, sizeof(bin) - 1, "t.bin", NULL, &r),
			  CAIRN_EPARSE, "NUL bytes");
	}
	cairn_ctx_free(ctx);
}

static void test_csv_line_numbers_count_quoted_breaks(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	CHECK_PARSE_ERROR("a,b\n\"1\n\n\",2\n3\n", NULL, "line 5: 1 field, expected 2");
	cairn_ctx_free(ctx);
}

static void test_csv_ranges_cover_the_file_once(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	cairn_buf text = CAIRN_BUF_INIT, seq = CAIRN_BUF_INIT, par = CAIRN_BUF_INIT;
	const struct cairn_csv_field *f;
	cairn_csv *r, *part;
	size_t n;
	int fd;

	cairn_buf_adds(&text, "id,name,score\n");
	for (int i = 0; i < 5000; i++)
		cairn_buf_addf(&text, "%d,\"n%d\",%d.5\n", i, i, i % 97);
	fd = open("data.csv", O_CREAT | O_RDWR | O_TRUNC, 0644);
	CHECK(write(fd, text.buf, text.len) == (ssize_t)text.len);

	CHECK_OK(ctx, cairn_csv_open(ctx, "data.csv", NULL, NULL, &r));
	while (cairn_csv_next(r, &f, &n) == 1)
		cairn_buf_addf(&seq, "%s,%s,%s\n", f[0].p, f[1].p, f[2].p);

	/* Four ranges with arbitrary cut points; each next range must start
	 * where the previous one ended. */
	uint64_t cuts[] = { 0, 1000, 33333, 60001, text.len }, prev_end = 0;
	for (int k = 0; k < 4; k++) {
		CHECK_OK(ctx, cairn_csv_open_range(ctx, r, fd, cuts[k], cuts[k + 1], 0, &part));
		if (k)
			CHECK_INT(cairn_csv_start_offset(part), ==, prev_end);
		while (cairn_csv_next(part, &f, &n) == 1)
			cairn_buf_addf(&par, "%s,%s,%s\n", f[0].p, f[1].p, f[2].p);
		prev_end = cairn_csv_end_offset(part);
		cairn_csv_close(part);
	}
	CHECK_INT(prev_end, ==, text.len);
	CHECK_INT(seq.len, ==, par.len);
	CHECK(!strcmp(seq.buf, par.buf));
	cairn_csv_close(r);
	close(fd);
	cairn_buf_release(&text);
	cairn_buf_release(&seq);
	cairn_buf_release(&par);
	cairn_ctx_free(ctx);
}

/* Where the reader is: the line a record started on (a quoted line break
 * makes a record span lines), how many records it returned, its name. */
static void test_csv_position_accessors(void)
{
	const char *text = "a,b\n1,\"x\ny\"\n2,z\n";
	cairn_ctx *ctx = cairn_ctx_new();
	const struct cairn_csv_field *f;
	cairn_csv *r = NULL;
	size_t n;

	CHECK_OK(ctx, cairn_csv_open_mem(ctx, text, strlen(text), "pos.csv", NULL, &r));
	if (!r)
		goto out;
	CHECK_STR(cairn_csv_name(r), "pos.csv");
	CHECK_INT(cairn_csv_records(r), ==, 0);
	CHECK_INT(cairn_csv_next(r, &f, &n), ==, 1);
	CHECK_INT(cairn_csv_line(r), ==, 2);
	CHECK_INT(cairn_csv_records(r), ==, 1);
	CHECK_INT(cairn_csv_next(r, &f, &n), ==, 1);
	CHECK_INT(cairn_csv_line(r), ==, 4);
	CHECK_INT(cairn_csv_records(r), ==, 2);
	CHECK_INT(cairn_csv_next(r, &f, &n), ==, 0);
	CHECK_INT(cairn_csv_records(r), ==, 2);
out:
	cairn_csv_close(r);
	cairn_ctx_free(ctx);
}

const struct unit_test csv_tests[] = {
	{ "csv_position_accessors", test_csv_position_accessors },
	{ "csv_rfc4180_quoting", test_csv_rfc4180_quoting },
	{ "csv_detects_delimiter_and_header", test_csv_detects_delimiter_and_header },
	{ "csv_errors_name_line_and_problem", test_csv_errors_name_line_and_problem },
	{ "csv_line_numbers_count_quoted_breaks", test_csv_line_numbers_count_quoted_breaks },
	{ "csv_ranges_cover_the_file_once", test_csv_ranges_cover_the_file_once },
	{ NULL, NULL }
};
