/* Time-sortable ids (ULID layout, lower-case Crockford base32); see id.h. */
#include <pthread.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include "cairn/id.h"

static const char alphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";

static pthread_mutex_t id_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t last_ms = -1;
static unsigned char last_rand[10];

int64_t cairn_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void fill_random(unsigned char *p, size_t n)
{
	while (n) {
		ssize_t got = getrandom(p, n, 0);
		if (got <= 0)
			continue; /* EINTR; getrandom does not otherwise fail here */
		p += got;
		n -= (size_t)got;
	}
}

/* Adds one to the 80-bit big-endian counter; 1 on overflow. */
static int increment(unsigned char *r)
{
	for (int i = 9; i >= 0; i--)
		if (++r[i])
			return 0;
	return 1;
}

void cairn_id_new(char out[CAIRN_ID_LEN + 1])
{
	unsigned char bytes[16], fresh[sizeof(last_rand)];
	int64_t ms = cairn_now_ms();
	int have_fresh = 0;

	/* A new millisecond's random bytes are read before the lock is taken,
	 * so that threads making ids together never wait on a system call. */
	if (ms > __atomic_load_n(&last_ms, __ATOMIC_RELAXED)) {
		fill_random(fresh, sizeof(fresh));
		have_fresh = 1;
	}
	pthread_mutex_lock(&id_lock);
	if (ms <= last_ms) {
		/* Same (or an earlier, clock stepped back) millisecond: keep order. */
		ms = last_ms;
		if (increment(last_rand)) {
			ms = last_ms + 1;
			fill_random(last_rand, sizeof(last_rand));
		}
	} else if (have_fresh) {
		memcpy(last_rand, fresh, sizeof(last_rand));
	} else {
		fill_random(last_rand, sizeof(last_rand));
	}
	__atomic_store_n(&last_ms, ms, __ATOMIC_RELAXED);
	for (int i = 0; i < 6; i++)
		bytes[i] = (unsigned char)((uint64_t)ms >> (8 * (5 - i)));
	memcpy(bytes + 6, last_rand, 10);
	pthread_mutex_unlock(&id_lock);

	/* 128 bits as 26 base32 digits: the first digit carries the top 3 bits. */
	for (int i = CAIRN_ID_LEN - 1, bit = 0; i >= 0; i--, bit += 5) {
		unsigned v = 0;
		for (int k = 0; k < 5; k++) {
			int b = bit + k;
			if (b < 128 && (bytes[15 - b / 8] >> (b % 8)) & 1)
				v |= 1u << k;
		}
		out[i] = alphabet[v];
	}
	out[CAIRN_ID_LEN] = '\0';
}

static int digit_value(char c)
{
	const char *p = c ? strchr(alphabet, c) : NULL;
	return p ? (int)(p - alphabet) : -1;
}

int cairn_id_valid(const char *s)
{
	if (strlen(s) != CAIRN_ID_LEN || digit_value(s[0]) > 7)
		return 0;
	for (int i = 0; i < CAIRN_ID_LEN; i++)
		if (digit_value(s[i]) < 0)
			return 0;
	return 1;
}

int64_t cairn_id_time_ms(const char *id)
{
	/* The first 10 digits hold 50 bits: 2 bits of padding, then the time. */
	uint64_t v = 0;
	for (int i = 0; i < 10; i++)
		v = (v << 5) | (uint64_t)digit_value(id[i]);
	return (int64_t)v;
}

void cairn_format_time(int64_t ms, char out[32])
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	size_t n;

	gmtime_r(&secs, &tm);
	n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	out[n++] = '.';
	out[n++] = (char)('0' + (ms / 100) % 10);
	out[n++] = (char)('0' + (ms / 10) % 10);
	out[n++] = (char)('0' + ms % 10);
	out[n++] = 'Z';
	out[n] = '\0';
}
