/* The CSV files the report's figures are drawn from (plots/: cpu-by-k,
 * ready, plan-frontier, sweep-heat). Written into a result folder, so that
 * `vdistorm plot` redraws the same figures from it. */
#ifndef VS_FIGDATA_H
#define VS_FIGDATA_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "report/outdir.h"
#include "study/schedule.h"
#include "study/threshold.h"

/* The ks the CPU-over-time figure shows: 1, half the threshold, the
 * threshold, the step past it and the last step, where kept. Returns how
 * many (at most 5) went into ks[]. */
size_t vs_figdata_cpu_ks(const vs_study_threshold *t, int ks[5]);
/* NAME: t_s, then "k=N" per k: the busiest host's CPU (0..1) while k VMs boot. */
int vs_figdata_cpu_by_k(vs_outdir *d, const char *name, const vs_study_threshold *t);
/* NAME: t_s (since midnight), required (VMs due by then), the first
 * policy's VMs powered on, then each policy's VMs ready. */
int vs_figdata_ready(vs_outdir *d, const char *name, const vs_scenario *sc, const vs_study_schedule *runs,
                     const char *const *policies, size_t n);
/* NAME: cost, latest_ready_s, deadline_s, meets, label -- the plan
 * search's frontier (its cheapest plans when it has no frontier). 0 rows
 * written: VS_OK, and *rows (may be NULL) says so. */
int vs_figdata_plan(vs_outdir *d, const char *name, const cJSON *plan, double deadline_s, int *rows);

/* NAME: day, actual, forecast, both smoothed by a Gaussian filter of
 * `sigma_days` (the paper's Fig. 3): one row per day of the year. */
int vs_figdata_forecast(vs_outdir *d, const char *name, const double *actual, const double *forecast, size_t days,
                        double sigma_days);
/* A Gaussian filter (truncated at 4 sigma, edges renormalised) of v[0..n) into out. */
void vs_figdata_gaussian(const double *v, size_t n, double sigma, double *out);

/* A sweep.csv (vdistorm sweep) read for the heat map: the first two varied
 * keys and the recommended policy's result at each point. */
typedef struct {
  char *x_key, *y_key;   /* y_key NULL: one varied key */
  char *value_key;       /* "jit.makespan_s", or the column used instead */
  char **x_vals, **y_vals;
  size_t n_x, n_y;
  size_t *xi, *yi;       /* per row */
  double *value;         /* per row; NAN when empty */
  size_t n_rows;
} vs_figdata_sweep;
/* Errors: "FILE:LINE: what is wrong" (VS_EINPUT) or VS_EIO. */
int vs_figdata_sweep_read(const char *path, vs_figdata_sweep *out);
void vs_figdata_sweep_clear(vs_figdata_sweep *s);
/* NAME: xi, yi, value, x value, y value. */
int vs_figdata_sweep_write(vs_outdir *d, const char *name, const vs_figdata_sweep *s);

#endif
