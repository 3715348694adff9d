/* The calibration study: fit the simulator's boot profile and disk model to
 * live runs (result folders of `vdistorm real boot|threshold`). SimGrid runs
 * once per process, so every candidate is simulated in a child process of
 * this program (`boot SCENARIO --vms K --json`). */
#ifndef VS_STUDY_CALIBRATE_H
#define VS_STUDY_CALIBRATE_H

#include <stddef.h>
#include <stdio.h>

#include "scenario/scenario.h"

#define VS_CALIBRATE_MAX_K 256

/* The simulator parameters the calibration fits. */
typedef struct {
  double read_B;       /* boot.read (measured, not searched) */
  double cpu_work_f;   /* boot.cpu_work */
  double busy_cpu_fps; /* boot.busy_cpu */
  double io_cpu_fpB;   /* boot.io_cpu_cost */
  double read_Bps;     /* hdd.read_bw */
  double alpha;        /* hdd.concurrency: factor(n) = n^alpha */
} vs_calibrate_params;

/* All-ready time of k simultaneous boots simulated with parameters p. */
typedef int (*vs_calibrate_sim_fn)(void *ctx, const vs_calibrate_params *p, int k, double *all_ready_s);

typedef struct {
  int k;
  double measured_s;   /* mean all-ready time of the runs of this k */
  double read_B;       /* mean bytes read per VM */
  int runs;
  int fit;             /* used for fitting (else: check only) */
  double simulated_s;  /* with the fitted parameters */
} vs_calibrate_point;

/* Coordinate search (multiplicative steps, shrinking) minimising the mean
 * absolute percentage error over the points with fit = 1; p holds the start
 * and receives the best parameters. *evals counts simulations. */
int vs_calibrate_fit(vs_calibrate_params *p, const vs_calibrate_point *pts, size_t n, vs_calibrate_sim_fn sim,
                     void *ctx, int max_rounds, double *best_mape, int *evals);
/* Write a scenario: `sc` with the fitted parameters in place of its boot
 * and hdd sections; `header` (may be NULL) becomes a leading comment. */
int vs_calibrate_write_scenario(FILE *f, const vs_scenario *sc, const vs_calibrate_params *p, int max_readers,
                                const char *header);

/* The measured points of live result folders: runs of the same k are
 * averaged; a step with a VM that never became ready is left out. */
int vs_calibrate_load_measured(const char *const *dirs, size_t n_dirs, vs_calibrate_point *pts, size_t *n_pts);

typedef struct {
  const int *fit_k;        /* the k to fit on; NULL: every other measured k, from the smallest */
  size_t n_fit_k;
  int rounds;              /* search rounds (default 12) */
  void (*progress)(void *ctx, const char *line); /* may be NULL */
  void *progress_ctx;
} vs_calibrate_options;
#define VS_CALIBRATE_OPTIONS_INIT {.fit_k = NULL, .n_fit_k = 0, .rounds = 12, .progress = NULL, .progress_ctx = NULL}

typedef struct {
  vs_calibrate_params params;
  vs_calibrate_point pts[VS_CALIBRATE_MAX_K];
  size_t n_pts;
  int n_fit, n_check, evals;
  double mape_fit_pct, mape_check_pct, mape_all_pct; /* mape_check_pct NAN without check points */
} vs_calibrate_result;

/* Fit `sc` to the measured points in out->pts (from vs_calibrate_load_measured)
 * and simulate every point with the result. */
int vs_calibrate_run(const vs_scenario *sc, const vs_calibrate_options *opts, vs_calibrate_result *out);

#endif
