/* Unit tests for what a run records about where it ran: the environment
 * (src/track/sysinfo.c) and the code version's remote URL
 * (src/track/codever.c). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "cairn/buf.h"
#include "cairn/version.h"
#include "core/redact.h"
#include "tests/unit/suites.h"
#include "track/codever-internal.h"
#include "track/sysinfo-internal.h"

static const char *field(const json_t *o, const char *a, const char *b)
{
	return json_string_value(json_object_get(b ? json_object_get(o, a) : o, b ? b : a));
}

static void test_sysinfo_os_release(void)
{
	FILE *f = fopen("os-release", "w");
	json_t *o;

	CHECK(f != NULL);
	fputs("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
	      "NAME='Debian GNU/Linux'\n"
	      "VERSION_ID=\"12\"\n"
	      "ID=debian\n"
	      "HOME_URL=\"https://www.debian.org/\"\n"
	      "BROKEN LINE\n"
	      "VARIANT=\"say \\\"hi\\\"\"\n", f);
	fclose(f);
	o = cairn__sysinfo_os_release("os-release");
	CHECK_STR(field(o, "pretty_name", NULL), "Debian GNU/Linux 12 (bookworm)");
	CHECK_STR(field(o, "name", NULL), "Debian GNU/Linux");
	CHECK_STR(field(o, "version_id", NULL), "12");
	CHECK_STR(field(o, "id", NULL), "debian");
	CHECK_INT(json_object_size(o), ==, 4);
	json_decref(o);
	o = cairn__sysinfo_os_release("no-such-file");
	CHECK(json_is_null(o));
	json_decref(o);
}

static void test_sysinfo_environment(void)
{
	char *vars[] = { "OMP_NUM_THREADS=3", "AWS_SECRET_ACCESS_KEY=do-not-record",
			 "GITHUB_TOKEN=do-not-record", NULL };
	struct utsname u;
	json_t *env;

	/* The variables come from the array given, not from this process. */
	setenv("MKL_NUM_THREADS", "5", 1);
	env = cairn__sysinfo_environment(vars);
	CHECK(env != NULL);
	CHECK(uname(&u) == 0);
	CHECK_STR(field(env, "kernel", "release"), u.release);
	CHECK_STR(field(env, "kernel", "machine"), u.machine);
	CHECK_INT(json_integer_value(json_object_get(json_object_get(env, "cpu"), "cores")), ==,
		  sysconf(_SC_NPROCESSORS_ONLN));
	CHECK_INT(json_integer_value(json_object_get(env, "memory_kb")), >, 0);
	CHECK_STR(field(env, "cairn", "version"), cairn_version());
	CHECK(field(env, "cairn", "compiler") != NULL);
	CHECK_STR(field(json_object_get(env, "cairn"), "libraries", "sqlite"), cairn_sqlite_version());
	CHECK_STR(field(env, "env", "OMP_NUM_THREADS"), "3");
	CHECK(json_object_get(json_object_get(env, "env"), "AWS_SECRET_ACCESS_KEY") == NULL);
	CHECK(json_object_get(json_object_get(env, "env"), "GITHUB_TOKEN") == NULL);
	CHECK(json_object_get(json_object_get(env, "env"), "MKL_NUM_THREADS") == NULL);
	CHECK(cairn__sysinfo_env_recorded("PATH"));
	CHECK(cairn__sysinfo_env_recorded("CUDA_VISIBLE_DEVICES"));
	CHECK(!cairn__sysinfo_env_recorded("HOME_TOKEN"));
	CHECK(!cairn__sysinfo_env_recorded("PATH2"));
	json_decref(env);
	unsetenv("MKL_NUM_THREADS");
}

static void test_redact_credentials(void)
{
	static const char *const cases[][2] = {
		{ "https://user:ghp_secret@github.com/o/r.git", "https://github.com/o/r.git" },
		{ "https://token@host/r", "https://host/r" },
		{ "https://host/path@v1", "https://host/path@v1" },
		{ "ssh://git@host:22/r.git", "ssh://host:22/r.git" },
		{ "git@github.com:o/r.git", "git@github.com:o/r.git" },
		{ "/srv/git/r.git", "/srv/git/r.git" },
		{ "postgresql://u:p@db:5432/x", "postgresql://db:5432/x" },
		{ "postgresql://db/x?user=u&password=p&sslmode=require",
		  "postgresql://db/x?user=u&sslmode=require" },
		{ "postgres://db/x?password=p", "postgres://db/x" },
		{ "host=db password=p dbname=x", "host=db dbname=x" },
		{ "host=db password = 'a \\' b' sslpassword=q dbname=x", "host=db dbname=x" },
		{ "dbname=x", "dbname=x" },
		{ "data/a=b c.db", "data/a=b c.db" },
	};
	cairn_buf b = CAIRN_BUF_INIT;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cairn_buf_reset(&b);
		cairn__redact_credentials(cases[i][0], &b);
		CHECK_STR(b.buf, cases[i][1]);
	}
	cairn_buf_release(&b);
}

const struct unit_test sysinfo_tests[] = {
	{ "sysinfo_os_release", test_sysinfo_os_release },
	{ "sysinfo_environment", test_sysinfo_environment },
	{ "redact_credentials", test_redact_credentials },
	{ NULL, NULL }
};
