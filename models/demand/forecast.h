/* The usage forecaster: how many desktops must be ready at each hour of a
 * date. XGBoost regression (C API, kept inside forecast.c) on the features of
 * usage.h, trained on the synthetic data set or on hourly counts derived
 * from a log of desktop logins (both read by usage.h). See docs/FORECAST.md.
 *
 * Determinism: every training run sets nthread and seed explicitly and
 * records them (with all hyper-parameters, the feature names and the p95
 * validation residual) as attributes of the saved JSON model, so that the
 * same data and parameters give a bit-identical model. */
#ifndef VS_FORECAST_H
#define VS_FORECAST_H

#include <stddef.h>
#include <stdint.h>

#include "demand/usage.h"

/* The largest margin accepted, in VMs per hour: with attendance bounded by
 * VS_USAGE_ATTENDANCE_MAX, a day's desktops stay far inside an int. */
#define VS_FORECAST_MARGIN_MAX 1000000

/* ---- Model --------------------------------------------------------------- */

typedef struct {
  int n_trees;            /* boosting rounds */
  int max_depth;
  double eta;             /* learning rate */
  double subsample;       /* row subsample per tree, (0, 1] */
  double colsample;       /* column subsample per tree, (0, 1] */
  int nthread;            /* xgboost threads; recorded in the model */
  uint64_t seed;          /* xgboost's seed; recorded in the model */
  /* Days at the end of the training range held out to measure the residuals
   * that give the safety margin (p95); the final model is then refitted on
   * the whole range. 0: no margin is measured. */
  int holdout_days;
} vs_forecast_params;
#define VS_FORECAST_PARAMS_INIT                                                                                 \
  {.n_trees = 200, .max_depth = 6, .eta = 0.1, .subsample = 0.8, .colsample = 1.0, .nthread = 2, .seed = 42,          \
   .holdout_days = 365}

typedef struct vs_forecast_model vs_forecast_model;

/* Train on rows (features + attendance, 0..VS_USAGE_ATTENDANCE_MAX).
 * Returns 0 or a negative code. */
int vs_forecast_train(const vs_usage_row *rows, size_t n, const vs_forecast_params *params,
                      vs_forecast_model **out);
/* Save as an XGBoost JSON model with vdistorm's metadata as attributes; the
 * file is written under a temporary name and renamed into place. */
int vs_forecast_save(const vs_forecast_model *m, const char *path);
/* Load a model saved by vs_forecast_save. VS_EIO if unreadable, VS_EINPUT if
 * it is not a vdistorm usage model or takes other features; the message is
 * one line naming the file (XGBoost's own is cut to its first line). */
int vs_forecast_load(const char *path, vs_forecast_model **out);
void vs_forecast_model_free(vs_forecast_model *m);

/* Metadata. */
const vs_forecast_params *vs_forecast_model_params(const vs_forecast_model *m);
/* 95th percentile of (actual - predicted) over the held-out working-hour
 * rows: add it to a forecast to cover 95 % of the hours. NAN if unknown.
 * As stored, possibly negative: used as a margin, it is checked there. */
double vs_forecast_model_p95(const vs_forecast_model *m);
/* Hours the model was trained for (e.g. 7..10): *first, *last. */
void vs_forecast_model_hours(const vs_forecast_model *m, int *first, int *last);
/* Rows the final model was trained on. */
size_t vs_forecast_model_rows(const vs_forecast_model *m);

/* Raw predictions (float, as XGBoost computes them) for n rows. */
int vs_forecast_predict_rows(const vs_forecast_model *m, const vs_usage_row *rows, size_t n, float *out);

/* The largest prediction the model made, on its hold-out, for an hour
 * nobody came (at least 0.5): its noise floor where there is no demand. */
double vs_forecast_model_floor(const vs_forecast_model *m);

/* Desktops to have ready for a raw prediction and a margin: 0 when the
 * prediction does not rise above the model's noise floor (a weekend or
 * holiday must not get a margin of desktops nobody will use), else
 * ceil(pred + margin - 0.01): a float prediction of 3.00002 needs 3 VMs.
 * Saturates at INT_MAX; the functions below refuse a margin outside
 * 0..VS_FORECAST_MARGIN_MAX (VS_EINPUT). */
int vs_forecast_vms(const vs_forecast_model *m, double pred, double margin);

typedef struct {
  int hour;
  double forecast;        /* raw prediction */
  int vms;                /* vs_forecast_vms(m, forecast, margin) */
} vs_forecast_hour;

/* The hours of date d (the model's hours). *hours is malloc'ed. */
int vs_forecast_predict_date(const vs_forecast_model *m, vs_date d, double margin, vs_forecast_hour **hours,
                             size_t *n);

/* ---- Evaluation and tuning ------------------------------------------------ */

typedef struct {
  size_t rows;
  double r2, mse, rmse;
  /* Margin analysis, per hour without carry-over: users who arrive and find
   * no desktop ready = sum of max(0, actual - ready), and desktops booted for
   * nobody = sum of max(0, ready - actual); without and with `margin`. */
  double margin;
  long short_users, short_users_margin;
  long idle_vms, idle_vms_margin;
  long short_hours, short_hours_margin; /* hours with at least one user short */
  long demand_users;                    /* sum of actual attendance */
} vs_forecast_eval;

int vs_forecast_evaluate(const vs_forecast_model *m, const vs_usage_row *rows, size_t n, double margin,
                         vs_forecast_eval *out);

/* Grid of the five tuned hyper-parameters (each a list of values). */
typedef struct {
  const int *n_trees;
  size_t n_n_trees;
  const int *max_depth;
  size_t n_max_depth;
  const double *eta;
  size_t n_eta;
  const double *subsample;
  size_t n_subsample;
  const double *colsample;
  size_t n_colsample;
} vs_forecast_grid;

typedef struct {
  vs_forecast_params params;
  double cv_mse;          /* mean over folds */
  double cv_r2;           /* mean over folds */
} vs_forecast_tune_result;

/* Called after each grid point (i of total, 1-based); may be NULL. */
typedef void (*vs_forecast_progress_fn)(size_t i, size_t total, const vs_forecast_tune_result *r, void *payload);

/* k-fold cross-validation by time: the rows (sorted by date) are cut into k
 * contiguous blocks of whole days; each block is scored by a model trained on
 * the other blocks. Returns 0 and the best point (lowest mean MSE; ties keep
 * the earlier grid point) in *best; all points in *all (malloc'ed, may be
 * NULL). `base` gives nthread and seed; holdout is not used. */
int vs_forecast_tune(const vs_usage_row *rows, size_t n, const vs_forecast_grid *grid, int folds,
                     const vs_forecast_params *base, vs_forecast_progress_fn progress, void *payload,
                     vs_forecast_tune_result *best, vs_forecast_tune_result **all, size_t *n_all);

/* Fold f of k over rows sorted by date: [*begin, *end), on day boundaries. */
void vs_forecast_fold(const vs_usage_row *rows, size_t n, int k, int f, size_t *begin, size_t *end);

#endif
