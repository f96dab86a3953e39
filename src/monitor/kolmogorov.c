/*
 * The distribution of the one-sample two-sided Kolmogorov-Smirnov
 * statistic D_n (stats.h), as SciPy 1.10's kstwo computes it: Simard and
 * L'Ecuyer's (2011) choice of method by n and n d^2 among Ruben-Gambino's
 * closed forms, the Durbin matrix (Marsaglia, Tsang and Wang), Pomeranz's
 * recursion, the Pelz-Good series and twice Smirnov's one-sided tail.
 * Intermediate values that would underflow are rescaled by 2^128 with the
 * exponent kept apart, in long double where SciPy's are.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "monitor/stats.h"

#define SCALE_EXP 128
#define MIN_LOG (-708.0)

static double clip01(double p)
{
	return p < 0 ? 0 : p > 1 ? 1 : p;
}

/* log(n! / n^n) by Stirling's series. */
static double log_nfact_over_npow(long long n)
{
	static const double c[] = {
		-2.955065359477124183e-2, 6.4102564102564102564e-3,
		-1.9175269175269175269e-3, 8.4175084175084175084e-4,
		-5.952380952380952381e-4, 7.9365079365079365079e-4,
		-2.7777777777777777778e-3, 8.3333333333333333333e-2,
	};
	double rn = 1.0 / (double)n, r2 = rn / (double)n, poly = 0;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		poly = poly * r2 + c[i];
	return log((double)n) / 2 - (double)n + log(2 * M_PI) / 2 + rn * poly;
}

double cairn__smirnov(long long n, double d)
{
	if (isnan(d) || n <= 0)
		return NAN;
	if (d <= 0)
		return 1.0;
	if (d >= 1)
		return 0.0;
	long long last = (long long)floor((double)n * (1.0 - d));
	double lgn = lgamma((double)n + 1), sum = 0, comp = 0;
	for (long long v = 0; v <= last; v++) {
		double evn = d + (double)v / (double)n, omevn = 1.0 - evn;
		if (omevn <= 0)
			continue;
		double t = lgn - lgamma((double)v + 1) - lgamma((double)(n - v) + 1) +
			   (double)(v - 1) * log(evn) + (double)(n - v) * log(omevn);
		if (t < MIN_LOG)
			continue;
		/* Kahan's compensated sum: up to n terms. */
		double y = exp(t) - comp, s = sum + y;
		comp = (s - sum) - y;
		sum = s;
	}
	return clip01(sum * d);
}

/* a = a b for m x m matrices, through tmp. */
static void matmul(double *a, const double *b, double *tmp, size_t m)
{
	memset(tmp, 0, m * m * sizeof(double));
	for (size_t r = 0; r < m; r++)
		for (size_t l = 0; l < m; l++) {
			double x = a[r * m + l];
			for (size_t c = 0; c < m; c++)
				tmp[r * m + c] += x * b[l * m + c];
		}
	memcpy(a, tmp, m * m * sizeof(double));
}

/* The Durbin matrix H^n of Marsaglia, Tsang and Wang: P(D_n < d). */
static double durbin_cdf(long long n, double d)
{
	if (d >= 1.0)
		return 1.0;
	double nd = (double)n * d;
	if (nd <= 0.5)
		return 0.0;
	long long k = (long long)ceil(nd);
	double h = (double)k - nd;
	size_t m = (size_t)(2 * k - 1);
	double *mem = calloc(3 * m * m + 2 * m, sizeof(double));
	if (!mem)
		return NAN;
	double *hm = mem, *pw = hm + m * m, *tmp = pw + m * m;
	double *v = tmp + m * m, *w = v + m;
	double fac = 1.0;
	for (size_t j = 1; j <= m; j++) {
		w[j - 1] = fac;
		fac /= (double)j;
		v[j - 1] = (1.0 - pow(h, (double)j)) * fac;
	}
	double tt = pow(fmax(2 * h - 1.0, 0), (double)m) - 2 * pow(h, (double)m);
	v[m - 1] = (1.0 + tt) * fac;
	for (size_t c = 1; c < m; c++)
		for (size_t r = c - 1; r < m; r++)
			hm[r * m + c] = w[r - (c - 1)];
	for (size_t r = 0; r < m; r++)
		hm[r * m] = v[r];
	for (size_t c = 0; c < m; c++)
		hm[(m - 1) * m + c] = v[m - 1 - c];
	for (size_t r = 0; r < m; r++)
		pw[r * m + r] = 1.0;
	long long expnt = 0, hexpnt = 0;
	for (long long nn = n; nn > 0; nn /= 2) {
		if (nn % 2) {
			matmul(pw, hm, tmp, m);
			expnt += hexpnt;
		}
		matmul(hm, hm, tmp, m);
		hexpnt *= 2;
		if (fabs(hm[(k - 1) * m + (k - 1)]) > ldexp(1.0, SCALE_EXP)) {
			for (size_t i = 0; i < m * m; i++)
				hm[i] = ldexp(hm[i], -SCALE_EXP);
			hexpnt += SCALE_EXP;
		}
	}
	long double p = pw[(k - 1) * m + (k - 1)];
	free(mem);
	for (long long i = 1; i <= n; i++) {
		p = (long double)i * p / (long double)n;
		if (fabsl(p) < ldexpl(1.0L, -SCALE_EXP)) {
			p = ldexpl(p, SCALE_EXP);
			expnt -= SCALE_EXP;
		}
	}
	return clip01((double)ldexpl(p, (int)expnt));
}

