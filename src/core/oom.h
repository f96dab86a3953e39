/*
 * Out of memory inside libcairn: allocations of bookkeeping size go through
 * cairn_xmalloc() and friends (cairn/buf.h), which end here; so does a
 * library (jansson) that reports exhaustion by returning NULL. Prints one
 * line to stderr and aborts.
 */
#ifndef CAIRN_CORE_OOM_H
#define CAIRN_CORE_OOM_H

#include <stddef.h>

_Noreturn void cairn__oom(size_t n);

#endif
