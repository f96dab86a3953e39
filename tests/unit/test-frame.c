/* Unit tests for loading frames and writing rows back. */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "cairn/error.h"
#include "cairn/frame.h"
#include "core/fs.h"
#include "data/frame-internal.h"
#include "tests/frame-oracle.h"
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

/* Loads text and checks the frame with frame_oracle_check() (its comment
 * says what is checked); returns 1 after reporting a disagreement, else 0. */
static int check_csv_frame(const char *label, const char *text, size_t len,
			   const struct cairn_frame_options *o)
{
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_frame *f = NULL;
	cairn_buf msg = CAIRN_BUF_INIT;
	const char *bad;
	int rc;

	rc = cairn_frame_load_mem(ctx, text, len, "t.csv", o, &f);
	bad = frame_oracle_check(text, len, "t.csv", o, rc, ctx, f, &msg);
	if (bad)
		unit_fail(__FILE__, __LINE__, "%s, header %d: %s", label, o ? o->csv.header : -1,
			  bad);
	cairn_buf_release(&msg);
	cairn_frame_free(f);
	cairn_ctx_free(ctx);
	return bad != NULL;
}

/* Each text with the header detected, then given as absent and present. */
static void check_csv_frame_all(const char *label, const char *text,
				struct cairn_frame_options *o)
{
	static const int headers[] = { -1, 0, 1 };
	struct cairn_frame_options def = { { 0, -1, 0, 0 }, CAIRN_FORMAT_CSV, 0 };

	if (!o)
		o = &def;
	for (size_t h = 0; h < 3; h++) {
		o->csv.header = headers[h];
		if (check_csv_frame(label, text, strlen(text), o))
			break;
	}
}

static void test_frame_csv_values_as_value_h(void)
{
	static const char *const texts[] = {
		/* integers, floats and the joins between them */
		"a,b,c\n1,2.5,3\n-4,5,+6\n007,-0.0,-0\n",
		"i,f\n-0,1\n-00,1.5\n+0,-0\n",           /* -0 in an integer column that turns float */
		"i\n-0\n1.5\n",
		"i\n9007199254740993\n1.5\n",                 /* beyond 2^53, then float */
		"i\n1.5\n9007199254740993\n-9007199254740995\n18014398509481985\n",
		"i\n9223372036854775807\n-9223372036854775808\n9223372036854775808\n",
		"i\n123456789012345678\n1234567890123456789\n-999999999999999999\n0.5\n",
		"i\n000000000000000000000000000000000000000000000000000000000000000000000000000000000"
		"00000000000000000000000000000000000000000000000000000009007199254740993\n1.5\n",
		"i\n-000000000000000000000000000000000000000000000000000000000000000000000000000000000"
		"0000000000000000000000000000000000000000000000000\n2\n",
		"i\n-000000000000000000000000000000000000000000000000000000000000000000000000000000000"
		"0000000000000000000000000000000000000000000000000\n2.5\n",
		/* floats of every form */
		"f\n1e308\n1e309\n-1e-320\n4.9e-324\n2.2250738585072014e-308\n1.7976931348623157e308\n",
		"f\ninf\n-Infinity\n+inf\nINF\niNfInItY\n1E5\n1e+5\n.5\n5.\n-.5\n0.000000000000000000001\n",
		"f\n3.14159265358979323846\n12345678901234567890.5\n123456789.123456789\n0.1\n",
		"f\n-0.0000\n0.0000\n-1.6020\n0.7001\n-0.0475\n1.5\n-0.0\n",
		"f\n0.5\n0.25\n0.125\n1.0625\n-2.03125\n0.5\n1.23456789\n-9999999.99999999\n",
		/* nulls, booleans, datetimes, strings */
		"a,b\nNA,1\nN/A,\nn/a,NaN\nnan,null\nNULL,None\n<NA>,#N/A\n",
		"a,b\n,\n,\n",
		"b,d\ntrue,2026-01-02\nFALSE,2026-01-02T03:04:05Z\nTrue,2024-02-29 10:00\n"
		"false,2026-01-02T03:04:05.123+01:00\n,1969-12-31T23:59:59.999Z\n",
		"b\ntrue\n1\n",
		"d\n2026-01-02\n5\n",
		"d\n2026-01-02\n2026-02-30\n",
		"s\n\"12\"\n12\n\"1.5\"\n\"true\"\n\"NA\"\nNA\n\"\"\n\" \"\n",
		"s,t\n1,x\n2,y\nx,x\n1,\"a,b\"\n3.5,\"he said \"\"hi\"\"\"\nz,\"line\nbreak\"\n",
		"s\n1\n1.5\n-0\n9007199254740993\ntrue\nx\n1\n",        /* numbers then a string */
		"s\nx\n1\nNA\nx\n2.5\n",                                /* a string from the start */
		"s\nNA\n\nx\n1\n",                                      /* nulls, then a string */
		"s\nnan1\n1.2.3\n--1\n1e\ne5\nInf1\n0x10\n\xc3\xa9\n",
		/* settings */
		"a;b\r\n1;2,5\r\n3;4\r\n",
		"a\tb\n1\t2\n3\t4",
		"1,2\n3,4\n5,6.5\n",
		"\xef\xbb\xbfx,y\n1,2\n",
		"x,y\n",
		"x\n1\n\n2\n",
		/* errors, early and late */
		"a,b\n1,2\n3\n",
		"a,b\n1,2\n3,\"4\n",
		"a,b\n1,2\n3,\xff\n",
	};
	char label[32];
	cairn_buf big = CAIRN_BUF_INIT;

	for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
		snprintf(label, sizeof(label), "text %zu", k);
		check_csv_frame_all(label, texts[k], NULL);
	}
	/* Enough rows for the column arrays to grow, with an integer column
	 * that turns float, one that turns string, and an error far down. */
	cairn_buf_adds(&big, "i,f,s,n\n");
	for (int r = 0; r < 5000; r++)
		cairn_buf_addf(&big, "%d,%d.%03d,%s,%s\n", r * 7919 % 10007 - 5000, r % 100, r % 1000,
			       r == 4000 ? "x" : r % 3 ? "1" : "2.5", r % 11 ? "" : "NA");
	cairn_buf_adds(&big, "1,2.5,x,\n");
	check_csv_frame_all("5000 rows", big.buf, NULL);
	cairn_buf_adds(&big, "1,2\n");
	check_csv_frame_all("an error after 5000 rows", big.buf, NULL);
	cairn_buf_release(&big);
}

