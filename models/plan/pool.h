/* Image-pool planning without a simulator: creation latency statistics,
 * copy traffic over time, and the bookkeeping of the pool-size search
 * (`vdistorm pool --recommend`), which re-simulates each candidate. */
#ifndef VS_PLAN_POOL_H
#define VS_PLAN_POOL_H

#include <stddef.h>

#include "backend/pool.h"

/* Creation latency: created - arrival, over the requests that were created. */
typedef struct {
  int n;             /* requests created */
  int not_created;   /* requests that never were */
  double min_s, p50_s, p95_s, max_s, mean_s;
} vs_pool_latency;

int vs_pool_latency_of(const vs_pool_result *r, vs_pool_latency *out);

/* Copy traffic in buckets of bucket_s from r->start_s: each copy's bytes
 * spread evenly over its span (read and written once each). Arrays of *n
 * buckets, caller frees: MBps (decimal MB/s copied), active (copies running
 * on average in the bucket). */
typedef struct {
  size_t n;
  double t0_s, bucket_s;  /* clock of the first bucket, its width */
  double *MBps;
  double *active;
} vs_pool_traffic;

int vs_pool_traffic_of(const vs_pool_result *r, double bucket_s, vs_pool_traffic *out);
void vs_pool_traffic_clear(vs_pool_traffic *t);

/* The pool-size search: the smallest size per image kind whose simulation
 * keeps the p95 creation latency at most target_s. Kinds are searched one at
 * a time by bisection between 1 and the requests that take the kind (a pool
 * that never runs dry), the other kinds at that upper end; then the sizes
 * found are simulated together and, while they miss the target, the kind
 * whose pool was empty longest grows by one. */
typedef struct {
  size_t n;          /* image kinds */
  double target_s;
  int *size;         /* the candidate to simulate next (vs_pool_search_next) */
  int *lo, *hi;      /* per kind: lo..hi still possible; hi meets the target */
  int *found;        /* per kind, once searched */
  int *never_dry;    /* per kind: the requests that take it */
  size_t kind;       /* kind being searched */
  int phase;         /* 0: all at hi, 1: bisection, 2: together, 3: done */
  int feasible;      /* 0: even pools that never run dry miss the target (the handler is the bottleneck) */
  int runs;          /* simulations so far */
} vs_pool_search;

int vs_pool_search_init(vs_pool_search *s, const vs_pool_spec *spec, double target_s);
/* The sizes to simulate next, or NULL when the search is over (then `found`
 * holds the answer when `feasible`). */
const int *vs_pool_search_next(vs_pool_search *s);
/* What the candidate from vs_pool_search_next gave: its p95 and each kind's empty time. */
void vs_pool_search_report(vs_pool_search *s, double p95_s, const double *empty_s);
void vs_pool_search_clear(vs_pool_search *s);

#endif
