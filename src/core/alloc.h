/*
 * Blocks for data (a matrix, a column of a million rows), as opposed to
 * bookkeeping: like malloc(), NULL when memory is exhausted, so that the
 * caller can report it; cairn_xmalloc() (cairn/buf.h) is this, ending the
 * process instead. A block of 2 MiB or more is made of whole, aligned
 * 2 MiB pages that are advised as transparent huge pages (src/core/buf.c
 * says why), at most 2 MiB more than asked. Free with free().
 */
#ifndef CAIRN_CORE_ALLOC_H
#define CAIRN_CORE_ALLOC_H

#include <stddef.h>

void *cairn__alloc_data(size_t n);

#endif
