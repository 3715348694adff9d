/* HA restart storms: which desktops a host failure takes down, whether the
 * survivors have room for them (admission control), what load the running
 * desktops keep on the survivors, and the restart plans the policies make.
 * Plain C over the scenario; study/failover.c runs them on a backend. */
#ifndef VS_FAILOVER_H
#define VS_FAILOVER_H

#include <stddef.h>

#include "backend/backend.h"
#include "scenario/scenario.h"

/* A desktop of a failed host. */
typedef struct {
  int vm;        /* its id in the workload (demand order) */
  int cls;
  int host_was;  /* the failed host it ran on */
  int host;      /* the survivor it restarts on; -1: not admitted */
  int disk;      /* its image's disk (unchanged by the failure) */
} vs_failover_vm;

typedef struct {
  double at_s;              /* the failure, s since midnight */
  int failed;               /* hosts 0 .. failed-1 fail */
  int priority[VS_MAX_CLASSES]; /* restart priority per class (higher first) */
  int running;              /* desktops running at the failure (every deadline up to at_s passed) */
  vs_failover_vm *vms;      /* the failed hosts' desktops, in restart order (priority, then id) */
  size_t n;
  int admitted, not_admitted;
  double *host_cpu_fps;     /* the survivors' running desktops: steady CPU per host */
  double *disk_read_Bps;    /* and steady reads per disk */
  vs_boot_background load;  /* the two above, for the backend */
} vs_failover;

/* `priority` (may be NULL): per class, overriding classes[].priority. Bad
 * input (no survivor, nothing running at `at_s`) is VS_EINPUT. */
int vs_failover_build(const vs_scenario *sc, int failed, double at_s, const int *priority, vs_failover *out);
void vs_failover_clear(vs_failover *f);

typedef enum {
  VS_RESTART_ALL_AT_ONCE, /* what HA does by default */
  VS_RESTART_THROTTLED,   /* a few restarts at once per HDD (vs_boot_limits.max_per_disk) */
  VS_RESTART_PRIORITY     /* throttled, higher-priority classes first */
} vs_restart_policy;
#define VS_RESTART_POLICIES 3
const char *vs_restart_policy_name(vs_restart_policy p);
int vs_restart_policy_parse(const char *name, vs_restart_policy *out);

/* The admitted desktops' restarts as a plan: all powered on at the failure
 * (t = 0), in restart order (by id; by priority for VS_RESTART_PRIORITY);
 * the throttled policies then take turns on each HDD
 * (vs_boot_limits.max_per_disk). *n gets the plan's length; NULL when out
 * of memory. */
vs_boot_req *vs_failover_plan(const vs_failover *f, vs_restart_policy p, size_t *n);

#endif
