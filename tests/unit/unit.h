/*
 * A small unit-test harness: each tests/unit/test-<module>.c defines static
 * test functions and one NULL-terminated list of them, named in
 * tests/unit/main.c. A failed check prints the file, the line and both
 * values, marks the test failed and carries on with the next check.
 * Every test starts in a fresh empty temporary directory (the cwd).
 */
#ifndef CAIRN_UNIT_H
#define CAIRN_UNIT_H

#include <string.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
};

void unit_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The directory the current test runs in (absolute). */
const char *unit_dir(void);

#define CHECK(cond) \
	do { if (!(cond)) unit_fail(__FILE__, __LINE__, "check failed: %s", #cond); } while (0)

#define CHECK_INT(a, op, b) \
	do { long long a_ = (long long)(a), b_ = (long long)(b); \
	     if (!(a_ op b_)) unit_fail(__FILE__, __LINE__, "%s %s %s: %lld vs %lld", \
					#a, #op, #b, a_, b_); } while (0)

#define CHECK_STR(a, b) \
	do { const char *a_ = (a), *b_ = (b); \
	     if (!a_ || !b_ || strcmp(a_, b_)) \
		unit_fail(__FILE__, __LINE__, "%s == %s: \"%s\" vs \"%s\"", #a, #b, \
			  a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } while (0)

/* expr returns a cairn error code; 0 expected, else ctx's message is shown. */
#define CHECK_OK(ctx, expr) \
	do { int rc_ = (expr); \
	     if (rc_) unit_fail(__FILE__, __LINE__, "%s failed (%d): %s", #expr, rc_, \
				cairn_errmsg(ctx)); } while (0)

/* expr must fail with code; ctx's message must contain text (when not NULL). */
#define CHECK_ERR(ctx, expr, code, text) \
	do { int rc_ = (expr); const char *t_ = (text); \
	     if (rc_ != (code)) unit_fail(__FILE__, __LINE__, "%s: code %d, expected %d (%s)", \
					  #expr, rc_, (int)(code), cairn_errmsg(ctx)); \
	     else if (t_ && !strstr(cairn_errmsg(ctx), t_)) \
		unit_fail(__FILE__, __LINE__, "%s: message \"%s\" lacks \"%s\"", #expr, \
			  cairn_errmsg(ctx), t_); } while (0)

#endif
