/* The unit-test runner: runs every suite listed below (or those whose test
 * names contain argv[1]), each test in a fresh temporary directory, and ends
 * with "unit: N passed, N failed". */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tests/unit/suites.h"
#include "tests/unit/unit.h"

static const struct unit_test *const suites[] = {
	UNIT_SUITES
};

static int current_failed;
static char current_dir[8192];

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "  %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	current_failed = 1;
}

const char *unit_dir(void)
{
	return current_dir;
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	int passed = 0, failed = 0;
	char top[4096];

	snprintf(top, sizeof(top), "%s/cairn-unit-XXXXXX", base);
	if (!mkdtemp(top)) {
		perror("mkdtemp");
		return 1;
	}
	unsetenv("CAIRN_DIR");
	for (size_t s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
		for (const struct unit_test *t = suites[s]; t->name; t++) {
			if (filter && !strstr(t->name, filter))
				continue;
			snprintf(current_dir, sizeof(current_dir), "%s/%s", top, t->name);
			if (mkdir(current_dir, 0777) < 0 || chdir(current_dir) < 0) {
				perror(current_dir);
				return 1;
			}
			current_failed = 0;
			t->fn();
			printf("%s %s\n", current_failed ? "not ok" : "ok", t->name);
			fflush(stdout);
			if (current_failed)
				failed++;
			else
				passed++;
		}
	}
	if (chdir("/") == 0 && !failed) {
		char cmd[4200];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", top);
	} else if (failed) {
		fprintf(stderr, "test directories kept in %s\n", top);
	}
	printf("unit: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