/* The texts above and the ragged ones, read by byte ranges of a few bytes
 * in threads: the same frames, or the same errors, as in one pass (a range
 * that starts inside a quoted line break, an error in any range, a column
 * whose type differs between ranges). */
static void test_frame_csv_ranges(void)
{
	size_t saved = cairn__frame_min_range;
	struct cairn_frame_options o = { { 0, -1, 0, 0 }, CAIRN_FORMAT_CSV, 5 };
	cairn_buf big = CAIRN_BUF_INIT;
	static const char *const texts[] = {
		"a,b\n1,x\n2,y\n3,x\n4.5,z\n5,x\n6,\"q\nr\"\n7,x\n",
		"a,b\nNA,NA\nNA,NA\nNA,NA\nNA,NA\n1,x\n2,y\nNA,NA\n",
		"a,b\n1,1\n2,2\n3,3\n4,4\n5,x\n6.5,6\n7,7\n8,8\n",
		"a,b\n1,true\n2,false\n3,true\n4,7\n5,true\n",
		"a,b\n1,2026-01-02\n2,2026-01-03\n3,2026-01-04\n4,x\n",
		"i\n1\n2\n3\n9007199254740993\n5\n6\n7.5\n8\n",
		"a,b\n1,2\n3,4\n5,6\n7\n9,10\n",
		"a,b\n1,2\n3,4\n5,6\na,b\n9,10\n",
	};

	cairn__frame_min_range = 4;
	for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++)
		check_csv_frame_all("ranges", texts[k], &o);
	cairn_buf_adds(&big, "i,f,s,n,q\n");
	for (int r = 0; r < 3000; r++)
		cairn_buf_addf(&big, "%d,%d.%03d,%s,%s,%s\n", r * 7919 % 10007 - 5000, r % 100,
			       r % 1000, r == 2000 ? "x" : r % 3 ? "1" : "2.5", r % 11 ? "" : "NA",
			       r % 7 ? "\"a,b\"" : "c");
	check_csv_frame_all("3000 rows by ranges", big.buf, &o);
	cairn__frame_min_range = 100;
	check_csv_frame_all("3000 rows by ranges of 100 bytes", big.buf, &o);
	cairn__frame_min_range = saved;
	cairn_buf_release(&big);
}

