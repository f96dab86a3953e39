/*
 * Number formatting shared by every output: the shortest text that reads back
 * as exactly the same double.
 */
#ifndef CAIRN_FORMAT_H
#define CAIRN_FORMAT_H

#include <stddef.h>

/* Writes the shortest text that reads back as exactly v ("1.5", "0.1",
 * "1e+300", "nan", "inf"); out must hold 32 bytes. Returns the length. */
size_t cairn_format_double(double v, char out[32]);

#endif
