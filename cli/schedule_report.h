/* Building, simulating and rendering schedules; shared by schedule,
 * validate, run and regress. */
#ifndef VS_SCHEDULE_REPORT_H
#define VS_SCHEDULE_REPORT_H

#include "cli.h"
#include "plan/schedule.h"
#include "threshold_report.h"
#include "plan/validate.h"

/* A schedule with its simulation. */
typedef struct {
  vs_schedule *sched;
  vs_boot_result *result;
  double origin;
  vs_validation v;
  int rounds; /* simulations it took (jit tightens its plan on the simulation) */
} vs_sched_run;

/* The capacity the schedulers need, measured by a threshold search. */
int vs_capacity_measure(vs_sim *sim, vs_threshold_run *tr, vs_capacity *cap);

/* Build (or take) a schedule and simulate it. jit is re-planned on the
 * simulated boot durations until every VM is on time (or no better);
 * dynamic baselines take their start times from the simulation. */
int vs_sched_run_policy(vs_sim *sim, const vs_capacity *cap, const vs_policy *p, vs_sched_run *out);
int vs_sched_run_given(vs_sim *sim, const vs_capacity *cap, vs_schedule *given, vs_sched_run *out);
void vs_sched_run_clear(vs_sched_run *run);

cJSON *vs_schedule_json(const vs_scenario *sc, const vs_schedule *s, const vs_capacity *cap);
cJSON *vs_validation_json(const vs_validation *v);
void vs_schedule_print(FILE *out, const vs_scenario *sc, const vs_schedule *s, const vs_capacity *cap, int full);
void vs_validation_print(FILE *out, const vs_scenario *sc, const vs_validation *v);
/* Deadlines the hardware cannot meet, in words; nothing when feasible. */
void vs_shortfalls_print(FILE *out, const vs_scenario *sc, const vs_schedule *s);
int vs_schedule_save_csv(vs_outdir *d, const char *name, const vs_scenario *sc, const vs_schedule *s);

#endif
