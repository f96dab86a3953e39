/* Column profiles in one streaming pass, mergeable across threads; see
 * include/cairn/profile.h and docs/internals/profile.md.
 *
 * A column first counts its values by text, exactly, while it has at most
 * MAX_CATEGORIES distinct texts. Those counts are then all it keeps: a text
 * seen before costs a table lookup and an increment (it is neither parsed
 * nor classified again: its type is already in the column's), and the
 * numeric summaries come at the end from the distinct values and their
 * counts. A column with more distinct texts is "over": from then on each
 * value is parsed (with the parser its type calls for first) into running
 * sums, a quantile sketch and a HyperLogLog sketch (numbers), or hashed into
 * HyperLogLog and heavy hitters (strings). The decimals of an over column
 * that have as many digits after the point as the column's last one (most
 * of them) are counted by value instead (see dec in struct pcol), which they
 * join at the end: exactly, and each distinct value hashed once.
 *
 * add_record() takes a record's fields a mode at a time (see struct
 * cairn_profiler), so that each loop is short and the hot paths inline.
 */
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cairn/error.h"
#include "cairn/id.h"
#include "cairn/profile.h"
#include "cairn/value.h"
#include "core/cpu.h"
#include "core/strmap.h"
#include "data/fastnum.h"
#include "data/hll.h"
#include "data/profile-internal.h"
#include "data/sketch.h"
#include "data/topk.h"

#define MAX_CATEGORIES CAIRN_PROFILE_MAX_CATEGORIES
#define EXACT_ROWS CAIRN_PROFILE_EXACT_ROWS
#define TOP_N 50
#define NBINS 20
#define MAX_THREADS 64
#define FOLD_ROWS 4096 /* rows between folds of the running moments */
#define NUM_LENS 32 /* numbers shorter than this are counted by length */
#define DEC_RANGE (1 << 18) /* see dec in struct pcol */
#define DEC_SIZE (2 * DEC_RANGE)
#define DEC_BYTES (DEC_SIZE * (1 + sizeof(uint32_t))) /* the low bytes, then the rest */

size_t cairn__profile_min_range = (size_t)1 << 20;

/* --- exact counts per text --------------------------------------------- */

/* One distinct text and its count (32 bytes). A text of 1 to 16 bytes is
 * told apart from any other by two words (text_key), so that finding it
 * needs neither a byte hash nor a memcmp; a longer one by its hash, then its
 * bytes. */
struct cat {
	uint64_t a, b;     /* text_key() */
	uint64_t count;
	uint64_t unused;   /* a power-of-two size makes the lookup cheaper */
};

#define SHORT_KEY (1ULL << 62) /* in b of texts of up to 8 bytes, with the length */
#define LONG_KEY (~0ULL)       /* b of texts of more than 16 bytes */
#define MARKER (1ULL << 63) /* in b: the text is a null marker when unquoted */

struct cattext {
	size_t off;        /* the text, NUL-terminated, at keys + off */
	size_t len;
	double d;          /* its value, when kind is not 0 */
	int64_t i;
	int kind;          /* 0: not a number; 1: a number; 2: an integer (i) */
};

/* The distinct texts of a column in order of first appearance, found through
 * an open-addressing table. The texts live in one growing arena: no
 * allocation per text. */
struct cattab {
	struct cat *e;
	struct cattext *text;  /* per entry */
	uint32_t n, cap;
	uint32_t *slots;   /* entry + 1; 0 when empty */
	uint32_t mask;
	int shift;         /* 64 - log2(number of slots) */
	char *keys;
	size_t keys_len, keys_cap;
};

#define CAT_SLOTS0 64
#define BIG_TABLE 1024 /* texts from which a table makes room for all */

static void cattab_init(struct cattab *t)
{
	memset(t, 0, sizeof(*t));
	t->slots = cairn_xcalloc(CAT_SLOTS0, sizeof(*t->slots));
	t->mask = CAT_SLOTS0 - 1;
	t->shift = 64 - 6;
}

static void cattab_release(struct cattab *t)
{
	free(t->e);
	free(t->text);
	free(t->slots);
	free(t->keys);
	memset(t, 0, sizeof(*t));
}

static inline const char *cat_key(const struct cattab *t, const struct cat *e)
{
	return t->keys + t->text[e - t->e].off;
}

static inline size_t cat_len(const struct cattab *t, const struct cat *e)
{
	return t->text[e - t->e].len;
}

/* The bytes of s[0..len) as a word, the first in its low byte, zeros above
 * (1 <= len <= 8; the loads overlap, none reads outside the text). */
static inline uint64_t text_word(const char *s, size_t len)
{
	if (len >= 4)
		return cairn__load4(s) | (uint64_t)cairn__load4(s + len - 4) << (8 * (len - 4));
	return (uint64_t)(unsigned char)s[0] |
	       (uint64_t)(unsigned char)s[len >> 1] << (8 * (len >> 1)) |
	       (uint64_t)(unsigned char)s[len - 1] << (8 * (len - 1));
}

/* A word that tells a text of 1 to 8 bytes apart from any other of its
 * length (constant shifts; the loads overlap, none reads outside the text). */
static inline uint64_t short_word(const char *s, size_t len)
{
	if (len >= 4)
		return cairn__load4(s) | (uint64_t)cairn__load4(s + len - 4) << 32;
	return (uint64_t)(unsigned char)s[0] | (uint64_t)(unsigned char)s[len >> 1] << 8 |
	       (uint64_t)(unsigned char)s[len - 1] << 16;
}

/* Two words that tell a text apart from any other: up to 8 bytes,
 * short_word() and its length with SHORT_KEY; 9 to 16 bytes, the first 8 and
 * the rest as a word (zeros above: texts hold no NUL byte); longer, its hash
 * and LONG_KEY, and then its bytes must be compared. The rest of a text of 9
 * to 16 bytes is neither a SHORT_KEY (which has NUL bytes) nor LONG_KEY
 * (eight 0xff bytes, not UTF-8). */
static inline void text_key(const char *s, size_t len, uint64_t *a, uint64_t *b)
{
	if (len - 1 < 8) {
		*a = short_word(s, len);
		*b = len | SHORT_KEY;
	} else if (len - 1 < 16) {
		*a = text_word(s, 8);
		*b = text_word(s + 8, len - 8);
	} else {
		*a = cairn_hash_bytes(s, len, 0);
		*b = LONG_KEY;
	}
}

/* text_key(), with the mark of null markers (which only quoted values can
 * be), so that the fast path never takes an unquoted one for a value. */
static void marked_key(const char *s, size_t len, uint64_t *a, uint64_t *b)
{
	text_key(s, len, a, b);
	if (cairn_value_is_null(s, len, 0))
		*b |= MARKER;
}

static inline uint32_t cat_slot(const struct cattab *t, uint64_t a, uint64_t b)
{
	return (uint32_t)(((a ^ (b << 32 | b >> 32)) * 0x9e3779b97f4a7c15ULL) >> t->shift);
}

/* The entry of s, or NULL and in *slot the empty slot where it would go. */
static inline struct cat *cat_find(const struct cattab *t, const char *s, size_t len, uint64_t a,
				   uint64_t b, uint32_t *slot)
{
	for (uint32_t i = cat_slot(t, a, b);; i = (i + 1) & t->mask) {
		uint32_t k = t->slots[i];
		struct cat *e;
		if (!k) {
			*slot = i;
			return NULL;
		}
		e = &t->e[k - 1];
		if (e->a == a && e->b == b &&
		    (b != LONG_KEY || (cat_len(t, e) == len && !memcmp(cat_key(t, e), s, len))))
			return e;
	}
}

/* More slots, keeping them at most half full: twice as many, or as many as
 * MAX_CATEGORIES texts need once a column has many distinct texts (it will
 * likely reach the limit; one rehash instead of five). */
static void cat_grow(struct cattab *t)
{
	size_t size = 2 * ((size_t)t->mask + 1);

	if (t->n >= BIG_TABLE)
		while (size < 2 * (MAX_CATEGORIES + 1))
			size *= 2;

	free(t->slots);
	t->slots = cairn_xcalloc(size, sizeof(*t->slots));
	t->mask = (uint32_t)size - 1;
	t->shift = 64 - __builtin_ctzll(size);
	for (uint32_t k = 0; k < t->n; k++) {
		const struct cat *e = &t->e[k];
		uint32_t i = cat_slot(t, e->a, e->b);
		while (t->slots[i])
			i = (i + 1) & t->mask;
		t->slots[i] = k + 1;
	}
}

/* Adds s with its count at slot (from cat_find); returns its text. */
static struct cattext *cat_insert(struct cattab *t, const char *s, size_t len, uint64_t a,
				  uint64_t b, uint32_t slot, uint64_t count)
{
	struct cattext *text;

	if (t->n == t->cap) { /* as for the slots: at BIG_TABLE, room for all */
		t->cap = !t->cap ? 64 : t->cap >= BIG_TABLE ? 2 * t->cap :
			 t->cap * 2 >= BIG_TABLE ? MAX_CATEGORIES + 1 : 2 * t->cap;
		t->e = cairn_xrealloc(t->e, t->cap * sizeof(*t->e));
		t->text = cairn_xrealloc(t->text, t->cap * sizeof(*t->text));
	}
	if (t->keys_len + len + 1 > t->keys_cap) {
		t->keys_cap = 4 * t->keys_cap > t->keys_len + len + 1 ? 4 * t->keys_cap :
			      t->keys_len + len + 1 + 1024;
		t->keys = cairn_xrealloc(t->keys, t->keys_cap);
	}
	memcpy(t->keys + t->keys_len, s, len);
	t->keys[t->keys_len + len] = '\0';
	t->e[t->n] = (struct cat){ a, b, count, 0 };
	text = &t->text[t->n];
	*text = (struct cattext){ t->keys_len, len, 0, 0, 0 };
	t->keys_len += len + 1;
	t->slots[slot] = ++t->n;
	if (2 * (size_t)t->n > (size_t)t->mask + 1)
		cat_grow(t);
	return text;
}

