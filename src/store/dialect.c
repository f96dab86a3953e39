/* The SQLite forms of the SQL constructs without a common form; see
 * src/store/dialect.h. */
#include "store/dialect.h"

char *cairn__dialect_like_case_sensitive(cairn_buf *sql, const char *like)
{
	cairn_buf b = CAIRN_BUF_INIT;

	/* GLOB's own wildcards become classes that match them literally. */
	for (const char *c = like; *c; c++) {
		switch (*c) {
		case '%': cairn_buf_addch(&b, '*'); break;
		case '_': cairn_buf_addch(&b, '?'); break;
		case '*': cairn_buf_adds(&b, "[*]"); break;
		case '?': cairn_buf_adds(&b, "[?]"); break;
		case '[': cairn_buf_adds(&b, "[[]"); break;
		default: cairn_buf_addch(&b, *c); break;
		}
	}
	cairn_buf_adds(sql, " GLOB ");
	return cairn_buf_detach(&b, NULL);
}

const char *cairn__dialect_like_case_insensitive(void)
{
	return " LIKE ";
}

void cairn__dialect_json_array_values(cairn_buf *sql, const char *param, int numeric)
{
	/* json_each gives integers as integers and strings as text. */
	(void)numeric;
	cairn_buf_addf(sql, "(SELECT value FROM json_each(%s))", param);
}

const char *cairn__dialect_insertion_order(void)
{
	return "rowid";
}
