/* The schedule study: build a schedule (models/plan), boot it on a backend,
 * validate it, and for jit tighten it on the boot times the experiment
 * measured until every desktop is on time. */
#ifndef VS_STUDY_SCHEDULE_H
#define VS_STUDY_SCHEDULE_H

#include "backend/backend.h"
#include "plan/capacity.h"
#include "plan/schedule.h"
#include "plan/validate.h"
#include "core/stats.h"
#include "study/repeat.h"

/* A schedule with its experiment. */
typedef struct {
  vs_schedule *sched;
  vs_boot_result *result;
  double origin_s;  /* s since midnight of the experiment's t = 0 */
  vs_validation v;
  int rounds;       /* experiments it took (jit tightens its plan on each) */
  vs_capacity cap;  /* what it was planned on (jit: with the lanes' slowdown) */
} vs_study_schedule;

/* Build the policy's schedule and run it. jit is re-planned on the measured
 * boot durations until every VM is on time (or no better); dynamic baselines
 * take their start times from the experiment. */
int vs_study_schedule_policy(vs_study_schedule *run, vs_backend *b, const vs_capacity *cap, const vs_policy *p);
/* Run a given schedule (which the study then owns). */
int vs_study_schedule_given(vs_study_schedule *run, vs_backend *b, const vs_capacity *cap, vs_schedule *given);
void vs_study_schedule_clear(vs_study_schedule *run);

/* The schedule's validation over repeats: the run above is the first; the
 * others boot the same schedule with independent variation. */
typedef struct {
  vs_stats makespan_s, late_vms, ready_fraction, slowest_boot_ratio, idle_vm_minutes;
} vs_study_schedule_spread;
int vs_study_schedule_repeat(const vs_study_schedule *run, vs_backend *b, const vs_capacity *cap,
                             const vs_study_repeat *rp, vs_study_schedule_spread *out);

#endif
