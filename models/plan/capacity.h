/* What the hardware can do: the capacity a threshold search measured, the
 * storm-free lanes a schedule may pipeline on, and the lower bounds of a
 * makespan. Plain C over the scenario. */
#ifndef VS_CAPACITY_H
#define VS_CAPACITY_H

#include "backend/backend.h"
#include "scenario/scenario.h"

/* Measured by a threshold search. */
typedef struct {
  int threshold;     /* the boot-storm threshold (concurrent boots) */
  double boot_s;     /* one VM booting alone (the workload's main class) */
  double class_boot_s[VS_MAX_CLASSES]; /* one VM of each class alone */
  double wave_s;     /* `threshold` VMs booted together: all ready after */
  double lanes_slowdown; /* as many VMs as jit has lanes booted together
                          * (placed as jit places them): their slowest boot
                          * over its class alone; 0 if not measured */
  double vm_io_Bps;  /* one VM's unloaded boot I/O rate */
} vs_capacity;

/* The lanes' slowdown (above) from the experiment that booted them. */
double vs_capacity_lanes_slowdown(const vs_capacity *cap, const vs_boot_result *lanes);

/* Concurrent boots that each run at about an unloaded boot's speed: per HDD
 * as many readers as storm.max_slowdown tolerates, per NAS no more than its
 * uplink carries, never more than the threshold. At least 1. */
int vs_capacity_lanes(const vs_scenario *sc, const vs_capacity *cap);
/* An HDD's best throughput over the reader counts whose per-boot slowdown
 * (readers / factor) stays within storm.max_slowdown, bytes/s. */
double vs_capacity_hdd_stormfree_Bps(const vs_scenario *sc, int *readers);

/* A lower bound of the makespan: the work on each kind of resource over its
 * best aggregate rate, in seconds; the bound is the largest. */
typedef struct {
  double hdd_s, link_s, cpu_s;
  double bound_s;
  const char *by; /* "HDDs", "uplinks" or "CPU" */
} vs_capacity_bound;
/* Storm-free: every HDD at its best rate among the reader counts whose
 * slowdown stays within storm.max_slowdown. A schedule that is not a storm
 * cannot beat it; a storm can. */
void vs_capacity_storm_free_bound(const vs_scenario *sc, double total_read_B, double total_cpu_f,
                                  vs_capacity_bound *out);
/* Physical: every HDD at the best point of its concurrency curve, every
 * uplink full, every core busy with the boots' fixed work. No schedule can
 * beat it. */
void vs_capacity_physical_bound(const vs_scenario *sc, double total_read_B, double total_cpu_f,
                                vs_capacity_bound *out);
/* The fixed CPU work (guest work and I/O handling, not busy_cpu) of a VM of
 * class `cls` that read `read_B` bytes; busy_cpu scales with how long a boot
 * takes, so it bounds nothing from below. */
double vs_capacity_fixed_cpu_f(const vs_scenario *sc, int cls, double read_B);

#endif
