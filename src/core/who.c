/* Who and where: user, host and process identity; see who.h. */
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/who.h"

/* Both are read once per process and never change after that, so any
 * thread may read them. */
static char user[256], host[256];
static pthread_once_t who_once = PTHREAD_ONCE_INIT;

static void read_who(void)
{
	struct passwd pw, *found = NULL;
	char buf[4096];

	if (getpwuid_r(getuid(), &pw, buf, sizeof(buf), &found) || !found ||
	    strlen(found->pw_name) >= sizeof(user) || !found->pw_name[0])
		snprintf(user, sizeof(user), "unknown");
	else
		snprintf(user, sizeof(user), "%s", found->pw_name);
	if (gethostname(host, sizeof(host) - 1) || !host[0])
		snprintf(host, sizeof(host), "unknown");
}

const char *cairn__current_user(void)
{
	pthread_once(&who_once, read_who);
	return user;
}

const char *cairn__current_host(void)
{
	pthread_once(&who_once, read_who);
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
