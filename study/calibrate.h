/* The calibration study: fit the simulator to live runs (result folders of
 * `vdistorm real boot|threshold`), so that what is measured at small k here
 * predicts larger k. SimGrid runs once per process, so every candidate is
 * simulated in a child process of this program, replaying the live run's
 * per-VM start offsets (`boot SCENARIO --schedule STARTS.csv --json`).
 *
 * Only what the runs can identify is fitted. The runs tell which resource
 * bounds a lone boot: CPU-bound (one VM keeps a core busy, as under QEMU's
 * TCG) fits the guest's CPU work and how many host cores a booting VM keeps
 * busy (boot.cpu_work, boot.cpu_threads), with a disk that does not bind;
 * disk-bound fits the HDD's rate and its concurrency curve (hdd.read_bw,
 * hdd.concurrency as readers^alpha). The rest is tied and reported. */
#ifndef VS_STUDY_CALIBRATE_H
#define VS_STUDY_CALIBRATE_H

#include <stddef.h>
#include <stdio.h>

#include "scenario/scenario.h"

#define VS_CALIBRATE_MAX_K 64
#define VS_CALIBRATE_N_PARAMS 6

typedef enum { VS_CALIBRATE_CPU_BOUND, VS_CALIBRATE_DISK_BOUND } vs_calibrate_regime;

/* The simulator parameters calibration touches. */
typedef struct {
  double read_B;       /* boot.read (measured, not searched) */
  double cpu_work_f;   /* boot.cpu_work */
  double cpu_threads;  /* boot.cpu_threads */
  double busy_cpu_fps; /* boot.busy_cpu */
  double read_Bps;     /* hdd.read_bw */
  double alpha;        /* hdd.concurrency: factor(n) = n^alpha */
} vs_calibrate_params;

/* One measured k: the mean of its runs that were not disturbed. */
typedef struct {
  int k;
  double measured_s;   /* mean all-ready time */
  double sd_s;         /* spread over its runs (0 with one run) */
  int runs;
  double read_B;       /* mean bytes read per VM */
  double peak_cpu_util;
  double overhead;     /* host overhead (host CPU - VM processes), mean */
  double start_s[VS_CALIBRATE_MAX_K]; /* the per-VM power-on offsets of its first run */
  int fit;             /* used for fitting (else: check only) */
  double simulated_s;  /* with the fitted parameters */
  double weight;       /* in the objective: 1 / max(spread/mean, 2 %) */
} vs_calibrate_point;

typedef struct {
  const int *fit_k;        /* the k to fit on; NULL: the two smallest measured k */
  size_t n_fit_k;
  int rounds;              /* search rounds per start (default 12) */
  double max_overhead;     /* drop steps whose host overhead exceeds this (default 0.10) */
  void (*progress)(void *ctx, const char *line); /* may be NULL */
  void *progress_ctx;
} vs_calibrate_options;
#define VS_CALIBRATE_OPTIONS_INIT \
  {.fit_k = NULL, .n_fit_k = 0, .rounds = 12, .max_overhead = 0.10, .progress = NULL, .progress_ctx = NULL}

typedef struct {
  vs_calibrate_params params;
  vs_calibrate_regime regime;
  vs_calibrate_point pts[VS_CALIBRATE_MAX_K];
  size_t n_pts;
  int dropped[VS_CALIBRATE_MAX_K]; /* k dropped for disturbance or a VM not ready */
  size_t n_dropped;
  int n_fit, n_check, evals;
  double mape_fit_pct, mape_check_pct, mape_all_pct; /* mape_check_pct NAN without check points */
  /* Sensitivity of the fitted k's all-ready time to each fitted parameter:
   * the elasticity d ln T / d ln p, by parameter name (NULL-terminated). */
  const char *fitted[VS_CALIBRATE_N_PARAMS + 1];
  double elasticity[VS_CALIBRATE_N_PARAMS];
} vs_calibrate_result;

/* Load the measured steps of live result folders into out->pts (runs of
 * the same k are pooled; disturbed and failed steps are left out and listed
 * in out->dropped). */
int vs_calibrate_load_measured(const char *const *dirs, size_t n_dirs, double max_overhead,
                               vs_calibrate_result *out);
/* Fit `sc` to out->pts and simulate every point with the result. */
int vs_calibrate_run(const vs_scenario *sc, const vs_calibrate_options *opts, vs_calibrate_result *out);
/* Write `sc` with the fitted parameters in place of its boot and hdd
 * sections; `header` (may be NULL) becomes a leading comment. */
int vs_calibrate_write_scenario(FILE *f, const vs_scenario *sc, const vs_calibrate_params *p, int max_readers,
                                const char *header);

#endif
