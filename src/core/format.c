/* Shortest round-trip text for doubles; see include/cairn/format.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "core/format.h"

size_t cairn_format_double(double v, char out[32])
{
	int n;

	if (isnan(v))
		return (size_t)snprintf(out, 32, "nan");
	if (isinf(v))
		return (size_t)snprintf(out, 32, v < 0 ? "-inf" : "inf");
	for (int prec = 15; prec <= 17; prec++) {
		n = snprintf(out, 32, "%.*g", prec, v);
		if (prec == 17 || strtod(out, NULL) == v)
			break;
	}
	return (size_t)n;
}
