/* Unit tests for cairn_buf. */
#include <stdlib.h>
#include "cairn/buf.h"
#include "tests/unit/suites.h"

static void test_buf_empty_is_string(void)
{
	cairn_buf b = CAIRN_BUF_INIT;
	CHECK(b.buf != NULL);
	CHECK_STR(b.buf, "");
	CHECK_INT(b.len, ==, 0);
	cairn_buf_release(&b);
	CHECK_STR(b.buf, "");
}

static void test_buf_add_and_format(void)
{
	cairn_buf b = CAIRN_BUF_INIT;
	cairn_buf_adds(&b, "run ");
	cairn_buf_addf(&b, "%d of %s", 42, "many");
	cairn_buf_addch(&b, '!');
	CHECK_STR(b.buf, "run 42 of many!");
	CHECK_INT(b.len, ==, 15);
	cairn_buf_setlen(&b, 3);
	CHECK_STR(b.buf, "run");
	cairn_buf_release(&b);
}

static void test_buf_grows_past_first_guess(void)
{
	cairn_buf b = CAIRN_BUF_INIT;
	for (int i = 0; i < 10000; i++)
		cairn_buf_addf(&b, "%04d", i % 10000);
	CHECK_INT(b.len, ==, 40000);
	CHECK(!strncmp(b.buf + 39996, "9999", 4));
	cairn_buf_release(&b);
}

static void test_buf_detach_and_trim(void)
{
	cairn_buf b = CAIRN_BUF_INIT;
	size_t len;
	char *s;

	cairn_buf_adds(&b, "value \t\r\n");
	cairn_buf_rtrim(&b);
	s = cairn_buf_detach(&b, &len);
	CHECK_STR(s, "value");
	CHECK_INT(len, ==, 5);
	CHECK_STR(b.buf, "");
	free(s);
	s = cairn_buf_detach(&b, NULL);
	CHECK_STR(s, "");
	free(s);
}

const struct unit_test buf_tests[] = {
	{ "buf_empty_is_string", test_buf_empty_is_string },
	{ "buf_add_and_format", test_buf_add_and_format },
	{ "buf_grows_past_first_guess", test_buf_grows_past_first_guess },
	{ "buf_detach_and_trim", test_buf_detach_and_trim },
	{ NULL, NULL }
};
