/*
 * libFuzzer target for number text both ways. The first 8 bytes are a
 * double's bits: cairn_format_double must write exactly what printf's
 * "%.*g" writes at the shortest of 15, 16 and 17 digits that reads back
 * as the same double. The rest is text: whatever cairn_parse_float
 * accepts as a number must be the double strtod reads from it.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/buf.h"
#include "cairn/value.h"
#include "core/format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_format(double v)
{
	char mine[32], ref[32];
	size_t n = cairn_format_double(v, mine);

	if (isnan(v))
		snprintf(ref, sizeof(ref), "nan");
	else
		for (int prec = 15; prec <= 17; prec++) {
			snprintf(ref, sizeof(ref), "%.*g", prec, v);
			if (prec == 17 || strtod(ref, NULL) == v)
				break;
		}
	if (strcmp(mine, ref) || n != strlen(ref))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	double v, ref;
	char *text;

	if (size < sizeof(v))
		return 0;
	memcpy(&v, data, sizeof(v));
	check_format(v);
	text = cairn_xstrndup((const char *)data + sizeof(v), size - sizeof(v));
	if (strlen(text) == size - sizeof(v) &&
	    cairn_parse_float(text, strlen(text), &v) && !isnan(v)) {
		ref = strtod(text, NULL);
		if (memcmp(&v, &ref, sizeof(v)))
			abort();
	}
	free(text);
	return 0;
}
