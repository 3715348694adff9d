/* The failover study: a host failure's desktops restarted on the survivors
 * by each restart policy, beside the load of the desktops still running
 * (models/plan/failover), on a backend (the simulator: the live backend has
 * no background load). */
#ifndef VS_STUDY_FAILOVER_H
#define VS_STUDY_FAILOVER_H

#include "backend/backend.h"
#include "plan/capacity.h"
#include "plan/failover.h"

typedef struct {
  vs_restart_policy policy;
  vs_boot_result *result;   /* t = 0 is the failure */
  double restore_max_s;     /* failure -> the last restarted desktop ready */
  double restore_p95_s;
  double slowest_ratio;     /* slowest restart / one restart alone under the same load */
  int storm;                /* slowest_ratio > storm.max_slowdown */
  double survivor_cpu_slowdown, survivor_read_slowdown; /* the running desktops': wanted / got, worst resource */
} vs_study_failover_run;

typedef struct {
  double restart_alone_s; /* one desktop restarting alone under the survivors' load */
  int per_disk;           /* throttled: restarts at once per HDD (the threshold's share of each) */
  vs_study_failover_run runs[VS_RESTART_POLICIES];
  int n_runs;
} vs_study_failover;

/* Runs `policies` (n of them) for the failure `f`; cap comes from a
 * threshold search on the idle hardware. */
int vs_study_failover_run_all(vs_study_failover *s, vs_backend *b, const vs_capacity *cap, const vs_failover *f,
                              const vs_restart_policy *policies, int n);
void vs_study_failover_clear(vs_study_failover *s);

#endif
