/* Boot schedules: when each desktop is powered on, on which host, reading
 * which disk, so that it is ready by its deadline. Plain C: the capacity the
 * schedulers rely on is measured by a backend and handed in. */
#ifndef VS_SCHEDULE_H
#define VS_SCHEDULE_H

#include <stddef.h>
#include <stdio.h>

#include "backend/backend.h"
#include "plan/capacity.h"
#include "plan/dpm.h"
#include "plan/policy.h"
#include "scenario/scenario.h"

typedef struct {
  int vm, host, disk;
  int cls;                 /* desktop class */
  int point;               /* index of its demand point */
  int lane;                /* jit lane / wave slot it follows (-1: none) */
  double start_s;          /* s since midnight */
  double ready_by_s;       /* its deadline, s since midnight */
  double expected_ready_s; /* the scheduler's estimate, s since midnight */
} vs_schedule_entry;

/* A deadline the hardware cannot meet from workload.earliest_start. */
typedef struct {
  int point;
  int late_vms;          /* VMs that would have to start before earliest_start */
  double needed_start_s; /* the start time that would make it feasible */
} vs_schedule_shortfall;

typedef struct vs_schedule {
  vs_policy policy;
  vs_schedule_entry *entries; /* sorted by start */
  size_t n;
  int lanes;               /* jit: concurrent boots it pipelines */
  int max_concurrent;      /* launch limit for the backend, 0 = none */
  double min_gap_s;        /* launch spacing for the backend, 0 = none */
  vs_schedule_shortfall *shortfalls;
  size_t n_shortfalls;
  int extra_lanes;         /* concurrent boots to add to meet every deadline (jit; 0 if feasible) */
  vs_dpm_plan dpm;         /* with dpm.enabled: which hosts, powered on when (else all zero) */
} vs_schedule;

/* Build a schedule for the scenario's workload. */
int vs_schedule_build(const vs_scenario *sc, const vs_capacity *cap, const vs_policy *p, vs_schedule **out);
/* Re-plan jit with the boot durations an experiment measured for each VM
 * (index = entry order at the time of the experiment). */
int vs_schedule_refine(vs_schedule *s, const vs_scenario *sc, const double *boot_s);
void vs_schedule_free(vs_schedule *s);
int vs_schedule_copy(const vs_schedule *s, vs_schedule **out);

/* The plan a backend boots: entries in order, times relative to the first
 * start, which *origin_s receives (s since midnight). NULL when out of memory. */
vs_boot_req *vs_schedule_plan(const vs_schedule *s, double *origin_s);
vs_boot_limits vs_schedule_limits(const vs_schedule *s);

/* Schedule CSV: vm,host,disk,start,ready_by,expected_ready,class (times
 * HH:MM:SS.mmm -- whole seconds are read too -- host/disk as names such as
 * host-3 and nas-0-hdd-4; class by name, or taken from the row's deadline
 * when absent). Written and read back, a schedule is the same. */
int vs_schedule_write_csv(const vs_schedule *s, const vs_scenario *sc, FILE *f);
/* Read one back; errors are "FILE:LINE: what is wrong" (VS_EINPUT). */
int vs_schedule_read_csv(const char *path, const vs_scenario *sc, vs_schedule **out);

#endif
