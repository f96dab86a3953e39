/*
 * The drift statistics of src/monitor/stats.h on the cases of t7001, one
 * case a line on stdin, one answer a line on stdout (%.17g):
 *   ks N1 N2 X... Y...          -> statistic pvalue exact
 *   kstwo N D                   -> sf
 *   gammaincc A X               -> gammaincc gammainc
 *   chisquare N O... E...       -> statistic pvalue
 *   wasserstein N1 N2 X... Y... -> distance
 *   divergences N BASE P... Q...-> jensenshannon kl hellinger psi
 *   psibins NB N1 N2 X... Y...  -> NB reference shares, NB current ones
 *   ztest K1 N1 K2 N2           -> z pvalue
 *   anderson N1 N2 X... Y...    -> statistic pvalue
 * An error prints "error: MESSAGE" for that case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cairn/ctx.h"
#include "data/sketch.h"
#include "monitor/stats.h"

static char *cur;

static double num(void)
{
	char *end;
	double v = strtod(cur, &end);
	if (end == cur) {
		fprintf(stderr, "stats-scipy: bad number at '%.20s'\n", cur);
		exit(2);
	}
	cur = end;
	return v;
}

static double *nums(size_t n)
{
	double *v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		exit(3);
	for (size_t i = 0; i < n; i++)
		v[i] = num();
	return v;
}

int main(void)
{
	cairn_ctx *ctx = cairn_ctx_new();
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, stdin) > 0) {
		char op[32];
		int len;
		if (sscanf(line, "%31s%n", op, &len) != 1)
			continue;
		cur = line + len;
		int rc = 0;
		if (!strcmp(op, "ks")) {
			size_t n1 = (size_t)num(), n2 = (size_t)num();
			double *x = nums(n1), *y = nums(n2);
			struct cairn__ks_result r;
			if (!(rc = cairn__ks_2samp(ctx, x, n1, y, n2, &r)))
				printf("%.17g %.17g %d\n", r.statistic, r.pvalue, r.exact);
			free(x);
			free(y);
		} else if (!strcmp(op, "kstwo")) {
			long long n = (long long)num();
			double d = num();
			printf("%.17g\n", cairn__kolmogorov_sf(n, d));
		} else if (!strcmp(op, "gammaincc")) {
			double a = num(), x = num();
			printf("%.17g %.17g\n", cairn__gammaincc(a, x), cairn__gammainc(a, x));
		} else if (!strcmp(op, "chisquare")) {
			size_t n = (size_t)num();
			double *o = nums(n), *e = nums(n), s, p;
			if (!(rc = cairn__chisquare(ctx, o, e, n, &s, &p)))
				printf("%.17g %.17g\n", s, p);
			free(o);
			free(e);
		} else if (!strcmp(op, "wasserstein")) {
			size_t n1 = (size_t)num(), n2 = (size_t)num();
			double *x = nums(n1), *y = nums(n2), d;
			if (!(rc = cairn__wasserstein(ctx, x, n1, y, n2, &d)))
				printf("%.17g\n", d);
			free(x);
			free(y);
		} else if (!strcmp(op, "divergences")) {
			size_t n = (size_t)num();
			double base = num(), *p = nums(n), *q = nums(n), js, kl, he, psi;
			if (!(rc = cairn__jensenshannon(ctx, p, q, n, base, &js)) &&
			    !(rc = cairn__kl_divergence(ctx, p, q, n, &kl)) &&
			    !(rc = cairn__hellinger(ctx, p, q, n, &he)) &&
			    !(rc = cairn__psi(ctx, p, q, n, &psi)))
				printf("%.17g %.17g %.17g %.17g\n", js, kl, he, psi);
			free(p);
			free(q);
		} else if (!strcmp(op, "psibins")) {
			size_t nb = (size_t)num(), n1 = (size_t)num(), n2 = (size_t)num();
			double *x = nums(n1), *y = nums(n2);
			double *rs = malloc(nb * sizeof(*rs)), *cs = malloc(nb * sizeof(*cs));
			if (!rs || !cs)
				return 3;
			cairn__sort_doubles(x, n1);
			cairn__sort_doubles(y, n2);
			if (!(rc = cairn__quantile_bin_shares(ctx, x, n1, y, n2, nb, rs, cs))) {
				for (size_t i = 0; i < 2 * nb; i++)
					printf("%s%.17g", i ? " " : "", i < nb ? rs[i] : cs[i - nb]);
				printf("\n");
			}
			free(x);
			free(y);
			free(rs);
			free(cs);
		} else if (!strcmp(op, "ztest")) {
			size_t k1 = (size_t)num(), n1 = (size_t)num();
			size_t k2 = (size_t)num(), n2 = (size_t)num();
			double z, p;
			if (!(rc = cairn__ztest(ctx, k1, n1, k2, n2, &z, &p)))
				printf("%.17g %.17g\n", z, p);
		} else if (!strcmp(op, "anderson")) {
			size_t n1 = (size_t)num(), n2 = (size_t)num();
			double *x = nums(n1), *y = nums(n2), a2, p;
			if (!(rc = cairn__anderson_ksamp(ctx, x, n1, y, n2, &a2, &p)))
				printf("%.17g %.17g\n", a2, p);
			free(x);
			free(y);
		} else {
			fprintf(stderr, "stats-scipy: unknown case '%s'\n", op);
			return 2;
		}
		if (rc)
			printf("error: %s\n", cairn_errmsg(ctx));
	}
	free(line);
	cairn_ctx_free(ctx);
	return 0;
}
