/* Parsing of references such as name@3, name@alias and name@9f86d0; see ref.h. */
#include <string.h>
#include "cairn/error.h"
#include "cairn/ref.h"

static int is_lower(char c) { return c >= 'a' && c <= 'z'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alpha(char c) { return is_lower(c) || (c >= 'A' && c <= 'Z'); }
static int is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }

static int name_char(char c)
{
	return is_alpha(c) || is_digit(c) || c == '.' || c == '_' || c == '-';
}

static int alias_char(char c)
{
	return is_lower(c) || is_digit(c) || c == '_' || c == '-';
}

/* Checks len characters of s as a name; col is the 1-based column of s[0]. */
static int check_name(cairn_ctx *ctx, const char *what, const char *full,
		      const char *s, size_t len)
{
	if (!len)
		return cairn_error(ctx, CAIRN_EINVAL, "invalid %s '%s': the name is empty",
				   what, full);
	if (len > CAIRN_NAME_MAX)
		return cairn_error(ctx, CAIRN_EINVAL,
				   "invalid %s '%.40s...': the name is longer than %d characters",
				   what, full, CAIRN_NAME_MAX);
	if (!is_alpha(s[0]) && !is_digit(s[0]))
		return cairn_error(ctx, CAIRN_EINVAL,
				   "invalid %s '%s': a name starts with a letter or digit, not '%c' (column %d)",
				   what, full, s[0], (int)(s - full) + 1);
	for (size_t i = 1; i < len; i++)
		if (!name_char(s[i]))
			return cairn_error(ctx, CAIRN_EINVAL,
					   "invalid %s '%s': character '%c' at column %d is not allowed in a name (letters, digits, '.', '_', '-')",
					   what, full, s[i], (int)(s + i - full) + 1);
	return 0;
}

int cairn_name_check(cairn_ctx *ctx, const char *what, const char *name)
{
	return check_name(ctx, what, name, name, strlen(name));
}

int cairn_alias_check(cairn_ctx *ctx, const char *alias)
{
	size_t len = strlen(alias);

	if (!len || len > CAIRN_NAME_MAX)
		return cairn_error(ctx, CAIRN_EINVAL,
				   "invalid alias '%s': an alias has 1 to %d characters",
				   alias, CAIRN_NAME_MAX);
	if (!is_lower(alias[0]))
		return cairn_error(ctx, CAIRN_EINVAL,
				   "invalid alias '%s': an alias starts with a lower-case letter",
				   alias);
	for (size_t i = 1; i < len; i++)
		if (!alias_char(alias[i]))
			return cairn_error(ctx, CAIRN_EINVAL,
					   "invalid alias '%s': character '%c' at column %zu is not allowed (a-z, 0-9, '_', '-')",
					   alias, alias[i], i + 1);
	return 0;
}

int cairn_ref_parse(cairn_ctx *ctx, const char *s, struct cairn_ref *ref)
{
	const char *at = strchr(s, '@');
	size_t name_len = at ? (size_t)(at - s) : strlen(s);
	const char *sel;
	size_t sel_len;
	int all_digits = 1, all_hex = 1;
	int rc;

	memset(ref, 0, sizeof(*ref));
	if ((rc = check_name(ctx, "reference", s, s, name_len)))
		return rc;
	memcpy(ref->name, s, name_len);
	ref->name[name_len] = '\0';
	if (!at) {
		ref->kind = CAIRN_REF_NAME;
		return 0;
	}

	sel = at + 1;
	sel_len = strlen(sel);
	if (!sel_len)
		return cairn_error(ctx, CAIRN_EINVAL,
				   "invalid reference '%s': nothing after '@' (expected a version, alias or hash prefix)",
				   s);
	if (sel_len > CAIRN_NAME_MAX)
		return cairn_error(ctx, CAIRN_EINVAL,
				   "invalid reference '%.40s...': the part after '@' is too long", s);
	if (strchr(sel, '@'))
		return cairn_error(ctx, CAIRN_EINVAL,
				   "invalid reference '%s': more than one '@' (column %d)",
				   s, (int)(strchr(sel, '@') - s) + 1);
	memcpy(ref->selector, sel, sel_len + 1);

	for (size_t i = 0; i < sel_len; i++) {
		if (!is_digit(sel[i]))
			all_digits = 0;
		if (!is_hex(sel[i]))
			all_hex = 0;
	}

	/* Digits are a version, unless they cannot be one (a leading zero, or
	 * more than nine digits) and are long enough to be a hash prefix. */
	if (all_digits && sel[0] != '0' && sel_len <= 9) {
		int64_t v = 0;
		for (size_t i = 0; i < sel_len; i++)
			v = v * 10 + (sel[i] - '0');
		ref->kind = CAIRN_REF_VERSION;
		ref->version = v;
		return 0;
	}
	if (all_digits && sel_len < CAIRN_HASH_PREFIX_MIN)
		return cairn_error(ctx, CAIRN_EINVAL,
				   "invalid reference '%s': versions start at 1", s);
	if (all_hex && sel_len >= CAIRN_HASH_PREFIX_MIN && sel_len <= 64) {
		ref->kind = is_lower(sel[0]) && cairn_alias_check(ctx, sel) == 0 ?
			    CAIRN_REF_ALIAS : CAIRN_REF_HASH;
		ref->maybe_hash = ref->kind == CAIRN_REF_ALIAS;
		cairn_error_clear(ctx);
		return 0;
	}
	if ((rc = cairn_alias_check(ctx, sel)))
		return cairn_error(ctx, CAIRN_EINVAL,
				   "invalid reference '%s': after '@' comes a version (1, 2, ...), an alias (a-z, 0-9, '_', '-', starting with a letter) or a hash prefix (%d+ hex digits)",
				   s, CAIRN_HASH_PREFIX_MIN);
	ref->kind = CAIRN_REF_ALIAS;
	return 0;
}
