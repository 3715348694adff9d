/* The image-pool study (`vdistorm pool`): the scenario's creation requests
 * served from the pool and, for comparison, copying on demand; the smallest
 * pool sizes that keep the p95 creation latency under a target (a search
 * with re-simulation); and, when the scenario also has a boot workload, how
 * much the pool's background copies slow the morning's jit schedule. The
 * simulator only (the live backend has no pool). */
#ifndef VS_STUDY_POOL_H
#define VS_STUDY_POOL_H

#include "backend/backend.h"
#include "plan/capacity.h"
#include "plan/pool.h"
#include "study/schedule.h"

typedef struct {
  int no_pool_only;        /* only the creations copying on demand (--no-pool) */
  const int *sizes;        /* pool size per image kind; NULL: the scenario's counts */
  int recommend;           /* search the smallest sizes that meet p95_target_s */
  double p95_target_s;
  int morning;             /* the jit schedule of the workload without and with the pool's copies */
} vs_study_pool_options;
#define VS_STUDY_POOL_OPTIONS_INIT \
  {.no_pool_only = 0, .sizes = NULL, .recommend = 0, .p95_target_s = 0.0, .morning = 0}

/* One pool experiment: its requests and copies, and the backend's result
 * (series of the disks, links and hosts the copies used). */
typedef struct {
  int no_pool;
  int *sizes;              /* per image kind */
  vs_pool_result *pool;
  vs_boot_result *run;
  vs_pool_latency latency;
} vs_study_pool_run;

typedef struct {
  double origin_s;         /* clock of the experiments' t = 0 */
  vs_study_pool_run main;  /* with the pool (or without, no_pool_only) */
  vs_study_pool_run no_pool; /* without the pool (unless no_pool_only) */
  /* --recommend */
  int recommended_feasible;
  int *recommended;        /* per image kind */
  int search_runs;
  /* The morning: the jit schedule alone, then the same plan with the pool's
   * requests and copies during it. */
  int morning;
  vs_study_schedule jit;   /* the schedule (tightened on its own) */
  double morning_origin_s;
  vs_validation alone, with;
  vs_boot_result *alone_run;
  vs_study_pool_run with_pool;
} vs_study_pool;

/* cap: the hardware's threshold search (for the morning's jit schedule; may
 * be NULL without o->morning). */
int vs_study_pool_run_all(vs_study_pool *s, vs_backend *b, const vs_capacity *cap, const vs_study_pool_options *o);
void vs_study_pool_clear(vs_study_pool *s);

#endif
