/* The outcome of a data check recorded on the dataset version it checked
 * (a tag), and read back; see include/cairn/expect.h. */
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/error.h"
#include "cairn/expect.h"
#include "cairn/hash.h"
#include "cairn/id.h"
#include "core/oom.h"

int cairn_expect_record(cairn_ctx *ctx, const struct cairn_dataset_version *v,
			const char *suite_file, const struct cairn_suite *s, const json_t *report)
{
	const json_t *summary = json_object_get(report, "summary");
	const char *label = cairn_suite_name(s), *slash = strrchr(suite_file, '/');
	char hex[CAIRN_HEX_LEN + 1], at[32];
	cairn_buf key = CAIRN_BUF_INIT;
	json_t *rec;
	char *text;
	int rc;

	if ((rc = cairn_sha256_file(ctx, suite_file, hex)))
		return rc;
	if (!*label)
		label = slash ? slash + 1 : suite_file;
	cairn_format_time(cairn_now_ms(), at);
	rec = json_pack("{s:b, s:O, s:O, s:s, s:s, s:s}",
			"passed", json_integer_value(json_object_get(summary, "failed")) == 0,
			"failed", json_object_get(summary, "failed"),
			"expectations", json_object_get(summary, "expectations"),
			"suite_file", suite_file, "suite_sha256", hex, "checked_at", at);
	if (!rec || !(text = json_dumps(rec, JSON_COMPACT | JSON_SORT_KEYS)))
		cairn__oom(0);
	cairn_buf_addf(&key, "%s%s", CAIRN_EXPECT_TAG_PREFIX, label);
	rc = cairn_dataset_tag(ctx, v, key.buf, text);
	free(text);
	json_decref(rec);
	cairn_buf_release(&key);
	return rc;
}

json_t *cairn_expect_recorded(const struct cairn_dataset_version *v)
{
	size_t n = strlen(CAIRN_EXPECT_TAG_PREFIX);
	json_t *out = json_object(), *tag;
	const char *key;

	json_object_foreach(v->tags, key, tag) {
		json_t *rec;
		if (strncmp(key, CAIRN_EXPECT_TAG_PREFIX, n) || !json_is_string(tag))
			continue;
		rec = json_loads(json_string_value(tag), 0, NULL);
		if (json_is_object(rec))
			json_object_set_new(out, key + n, rec);
		else
			json_decref(rec);
	}
	return out;
}
