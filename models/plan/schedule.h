/* Boot schedules: when each desktop is powered on, on which host, reading
 * which HDD, so that it is ready by its deadline. Plain C: the capacity the
 * schedulers rely on is measured by the simulator and handed in. */
#ifndef VS_SCHEDULE_H
#define VS_SCHEDULE_H

#include <stddef.h>
#include <stdio.h>

#include "scenario/scenario.h"

typedef enum {
  VS_POLICY_BRAIDS_WAVES,      /* the paper's: waves of <= threshold, one per whole minute */
  VS_POLICY_JIT,               /* ours: latest starts, pipelined per storm-free lane */
  VS_POLICY_ALL_AT_ONCE,       /* every VM of a deadline at the window start */
  VS_POLICY_FIXED_CONCURRENCY, /* Horizon / Nova: at most N booting at once */
  VS_POLICY_RATE               /* Citrix: at most N power-ons per minute */
} vs_policy_kind;

typedef struct {
  vs_policy_kind kind;
  int n;            /* N of fixed-concurrency and rate */
  double start;     /* baselines: power-on window start (s since midnight); < 0 = per deadline */
} vs_policy;
#define VS_POLICY_INIT {VS_POLICY_JIT, 0, -1.0}

/* "braids-waves", "jit", "all-at-once", "fixed-concurrency:N" (or =N),
 * "rate:N/min" (or =N/min). */
int vs_policy_parse(const char *text, vs_policy *out);
const char *vs_policy_format(const vs_policy *p, char *buf, size_t len);
/* 1 if the policy's power-ons depend on when boots finish (the launcher
 * enforces limits), so that its start times come from simulation. */
int vs_policy_is_dynamic(const vs_policy *p);

/* What the hardware can do, measured by the simulator. */
typedef struct {
  int threshold;     /* the boot-storm threshold (concurrent boots) */
  double boot_s;     /* one VM booting alone */
  double wave_s;     /* `threshold` VMs booted together: all ready after */
  double vm_io_Bps;  /* one VM's unloaded boot I/O rate */
} vs_capacity;

/* Concurrent boots that each run at about an unloaded boot's speed: per HDD
 * as many readers as storm.max_slowdown tolerates, per NAS no more than its
 * uplink carries, never more than the threshold. At least 1. */
int vs_sched_lanes(const vs_scenario *sc, const vs_capacity *cap);
/* An HDD's best throughput over the reader counts whose per-boot slowdown
 * (readers / factor) stays within storm.max_slowdown, bytes/s. */
double vs_hdd_stormfree_bw(const vs_scenario *sc, int *readers);

typedef struct {
  int vm, host, disk;
  int point;             /* index of its demand point */
  int lane;              /* jit lane / wave slot it follows (-1: none) */
  double start;          /* s since midnight */
  double ready_by;       /* its deadline */
  double expected_ready; /* the scheduler's estimate */
} vs_sched_entry;

/* A deadline the hardware cannot meet from workload.earliest_start. */
typedef struct {
  int point;
  int late_vms;          /* VMs that would have to start before earliest_start */
  double needed_start;   /* the start time that would make it feasible */
} vs_sched_shortfall;

typedef struct {
  vs_policy policy;
  vs_sched_entry *entries; /* sorted by start */
  size_t n;
  int lanes;               /* jit: concurrent boots it pipelines */
  int max_concurrent;      /* launch limit for the simulator, 0 = none */
  double min_gap_s;        /* launch spacing for the simulator, 0 = none */
  vs_sched_shortfall *shortfalls;
  size_t n_shortfalls;
  int extra_lanes;         /* concurrent boots to add to meet every deadline (jit; 0 if feasible) */
} vs_schedule;

/* Build a schedule for the scenario's workload. */
int vs_sched_build(const vs_scenario *sc, const vs_capacity *cap, const vs_policy *p, vs_schedule **out);
/* Re-plan jit with the boot durations the simulation measured for each VM
 * (index = entry order at the time of the simulation). */
int vs_sched_refine(vs_schedule *s, const vs_scenario *sc, const vs_capacity *cap, const double *boot_s);
void vs_schedule_free(vs_schedule *s);
int vs_schedule_copy(const vs_schedule *s, vs_schedule **out);

/* The physical lower bound of the makespan: work on each resource over its
 * best storm-free rate (all HDDs, all uplinks, all cores), in seconds. */
typedef struct {
  double hdd_s, link_s, cpu_s;
  double bound_s; /* the largest */
} vs_lower_bound;
void vs_sched_lower_bound(const vs_scenario *sc, double total_read_bytes, vs_lower_bound *out);

/* Schedule CSV: vm,host,disk,start,ready_by,expected_ready (times HH:MM:SS,
 * host/disk as names such as host-3 and nas-0-hdd-4). */
int vs_sched_write_csv(const vs_schedule *s, const vs_scenario *sc, FILE *f);
/* Read one back; errors are "FILE:LINE: what is wrong" (VS_EINPUT). */
int vs_sched_read_csv(const char *path, const vs_scenario *sc, vs_schedule **out);

#endif
