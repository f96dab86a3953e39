/*
 * Child processes that do not outlive cairn. A process that forks a child
 * to run a command or a worker calls cairn__die_with_parent() in the child,
 * between fork() and exec() (or the worker's work): if cairn is killed
 * without a word (SIGKILL, a crash), the child gets sig and stops too,
 * instead of running on with nobody to collect what it does. Used by `cairn
 * run` (track/exec.c), sweep trials (ml/sweep.c) and `data add --from-cmd`
 * (data/command.c).
 */
#ifndef CAIRN_CORE_CHILD_H
#define CAIRN_CORE_CHILD_H

#include <sys/types.h>

/* Asks the kernel to send sig to this process when its parent dies (Linux's
 * parent-death signal, kept across exec), and exits at once with status 1
 * when the parent, whose pid was parent before fork(), is already gone.
 * Async-signal-safe: fit for the child of a multi-threaded process. */
void cairn__die_with_parent(pid_t parent, int sig);

#endif