static void test_frame_csv_ragged(void)
{
	struct cairn_frame_options o = { { 0, 1, 0, 1 }, CAIRN_FORMAT_CSV, 0 };
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_frame *f = NULL;
	static const char text[] = "a,b,c\n1,x,2.5\n2\n3,y,4.5,9\n";

	check_csv_frame_all("ragged", text, &o);
	/* The last column is read again (an integer -0 turns float). */
	check_csv_frame_all("ragged, read again", "a,b,c\n1,x,-0\n2\n3,y,4.5,9\n", &o);
	o.csv.header = 1;
	CHECK_OK(ctx, cairn_frame_load_mem(ctx, text, sizeof(text) - 1, "r.csv", &o, &f));
	if (f) {
		CHECK_INT(f->nrows, ==, 3);
		CHECK_INT(f->cols[1].nnull, ==, 0);
		CHECK_INT(f->cols[1].valid[1], ==, 0);
		CHECK_INT(f->cols[2].valid[1], ==, 0);
		CHECK(f->cols[2].num[2] == 4.5);
	}
	cairn_frame_free(f);
	cairn_ctx_free(ctx);
}

/* The edges that the loader's shortcuts must get right, spelled out. */
static void test_frame_csv_number_edges(void)
{
	static const char text[] =
		"negzero,wide,late,nulls,widefloat\n"
		"-0,9007199254740993,1,NA,1.5\n"
		"2,1,2,,9007199254740993\n"
		"2.5,3,x,,-0\n";
	cairn_ctx *ctx = cairn_ctx_new();
	struct cairn_frame *f = NULL;
	double d;

	CHECK_OK(ctx, cairn_frame_load_mem(ctx, text, sizeof(text) - 1, "e.csv", NULL, &f));
	if (!f)
		goto out;
	/* An integer column that turns float holds -0 as cairn_parse_float() does. */
	CHECK_INT(f->cols[0].type, ==, CAIRN_TYPE_FLOAT);
	CHECK(f->cols[0].num[0] == 0 && signbit(f->cols[0].num[0]));
	CHECK(!f->cols[0].i64);
	/* An integer column keeps integers beyond 2^53 exactly. */
	CHECK_INT(f->cols[1].type, ==, CAIRN_TYPE_INT);
	CHECK_INT(f->cols[1].i64[0], ==, 9007199254740993LL);
	CHECK(f->cols[1].num[0] == 9007199254740992.0);
	/* Strings after integers: codes in order of first appearance. */
	CHECK_INT(f->cols[2].type, ==, CAIRN_TYPE_STRING);
	CHECK_INT(f->cols[2].ndict, ==, 3);
	CHECK_STR(f->cols[2].dict[f->cols[2].code[2]], "x");
	CHECK_INT(f->cols[2].code[2], ==, 2);
	/* All nulls: a string column without values. */
	CHECK_INT(f->cols[3].type, ==, CAIRN_TYPE_STRING);
	CHECK_INT(f->cols[3].nnull, ==, 3);
	CHECK_INT(f->cols[3].ndict, ==, 0);
	CHECK(f->cols[3].dict && f->cols[3].code && !f->cols[3].num);
	/* In a float column, integers are parsed as floats. */
	CHECK_INT(f->cols[4].type, ==, CAIRN_TYPE_FLOAT);
	CHECK(cairn_parse_float("9007199254740993", 16, &d) && f->cols[4].num[1] == d);
	CHECK(f->cols[4].num[2] == 0 && signbit(f->cols[4].num[2]));
out:
	cairn_frame_free(f);
	cairn_ctx_free(ctx);
}

/* Random tables of awkward values, each column passing through one to three
 * kinds of them, in every setting. */
