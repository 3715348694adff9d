/* The boot-storm threshold: the largest number k of simultaneous boots for
 * which none of the paper's limits trips (Kim et al., BRAIDS, 2024):
 *   cpu      - a host's CPU reaches 100 % (over the storm.cpu_window);
 *   hdd      - more concurrent VMs than HDDs, when the storage has several
 *              HDDs to boot VMs in parallel (one HDD never boots two VMs in
 *              parallel, so there the other limits decide);
 *   link     - the boot I/O through a NAS uplink exceeds its bandwidth
 *              (VMs on that uplink x one VM's unloaded boot I/O rate);
 *   slowdown - all-ready time above storm.max_slowdown x the linear trend
 *              (an unloaded boot x the most VMs that share one HDD).
 * Plain C: the simulation is supplied by the caller. */
#ifndef VS_THRESHOLD_H
#define VS_THRESHOLD_H

#include <stddef.h>

#include "core/stats.h"
#include "scenario/scenario.h"

enum { VS_LIMIT_CPU = 1, VS_LIMIT_HDD = 2, VS_LIMIT_LINK = 4, VS_LIMIT_SLOWDOWN = 8, VS_LIMIT_SSD = 16 };
#define VS_LIMIT_COUNT 5

/* What the experiment of k simultaneous boots measured (its first run),
 * and, with repeats, each run's all-ready time and peak CPU. */
typedef struct {
  double all_ready_s, mean_ready_s, peak_cpu_util, mean_disk_MBps, peak_link_util;
  double read_B;  /* read by the k VMs together */
  int not_ready; /* live: VMs that never became ready (the step failed) */
  size_t n_runs;                 /* 0 or 1: just the figures above */
  const double *all_ready_runs;  /* n_runs values (valid during the call) */
  const double *peak_cpu_runs;
} vs_threshold_measure;

typedef struct {
  int k;
  vs_threshold_measure m;
  double io_MBps;    /* aggregate boot I/O demand: k x one VM's unloaded rate */
  double slowdown;   /* all_ready_s / (unloaded boot x max_per_disk) */
  int max_per_disk;  /* most of the k VMs that read from one HDD */
  int max_per_link;  /* most of the k VMs behind one NAS uplink (0: local) */
  unsigned limits;   /* VS_LIMIT_* that trip at this k */
  /* Over the repeats (n = 1 without): */
  vs_stats all_ready, peak_cpu;
  double trip_share[VS_LIMIT_COUNT]; /* share of runs in which each limit tripped, by bit index */
} vs_threshold_step;

typedef int (*vs_threshold_measure_fn)(void *ctx, int k, vs_threshold_measure *out);
typedef void (*vs_threshold_step_fn)(void *ctx, const vs_threshold_step *step);

typedef enum {
  VS_SEARCH_AUTO,   /* linear up to 16, then doubling and bisection */
  VS_SEARCH_LINEAR, /* k = 1, 2, 3 ... as the paper did */
  VS_SEARCH_FAST    /* doubling and bisection from k = 1 */
} vs_threshold_search_mode;

typedef struct {
  vs_threshold_search_mode mode;
  int max_k;        /* stop searching beyond this (default 65536) */
  int extra_steps;  /* linear phase: steps simulated past the first trip */
  vs_threshold_step_fn on_step; /* called after each simulated step (progress); may be NULL */
  void *on_step_ctx;            /* its context (NULL: the measuring function's) */
  /* With repeats, a measured limit (cpu, slowdown) trips at k when it trips
   * in at least this share of the runs (default 0.5: most of them). */
  double trip_share;
} vs_threshold_options;
#define VS_THRESHOLD_OPTIONS_INIT \
  {.mode = VS_SEARCH_AUTO, .max_k = 0, .extra_steps = 0, .on_step = NULL, .on_step_ctx = NULL, .trip_share = 0.5}

typedef struct {
  int threshold;         /* 0: even one boot trips a limit */
  unsigned limits;       /* the limits that trip at threshold + 1 */
  int capped;            /* 1 if max_k was reached without a trip */
  double unloaded_boot_s;/* one VM alone */
  double vm_io_Bps;      /* one VM's unloaded boot I/O rate */
  vs_threshold_step *steps; /* sorted by k, each simulated k once */
  size_t n_steps;
} vs_threshold_result;

int vs_threshold_search(const vs_scenario *sc, const vs_threshold_options *opts,
                        vs_threshold_measure_fn simulate, void *ctx, vs_threshold_result *out);
void vs_threshold_result_clear(vs_threshold_result *res);

/* "cpu", "hdd", "link", "slowdown", "ssd" for one VS_LIMIT_* bit. */
const char *vs_threshold_limit_name(unsigned bit);
/* "hdd+slowdown" style list into buf; "none" when empty. */
const char *vs_threshold_limits_format(unsigned limits, char *buf, size_t len);

#endif
