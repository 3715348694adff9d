/* One request/result/sample type for both backends -- the SimGrid simulator
 * (sim/) and live VMs through libvirt (real/) -- so that studies, validation,
 * reports and plots work on either. Plain C: no backend type leaks out.
 *
 * A study is a function of a backend; each backend runs it its own way (the
 * simulator inside its single simulation session, the live backend directly)
 * through a runner with this signature:
 *     int run(const vs_scenario *sc, const OPTIONS *o, vs_backend_fn study, void *payload); */
#ifndef VS_BACKEND_H
#define VS_BACKEND_H

#include <stddef.h>

#include "backend/pool.h"
#include "scenario/scenario.h"

/* One VM to boot in an experiment. */
typedef struct {
  int vm;          /* caller's id, reported back */
  int host;        /* compute host, 0 .. hosts.count-1 */
  int disk;        /* global disk index, 0 .. vs_scenario_total_hdds()-1 */
  int cls;         /* desktop class, 0 .. n_classes-1: its boot profile */
  double start_s;  /* after the experiment's start */
} vs_boot_req;

/* How VMs are powered on (the limits products such as Horizon, Nova and
 * Citrix put on power operations). A VM starts at its planned time or later,
 * when the limits allow. */
typedef struct {
  int max_concurrent;  /* at most this many booting at once; 0 = no limit */
  double min_gap_s;    /* at least this long between two power-ons; 0 = none */
  int max_per_disk;    /* at most this many booting from one disk at once (HA's throttled
                        * restarts; the simulator only); 0 = no limit */
} vs_boot_limits;
#define VS_BOOT_LIMITS_INIT {.max_concurrent = 0, .min_gap_s = 0.0, .max_per_disk = 0}

/* Once per second of the experiment. */
typedef struct {
  double t_s;            /* since the experiment's start (end of the interval) */
  int booting;           /* powered on, not yet ready */
  int ready;
  double cpu_util_mean;  /* over hosts, 0..1 */
  double cpu_util_max;
  double disk_MBps;      /* bytes read, all disks */
  double link_MBps;      /* bytes over all storage uplinks (0 for local storage) */
  double link_util_max;  /* busiest uplink, 0..1 */
  double host_overhead_cpu_util; /* live: host CPU minus the VMs' processes; 0 simulated */
} vs_sample;

typedef struct {
  const char *backend;     /* "simgrid" or "libvirt" (static strings) */
  const char *domain_type; /* live: "kvm" or "qemu"; NULL when simulated */

  /* Per VM, in plan order. */
  size_t n_vms;
  vs_boot_req *boots;      /* copy of the plan */
  double *started_s;       /* when it was powered on (>= planned start) */
  double *ready_s;         /* when it was ready; NAN: never (live timeout or failure) */
  double *read_B;          /* bytes it read */
  int not_ready;           /* VMs with ready_s NAN */
  char failure[256];       /* live: what happened to the first VM that was not ready ("" if none) */
  char *failure_log;       /* live: that VM's serial console (up to 64 KiB), kept for diagnosis; may be NULL */
  int failure_vm;          /* its id */

  /* Summary (vs_boot_result_summarize), over the VMs that became ready. */
  int peak_concurrency;    /* most VMs booting at the same time */
  double all_ready_s;      /* last ready - first power-on */
  double mean_ready_s;     /* mean of (ready - power-on) */
  double max_boot_s;       /* max of (ready - power-on) */
  double peak_cpu_util;    /* busiest host, max of its storm.cpu_window rolling mean */
  double mean_disk_MBps;   /* bytes read / all_ready_s / disks that served reads */
  double total_disk_MBps;  /* bytes read / all_ready_s */
  double peak_link_util;   /* busiest uplink, max of its storm.cpu_window rolling mean */
  double total_read_B;     /* read by all boots */
  int disks_used;
  double host_overhead_cpu_util, peak_host_overhead_cpu_util; /* live: mean and peak */
  /* With a background load: how much slower it ran than it wanted over the
   * experiment (wanted / got), the worst host and the worst disk; 1 = unhurt. */
  double background_cpu_slowdown, background_read_slowdown;
  /* With a read cache of the golden image (storage.cache): boot bytes served
   * from it (hits, and reads that waited for another clone's read of the
   * same block) against all boot bytes; the most the caches held at once
   * (one copy per host or NAS) and what the guests' own page caches hold of
   * the same blocks (every VM keeps what it read: double caching). */
  int has_cache;
  double cache_hit_B, cache_host_B, cache_guest_B;
  /* Live: what the VMs' QEMU processes read from storage (page-cache hits
   * excluded); -1 where unknown (a remote hypervisor). */
  double storage_read_B;

  /* Series: one row per sample; per-resource series row-major [sample][resource]. */
  size_t n_samples;
  double sample_s;         /* seconds per sample: 1, or more where a very long run's series was coarsened */
  vs_sample *samples;
  int n_hosts, n_disks, n_links;
  double *host_util;       /* 0..1 */
  double *disk_MBps;
  double *link_MBps;
} vs_boot_result;

