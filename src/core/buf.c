/* cairn_buf: growable byte buffer; see include/cairn/buf.h. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "cairn/buf.h"
#include "core/alloc.h"
#include "core/oom.h"

char cairn_buf_empty_[1];

/* The one place libcairn writes to stderr: memory is exhausted and the
 * process ends (see docs/internals/core.md, "Out of memory"). */
_Noreturn void cairn__oom(size_t n)
{
	fprintf(stderr, "cairn: fatal: out of memory (allocating %zu bytes)\n", n);
	abort();
}

/*
 * Large blocks (a file's text, a column of a million rows, a feature
 * matrix) ask for transparent huge pages, where the system leaves that to
 * the program (THP "madvise" mode): they are filled once and then read, and
 * in a virtual machine each 4 KiB page fault is dear (loading a 150 MB CSV
 * spent a third of its time in them). Only the whole 2 MiB pages inside the
 * block are advised (cairn__alloc_data() makes a large block of whole,
 * aligned ones); the advice is a hint that may fail without harm.
 */
#define HUGE_PAGE ((uintptr_t)2 << 20)
#define HUGE_BLOCK ((size_t)2 << 20)

static void advise_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
	uintptr_t from = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	uintptr_t to = ((uintptr_t)p + n) & ~(HUGE_PAGE - 1);

	if (n >= HUGE_BLOCK && to > from)
		madvise((void *)from, to - from, MADV_HUGEPAGE);
#else
	(void)p;
	(void)n;
#endif
}

void *cairn__alloc_data(size_t n)
{
	size_t whole = (n + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
	void *p = NULL;

	if (n < HUGE_BLOCK)
		return malloc(n ? n : 1);
	if (whole < n || posix_memalign(&p, HUGE_PAGE, whole))
		return NULL;
	advise_huge(p, whole);
	return p;
}

void *cairn_xmalloc(size_t n)
{
	void *p = cairn__alloc_data(n);
	if (!p)
		cairn__oom(n);
	return p;
}

void *cairn_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		cairn__oom(n * size);
	advise_huge(p, n * size);
	return p;
}

void *cairn_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		cairn__oom(n);
	advise_huge(q, n);
	return q;
}

char *cairn_xstrdup(const char *s)
{
	return cairn_xstrndup(s, strlen(s));
}

char *cairn_xstrndup(const char *s, size_t n)
{
	char *p = cairn_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void cairn_buf_init(cairn_buf *b)
{
	b->buf = cairn_buf_empty_;
	b->len = 0;
	b->alloc = 0;
}

void cairn_buf_release(cairn_buf *b)
{
	if (b->alloc)
		free(b->buf);
	cairn_buf_init(b);
}

char *cairn_buf_detach(cairn_buf *b, size_t *len)
{
	char *s;
	if (len)
		*len = b->len;
	s = b->alloc ? b->buf : cairn_xstrdup("");
	cairn_buf_init(b);
	return s;
}

void cairn_buf_grow(cairn_buf *b, size_t extra)
{
	size_t need;
	if (extra > SIZE_MAX - b->len - 1)
		cairn__oom(SIZE_MAX);
	need = b->len + extra + 1;
	if (need <= b->alloc)
		return;
	size_t n = b->alloc ? b->alloc : 64;
	while (n < need)
		n = n < SIZE_MAX / 2 ? n * 2 : need;
	if (!b->alloc) {
		b->buf = cairn_xmalloc(n);
		b->buf[0] = '\0';
	} else {
		b->buf = cairn_xrealloc(b->buf, n);
	}
	b->alloc = n;
}

void cairn_buf_setlen(cairn_buf *b, size_t len)
{
	if (len > b->len)
		cairn_buf_grow(b, len - b->len);
	b->len = len;
	if (b->alloc)
		b->buf[len] = '\0';
}

void cairn_buf_reset(cairn_buf *b)
{
	cairn_buf_setlen(b, 0);
}

void cairn_buf_add(cairn_buf *b, const void *data, size_t len)
{
	if (!len)
		return;
	cairn_buf_grow(b, len);
	memmove(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
}

void cairn_buf_adds(cairn_buf *b, const char *s)
{
	cairn_buf_add(b, s, strlen(s));
}

void cairn_buf_addch(cairn_buf *b, int c)
{
	cairn_buf_grow(b, 1);
	b->buf[b->len++] = (char)c;
	b->buf[b->len] = '\0';
}

void cairn_buf_vaddf(cairn_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	cairn_buf_grow(b, 64);
	n = vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	if ((size_t)n >= b->alloc - b->len) {
		cairn_buf_grow(b, (size_t)n);
		n = vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, ap);
	}
	b->len += (size_t)n;
}

void cairn_buf_addf(cairn_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cairn_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void cairn_buf_rtrim(cairn_buf *b)
{
	size_t n = b->len;
	while (n && (b->buf[n - 1] == ' ' || b->buf[n - 1] == '\t' ||
		     b->buf[n - 1] == '\n' || b->buf[n - 1] == '\r'))
		n--;
	cairn_buf_setlen(b, n);
}
