/* How good a schedule is, once simulated: readiness by deadline, lateness,
 * idle VM-minutes and their energy, concurrency, CPU, storm, makespan against
 * its lower bound. Backend-neutral: it reads a vs_boot_result from either. */
#ifndef VS_VALIDATE_H
#define VS_VALIDATE_H

#include "backend/backend.h"
#include "plan/schedule.h"

typedef struct {
  double ready_by_s; /* s since midnight */
  int vms, on_time;
} vs_deadline_report;

/* One desktop class's share of the validation. */
typedef struct {
  int vms, on_time;
  double max_lateness_s;
  double idle_vm_minutes;
  double slowest_boot_ratio; /* slowest boot / one VM of the class alone */
} vs_class_report;

typedef struct {
  double ready_fraction;
  int late_vms;             /* including not_ready */
  int not_ready;            /* live: never became ready */
  int missing_vms;          /* VMs of the workload the schedule does not power on (counted late) */
  double max_lateness_s, p95_lateness_s;
  double idle_vm_minutes;   /* powered on and ready before its deadline */
  double powered_vm_minutes;/* from power-on until the user takes it (deadline, or ready if late) */
  double idle_energy_kWh;   /* at energy.vm_power; NAN when not given */
  int peak_concurrency;
  double peak_cpu_util;
  double slowest_boot_ratio; /* slowest boot / one VM alone */
  int storm;                 /* slowest_boot_ratio > storm.max_slowdown */
  double first_start_s, last_ready_s; /* s since midnight */
  double min_slack_s;          /* least (deadline - ready) over the VMs: how early the tightest is; < 0 late */
  double makespan_s;           /* first power-on to last ready */
  vs_capacity_bound storm_free; /* the makespan's storm-free lower bound */
  vs_capacity_bound physical;   /* its physical lower bound: no schedule is faster */
  double storm_free_ratio, physical_ratio; /* makespan / bound */
  vs_deadline_report *deadlines; /* by time */
  size_t n_deadlines;
  vs_class_report classes[VS_MAX_CLASSES]; /* by class, n_classes of the scenario */
  size_t n_classes;
} vs_validation;

/* `r` is the experiment of vs_schedule_plan(s) whose t = 0 is `origin_s`;
 * `cap` gives each class's unloaded boot (for the storm verdict; NAN: none). */
int vs_validate(const vs_scenario *sc, const vs_schedule *s, double origin_s, const vs_boot_result *r,
                const vs_capacity *cap, vs_validation *out);
void vs_validation_clear(vs_validation *v);

#endif