/* Where an experiment is, for progress lines. */
typedef struct {
  double t_s;         /* experiment clock (simulated or wall) */
  int booting, ready, total;
  double elapsed_s;   /* wall time since the experiment started */
  double done;        /* 0..1, how much of the experiment's work is done
                       * (simulated: bytes read; live: VMs ready) */
} vs_boot_progress;
typedef void (*vs_boot_progress_fn)(void *ctx, const vs_boot_progress *p);

/* Which of a set of independent repeats an experiment is. Unseeded, VMs
 * differ by a fixed, evenly spread sequence (boot.jitter); seeded, each
 * (seed, repeat, VM) draws its own, so repeats differ and the same seed
 * gives the same results. The live backend varies by itself. */
typedef struct {
  int seeded;
  unsigned long long seed;
  int repeat;
} vs_boot_variation;
#define VS_BOOT_VARIATION_INIT {.seeded = 0, .seed = 0, .repeat = 0}

/* Load that runs beside an experiment's boots: the desktops already running
 * when HA restarts a failed host's VMs. Each resource wants a steady rate
 * for the whole experiment; what it gets is reported in the result. */
typedef struct {
  const double *host_cpu_fps;  /* per host, flops/s; NULL: none */
  const double *disk_read_Bps; /* per disk (global index), bytes/s; NULL: none */
} vs_boot_background;

typedef struct vs_backend vs_backend;
struct vs_backend {
  const char *name;            /* "simgrid" or "libvirt" */
  const vs_scenario *sc;
  /* Boot `n` VMs as planned (limits may be NULL) and wait until every one is
   * ready (or, live, has failed: then *out is still set and not_ready > 0). */
  int (*boot)(vs_backend *b, const vs_boot_req *plan, size_t n, const vs_boot_limits *limits,
              vs_boot_result **out);
  vs_boot_variation variation;  /* set by the caller before an experiment */
  const vs_boot_background *background; /* set by the caller; NULL: idle hardware (the simulator only) */
  const vs_pool_workload *pool; /* set by the caller; NULL: no image pool (the simulator only). The
                                 * experiment lasts until its boots and the pool's requests and copies are done */
  vs_boot_progress_fn progress; /* set by the caller; may be NULL */
  void *progress_ctx;
  void *impl;
};

typedef int (*vs_backend_fn)(vs_backend *b, void *payload);

int vs_backend_boot(vs_backend *b, const vs_boot_req *plan, size_t n, const vs_boot_limits *limits,
                    vs_boot_result **out);

/* The first k VMs of the scenario's layout, all powered on at t = 0 (the
 * threshold experiment), their classes interleaved in the proportions of
 * the workload's mix. NULL when out of memory. */
vs_boot_req *vs_boot_plan_simultaneous(const vs_scenario *sc, int k);
/* Hosts and disks exist, start times are finite and >= 0. */
int vs_boot_plan_check(const vs_scenario *sc, const vs_boot_req *plan, size_t n);

/* A result for n VMs with the per-VM arrays allocated (backend filled in
 * by the caller); NULL when out of memory. */
vs_boot_result *vs_boot_result_new(const vs_boot_req *plan, size_t n);
/* Fill the summary from the per-VM arrays and the series; peak_concurrency
 * is computed from the start and ready times when it is negative. */
void vs_boot_result_summarize(vs_boot_result *r, const vs_scenario *sc);
void vs_boot_result_free(vs_boot_result *r);

#endif
