/*
 * How many cores this process may use: the CPUs its affinity mask allows
 * (a container's cpuset, taskset), lowered to a CPU quota of its cgroup
 * when there is one (cgroup v2 cpu.max, or v1 cpu.cfs_quota_us over
 * cpu.cfs_period_us, on its own cgroup or an ancestor), rounded up. Read
 * from /proc and /sys at most once a second (the answer is kept that
 * long, for callers on a request path); at least 1. Thread-safe.
 */
#ifndef CAIRN_CORE_CPU_H
#define CAIRN_CORE_CPU_H

int cairn__usable_cores(void);

#endif