/* The range [*j1, *j2] of row i of Pomeranz's recursion. */
static void pomeranz_range(long long i, long long n, long long ll, int ceilf, int roundf,
			   long long *j1, long long *j2)
{
	long long a, b;
	if (i == 0) {
		a = -ll - ceilf - 1;
		b = ll + ceilf - 1;
	} else if ((i + 1) % 2 == 0) {
		long long q = (i + 1) / 2;
		if (q == n + 1) {
			a = n - ll - ceilf - 1;
			b = n + ll + ceilf - 1;
		} else {
			a = q - 1 - ll - roundf - 1;
			b = q + ll - 1 + ceilf - 1;
		}
	} else {
		long long q = (i + 1) / 2;
		a = q - 1 - ll - 1;
		b = q + ll + roundf - 1;
	}
	*j1 = a + 2 > 0 ? a + 2 : 0;
	*j2 = b < n ? b : n;
}

/* Pomeranz's (1974) recursion: P(D_n <= x). */
static double pomeranz_cdf(long long n, double x)
{
	double t = (double)n * x;
	long long ll = (long long)floor(t);
	double f = t - (double)ll, g = fmin(f, 1.0 - f);
	int ceilf = f > 0, roundf = f > 0.5;
	size_t np = (size_t)(2 * (ll + 1));
	double *mem = calloc(5 * np, sizeof(double));
	if (!mem)
		return NAN;
	double *gp = mem, *g2p = gp + np, *g12p = g2p + np, *v0 = g12p + np, *v1 = v0 + np;
	gp[0] = g2p[0] = g12p[0] = 1.0;
	double a = g / (double)n, b = 2 * g / (double)n, c = (1 - 2 * g) / (double)n;
	for (size_t k = 1; k < np; k++) {
		gp[k] = gp[k - 1] * a / (double)k;
		g2p[k] = g2p[k - 1] * b / (double)k;
		g12p[k] = g12p[k - 1] * c / (double)k;
	}
	v1[0] = 1;
	long long s0 = 0, s1 = 0, expnt = 0, j1, j2;
	pomeranz_range(0, n, ll, ceilf, roundf, &j1, &j2);
	for (long long i = 1; i < 2 * n + 2; i++) {
		long long k1 = j1;
		double *sw = v0;
		v0 = v1;
		v1 = sw;
		long long st = s0;
		s0 = s1;
		s1 = st;
		memset(v1, 0, np * sizeof(double));
		pomeranz_range(i, n, ll, ceilf, roundf, &j1, &j2);
		const double *pw = i == 1 || i == 2 * n + 1 ? gp : i % 2 ? g2p : g12p;
		long long ln2 = j2 - k1 + 1;
		if (ln2 <= 0)
			continue;
		long long off = k1 - s0, alen = ln2, plen = ln2;
		if (off + alen > (long long)np)
			alen = (long long)np - off;
		if (plen > (long long)np)
			plen = (long long)np;
		long long cstart = j1 - k1, clen = j2 - j1 + 1;
		/* The entries cstart.. of the full convolution of v0[off..] and pw. */
		double top = 0;
		for (long long r = 0; r < clen; r++) {
			long long kk = cstart + r;
			double sum = 0;
			for (long long q = 0; q < alen; q++) {
				long long pi = kk - q;
				if (pi >= 0 && pi < plen)
					sum += v0[off + q] * pw[pi];
			}
			v1[r] = sum;
			if (sum > top)
				top = sum;
		}
		if (top > 0 && top < ldexp(1.0, -SCALE_EXP)) {
			for (size_t k = 0; k < np; k++)
				v1[k] = ldexp(v1[k], SCALE_EXP);
			expnt -= SCALE_EXP;
		}
		s1 = s0 + j1 - k1;
	}
	long double ans = v1[n - s1];
	free(mem);
	for (long long k = 1; k <= n; k++) {
		if (fabsl(ans) > ldexpl(1.0L, SCALE_EXP)) {
			ans = ldexpl(ans, -SCALE_EXP);
			expnt += SCALE_EXP;
		}
		ans *= (long double)k;
	}
	return clip01((double)ldexpl(ans, (int)expnt));
}

