/* Who and where: user, host and process identity; see who.h. */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/who.h"

const char *cairn__current_user(void)
{
	const char *u = getenv("USER");
	struct passwd *pw;

	if (u && *u)
		return u;
	pw = getpwuid(getuid());
	return pw ? pw->pw_name : "unknown";
}

const char *cairn__current_host(void)
{
	static char host[256];

	if (!host[0] && (gethostname(host, sizeof(host) - 1) || !host[0]))
		strcpy(host, "unknown");
	return host;
}

/* Reads the first line of path into buf without its newline; 0 or -1. */
static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

int cairn__process_identity(pid_t pid, char *out, size_t outlen)
{
	char path[64], stat[1024], boot[64];
	unsigned long long start;
	const char *p;
	int field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (pid <= 0 || read_line(path, stat, sizeof(stat)))
		return -1;
	/* The command name may hold spaces and parentheses: fields resume after
	 * the last ')'. starttime is field 22; field 3 (state) follows ") ". */
	if (!(p = strrchr(stat, ')')))
		return -1;
	p++;
	for (field = 2; field < 21 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %llu", &start) != 1)
		return -1;
	/* A zombie has exited: it no longer owns anything. */
	if (strstr(stat, ") Z ") || strstr(stat, ") X "))
		return -1;
	if (read_line("/proc/sys/kernel/random/boot_id", boot, sizeof(boot)))
		strcpy(boot, "unknown-boot");
	snprintf(out, outlen, "%s/%llu", boot, start);
	return 0;
}
