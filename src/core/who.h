/*
 * Who and where: the user, host and process facts that records carry.
 */
#ifndef CAIRN_CORE_WHO_H
#define CAIRN_CORE_WHO_H

#include <sys/types.h>

/* The password entry's name of the real user, else "unknown" (static
 * storage). Not $USER: the library reads no environment variable. */
const char *cairn__current_user(void);
/* The host name (static storage; "unknown" when it cannot be read). */
const char *cairn__current_host(void);
/*
 * An identity for process pid that survives pid reuse: the boot id and the
 * process's start time since boot ("<boot id>/<ticks>"). 0 and the identity
 * in out (at least 64 bytes), or -1 when no such process exists.
 */
int cairn__process_identity(pid_t pid, char *out, size_t outlen);

#endif