/* --- columns ------------------------------------------------------------ */

enum { KEY_TEXT, KEY_DOUBLE, KEY_INT }; /* category keys: texts, or (frames) values' bytes */

/* What a value of a column goes to: the one test on the hot path. */
enum {
	MODE_COUNT,    /* not over: the counts per text */
	MODE_NUMBER,   /* over, integer or float: the fast parsers first */
	MODE_STRING,   /* over, strings */
	MODE_OTHER,    /* over, booleans and datetimes */
};

struct pcol {
	char *name;
	enum cairn_type type;   /* the join of the types of the values so far */
	int keys;               /* KEY_*: what the category keys are */
	uint64_t nulls;
	uint64_t count;         /* rows - nulls: set when the profile is made */
	int over;               /* more than MAX_CATEGORIES distinct texts */
	int mode;               /* MODE_*, from over and type */
	int fd;                 /* digits after the point of the last decimal (1-8; 0: none) */
	struct cattab cats;     /* not over: every value, counted by text */
	/* over, numeric types, over the finite values */
	uint64_t n, ninf;       /* finite values folded into mean and m2; infinities */
	uint64_t nneginf;       /* of which -inf */
	double mean, m2;        /* running mean and sum of squared deviations */
	uint64_t bn;            /* values in the current block */
	double shift, bs1, bs2; /* the block's sums of d - shift and (d - shift)² */
	double min, max;
	int64_t imin, imax;     /* integers, exactly */
	struct cairn__qsketch qs;
	/* Over, integer or float: the decimals that the fast path took, counted
	 * by value. A decimal m / 10^fd (-DEC_RANGE <= m < DEC_RANGE) is counted
	 * at i = m + DEC_RANGE and nowhere else until dec_flush() moves the
	 * counts into the sums, the sketches and min and max (each distinct value
	 * once, exactly, in order): an increment per value instead of sums, a
	 * sketch and a hash. The low byte of each count is dec[fd][i], the rest
	 * dec_high(dec[fd])[i], which a low byte carries into once in 256: the
	 * bytes the hot path touches stay few and in cache. Of the address space
	 * (2.5 MiB for each fd) only the pages of the values seen are touched. */
	uint8_t *dec[9];
	int dec_high_used[9];   /* dec_high(dec[fd]) has a count */
	/* over, every type */
	struct cairn__hll *hll;
	struct cairn__topk *topk;         /* string columns */
	uint64_t numlen[NUM_LENS];        /* numbers by length, not yet in len_* */
	uint64_t len_n, len_sum, len_min, len_max;
	unsigned *modes;                  /* the profiler's count of mode and fd changes */
};

struct cairn_profiler {
	size_t ncols;
	uint64_t rows;
	struct pcol *cols;
	/* The columns by mode, so that each mode's loop over a record is tight:
	 * first MODE_NUMBER, by fd (0 to 8, nfd[fd] of each), then ncount of
	 * MODE_COUNT, then the others. Made again when modes != plan_modes
	 * (which counts the changes of mode and fd). */
	uint32_t *order;
	size_t nfd[9], ncount;
	int fds[9], nfds;       /* the values of fd with columns, in order */
	unsigned modes, plan_modes;
};

/* The counts of dec (see struct pcol), all zeros: straight from the kernel,
 * whose zero pages cost nothing until written (calloc() may clear them by
 * hand) and which only the values seen touch. */
