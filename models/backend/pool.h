/* The image pool beside an experiment (the simulator only): creation
 * requests served from pools of ready images while the preparer copies
 * replacements from the golden images, as flows on the same disks and links
 * as the boots. Plain C. Clock times are seconds since midnight. */
#ifndef VS_BACKEND_POOL_H
#define VS_BACKEND_POOL_H

#include <stddef.h>

#include "scenario/pool.h"

typedef struct vs_pool_result vs_pool_result;

/* What the caller asks for; the experiment's result goes to *out. */
typedef struct {
  const vs_pool_spec *spec;
  const int *count;        /* pool size per image kind; NULL: the spec's counts */
  int no_pool;             /* no pool: each creation copies its two images on demand and waits */
  double origin_s;         /* clock time of the experiment's t = 0 */
  vs_pool_result *out;     /* from vs_pool_result_new(spec), filled by the experiment */
} vs_pool_workload;
#define VS_POOL_WORKLOAD_INIT {.spec = NULL, .count = NULL, .no_pool = 0, .origin_s = 0.0, .out = NULL}

/* One copy of a golden image (clock times). */
typedef struct {
  int image;               /* its image kind */
  int on_demand;           /* 1: a creation without a pool waited for it; 0: the preparer's */
  int fill;                /* 1: part of the initial fill */
  double start_s, end_s;
  double bytes;
} vs_pool_copy;

struct vs_pool_result {
  size_t n_requests;
  double *arrival_s;       /* per request (spec order), clock */
  double *created_s;       /* when its creation was done, clock */
  size_t n_images;
  double *empty_s;         /* per image kind: time its pool held no ready image */
  int *empty_times;        /* per image kind: how often it became empty */
  vs_pool_copy *copies;
  size_t n_copies, cap_copies;
  double copied_B;         /* bytes copied (read once, written once) */
  double fill_done_s;      /* clock when the initial fill was complete; NAN without one */
  double start_s, end_s;   /* clock span of the experiment's pool activity */
};

/* NULL when out of memory. */
vs_pool_result *vs_pool_result_new(const vs_pool_spec *spec);
/* Room for one more copy; NULL when out of memory. */
vs_pool_copy *vs_pool_result_add_copy(vs_pool_result *r);
void vs_pool_result_free(vs_pool_result *r);

#endif