static void test_frame_csv_random_tables(void)
{
	static const char *const kinds[][24] = {
		{ "0", "1", "-1", "+7", "-0", "00012", "42", "-00", "9007199254740992",
		  "9007199254740993", "-9007199254740993", "9223372036854775807",
		  "-9223372036854775808", "123456789012345678", "-999999999999999999",
		  "1234567890123456789", NULL },
		{ "0.5", "-0.0", "1.25", ".5", "5.", "1e308", "1e309", "-1e-320", "4.9e-324", "inf",
		  "-Infinity", "1.7976931348623157e308", "0.1", "-0.0000", "0.7001", "-1.6020",
		  "12345678901234567890.5", "-.5", "1E5", "123456789.123456789", "9223372036854775808",
		  NULL },
		{ "", "NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "None", "<NA>", "#N/A", NULL },
		{ "true", "false", "TRUE", "False", NULL },
		{ "2026-01-02", "2026-01-02T03:04:05Z", "2024-02-29 10:00",
		  "2026-01-02T03:04:05.123+01:00", "1969-12-31T23:59:59.999Z", NULL },
		{ "abc", "\"quoted\"", "\"12\"", "\"1.5\"", "\"true\"", "\"NA\"", "\"\"", "x y",
		  "\"a,b\"", "\"line\nbreak\"", "1.2.3", "--1", "1e", "Inf1", "0x10", "\xc3\xa9",
		  NULL },
	};
	static const char delims[] = { ',', ';', '\t' };
	uint64_t x = 12345;
	cairn_buf text = CAIRN_BUF_INIT;
	char label[32];

#define NEXT() (x = x * 6364136223846793005ULL + 1442695040888963407ULL, x >> 33)
	for (int k = 0; k < 400; k++) {
		int ncols = 1 + (int)(NEXT() % 5), nrows = (int)(NEXT() % 4 ? NEXT() % 12 : NEXT() % 300);
		int phases[5][3], nphases[5], pnull[5];
		char delim = delims[NEXT() % 3];
		const char *eol = NEXT() % 3 ? "\n" : "\r\n";

		cairn_buf_reset(&text);
		for (int c = 0; c < ncols; c++) {
			nphases[c] = 1 + (int)(NEXT() % 3);
			for (int p = 0; p < nphases[c]; p++)
				phases[c][p] = (int)(NEXT() % 6);
			if (NEXT() % 2)
				phases[c][0] = (int)(NEXT() % 2); /* mostly numbers, at first */
			pnull[c] = (int)(NEXT() % 4) * 8;
			pnull[c] *= (int)(NEXT() % 4);
		}
		if (NEXT() % 4) {
			for (int c = 0; c < ncols; c++)
				cairn_buf_addf(&text, "%sc%d", c ? (char[]){ delim, 0 } : "", c);
			cairn_buf_adds(&text, eol);
		}
		for (int r = 0; r < nrows; r++) {
			for (int c = 0; c < ncols; c++) {
				int kind = phases[c][r * nphases[c] / nrows], m = 0;
				const char *v;
				if ((int)(NEXT() % 100) < pnull[c])
					kind = 2;
				while (kinds[kind][m])
					m++;
				v = kinds[kind][NEXT() % (uint64_t)m];
				if (c)
					cairn_buf_addch(&text, delim);
				if (strchr(v, delim) && v[0] != '"')
					cairn_buf_addf(&text, "\"%s\"", v);
				else
					cairn_buf_adds(&text, v);
			}
			if (r + 1 < nrows || NEXT() % 2)
				cairn_buf_adds(&text, eol);
		}
		snprintf(label, sizeof(label), "random table %d", k);
		check_csv_frame_all(label, text.buf, NULL);
	}
#undef NEXT
	cairn_buf_release(&text);
}

const struct unit_test frame_tests[] = {
	{ "frame_csv_types_and_values", test_frame_csv_types_and_values },
	{ "frame_writes_rows_verbatim", test_frame_writes_rows_verbatim },
	{ "frame_jsonl", test_frame_jsonl },
	{ "frame_csv_values_as_value_h", test_frame_csv_values_as_value_h },
	{ "frame_csv_ragged", test_frame_csv_ragged },
	{ "frame_csv_ranges", test_frame_csv_ranges },
	{ "frame_csv_number_edges", test_frame_csv_number_edges },
	{ "frame_csv_random_tables", test_frame_csv_random_tables },
	{ NULL, NULL }
};