static uint8_t *dec_new(void)
{
	void *p = mmap(NULL, DEC_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void dec_free(uint8_t *p)
{
	if (p)
		munmap(p, DEC_BYTES);
}

/* The counts but for their low bytes (in units of 256). */
static inline uint32_t *dec_high(uint8_t *dec)
{
	return (uint32_t *)(void *)(dec + DEC_SIZE);
}

struct cairn_profiler *cairn_profiler_new(size_t ncols, const char *const *names)
{
	struct cairn_profiler *p = cairn_xcalloc(1, sizeof(*p));

	p->ncols = ncols;
	p->cols = cairn_xcalloc(ncols ? ncols : 1, sizeof(*p->cols));
	p->order = cairn_xcalloc(ncols ? ncols : 1, sizeof(*p->order));
	p->modes = 1; /* no plan yet */
	for (size_t c = 0; c < ncols; c++) {
		struct pcol *col = &p->cols[c];
		col->name = cairn_xstrdup(names[c]);
		col->min = INFINITY;
		col->max = -INFINITY;
		col->imin = INT64_MAX;
		col->imax = INT64_MIN;
		col->len_min = UINT64_MAX;
		col->modes = &p->modes;
		cairn__qsketch_init(&col->qs);
		cattab_init(&col->cats);
	}
	return p;
}

void cairn_profiler_free(struct cairn_profiler *p)
{
	if (!p)
		return;
	for (size_t c = 0; c < p->ncols; c++) {
		struct pcol *col = &p->cols[c];
		free(col->name);
		cairn__qsketch_release(&col->qs);
		cattab_release(&col->cats);
		free(col->hll);
		cairn__topk_free(col->topk);
		for (int fd = 1; fd <= 8; fd++)
			dec_free(col->dec[fd]);
	}
	free(p->cols);
	free(p->order);
	free(p);
}

/* --- values ------------------------------------------------------------ */

/* Whether a non-empty unquoted text may be a null marker: every marker has
 * at most four characters and starts with one of these four. */
static inline int maybe_null(const char *s, size_t len)
{
	return len <= 4 && (s[0] == 'N' || s[0] == 'n' || s[0] == '<' || s[0] == '#');
}

/* cairn_value_is_null() with the common answer first. */
static inline int is_null(const char *s, size_t len, int quoted)
{
	if (!len)
		return 1;
	return !quoted && maybe_null(s, len) && cairn_value_is_null(s, len, 0);
}

/* cairn_value_type() of an unquoted non-null value, keeping what the
 * parsers read. */
static enum cairn_type classify(const char *s, size_t len, double *d, int64_t *i)
{
	int b;

	if (cairn_parse_int(s, len, i)) {
		*d = (double)*i;
		return CAIRN_TYPE_INT;
	}
	if (cairn_parse_float(s, len, d))
		return CAIRN_TYPE_FLOAT;
	if (cairn_parse_bool(s, len, &b)) {
		*d = b;
		return CAIRN_TYPE_BOOL;
	}
	if (len >= 10 && cairn_parse_datetime(s, len, i)) {
		*d = (double)*i;
		return CAIRN_TYPE_DATETIME;
	}
	return CAIRN_TYPE_STRING;
}

/* The HyperLogLog hash of a number (its value: -0 must be 0 already). */
static inline uint64_t hash_number(double d)
{
	uint64_t u;
	memcpy(&u, &d, sizeof(u));
	return cairn__hash64(u);
}

static inline uint64_t hash_text(const char *s, size_t len)
{
	return cairn_hash_bytes(s, len, 0);
}

static uint64_t char_len(const char *s, size_t len)
{
	uint64_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

static void add_length(struct pcol *c, uint64_t len, uint64_t times)
{
	c->len_n += times;
	c->len_sum += len * times;
	if (len < c->len_min)
		c->len_min = len;
	if (len > c->len_max)
		c->len_max = len;
}

/* Moves the counts of numbers by length into the length summary. */
static void fold_lengths(struct pcol *c)
{
	for (uint64_t len = 0; len < NUM_LENS; len++) {
		if (c->numlen[len])
			add_length(c, len, c->numlen[len]);
		c->numlen[len] = 0;
	}
}

/* The value of a category key of a numeric column (*i and 1 for integers);
 * -1 when it has none (cannot happen: every key parsed as the column's type). */
static int key_number(const struct pcol *c, const char *key, size_t len, double *d, int64_t *i)
{
	int b, k = 0;

	if (c->keys == KEY_DOUBLE) {
		memcpy(d, key, sizeof(*d));
		*d += 0.0;
		return 0;
	}
	if (c->keys == KEY_INT) {
		memcpy(i, key, sizeof(*i));
		*d = (double)*i;
		return 1;
	}
	switch (c->type) {
	case CAIRN_TYPE_INT:
	case CAIRN_TYPE_FLOAT:
		k = cairn__fast_number(key, len, i, d);
		if (k == CAIRN__NUM_INT)
			return 1;
		if (k == CAIRN__NUM_FLOAT)
			break;
		if (cairn_parse_int(key, len, i)) {
			*d = (double)*i;
			return 1;
		}
		if (!cairn_parse_float(key, len, d))
			return -1;
		break;
	case CAIRN_TYPE_BOOL:
		if (!cairn_parse_bool(key, len, &b))
			return -1;
		*d = b;
		break;
	case CAIRN_TYPE_DATETIME:
		if (!cairn_parse_datetime(key, len, i))
			return -1;
		*d = (double)*i;
		break;
	default:
		return -1;
	}
	*d += 0.0;
	return 0;
}

/* --- numbers of over columns -------------------------------------------- */

/* Chan et al.'s update of (n, mean, m2) with another part's (nb, mb, m2b). */
static void chan_update(struct pcol *c, uint64_t nb, double mb, double m2b)
{
	uint64_t n = c->n + nb;
	double delta = mb - c->mean;

	c->mean += delta * ((double)nb / (double)n);
	c->m2 += m2b + delta * delta * ((double)c->n * (double)nb / (double)n);
	c->n = n;
}

/* Welford's algorithm, one block at a time: within a block (the values of
 * FOLD_ROWS rows), sums of the deviations from a shift (the running mean, so
 * they stay small), folded in with Chan's update. As stable as
 * value-by-value Welford without a division or a test per value. */
static void fold_block(struct pcol *c)
{
	double nb = (double)c->bn;

	if (c->bn)
		chan_update(c, c->bn, c->shift + c->bs1 / nb, c->bs2 - c->bs1 * c->bs1 / nb);
	c->bn = 0;
	c->bs1 = c->bs2 = 0;
	c->shift = c->mean;
}

static inline void add_int(struct pcol *c, int64_t i)
{
	c->imin = i < c->imin ? i : c->imin;
	c->imax = i > c->imax ? i : c->imax;
}

/* A finite number (+0 for -0) of an over column. */
static inline __attribute__((always_inline)) void add_finite(struct pcol *c, double d)
{
	double delta;

	c->min = d < c->min ? d : c->min;
	c->max = d > c->max ? d : c->max;
	delta = d - c->shift;
	c->bs1 += delta;
	c->bs2 += delta * delta;
	c->bn++;
	cairn__qsketch_add(&c->qs, d);
	cairn__hll_add(c->hll, hash_number(d));
}

/* The digits after the point of the decimals the fast path expects (see
 * dec in struct pcol). Without memory for the counts, decimals of fd digits
 * have no fast path. */
static void set_fd(struct pcol *c, int fd)
{
	(*c->modes)++;
	if (c->over && fd && !c->dec[fd] && !(c->dec[fd] = dec_new()))
		fd = 0;
	c->fd = fd;
}

/* Numbers counted by value (v ascending, w[i] of v[i]; |v| < DEC_RANGE, so
 * no sum overflows) join the summaries of an over column: each distinct one
 * hashed once, the moments in two passes, the sketch as weighted values. */
static void add_counted(struct pcol *c, const double *v, const uint64_t *w, size_t k)
{
	uint64_t n = 0;
	double sum = 0, mean, m2 = 0;

	if (!k)
		return;
	/* (the counts below 2^63: signed conversions, one instruction each) */
	for (size_t i = 0; i < k; i++) {
		cairn__hll_add(c->hll, hash_number(v[i]));
		n += w[i];
		sum += v[i] * (double)(int64_t)w[i];
	}
	mean = sum / (double)n;
	for (size_t i = 0; i < k; i++)
		m2 += (v[i] - mean) * (v[i] - mean) * (double)(int64_t)w[i];
	c->min = v[0] < c->min ? v[0] : c->min;
	c->max = v[k - 1] > c->max ? v[k - 1] : c->max;
	chan_update(c, n, mean, m2);
	cairn__qsketch_add_counts(&c->qs, v, w, k);
}

/* Whether the 16 counts of dec[fd] from i are all 0 (one test for 16: most
 * are). */
static inline int dec_zero16(const struct pcol *c, int fd, size_t i)
{
	typedef uint32_t u32x4 __attribute__((vector_size(16)));
	uint64_t lo[2], h[2];
	u32x4 x[4], o;

	memcpy(lo, c->dec[fd] + i, sizeof(lo));
	if (lo[0] | lo[1])
		return 0;
	if (!c->dec_high_used[fd])
		return 1;
	memcpy(x, dec_high(c->dec[fd]) + i, sizeof(x));
	o = x[0] | x[1] | x[2] | x[3];
	memcpy(h, &o, sizeof(h));
	return !(h[0] | h[1]);
}

/* The count at i of dec[fd], which is then 0. */
static inline uint64_t dec_take(struct pcol *c, int fd, size_t i)
{
	uint64_t n = c->dec[fd][i];

	c->dec[fd][i] = 0;
	if (c->dec_high_used[fd]) { /* (else its pages stay untouched) */
		n += (uint64_t)dec_high(c->dec[fd])[i] << 8;
		dec_high(c->dec[fd])[i] = 0;
	}
	return n;
}

/* The decimal that dec[fd][i] counts: the very double cairn__fast_decimal()
 * made. */
static double dec_value(int fd, size_t i)
{
	static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8 };

	return (double)((int64_t)i - DEC_RANGE) / pow10[fd];
}

/* Counts times more of the decimal at i of dec[fd]; what would pass 2^40 -
 * 1 joins the summaries now. */
static void dec_add(struct pcol *c, int fd, size_t i, uint64_t times)
{
	uint8_t *lo = c->dec[fd];
	uint32_t *hi = dec_high(lo);
	uint64_t sum = lo[i] + times, high = hi[i] + (sum >> 8);

	if (high >> 32) {
		double v = dec_value(fd, i);
		uint64_t w = high >> 32 << 40;
		add_counted(c, &v, &w, 1);
	}
	lo[i] = (uint8_t)sum;
	hi[i] = (uint32_t)high;
	if (high)
		c->dec_high_used[fd] = 1;
}

/* The low byte of a count of dec went past 255 (to 0). */
static __attribute__((noinline, cold)) void dec_carry(struct pcol *c, int fd, size_t i)
{
	dec_add(c, fd, i, 256);
}

/* Moves the counts of dec into the summaries (and clears them). */
static void dec_flush(struct pcol *c)
{
	double *v = NULL;
	uint64_t *w = NULL;

	for (int fd = 1; fd <= 8; fd++) {
		size_t k = 0;
		if (!c->dec[fd])
			continue;
		if (!v) { /* room for every count (untouched room costs nothing) */
			v = cairn_xmalloc(DEC_SIZE * sizeof(*v));
			w = cairn_xmalloc(DEC_SIZE * sizeof(*w));
		}
		for (size_t i = 0; i < DEC_SIZE; i += 16) {
			if (dec_zero16(c, fd, i))
				continue;
			for (size_t j = i; j < i + 16; j++) {
				if ((w[k] = dec_take(c, fd, j)))
					v[k++] = dec_value(fd, j);
			}
		}
		c->dec_high_used[fd] = 0;
		add_counted(c, v, w, k);
	}
	free(v);
	free(w);
}

static void count_length(struct pcol *c, size_t len)
{
	if (len < NUM_LENS)
		c->numlen[len]++;
	else
		add_length(c, len, 1);
}

/* Any number of an over column; len is its text's (0 for frames). */
static void add_number(struct pcol *c, double d, int64_t i, int is_int, size_t len)
{
	d += 0.0; /* -0 is 0 */
	if (is_int)
		add_int(c, i);
	if (isfinite(d)) {
		add_finite(c, d);
	} else {
		c->ninf++;
		c->nneginf += d < 0;
		cairn__hll_add(c->hll, hash_number(d));
	}
	if (c->keys == KEY_TEXT)
		count_length(c, len);
}

/* A string of an over string column. */
static void add_string_over(struct pcol *c, const char *s, size_t len)
{
	uint64_t h = hash_text(s, len);

	cairn__hll_add(c->hll, h);
	cairn__topk_add(c->topk, s, len, h, 1);
	add_length(c, char_len(s, len), 1);
}

static void set_mode(struct pcol *c)
{
	(*c->modes)++;
	if (!c->over)
		c->mode = MODE_COUNT;
	else if (c->type == CAIRN_TYPE_STRING)
		c->mode = MODE_STRING;
	else if (c->type == CAIRN_TYPE_INT || c->type == CAIRN_TYPE_FLOAT)
		c->mode = MODE_NUMBER;
	else
		c->mode = MODE_OTHER;
}

/* The column turns out to hold strings: numeric summaries no longer apply.
 * A column not over keeps its counts per text, numbers included. */
static void widen(struct pcol *c)
{
	c->type = CAIRN_TYPE_STRING;
	set_mode(c);
	if (!c->over)
		return;
	dec_flush(c); /* their distinct values, for the count */
	cairn__qsketch_release(&c->qs);
	fold_lengths(c);
	if (!c->topk)
		c->topk = cairn__topk_new(); /* the values so far are not in it */
}

/* --- from counts per text to sketches ------------------------------------ */

struct entry {
	const char *key;
	size_t len;
	uint64_t count;
};

static int by_count(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	c = memcmp(x->key, y->key, n);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

/* The exact category counts, most frequent first (free() the array). */
static struct entry *sorted_categories(const struct pcol *c)
{
	const struct cattab *t = &c->cats;
	struct entry *e = cairn_xmalloc((t->n ? t->n : 1) * sizeof(*e));

	for (uint32_t k = 0; k < t->n; k++)
		e[k] = (struct entry){ cat_key(t, &t->e[k]), cat_len(t, &t->e[k]), t->e[k].count };
	qsort(e, t->n, sizeof(*e), by_count);
	return e;
}

/* A distinct number of a numeric column and how often it was seen. */
struct numval {
	double d;
	int64_t i;
	int is_int;
	uint64_t count;
};

/* The numbers of the category keys, in the order of the keys. */
static struct numval *key_numbers(const struct pcol *c)
{
	const struct cattab *t = &c->cats;
	struct numval *v = cairn_xmalloc((t->n ? t->n : 1) * sizeof(*v));

	for (uint32_t k = 0; k < t->n; k++) {
		const struct cattext *x = &t->text[k];
		v[k].i = 0;
		if (x->kind) { /* parsed when first seen */
			v[k].d = x->d;
			v[k].i = x->i;
			v[k].is_int = x->kind == 2;
		} else {
			v[k].is_int = key_number(c, cat_key(t, &t->e[k]), x->len, &v[k].d,
						  &v[k].i) == 1;
		}
		v[k].count = t->e[k].count;
	}
	return v;
}

/* Sorts v[0..k) by value: an LSD radix sort, a byte at a time, of the bits
 * of the doubles made unsigned in the same order (20 times faster than
 * qsort() for the numbers of 10,000 distinct texts). Equal values keep their
 * order; NaN (from texts such as "nan(1)") go to either end. */
static void sort_by_value(struct numval *v, size_t k)
{
	uint64_t *key = cairn_xmalloc(2 * (k ? k : 1) * sizeof(*key)), *tk = key + k;
	uint32_t *idx = cairn_xmalloc(2 * (k ? k : 1) * sizeof(*idx)), *ti = idx + k;
	struct numval *out;

	for (size_t i = 0; i < k; i++) {
		uint64_t u;
		memcpy(&u, &v[i].d, sizeof(u));
		key[i] = u ^ ((uint64_t)((int64_t)u >> 63) | (1ULL << 63));
		idx[i] = (uint32_t)i;
	}
	for (int shift = 0; shift < 64 && k; shift += 8) {
		uint32_t cnt[256] = { 0 }, pos = 0;
		uint64_t *sk;
		uint32_t *si;
		for (size_t i = 0; i < k; i++)
			cnt[(key[i] >> shift) & 255]++;
		if (cnt[(key[0] >> shift) & 255] == k)
			continue; /* a byte all keys share */
		for (int b = 0; b < 256; b++) {
			uint32_t m = cnt[b];
			cnt[b] = pos;
			pos += m;
		}
		for (size_t i = 0; i < k; i++) {
			uint32_t at = cnt[(key[i] >> shift) & 255]++;
			tk[at] = key[i];
			ti[at] = idx[i];
		}
		sk = key, key = tk, tk = sk;
		si = idx, idx = ti, ti = si;
	}
	out = cairn_xmalloc((k ? k : 1) * sizeof(*out));
	for (size_t i = 0; i < k; i++)
		out[i] = v[idx[i]];
	memcpy(v, out, k * sizeof(*v));
	free(out);
	free(key < tk ? key : tk);
	free(idx < ti ? idx : ti);
}

/* The finite values of v[0..k) (sorted by value), merged when equal, as
 * arrays for a sketch or a summary; returns how many. */
static size_t finite_counts(const struct numval *v, size_t k, double **out_v, uint64_t **out_w)
{
	double *u = cairn_xmalloc((k ? k : 1) * sizeof(*u));
	uint64_t *w = cairn_xmalloc((k ? k : 1) * sizeof(*w));
	size_t m = 0;

	for (size_t j = 0; j < k; j++) {
		if (!isfinite(v[j].d))
			continue;
		if (m && u[m - 1] == v[j].d) {
			w[m - 1] += v[j].count;
		} else {
			u[m] = v[j].d;
			w[m++] = v[j].count;
		}
	}
	*out_v = u;
	*out_w = w;
	return m;
}

/* The numbers counted by text go to the running summaries and sketches of
 * an over column. */
/* Counts times more of d in dec, when d is a decimal with the column's fd
 * digits after the point (as the fast path would have); 0 when not. */
static int count_decimal(struct pcol *c, double d, uint64_t times)
{
	static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8 };
	double x;
	int64_t m;

	if (!c->fd)
		return 0;
	x = d * pow10[c->fd];
	if (!(x > -DEC_RANGE - 1 && x < DEC_RANGE + 1)) /* (and not NaN) */
		return 0;
	m = (int64_t)(x < 0 ? x - 0.5 : x + 0.5);
	if (m < -DEC_RANGE || m >= DEC_RANGE || dec_value(c->fd, (size_t)(m + DEC_RANGE)) != d)
		return 0;
	dec_add(c, c->fd, (size_t)(m + DEC_RANGE), times);
	return 1;
}

static void numbers_to_sketches(struct pcol *c)
{
	struct numval *v = key_numbers(c);
	size_t k = c->cats.n;
	uint64_t finite = 0;
	double sum = 0, m2 = 0, mean;

	set_fd(c, c->fd); /* the decimals go where the fast path puts them */
	for (size_t j = 0; j < k; j++) {
		double d = v[j].d;
		if (c->keys == KEY_TEXT)
			add_length(c, cat_len(&c->cats, &c->cats.e[j]), v[j].count);
		if (count_decimal(c, d, v[j].count)) {
			v[j].count = 0; /* nothing more to do here */
			continue;
		}
		cairn__hll_add(c->hll, hash_number(d));
		if (v[j].is_int)
			add_int(c, v[j].i);
		if (!isfinite(d)) {
			c->ninf += v[j].count;
			c->nneginf += d < 0 ? v[j].count : 0;
			continue;
		}
		c->min = d < c->min ? d : c->min;
		c->max = d > c->max ? d : c->max;
		sum += d * (double)v[j].count;
		finite += v[j].count;
	}
	/* The moments so far in two passes (then Welford's from here on). */
	mean = finite ? sum / (double)finite : 0;
	for (size_t j = 0; j < k; j++)
		if (isfinite(v[j].d))
			m2 += (v[j].d - mean) * (v[j].d - mean) * (double)v[j].count;
	if (finite && isfinite(mean)) {
		chan_update(c, finite, mean, m2);
	} else if (finite) { /* the sum overflowed: Chan's updates, one by one */
		for (size_t j = 0; j < k; j++)
			if (isfinite(v[j].d))
				chan_update(c, v[j].count, v[j].d, 0);
	}
	c->shift = c->mean; /* for the first block */
	if (finite <= EXACT_ROWS) {
		/* exact: in any order (sorted at the end) */
		for (size_t j = 0; j < k; j++)
			for (uint64_t r = 0; isfinite(v[j].d) && r < v[j].count; r++)
				cairn__qsketch_add(&c->qs, v[j].d);
	} else {
		double *u;
		uint64_t *w;
		size_t m;
		sort_by_value(v, k);
		m = finite_counts(v, k, &u, &w);
		cairn__qsketch_add_counts(&c->qs, u, w, m);
		free(u);
		free(w);
	}
	free(v);
}

/* Too many distinct texts: from now on a HyperLogLog sketch for the distinct
 * count, heavy hitters for string columns, sketches for numbers, and running
 * lengths; what the counts per text held goes there first. */
static void overflow(struct pcol *c)
{
	c->over = 1;
	c->hll = cairn__hll_new();
	if (c->type == CAIRN_TYPE_STRING) {
		/* The most frequent first, so that they are the ones monitored. */
		struct entry *e = sorted_categories(c);
		c->topk = cairn__topk_new();
		for (uint32_t k = 0; k < c->cats.n; k++) {
			uint64_t h = hash_text(e[k].key, e[k].len);
			cairn__hll_add(c->hll, h);
			cairn__topk_add(c->topk, e[k].key, e[k].len, h, e[k].count);
			add_length(c, char_len(e[k].key, e[k].len), e[k].count);
		}
		free(e);
	} else {
		numbers_to_sketches(c);
	}
	cattab_release(&c->cats);
	set_mode(c);
}

/* --- adding values ------------------------------------------------------ */

/* A text not counted before, or a quoted text in a column not of strings
 * (yet): its type joins the column's. a, b: its marked_key(). */
static __attribute__((noinline)) void new_text(struct pcol *c, const char *s, size_t len,
					       int quoted, uint64_t a, uint64_t b,
					       struct cat *e, uint32_t slot)
{
	enum cairn_type t = CAIRN_TYPE_STRING, vt = CAIRN_TYPE_STRING;
	struct cattext *text;
	int64_t i = 0;
	double d = 0;
	int k;

	if (!quoted) {
		int fd = 0;
		if (cairn__fast_decimal_fd(s, len, c->fd, &d, &i)) {
			k = CAIRN__NUM_FLOAT; /* (i is not a value here) */
		} else {
			k = cairn__fast_number_fd(s, len, &i, &d, &fd);
			if (k == CAIRN__NUM_FLOAT)
				set_fd(c, fd <= 8 ? fd : 0);
		}
		vt = k == CAIRN__NUM_INT ? CAIRN_TYPE_INT : k == CAIRN__NUM_FLOAT ? CAIRN_TYPE_FLOAT :
		     classify(s, len, &d, &i);
	}
	t = cairn_type_join(c->type, vt);
	if (t == CAIRN_TYPE_STRING && c->type != CAIRN_TYPE_STRING)
		widen(c);
	c->type = t;
	if (e) {
		e->count++;
		return;
	}
	text = cat_insert(&c->cats, s, len, a, b, slot, 1);
	if (vt != CAIRN_TYPE_STRING) { /* its value, for the numeric summaries */
		text->d = d + 0.0;
		text->i = i;
		text->kind = vt == CAIRN_TYPE_INT ? 2 : 1;
	}
	if (c->cats.n > MAX_CATEGORIES)
		overflow(c);
}

/* A non-null value of a column not over: one more of its text. */
static void count_text(struct pcol *c, const char *s, size_t len, int quoted)
{
	uint64_t a, b;
	uint32_t slot = 0;
	struct cat *e;

	marked_key(s, len, &a, &b);
	e = cat_find(&c->cats, s, len, a, b, &slot);
	if (e && (!quoted || c->type == CAIRN_TYPE_STRING))
		e->count++;
	else
		new_text(c, s, len, quoted, a, b, e, slot);
}

/* The fast path of count_text(): 1 when s is counted, 0 when add_value()
 * must see it. A text counted before and not quoted (or in a string column)
 * is neither null (null markers are marked) nor of a new type: one more of
 * it. A new text is added right away unless it may be a null marker. */
static inline __attribute__((always_inline)) int count_known(struct pcol *c, const char *s,
							     size_t len, int quoted)
{
	uint64_t a, b;
	uint32_t slot;
	struct cat *e;

	if (!len || (quoted && c->type != CAIRN_TYPE_STRING))
		return 0;
	text_key(s, len, &a, &b);
	e = cat_find(&c->cats, s, len, a, b, &slot);
	if (e) {
		e->count++;
		return 1;
	}
	if (maybe_null(s, len))
		return 0; /* add_value() tells, and marks the key of a quoted one */
	new_text(c, s, len, quoted, a, b, NULL, slot);
	return 1;
}

/* A non-null value of an over numeric column that the fast parsers did not
 * take: the parser its type calls for, else cairn_value_type()'s rules. */
static void add_classified(struct pcol *c, const char *s, size_t len, int quoted)
{
	enum cairn_type t = CAIRN_TYPE_STRING;
	int64_t i = 0;
	double d = 0;

	if (!quoted && c->type == CAIRN_TYPE_DATETIME && cairn_parse_datetime(s, len, &i)) {
		add_number(c, (double)i, 0, 0, len);
		return;
	}
	if (!quoted)
		t = classify(s, len, &d, &i);
	t = cairn_type_join(c->type, t);
	if (t == CAIRN_TYPE_STRING) {
		widen(c);
		add_string_over(c, s, len);
		return;
	}
	add_number(c, d, i, c->type == CAIRN_TYPE_INT && t == CAIRN_TYPE_INT, len);
	c->type = t;
	set_mode(c);
}


/* A decimal (unquoted) of an over float column with fd digits after the
 * point (fd: a constant, the column's fd when the record began, so that the
 * parser is compiled for it): 0 for anything else. A decimal is never null. */
static inline __attribute__((always_inline)) int add_decimal(struct pcol *c, const char *s,
							     size_t len, const int fd)
{
	int64_t m;
	double d;
	uint64_t i;

	if (!cairn__fast_decimal(s, len, fd, &d, &m))
		return 0;
	i = (uint64_t)m + DEC_RANGE;
	if (i >= DEC_SIZE)
		add_finite(c, d); /* fd was set: the type is float */
	else if (!++c->dec[fd][i])
		dec_carry(c, fd, i);
	c->numlen[len]++; /* len <= 16 */
	return 1;
}

/* Any value, off the fast paths. */
static __attribute__((noinline)) void add_value(struct pcol *c, const char *s, size_t len,
						int quoted)
{
	if (is_null(s, len, quoted))
		c->nulls++;
	else if (c->mode == MODE_COUNT)
		count_text(c, s, len, quoted);
	else if (c->mode == MODE_STRING)
		add_string_over(c, s, len);
	else
		add_classified(c, s, len, quoted);
}

/* A value of an over integer or float column that is not a decimal with the
 * column's digits after the point: plain numbers parsed here, the rest by
 * add_value(). A number is never null. */
static __attribute__((noinline)) void add_number_text(struct pcol *c, const char *s, size_t len,
						       int quoted)
{
	int64_t i;
	double d;
	int k, fd;

	k = quoted ? CAIRN__NUM_NONE : cairn__fast_number_fd(s, len, &i, &d, &fd);
	if (k == CAIRN__NUM_FLOAT) {
		c->type = CAIRN_TYPE_FLOAT;
		if (fd != c->fd)
			set_fd(c, fd <= 8 ? fd : 0); /* the next one likely has as many */
		add_finite(c, d + 0.0);
	} else if (k == CAIRN__NUM_INT) {
		add_int(c, i);
		add_finite(c, d);
	} else {
		add_value(c, s, len, quoted);
		return;
	}
	c->numlen[len]++; /* len <= 20 */
}

/* One value: the fast paths of the two common modes, else add_value(). */
static inline __attribute__((always_inline)) void add_text(struct pcol *c, const char *s,
							   size_t len, int quoted)
{
	if (c->mode == MODE_NUMBER) {
		add_number_text(c, s, len, quoted);
		return;
	} else if (c->mode == MODE_COUNT) {
		if (count_known(c, s, len, quoted))
			return;
	}
	add_value(c, s, len, quoted);
}

/* Folds the running moments of the over numeric columns. */
static void fold_blocks(struct cairn_profiler *p)
{
	for (size_t c = 0; c < p->ncols; c++)
		if (p->cols[c].bn)
			fold_block(&p->cols[c]);
}

/* Orders the columns by mode and fd (see struct cairn_profiler). */
static void plan(struct cairn_profiler *p)
{
	size_t k = 0;

	p->nfds = 0;
	for (int fd = 0; fd <= 8; fd++) {
		p->nfd[fd] = 0;
		for (size_t c = 0; c < p->ncols; c++)
			if (p->cols[c].mode == MODE_NUMBER && p->cols[c].fd == fd)
				p->order[k++] = (uint32_t)c, p->nfd[fd]++;
		if (p->nfd[fd])
			p->fds[p->nfds++] = fd;
	}
	p->ncount = 0;
	for (size_t c = 0; c < p->ncols; c++)
		if (p->cols[c].mode == MODE_COUNT)
			p->order[k++] = (uint32_t)c, p->ncount++;
	for (size_t c = 0; c < p->ncols; c++)
		if (p->cols[c].mode != MODE_NUMBER && p->cols[c].mode != MODE_COUNT)
			p->order[k++] = (uint32_t)c;
	p->plan_modes = p->modes;
}

/* add_text() of the fields of the MODE_NUMBER columns order[k..end), whose
 * fd was fd (a constant in each call, so that the parser is compiled for
 * it). */
static inline __attribute__((always_inline)) void add_numbers(struct pcol *cols,
							      const struct cairn_csv_field *fields,
							      const uint32_t *order, size_t k,
							      size_t end, const int fd)
{
	for (; k < end; k++) {
		const struct cairn_csv_field *f = &fields[order[k]];
		struct pcol *c = &cols[order[k]];
		if (!fd || f->quoted || !add_decimal(c, f->p, f->len, fd))
			add_number_text(c, f->p, f->len, f->quoted);
	}
}

void cairn_profiler_add_record(struct cairn_profiler *p, const struct cairn_csv_field *fields,
			       size_t n)
{
	struct pcol *cols = p->cols;
	const uint32_t *order = p->order;
	size_t k = 0, end;

	if (n < p->ncols) { /* a short record: the missing fields are nulls */
		for (size_t c = 0; c < n; c++)
			add_text(&cols[c], fields[c].p, fields[c].len, fields[c].quoted);
		for (size_t c = n; c < p->ncols; c++)
			cols[c].nulls++;
		goto out;
	}
	if (p->modes != p->plan_modes)
		plan(p);
	/* The same as add_text() for each field, one mode (and fd) at a time. */
	for (int g = 0; g < p->nfds; g++, k = end) {
		int fd = p->fds[g];
		end = k + p->nfd[fd];
		switch (fd) {
		case 0: add_numbers(cols, fields, order, k, end, 0); break;
		case 1: add_numbers(cols, fields, order, k, end, 1); break;
		case 2: add_numbers(cols, fields, order, k, end, 2); break;
		case 3: add_numbers(cols, fields, order, k, end, 3); break;
		case 4: add_numbers(cols, fields, order, k, end, 4); break;
		case 5: add_numbers(cols, fields, order, k, end, 5); break;
		case 6: add_numbers(cols, fields, order, k, end, 6); break;
		case 7: add_numbers(cols, fields, order, k, end, 7); break;
		case 8: add_numbers(cols, fields, order, k, end, 8); break;
		}
	}
	for (end = k + p->ncount; k < end; k++) {
		const struct cairn_csv_field *f = &fields[order[k]];
		struct pcol *c = &cols[order[k]];
		if (!count_known(c, f->p, f->len, f->quoted))
			add_value(c, f->p, f->len, f->quoted);
	}
	for (; k < p->ncols; k++) {
		const struct cairn_csv_field *f = &fields[order[k]];
		add_value(&cols[order[k]], f->p, f->len, f->quoted);
	}
out:
	if (++p->rows % FOLD_ROWS == 0)
		fold_blocks(p);
}

/* --- merging ----------------------------------------------------------- */

/* Whether b's texts added to a's would make more than MAX_CATEGORIES. */
static int would_overflow(const struct pcol *a, const struct pcol *b)
{
	uint32_t n = a->cats.n, slot;

	for (uint32_t k = 0; k < b->cats.n && n <= MAX_CATEGORIES; k++) {
		const struct cat *e = &b->cats.e[k];
		n += !cat_find(&a->cats, cat_key(&b->cats, e), cat_len(&b->cats, e), e->a, e->b, &slot);
	}
	return n > MAX_CATEGORIES;
}

static void merge_counts(struct pcol *a, const struct pcol *b)
{
	/* In b's order of first appearance, as if read after a's. */
	for (uint32_t k = 0; k < b->cats.n; k++) {
		const struct cat *e = &b->cats.e[k];
		const char *key = cat_key(&b->cats, e);
		uint32_t slot;
		size_t len = cat_len(&b->cats, e);
		struct cat *f = cat_find(&a->cats, key, len, e->a, e->b, &slot);
		struct cattext *text;
		if (f) {
			f->count += e->count;
		} else {
			text = cat_insert(&a->cats, key, len, e->a, e->b, slot, e->count);
			text->d = b->cats.text[k].d;
			text->i = b->cats.text[k].i;
			text->kind = b->cats.text[k].kind;
		}
	}
}

/* Adds b's counts of dec to a's (b's are freed). */
static void merge_dec(struct pcol *a, struct pcol *b)
{
	for (int fd = 1; fd <= 8; fd++) {
		if (!b->dec[fd])
			continue;
		if (!a->dec[fd]) {
			a->dec[fd] = b->dec[fd];
			a->dec_high_used[fd] = b->dec_high_used[fd];
		} else {
			for (size_t i = 0; i < DEC_SIZE; i += 16) {
				if (dec_zero16(b, fd, i))
					continue;
				for (size_t j = i; j < i + 16; j++) {
					uint64_t n = dec_take(b, fd, j);
					if (n)
						dec_add(a, fd, j, n);
				}
			}
			dec_free(b->dec[fd]);
		}
		b->dec[fd] = NULL;
	}
}

static void merge_numbers(struct pcol *a, struct pcol *b)
{
	merge_dec(a, b);
	fold_block(a);
	fold_block(b);
	if (b->n)
		chan_update(a, b->n, b->mean, b->m2);
	cairn__qsketch_merge(&a->qs, &b->qs);
	a->min = b->min < a->min ? b->min : a->min;
	a->max = b->max > a->max ? b->max : a->max;
	a->imin = b->imin < a->imin ? b->imin : a->imin;
	a->imax = b->imax > a->imax ? b->imax : a->imax;
	a->ninf += b->ninf;
	a->nneginf += b->nneginf;
}

static void merge_col(struct pcol *a, struct pcol *b)
{
	enum cairn_type nt = cairn_type_join(a->type, b->type);

	if (nt == CAIRN_TYPE_STRING) {
		if (a->type != CAIRN_TYPE_STRING)
			widen(a);
		if (b->type != CAIRN_TYPE_STRING)
			widen(b);
	}
	a->nulls += b->nulls;
	if (!a->over && !b->over && !would_overflow(a, b)) {
		merge_counts(a, b);
		a->type = nt;
		set_mode(a);
		return;
	}
	/* Both over (each with what its counts held), then merged. */
	if (!a->over)
		overflow(a);
	if (!b->over)
		overflow(b);
	a->type = nt;
	set_mode(a);
	if (nt != CAIRN_TYPE_STRING)
		merge_numbers(a, b);
	cairn__hll_merge(a->hll, b->hll);
	if (a->topk && b->topk)
		cairn__topk_merge(a->topk, b->topk);
	fold_lengths(a);
	fold_lengths(b);
	a->len_n += b->len_n;
	a->len_sum += b->len_sum;
	a->len_min = b->len_min < a->len_min ? b->len_min : a->len_min;
	a->len_max = b->len_max > a->len_max ? b->len_max : a->len_max;
}

void cairn_profiler_merge(struct cairn_profiler *into, struct cairn_profiler *from)
{
	size_t n = into->ncols < from->ncols ? into->ncols : from->ncols;

	into->rows += from->rows;
	for (size_t c = 0; c < n; c++)
		merge_col(&into->cols[c], &from->cols[c]);
	cairn_profiler_free(from);
}

/* --- the profile as JSON ------------------------------------------------ */

static json_t *jreal(double d)
{
	return isfinite(d) ? json_real(d) : json_null();
}

static int is_numeric(enum cairn_type t)
{
	return t == CAIRN_TYPE_BOOL || t == CAIRN_TYPE_INT || t == CAIRN_TYPE_FLOAT ||
	       t == CAIRN_TYPE_DATETIME;
}

/* What the numeric summary is made of. */
struct numstats {
	uint64_t n, ninf;       /* finite values; infinities */
	uint64_t nneginf;       /* of which -inf */
	double min, max, mean, var;
	int64_t imin, imax;
	struct cairn__qsummary s;
};

/* Neumaier's compensated sum of a[i] - shift (or its square), each term
 * w[i] times (w NULL: once). */
static double sum(const double *a, const uint64_t *w, size_t n, double shift, int square)
{
	double s = 0, comp = 0;

	for (size_t i = 0; i < n; i++) {
		double x = a[i] - shift, t;
		if (square)
			x *= x;
		for (uint64_t r = w ? w[i] : 1; r > 0; r--) {
			t = s + x;
			comp += fabs(s) >= fabs(x) ? (s - t) + x : (x - t) + s;
			s = t;
		}
	}
	return s + comp;
}

/* Compensated sum of w[i] * (v[i] - shift) (or of w[i] * (v[i] - shift)²). */
static double weighted_sum(const double *v, const uint64_t *w, size_t k, double shift,
			   int square)
{
	double s = 0, comp = 0;

	for (size_t i = 0; i < k; i++) {
		double x = v[i] - shift, t;
		x = square ? x * x * (double)w[i] : x * (double)w[i];
		t = s + x;
		comp += fabs(s) >= fabs(x) ? (s - t) + x : (x - t) + s;
		s = t;
	}
	return s + comp;
}

/* The mean and variance of every value, each w[i] times, in ascending order:
 * two passes of compensated sums, the same however the values were split. */
static void exact_moments(const double *v, const uint64_t *w, size_t k, uint64_t n,
			  double mid, double *mean, double *var)
{
	*mean = sum(v, w, k, 0, 0) / (double)n;
	if (!isfinite(*mean)) /* the sum overflowed */
		*mean = sum(v, w, k, mid, 0) / (double)n + mid;
	*var = n > 1 ? sum(v, w, k, *mean, 1) / (double)(n - 1) : NAN;
}


/* The numeric summary of a column not over, from its counts per text; sets
 * *distinct (distinct values: "1" and "1.0" are one). */
static void stats_from_counts(const struct pcol *c, struct numstats *st, uint64_t *distinct)
{
	struct numval *v = key_numbers(c);
	size_t k = c->cats.n, m;
	double *u;
	uint64_t *w;

	sort_by_value(v, k);
	*distinct = 0;
	st->imin = INT64_MAX;
	st->imax = INT64_MIN;
	for (size_t j = 0; j < k; j++) {
		*distinct += !j || v[j].d != v[j - 1].d;
		if (v[j].is_int && v[j].i < st->imin)
			st->imin = v[j].i;
		if (v[j].is_int && v[j].i > st->imax)
			st->imax = v[j].i;
		if (!isfinite(v[j].d)) {
			st->ninf += v[j].count;
			st->nneginf += v[j].d < 0 ? v[j].count : 0;
		} else
			st->n += v[j].count;
	}
	m = finite_counts(v, k, &u, &w);
	free(v);
	if (m) {
		st->min = u[0];
		st->max = u[m - 1];
		if (st->n <= EXACT_ROWS) {
			/* the same sums as over every value in order */
			uint64_t pos = 0;
			double mid = u[0];
			for (size_t j = 0; j < m; pos += w[j++])
				if (pos + w[j] > st->n / 2) {
					mid = u[j];
					break;
				}
			exact_moments(u, w, m, st->n, mid, &st->mean, &st->var);
		} else {
			st->mean = weighted_sum(u, w, m, 0, 0) / (double)st->n;
			if (!isfinite(st->mean))
				st->mean = weighted_sum(u, w, m, u[m / 2], 0) / (double)st->n + u[m / 2];
			st->var = weighted_sum(u, w, m, st->mean, 1) / (double)(st->n - 1);
		}
	}
	cairn__qsummary_counts(&st->s, u, w, m);
	st->s.approx = st->n > EXACT_ROWS;
}

/* The numeric summary of an over column, from its sketches. */
static void stats_from_sketch(struct pcol *c, struct numstats *st)
{
	fold_block(c);
	st->n = c->n;
	st->ninf = c->ninf;
	st->nneginf = c->nneginf;
	st->min = c->min;
	st->max = c->max;
	st->imin = c->imin;
	st->imax = c->imax;
	if (!st->n)
		return;
	cairn__qsketch_summary(&c->qs, &st->s);
	if (!st->s.approx) {
		/* Every value is at hand, in sorted order: two passes over them give
		 * the most accurate moments and the same ones however the values
		 * were split and merged. */
		exact_moments(st->s.v, NULL, st->s.k, st->n, st->s.v[st->n / 2], &st->mean,
			      &st->var);
	} else {
		st->mean = c->mean;
		st->var = st->n > 1 ? c->m2 / (double)(st->n - 1) : NAN;
	}
}

static uint64_t scale(uint64_t w, uint64_t total, uint64_t n)
{
	if (total == n || !total)
		return w;
	return (uint64_t)(((unsigned __int128)w * n + total / 2) / total);
}

/* min and max are those of the finite values: with infinities in the column,
 * say which of them the true extremes are. */
static void add_infinite(json_t *o, const struct numstats *st)
{
	if (!st->ninf)
		return;
	json_object_set_new(o, "infinite", json_integer((json_int_t)st->ninf));
	json_object_set_new(o, "min_infinite", json_boolean(st->nneginf > 0));
	json_object_set_new(o, "max_infinite", json_boolean(st->ninf > st->nneginf));
}

static void numeric_summary(enum cairn_type type, struct numstats *st, json_t *o)
{
	static const int quantiles[] = { 1, 5, 25, 50, 75, 95, 99 };
	struct cairn__qsummary *s = &st->s;
	json_t *pct, *q, *edges, *counts, *hist;
	uint64_t n = st->n, cum[NBINS + 1];
	double e[NBINS + 1], lo, hi, width, pv[101];

	if (type == CAIRN_TYPE_INT && n) {
		json_object_set_new(o, "min", json_integer(st->imin));
		json_object_set_new(o, "max", json_integer(st->imax));
	} else if (n && type != CAIRN_TYPE_FLOAT) {
		json_object_set_new(o, "min", json_integer((json_int_t)st->min));
		json_object_set_new(o, "max", json_integer((json_int_t)st->max));
	} else {
		json_object_set_new(o, "min", n ? jreal(st->min) : json_null());
		json_object_set_new(o, "max", n ? jreal(st->max) : json_null());
	}
	if (type == CAIRN_TYPE_DATETIME && n) {
		char t[32];
		cairn_format_time((int64_t)st->min, t);
		json_object_set_new(o, "min_time", json_string(t));
		cairn_format_time((int64_t)st->max, t);
		json_object_set_new(o, "max_time", json_string(t));
	}
	if (!n) {
		json_object_set_new(o, "mean", json_null());
		json_object_set_new(o, "std", json_null());
		add_infinite(o, st);
		json_object_set_new(o, "percentiles", json_null());
		json_object_set_new(o, "quantiles", json_null());
		json_object_set_new(o, "histogram", json_null());
		return;
	}
	json_object_set_new(o, "mean", jreal(st->mean));
	json_object_set_new(o, "std", n > 1 ? jreal(sqrt(st->var)) : json_null());
	add_infinite(o, st);

	pct = json_array();
	for (int p = 0; p <= 100; p++) {
		double v = p == 0 ? st->min : p == 100 ? st->max :
			   cairn__qsummary_quantile(s, p / 100.0);
		pv[p] = v < st->min ? st->min : v > st->max ? st->max : v;
		json_array_append_new(pct, jreal(pv[p]));
	}
	json_object_set_new(o, "percentiles", pct);
	q = json_object();
	for (size_t k = 0; k < sizeof(quantiles) / sizeof(quantiles[0]); k++) {
		char key[8];
		snprintf(key, sizeof(key), "p%02d", quantiles[k]);
		json_object_set_new(q, key, jreal(pv[quantiles[k]]));
	}
	json_object_set_new(o, "quantiles", q);

	/* 20 equal-width bins from min to max; each holds [e_i, e_i+1), the
	 * last one also max. numpy's rule for a single value: +-0.5. */
	lo = st->min;
	hi = st->max;
	if (lo == hi) {
		lo -= 0.5;
		hi += 0.5;
	}
	width = hi / NBINS - lo / NBINS;
	for (int b = 0; b < NBINS; b++)
		e[b] = lo + width * b;
	e[NBINS] = hi;
	cum[0] = 0;
	for (int b = 1; b < NBINS; b++)
		cum[b] = cairn__qsummary_below(s, e[b]);
	cum[NBINS] = s->total;
	edges = json_array();
	counts = json_array();
	for (int b = 0; b <= NBINS; b++)
		json_array_append_new(edges, jreal(e[b]));
	for (int b = 0; b < NBINS; b++)
		json_array_append_new(counts, json_integer((json_int_t)(scale(cum[b + 1], s->total, n) -
									 scale(cum[b], s->total, n))));
	hist = json_pack("{s:o, s:o}", "edges", edges, "counts", counts);
	if (s->approx) {
		json_object_set_new(hist, "approx", json_true());
		json_object_set_new(o, "approx", json_true());
	}
	json_object_set_new(o, "histogram", hist);
}

static json_t *top_entry(const char *key, size_t len, uint64_t count)
{
	return json_pack("{s:s%, s:I}", "value", key, len, "count", (json_int_t)count);
}

static void categorical_summary(struct pcol *c, json_t *o)
{
	json_t *top = json_array();
	uint64_t in_top = 0;

	if (c->type == CAIRN_TYPE_BOOL) {
		uint64_t n[2] = { 0, 0 };
		for (uint32_t k = 0; !c->over && k < c->cats.n; k++) {
			double d;
			int64_t i;
			if (key_number(c, cat_key(&c->cats, &c->cats.e[k]), cat_len(&c->cats, &c->cats.e[k]),
				       &d, &i) >= 0)
				n[d != 0] += c->cats.e[k].count;
		}
		for (int first = 1; first >= 0; first--) {
			/* by descending count, then "false" before "true" */
			int v = first ? n[1] > n[0] : n[1] <= n[0];
			if (n[v]) {
				json_array_append_new(top, top_entry(v ? "true" : "false", v ? 4 : 5, n[v]));
				in_top += n[v];
			}
		}
	} else if (!c->over) {
		struct entry *e = sorted_categories(c);
		for (uint32_t k = 0; k < c->cats.n && k < TOP_N; k++) {
			json_array_append_new(top, top_entry(e[k].key, e[k].len, e[k].count));
			in_top += e[k].count;
		}
		free(e);
	} else if (c->topk) {
		uint32_t n;
		const struct cairn__topk_item **v = cairn__topk_sorted(c->topk, &n);
		for (uint32_t k = 0; k < n && k < TOP_N && in_top < c->count; k++) {
			uint64_t cnt = v[k]->count;
			if (cnt > c->count - in_top)
				cnt = c->count - in_top;
			json_array_append_new(top, top_entry(v[k]->key, v[k]->len, cnt));
			in_top += cnt;
		}
		free(v);
	}
	json_object_set_new(o, "top", top);
	json_object_set_new(o, "other_count", json_integer((json_int_t)(c->count - in_top)));
	if (c->over)
		json_object_set_new(o, "top_approx", json_true());
}

static void length_summary(struct pcol *c, json_t *o)
{
	if (!c->over) {
		for (uint32_t k = 0; k < c->cats.n; k++) {
			const struct cat *e = &c->cats.e[k];
			add_length(c, char_len(cat_key(&c->cats, e), cat_len(&c->cats, e)), e->count);
		}
	}
	fold_lengths(c);
	if (!c->len_n) {
		json_object_set_new(o, "min_length", json_null());
		json_object_set_new(o, "max_length", json_null());
		json_object_set_new(o, "mean_length", json_null());
		return;
	}
	json_object_set_new(o, "min_length", json_integer((json_int_t)c->len_min));
	json_object_set_new(o, "max_length", json_integer((json_int_t)c->len_max));
	json_object_set_new(o, "mean_length", json_real((double)c->len_sum / (double)c->len_n));
}

static json_t *column_json(struct pcol *c, uint64_t rows)
{
	enum cairn_type type = c->type == CAIRN_TYPE_NULL ? CAIRN_TYPE_STRING : c->type;
	struct numstats st;
	uint64_t distinct = 0;
	json_t *o = json_object();

	/* Every record gives each column a value or a null. */
	c->count = rows - c->nulls;
	if (c->over)
		dec_flush(c);
	c->type = type;
	memset(&st, 0, sizeof(st));
	if (is_numeric(type)) {
		if (!c->over)
			stats_from_counts(c, &st, &distinct);
		else
			stats_from_sketch(c, &st);
	}
	json_object_set_new(o, "name", json_string(c->name));
	json_object_set_new(o, "type", json_string(cairn_type_name(type)));
	json_object_set_new(o, "count", json_integer((json_int_t)c->count));
	json_object_set_new(o, "nulls", json_integer((json_int_t)c->nulls));
	json_object_set_new(o, "null_rate", json_real(rows ? (double)c->nulls / (double)rows : 0));
	if (!c->over) {
		uint64_t d = type == CAIRN_TYPE_STRING ? c->cats.n : distinct;
		json_object_set_new(o, "distinct", json_integer((json_int_t)d));
	} else {
		double est = floor(cairn__hll_estimate(c->hll) + 0.5);
		if (est > (double)c->count)
			est = (double)c->count;
		if (est < 1)
			est = 1;
		json_object_set_new(o, "distinct", json_integer((json_int_t)est));
		json_object_set_new(o, "distinct_approx", json_true());
	}
	if (is_numeric(type))
		numeric_summary(type, &st, o);
	cairn__qsummary_release(&st.s);
	if (type == CAIRN_TYPE_BOOL || type == CAIRN_TYPE_STRING)
		categorical_summary(c, o);
	if (type == CAIRN_TYPE_STRING)
		length_summary(c, o);
	return o;
}

json_t *cairn_profiler_finish(struct cairn_profiler *p)
{
	json_t *cols = json_array();

	for (size_t c = 0; c < p->ncols; c++)
		json_array_append_new(cols, column_json(&p->cols[c], p->rows));
	return json_pack("{s:i, s:I, s:o}", "format", 1, "rows", (json_int_t)p->rows,
			 "columns", cols);
}

json_t *cairn_profile_schema(const json_t *profile)
{
	json_t *out = json_array(), *col;
	size_t i;

	json_array_foreach(json_object_get(profile, "columns"), i, col)
		json_array_append_new(out, json_pack("{s:O?, s:O?, s:O?}",
			"name", json_object_get(col, "name"), "type", json_object_get(col, "type"),
			"nulls", json_object_get(col, "nulls")));
	return out;
}

/* --- frames ------------------------------------------------------------ */

/* A number of a frame column, whose type is known: counted by its bytes
 * while the column is not over. */
static void add_frame_number(struct pcol *c, double d, int64_t i)
{
	if (!c->over) {
		char key[8];
		uint64_t a, b;
		uint32_t slot;
		struct cat *e;
		d += 0.0;
		if (c->keys == KEY_INT)
			memcpy(key, &i, sizeof(key));
		else
			memcpy(key, &d, sizeof(key));
		text_key(key, sizeof(key), &a, &b);
		e = cat_find(&c->cats, key, sizeof(key), a, b, &slot);
		if (e) {
			e->count++;
		} else {
			cat_insert(&c->cats, key, sizeof(key), a, b, slot, 1);
			if (c->cats.n > MAX_CATEGORIES)
				overflow(c);
		}
		return;
	}
	add_number(c, d, i, c->keys == KEY_INT, 0);
	if (c->bn == FOLD_ROWS)
		fold_block(c);
}

json_t *cairn_profile_frame(const struct cairn_frame *f)
{
	const char **names = cairn_xcalloc(f->ncols ? f->ncols : 1, sizeof(*names));
	struct cairn_profiler *p;
	json_t *out;

	for (size_t c = 0; c < f->ncols; c++)
		names[c] = f->cols[c].name;
	p = cairn_profiler_new(f->ncols, names);
	free(names);
	p->rows = f->nrows;
	for (size_t c = 0; c < f->ncols; c++) {
		const struct cairn_column *fc = &f->cols[c];
		struct pcol *pc = &p->cols[c];

		if (fc->type == CAIRN_TYPE_STRING) {
			size_t *lens = cairn_xmalloc((fc->ndict ? fc->ndict : 1) * sizeof(*lens));
			for (uint32_t k = 0; k < fc->ndict; k++)
				lens[k] = strlen(fc->dict[k]);
			for (size_t r = 0; r < f->nrows; r++) {
				if (fc->valid[r])
					add_text(pc, fc->dict[fc->code[r]], lens[fc->code[r]], 1);
				else
					pc->nulls++;
			}
			free(lens);
			continue;
		}
		pc->type = fc->type;
		pc->keys = fc->type == CAIRN_TYPE_INT && fc->i64 ? KEY_INT : KEY_DOUBLE;
		set_mode(pc);
		for (size_t r = 0; r < f->nrows; r++) {
			if (!fc->valid[r])
				pc->nulls++;
			else
				add_frame_number(pc, fc->num[r], fc->i64 ? fc->i64[r] : 0);
		}
	}
	out = cairn_profiler_finish(p);
	cairn_profiler_free(p);
	return out;
}

/* --- files, by byte ranges in threads ------------------------------------ */

struct range_job {
	pthread_t thread;
	const cairn_csv *like;
	int fd;
	size_t ncols;
	const char *const *names;
	uint64_t start, end;    /* the byte range asked for */
	uint64_t first, last;   /* where the reader started, and its last record ended */
	struct cairn_profiler *p;
	int rc;
};

static int profile_reader(cairn_csv *r, struct cairn_profiler *p)
{
	const struct cairn_csv_field *fields;
	size_t n;
	int rc;

	while ((rc = cairn_csv_next(r, &fields, &n)) == 1)
		cairn_profiler_add_record(p, fields, n);
	return rc;
}

/* Profiles [start, end) of the file with ctx; first and last tell where the
 * reader started and stopped. */
static int profile_range(cairn_ctx *ctx, struct range_job *j)
{
	cairn_csv *r;
	int rc;

	if ((rc = cairn_csv_open_range(ctx, j->like, j->fd, j->start, j->end, 0, &r)))
		return rc;
	j->p = cairn_profiler_new(j->ncols, j->names);
	if (profile_reader(r, j->p) < 0 && !(rc = cairn_errcode(ctx)))
		rc = CAIRN_EPARSE;
	j->first = cairn_csv_start_offset(r);
	j->last = cairn_csv_end_offset(r);
	cairn_csv_close(r);
	return rc;
}

static void *range_thread(void *arg)
{
	struct range_job *j = arg;
	cairn_ctx *ctx = cairn_ctx_new();

	/* Messages of a thread are dropped: errors are read again in order. */
	j->rc = ctx ? profile_range(ctx, j) : CAIRN_ENOMEM;
	cairn_ctx_free(ctx);
	return NULL;
}

/* Profiles the ranges in parallel and merges them in order; 1 when a range
 * failed and the file must be read again from the start for the message. */
static int profile_parallel(cairn_ctx *ctx, const cairn_csv *like, int fd, uint64_t size,
			    int nranges, struct cairn_profiler **out)
{
	struct range_job jobs[MAX_THREADS];
	const char **names = cairn_xcalloc(cairn_csv_ncols(like) + 1, sizeof(*names));
	uint64_t start = cairn_csv_start_offset(like), pos = start;
	struct cairn_profiler *merged = NULL;
	int started[MAX_THREADS] = { 0 }, failed = 0;

	for (size_t c = 0; c < cairn_csv_ncols(like); c++)
		names[c] = cairn_csv_colname(like, c);
	for (int k = 0; k < nranges; k++) {
		jobs[k] = (struct range_job){ .like = like, .fd = fd, .ncols = cairn_csv_ncols(like),
					      .names = names };
		jobs[k].start = start + (size - start) * (uint64_t)k / (uint64_t)nranges;
		jobs[k].end = start + (size - start) * (uint64_t)(k + 1) / (uint64_t)nranges;
	}
	for (int k = 1; k < nranges; k++)
		started[k] = !pthread_create(&jobs[k].thread, NULL, range_thread, &jobs[k]);
	range_thread(&jobs[0]);
	for (int k = 1; k < nranges; k++) {
		if (started[k])
			pthread_join(jobs[k].thread, NULL);
		else
			range_thread(&jobs[k]);
	}

	for (int k = 0; k < nranges; k++) {
		struct range_job *j = &jobs[k];
		if (!failed && j->rc == 0 && j->first == pos) {
			pos = j->last;
		} else if (!failed && j->first != pos && j->p) {
			/* The range began inside a quoted field (or it failed because
			 * of that): read it again from where the previous one ended. */
			cairn_profiler_free(j->p);
			j->p = NULL;
			j->start = pos;
			if (profile_range(ctx, j) || j->first != pos)
				failed = 1;
			else
				pos = j->last;
		} else {
			failed = 1;
		}
		if (failed) {
			cairn_profiler_free(j->p);
		} else if (!merged) {
			merged = j->p;
		} else {
			cairn_profiler_merge(merged, j->p);
		}
		j->p = NULL;
	}
	free(names);
	if (failed) {
		cairn_profiler_free(merged);
		return 1;
	}
	*out = merged;
	return 0;
}

int cairn_profile_csv_file(cairn_ctx *ctx, const char *path, const char *name,
			   const struct cairn_csv_options *opts, int nthreads, json_t **out)
{
	struct cairn_profiler *p = NULL;
	cairn_csv *like = NULL;
	struct stat st;
	uint64_t size, start;
	int fd, rc, nranges;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cairn_error_errno(ctx, "cannot open '%s'", path);
	if (fstat(fd, &st) < 0) {
		rc = cairn_error_errno(ctx, "cannot read '%s'", path);
		goto out;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if ((rc = cairn_csv_open_fd(ctx, fd, name ? name : path, opts, &like)))
		goto out;
	size = (uint64_t)st.st_size;
	start = cairn_csv_start_offset(like);
	if (nthreads <= 0)
		nthreads = cairn__usable_cores();
	nranges = nthreads < 1 ? 1 : nthreads > MAX_THREADS ? MAX_THREADS : nthreads;
	while (nranges > 1 && (size - start) / (uint64_t)nranges < cairn__profile_min_range)
		nranges--;
	if (!S_ISREG(st.st_mode) || size <= start)
		nranges = 1;

	if (nranges > 1 && !profile_parallel(ctx, like, fd, size, nranges, &p)) {
		*out = cairn_profiler_finish(p);
		goto out;
	}
	/* One reader from the start: one thread, or a range failed and the
	 * message must name the exact line. */
	{
		const char **names = cairn_xcalloc(cairn_csv_ncols(like) + 1, sizeof(*names));
		for (size_t c = 0; c < cairn_csv_ncols(like); c++)
			names[c] = cairn_csv_colname(like, c);
		p = cairn_profiler_new(cairn_csv_ncols(like), names);
		free(names);
	}
	if (profile_reader(like, p) < 0) {
		rc = cairn_errcode(ctx);
		goto out;
	}
	*out = cairn_profiler_finish(p);
out:
	cairn_profiler_free(p);
	cairn_csv_close(like);
	close(fd);
	return rc;
}