/* The Pelz-Good (1976) approximation of P(D_n <= x): Li-Chien and
 * Korolyuk's series in 1/sqrt(n), each term in its small-z form. */
static double pelz_good_cdf(long long n, double x)
{
	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	const double pi2 = M_PI * M_PI, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
	const double sqrt2pi = sqrt(2 * M_PI);
	double z = sqrt((double)n) * x;
	double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
	double qlog = -pi2 / 8 / z2;
	if (qlog < MIN_LOG)
		return 0;
	double q = exp(qlog);
	double k1a = -z2, k1b = pi2 / 4;
	double k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * pi2 / 4;
	double k2c = pi4 * (1 - 2 * z2) / 16;
	double k3d = pi6 * (5 - 30 * z2) / 64, k3c = pi4 * (-60 * z2 + 212 * z4) / 16;
	double k3b = pi2 * (135 * z4 - 96 * z6) / 4, k3a = -30 * z6 - 90 * pow(z, 8);
	double kk[4] = {0, 0, 0, 0};
	long long maxk = (long long)ceil(16 * z / M_PI);
	for (long long k = maxk; k > 0; k--) {
		double m = (double)(2 * k - 1), m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
		double qp = pow(q, (double)(8 * k));
		kk[0] = kk[0] * qp + 1.0;
		kk[1] = kk[1] * qp + (k1a + k1b * m2);
		kk[2] = kk[2] * qp + (k2a + k2b * m2 + k2c * m4);
		kk[3] = kk[3] * qp + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
	}
	double div[4] = {z, 6 * z4, 72 * pow(z, 7), 6480 * pow(z, 10)};
	for (int i = 0; i < 4; i++)
		kk[i] = kk[i] * q * sqrt2pi / div[i];
	double q2 = exp(-pi2 / 2 / z2), e2 = 0, e3 = 0, sqrt3z = sqrt(3.0) * z;
	for (long long k = maxk; k > 0; k--) {
		double kd = (double)k, ks = kd * kd, qk = pow(q2, ks), kpi = M_PI * kd;
		e2 += ks * qk;
		e3 += (sqrt3z + kpi) * (sqrt3z - kpi) * ks * qk;
	}
	kk[2] += e2 * pi2 * sqrt2pi / (-36 * z3);
	kk[3] += e3 * pi2 * sqrt2pi / (216 * z6);
	double sum = 0;
	for (int i = 0; i < 4; i++)
		sum += kk[i] / pow((double)n, i / 2.0);
	return sum;
}

/* P(D_n <= x) (cdf) or P(D_n > x), choosing the method as SciPy does. */
static double kolmogn(long long n, double x, int cdf)
{
	if (isnan(x) || n <= 0)
		return NAN;
	if (x >= 1.0)
		return cdf ? 1.0 : 0.0;
	if (x <= 0.0)
		return cdf ? 0.0 : 1.0;
	double t = (double)n * x, p;
	if (t <= 1.0) {
		if (t <= 0.5)
			return cdf ? 0.0 : 1.0;
		if (n <= 140) {
			p = 1.0;
			for (long long i = 1; i <= n; i++)
				p *= (double)i * (1.0 / (double)n) * (2 * t - 1);
		} else {
			p = exp(log_nfact_over_npow(n) + (double)n * log(2 * t - 1));
		}
		return clip01(cdf ? p : 1.0 - p);
	}
	if (t >= (double)(n - 1)) {
		p = 2 * pow(1.0 - x, (double)n);
		return clip01(cdf ? 1 - p : p);
	}
	if (x >= 0.5) {
		p = 2 * cairn__smirnov(n, x);
		return clip01(cdf ? 1 - p : p);
	}
	double nx2 = t * x;
	if (n <= 140) {
		if (nx2 <= 0.754693)
			p = durbin_cdf(n, x);
		else if (nx2 <= 4)
			p = pomeranz_cdf(n, x);
		else {
			p = 2 * cairn__smirnov(n, x);
			return clip01(cdf ? 1 - p : p);
		}
		return clip01(cdf ? p : 1 - p);
	}
	if (!cdf) {
		if (nx2 >= 370.0)
			return 0.0;
		if (nx2 >= 2.2)
			return clip01(2 * cairn__smirnov(n, x));
	}
	if (nx2 >= 18.0)
		p = 1.0;
	else if (n <= 100000 && (double)n * pow(x, 1.5) <= 1.4)
		p = durbin_cdf(n, x);
	else
		p = pelz_good_cdf(n, x);
	return clip01(cdf ? p : 1 - p);
}

double cairn__kolmogorov_sf(long long n, double d)
{
	return kolmogn(n, d, 0);
}

double cairn__kolmogorov_cdf(long long n, double d)
{
	return kolmogn(n, d, 1);
}
