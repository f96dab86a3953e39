/* The difference between two profiles; see include/cairn/report.h. */
#include <math.h>
#include <string.h>
#include "cairn/report.h"

static json_t *find_column(const json_t *profile, const char *name)
{
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(profile, "columns"), i, c)
		if (!strcmp(json_string_value(json_object_get(c, "name")), name))
			return c;
	return NULL;
}

static json_t *number(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *change(const json_t *from, const json_t *to)
{
	json_t *o = json_object();
	json_object_set(o, "from", from ? (json_t *)from : json_null());
	json_object_set(o, "to", to ? (json_t *)to : json_null());
	if (json_is_number(from) && json_is_number(to))
		json_object_set_new(o, "change", number(json_number_value(to) - json_number_value(from)));
	else
		json_object_set_new(o, "change", json_null());
	return o;
}

static double share(const json_t *col, const char *value)
{
	double count = (double)json_integer_value(json_object_get(col, "count"));
	size_t i;
	json_t *t;

	if (count <= 0)
		return 0;
	json_array_foreach(json_object_get(col, "top"), i, t)
		if (!strcmp(json_string_value(json_object_get(t, "value")), value))
			return (double)json_integer_value(json_object_get(t, "count")) / count;
	return 0;
}

/* Adds value's shares in a and b to out unless already there. */
static void add_top(json_t *out, const json_t *a, const json_t *b, const char *value)
{
	size_t i;
	json_t *t;
	double sa, sb;

	json_array_foreach(out, i, t)
		if (!strcmp(json_string_value(json_object_get(t, "value")), value))
			return;
	sa = share(a, value);
	sb = share(b, value);
	json_array_append_new(out, json_pack("{s:s, s:f, s:f, s:f}", "value", value,
					     "from_share", sa, "to_share", sb, "change", sb - sa));
}

static json_t *column_changes(const json_t *a, const json_t *b)
{
	const char *type = json_string_value(json_object_get(b, "type"));
	json_t *o = json_pack("{s:s, s:s}", "name", json_string_value(json_object_get(b, "name")),
			      "type", type);
	size_t i;
	json_t *t;

	json_object_set_new(o, "null_rate", change(json_object_get(a, "null_rate"),
						   json_object_get(b, "null_rate")));
	if (json_object_get(b, "mean") || json_object_get(a, "mean"))
		json_object_set_new(o, "mean", change(json_object_get(a, "mean"),
						      json_object_get(b, "mean")));
	if (json_object_get(b, "top") || json_object_get(a, "top")) {
		json_t *top = json_array();
		/* The ten most frequent of each side, in the order b then a ranks them. */
		json_array_foreach(json_object_get(b, "top"), i, t)
			if (i < 10)
				add_top(top, a, b, json_string_value(json_object_get(t, "value")));
		json_array_foreach(json_object_get(a, "top"), i, t)
			if (i < 10)
				add_top(top, a, b, json_string_value(json_object_get(t, "value")));
		json_object_set_new(o, "top", top);
	}
	return o;
}

json_t *cairn_profile_diff(const json_t *a, const json_t *b)
{
	json_t *out = json_object(), *added = json_array(), *removed = json_array();
	json_t *retyped = json_array(), *cols = json_array(), *c;
	size_t i;

	json_object_set_new(out, "rows", change(json_object_get(a, "rows"), json_object_get(b, "rows")));
	json_array_foreach(json_object_get(b, "columns"), i, c) {
		const char *name = json_string_value(json_object_get(c, "name"));
		const char *type = json_string_value(json_object_get(c, "type"));
		json_t *old = find_column(a, name);
		if (!old) {
			json_array_append_new(added, json_pack("{s:s, s:s}", "name", name, "type", type));
			continue;
		}
		if (strcmp(json_string_value(json_object_get(old, "type")), type))
			json_array_append_new(retyped, json_pack("{s:s, s:s, s:s}", "name", name, "from",
				json_string_value(json_object_get(old, "type")), "to", type));
		json_array_append_new(cols, column_changes(old, c));
	}
	json_array_foreach(json_object_get(a, "columns"), i, c) {
		const char *name = json_string_value(json_object_get(c, "name"));
		if (!find_column(b, name))
			json_array_append_new(removed, json_pack("{s:s, s:s}", "name", name, "type",
				json_string_value(json_object_get(c, "type"))));
	}
	json_object_set_new(out, "columns_added", added);
	json_object_set_new(out, "columns_removed", removed);
	json_object_set_new(out, "columns_retyped", retyped);
	json_object_set_new(out, "columns", cols);
	return out;
}
