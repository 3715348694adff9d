/* The SimGrid engine, behind a plain-C interface (no SimGrid types leak out).
 *
 * SimGrid runs one simulation per process, so a command runs *inside* it:
 * vs_sim_session() builds the platform from the scenario and calls `body`
 * from a controller actor; the body then runs experiments one after another
 * in simulated time with vs_sim_boot(). */
#ifndef VS_SIM_H
#define VS_SIM_H

#include <stddef.h>

#include "scenario/scenario.h"

typedef struct vs_sim vs_sim;

typedef struct {
  int verbose;       /* SimGrid's own log output */
  int progress;      /* one line per simulated minute on stderr */
} vs_sim_options;
#define VS_SIM_OPTIONS_INIT {0, 0}

/* One VM to boot in an experiment. */
typedef struct {
  int vm;            /* caller's id, reported back */
  int host;          /* compute host index, 0..hosts.count-1 */
  int disk;          /* global HDD index, 0..vs_scenario_total_hdds()-1 */
  double start;      /* s after the experiment's start */
} vs_boot_req;

/* How VMs are powered on (the limits products such as Horizon, Nova and
 * Citrix put on power operations). A VM starts at its planned time or later,
 * when the limits allow. */
typedef struct {
  int max_concurrent;  /* at most this many booting at once; 0 = no limit */
  double min_gap_s;    /* at least this long between two power-ons; 0 = none */
} vs_boot_options;
#define VS_BOOT_OPTIONS_INIT {0, 0.0}

/* Once per simulated second. */
typedef struct {
  double t;          /* s since the experiment's start (end of the interval) */
  int booting;       /* powered on, not yet ready */
  int ready;
  double cpu_util_mean;  /* over hosts, 0..1 */
  double cpu_util_max;
  double disk_MBps;      /* useful bytes read, all HDDs */
  double link_MBps;      /* bytes over all storage uplinks (0 for local storage) */
  double link_util_max;  /* busiest uplink, 0..1 */
} vs_sample;

typedef struct {
  size_t n_vms;
  vs_boot_req *boots;    /* copy of the plan, same order */
  double *started;       /* per VM: when it was powered on (>= planned start) */
  double *ready;         /* per VM: s after the experiment's start */
  int peak_concurrency;  /* most VMs booting at the same time */
  double all_ready_s;    /* last ready - first power-on */
  double mean_ready_s;   /* mean of (ready - power-on) */
  double max_boot_s;     /* max of (ready - power-on) */
  double peak_cpu_util;  /* busiest host, max of its cpu_window rolling mean */
  double mean_disk_MBps; /* bytes read / all_ready_s / HDDs that served reads */
  double total_disk_MBps;/* bytes read / all_ready_s */
  double peak_link_util; /* busiest uplink, max of its cpu_window rolling mean */
  double read_bytes;     /* read by all boots (jitter makes VMs differ) */
  int disks_used;

  size_t n_samples;
  vs_sample *samples;
  /* Per-resource series, row-major [sample][resource]. */
  int n_hosts, n_disks, n_links;
  double *host_util;     /* 0..1 */
  double *disk_MBps;
  double *link_MBps;
} vs_boot_result;

typedef int (*vs_sim_body_fn)(vs_sim *sim, void *payload);

/* Build the platform for `sc`, run `body(sim, payload)` inside the simulation
 * and return what it returned (or VS_ESIM if the simulation failed to start).
 * At most once per process. */
int vs_sim_session(const vs_scenario *sc, const vs_sim_options *opts, vs_sim_body_fn body,
                   void *payload);

/* Inside a body: boot `n` VMs as planned (opts may be NULL) and wait until
 * all are ready. */
int vs_sim_boot(vs_sim *sim, const vs_boot_req *plan, size_t n, const vs_boot_options *opts,
                vs_boot_result **out);
void vs_boot_result_free(vs_boot_result *res);

const vs_scenario *vs_sim_scenario(const vs_sim *sim);
/* Names of resources as they appear in CSV outputs. */
const char *vs_sim_host_name(const vs_sim *sim, int host);
const char *vs_sim_disk_name(const vs_sim *sim, int disk);
const char *vs_sim_link_name(const vs_sim *sim, int link);

/* Write the SimGrid platform generated for `sc` (exposed for tests and for
 * users who want to inspect it). */
int vs_platform_write(const vs_scenario *sc, const char *path);

#endif
