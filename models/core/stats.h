/* Summary statistics of repeated measurements (repeats of an experiment). */
#ifndef VS_STATS_H
#define VS_STATS_H

#include <stddef.h>

typedef struct {
  size_t n;
  double mean, sd;
  double min, max;
  double p5, p95;            /* linear interpolation between order statistics */
  double ci95_lo, ci95_hi;   /* 95 % interval of the mean (Student's t) */
} vs_stats;

/* Statistics of x[0..n-1] (NANs are left out). n = 0 gives NANs. */
void vs_stats_of(const double *x, size_t n, vs_stats *out);

/* A 64-bit hash of three numbers (splitmix64 steps): independent uniform
 * draws for a (seed, repeat, item) without shared generator state. */
unsigned long long vs_stats_hash(unsigned long long seed, unsigned long long a, unsigned long long b);
/* The hash as a uniform number in [0, 1). */
double vs_stats_uniform(unsigned long long seed, unsigned long long a, unsigned long long b);

#endif
