/*
 * Exact conversions between binary doubles and decimal numbers m x 10^e,
 * in integer arithmetic (128-bit), for the range where that is cheap:
 * |e| <= CAIRN__DECIMAL_MAX_EXP and m below 2^64. Both round to nearest,
 * ties to even, as the C library's strtod and printf do in the default
 * rounding mode, so their results equal the C library's bit for bit;
 * outside the range they return 0 and the caller uses the C library.
 */
#ifndef CAIRN_CORE_DECIMAL_H
#define CAIRN_CORE_DECIMAL_H

#include <stdint.h>

/* 5^27 is the largest power of five below 2^63. */
#define CAIRN__DECIMAL_MAX_EXP 27

/* *out = m x 10^e10, correctly rounded (m = 0 gives +0). */
int cairn__decimal_to_double(uint64_t m, int e10, double *out);

/* *out = |v| x 10^k rounded to an integer, when v is finite, |k| <= 27
 * and the result is below 2^64. */
int cairn__double_scaled_round(double v, int k, uint64_t *out);

#endif
