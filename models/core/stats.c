#include "core/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int by_value(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* Two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom;
 * beyond, the normal's 1.96 is within 2 %. */
static double t975(size_t df)
{
  static const double t[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                             2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                             2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  return df >= 1 && df <= 30 ? t[df - 1] : 1.96;
}

static double quantile(const double *sorted, size_t n, double q)
{
  double pos = q * (double)(n - 1);
  size_t lo = (size_t)floor(pos);
  size_t hi = lo + 1 < n ? lo + 1 : lo;
  return sorted[lo] + (pos - (double)lo) * (sorted[hi] - sorted[lo]);
}

void vs_stats_of(const double *x, size_t n, vs_stats *out)
{
  double *v = malloc((n ? n : 1) * sizeof(*v)), sum = 0, ss = 0;
  size_t m = 0;
  memset(out, 0, sizeof(*out));
  for (size_t i = 0; v && i < n; i++)
    if (!isnan(x[i]))
      v[m++] = x[i];
  out->n = m;
  if (!m) {
    out->mean = out->sd = out->min = out->max = out->p5 = out->p95 = out->ci95_lo = out->ci95_hi = NAN;
    free(v);
    return;
  }
  qsort(v, m, sizeof(*v), by_value);
  for (size_t i = 0; i < m; i++)
    sum += v[i];
  out->mean = sum / (double)m;
  for (size_t i = 0; i < m; i++)
    ss += (v[i] - out->mean) * (v[i] - out->mean);
  out->sd = m > 1 ? sqrt(ss / (double)(m - 1)) : 0;
  out->min = v[0];
  out->max = v[m - 1];
  out->p5 = quantile(v, m, 0.05);
  out->p95 = quantile(v, m, 0.95);
  double half = m > 1 ? t975(m - 1) * out->sd / sqrt((double)m) : 0;
  out->ci95_lo = out->mean - half;
  out->ci95_hi = out->mean + half;
  free(v);
}

static unsigned long long mix(unsigned long long z)
{
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

unsigned long long vs_stats_hash(unsigned long long seed, unsigned long long a, unsigned long long b)
{
  return mix(mix(mix(seed) ^ a) ^ b);
}

double vs_stats_uniform(unsigned long long seed, unsigned long long a, unsigned long long b)
{
  return (double)(vs_stats_hash(seed, a, b) >> 11) * 0x1.0p-53;
}
