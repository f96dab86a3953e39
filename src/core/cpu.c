/* The cores this process may use; see cpu.h. */
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/cpu.h"

/* The first line of path (NUL-terminated, newline dropped), or 0. */
static int read_line(const char *path, char *out, size_t size)
{
	FILE *fp = fopen(path, "re");
	int ok;

	if (!fp)
		return 0;
	ok = fgets(out, (int)size, fp) != NULL;
	fclose(fp);
	if (ok)
		out[strcspn(out, "\n")] = '\0';
	return ok;
}

/* Cores a quota allows (quota and period in the same unit), rounded up. */
static long quota_cores(long long quota, long long period)
{
	if (quota <= 0 || period <= 0)
		return 0;
	return (long)((quota + period - 1) / period);
}

/* The quota of the cgroup at dir (a directory of a cgroup file system), in
 * cores, or 0 when it has none. */
static long cgroup_quota(const char *dir, int v2)
{
	char path[4096 + 32], line[128];
	long long quota, period;

	if (v2) {
		snprintf(path, sizeof(path), "%s/cpu.max", dir);
		if (!read_line(path, line, sizeof(line)) ||
		    sscanf(line, "%lld %lld", &quota, &period) != 2)
			return 0; /* "max 100000": no quota */
		return quota_cores(quota, period);
	}
	snprintf(path, sizeof(path), "%s/cpu.cfs_quota_us", dir);
	if (!read_line(path, line, sizeof(line)) || sscanf(line, "%lld", &quota) != 1)
		return 0;
	snprintf(path, sizeof(path), "%s/cpu.cfs_period_us", dir);
	if (!read_line(path, line, sizeof(line)) || sscanf(line, "%lld", &period) != 1)
		return 0;
	return quota_cores(quota, period);
}

/* The smallest quota on the way from the process's cgroup up to the root
 * of the hierarchy mounted at root, or 0 when there is none. */
static long lowest_quota(const char *root, const char *cgroup, int v2)
{
	char dir[4096];
	long best = 0, q;
	char *slash;

	if (snprintf(dir, sizeof(dir), "%s%s", root, strcmp(cgroup, "/") ? cgroup : "") >=
	    (int)sizeof(dir))
		return 0;
	for (;;) {
		q = cgroup_quota(dir, v2);
		if (q > 0 && (best == 0 || q < best))
			best = q;
		slash = strrchr(dir, '/');
		if (!slash || (size_t)(slash - dir) < strlen(root))
			break;
		*slash = '\0';
	}
	return best;
}

/* Whether a v1 hierarchy's controller list ("cpu,cpuacct") holds cpu. */
static int has_cpu(const char *list)
{
	size_t n;

	for (; *list; list += n + (list[n] == ',')) {
		n = strcspn(list, ",");
		if (n == 3 && !strncmp(list, "cpu", 3))
			return 1;
	}
	return 0;
}

/* The quota over the process's cgroups (from /proc/self/cgroup), or 0. */
static long process_quota(void)
{
	FILE *fp = fopen("/proc/self/cgroup", "re");
	char line[4096];
	long best = 0, q;

	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp)) {
		char *controllers = strchr(line, ':'), *path;
		if (!controllers || !(path = strchr(controllers + 1, ':')))
			continue;
		*path++ = '\0';
		path[strcspn(path, "\n")] = '\0';
		controllers++;
		if (!*controllers) {
			q = lowest_quota("/sys/fs/cgroup", path, 1);
		} else if (has_cpu(controllers)) {
			char root[256];
			snprintf(root, sizeof(root), "/sys/fs/cgroup/%s", controllers);
			q = lowest_quota(root, path, 0);
		} else {
			continue;
		}
		if (q > 0 && (best == 0 || q < best))
			best = q;
	}
	fclose(fp);
	return best;
}

static int read_usable_cores(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN), quota;
	cpu_set_t set;

	if (!sched_getaffinity(0, sizeof(set), &set))
		cores = CPU_COUNT(&set);
	quota = process_quota();
	if (quota > 0 && quota < cores)
		cores = quota;
	return cores > 1 ? (int)cores : 1;
}

/* The answer is kept for a second: a server asks on every request (each
 * transform picks its thread count), and reading /proc and /sys cost it
 * more than the prediction. A changed affinity or quota shows within a
 * second. */
int cairn__usable_cores(void)
{
	static int64_t until_ms;   /* atomic, with cached */
	static int cached;
	struct timespec ts;
	int64_t now;
	int n;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	now = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (now < __atomic_load_n(&until_ms, __ATOMIC_ACQUIRE) &&
	    (n = __atomic_load_n(&cached, __ATOMIC_RELAXED)) > 0)
		return n;
	n = read_usable_cores();
	__atomic_store_n(&cached, n, __ATOMIC_RELAXED);
	__atomic_store_n(&until_ms, now + 1000, __ATOMIC_RELEASE);
	return n;
}
