/*
 * cairn_buf: a growable byte buffer for all string building (like git's strbuf).
 *
 * b->buf is never NULL and always NUL-terminated, so it can be passed to any
 * function taking a C string right after cairn_buf_init(). Memory belongs to
 * the buffer until cairn_buf_detach() hands it to the caller. Allocation
 * failure aborts the process with a message: callers never check for it.
 * Not thread-safe; a buffer belongs to one thread at a time.
 */
#ifndef CAIRN_BUF_H
#define CAIRN_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include "cairn/common.h"

CAIRN_BEGIN_DECLS

typedef struct cairn_buf {
	char *buf;
	size_t len;
	size_t alloc;
} cairn_buf;

#define CAIRN_BUF_INIT { cairn_buf_empty_, 0, 0 }
/* What CAIRN_BUF_INIT points an empty buffer at (never written). */
extern char cairn_buf_empty_[];

void cairn_buf_init(cairn_buf *b);
/* Frees the memory and leaves b empty (as after cairn_buf_init). */
void cairn_buf_release(cairn_buf *b);
/* Returns the string (caller frees it with free()) and leaves b empty. */
char *cairn_buf_detach(cairn_buf *b, size_t *len);
void cairn_buf_grow(cairn_buf *b, size_t extra);
void cairn_buf_setlen(cairn_buf *b, size_t len);
void cairn_buf_reset(cairn_buf *b);
void cairn_buf_add(cairn_buf *b, const void *data, size_t len);
void cairn_buf_adds(cairn_buf *b, const char *s);
void cairn_buf_addch(cairn_buf *b, int c);
void cairn_buf_addf(cairn_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cairn_buf_vaddf(cairn_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* Removes trailing whitespace. */
void cairn_buf_rtrim(cairn_buf *b);

/* Allocation helpers that abort on failure (used where a buffer does not fit). */
void *cairn_xmalloc(size_t n);
void *cairn_xcalloc(size_t n, size_t size);
void *cairn_xrealloc(void *p, size_t n);
char *cairn_xstrdup(const char *s);
char *cairn_xstrndup(const char *s, size_t n);

CAIRN_END_DECLS

#endif
