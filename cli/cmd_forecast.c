/* vdistorm forecast tune|train|evaluate|predict: the usage forecaster. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/fsutil.h"
#include "core/units.h"
#include "demand/forecast.h"
#include "demand/usage.h"
#include "report/json.h"

#define DEFAULT_DATA "data/usage.csv"
#define DEFAULT_MODEL "data/usage-model.json"
#define DEFAULT_PARAMS "data/usage-params.json"
#define MAX_LIST 16

static void help(FILE *out)
{
  fprintf(out,
          "usage: vdistorm forecast tune     [--data CSV] [--from D] [--until D] [--folds K] [GRID] [-o PARAMS]\n"
          "       vdistorm forecast train    [--data CSV] [--from D] [--until D] [--params PARAMS] [HYPER] [-o MODEL]\n"
          "       vdistorm forecast evaluate [--data CSV] [--model MODEL] --from D [--to D] [--margin N|p95]\n"
          "       vdistorm forecast predict  [--model MODEL] --date D [--to D] [--margin N|p95]\n\n"
          "Forecast how many desktops must be ready at each hour of a date (XGBoost\n"
          "regression on calendar features: Year, Month, Day, Wday, Hour, Holiday, Lunar\n"
          "month and day). See docs/FORECAST.md.\n\n"
          "  --data CSV       usage rows (vdistorm dataset) or a login log with header\n"
          "                   user,timestamp (default " DEFAULT_DATA ")\n"
          "  --model MODEL    model file (default " DEFAULT_MODEL ")\n"
          "  --from D, --until D / --to D   date range used (YYYY-MM-DD, inclusive)\n"
          "  --margin N|p95   VMs added to every hour with demand: 0..%d, or the\n"
          "                   model's p95 residual (evaluate, predict)\n"
          "  --json           print one JSON object on stdout\n"
          "  -q               no progress on stderr\n\n"
          "tune: grid search with K-fold cross-validation, folds by time (contiguous\n"
          "  blocks of days, not shuffled rows); prints the best set and its CV score and\n"
          "  writes it to PARAMS (default " DEFAULT_PARAMS ") for train --params.\n"
          "  --folds K (default 5). GRID, comma-separated lists (defaults in brackets):\n"
          "  --trees [100,200,400] --depth [4,6,8] --eta [0.05,0.1,0.3]\n"
          "  --subsample [0.8,1] --colsample [0.8,1]\n"
          "train: HYPER = --trees N --depth N --eta X --subsample X --colsample X\n"
          "  (defaults 200, 6, 0.1, 0.8, 1), --nthread N (2), --seed N (42),\n"
          "  --holdout-days N (365: the last N days are held out once to measure the\n"
          "  p95 residual used as safety margin; the model is then refitted on all).\n"
          "  --params PARAMS takes the set found by tune; later options override it.\n"
          "evaluate: R^2, MSE and RMSE on the held-out period, and how many users find\n"
          "  no ready desktop without and with the margin (default p95).\n"
          "  --json: {\"r2\",\"mse\",\"rmse\",\"rows\",\"margin\",\"short_users\",...}\n"
          "predict: desktops per hour for a date or a range; --margin adds N VMs (or the\n"
          "  model's p95 residual) to every hour with demand (default 0).\n"
          "  --json: {\"date\":\"YYYY-MM-DD\",\"hours\":[{\"hour\":7,\"vms\":N,\"forecast\":x},...]}\n"
          "  (a range gives {\"from\",\"to\",\"days\":[...as above...]})\n",
          VS_FORECAST_MARGIN_MAX);
}

typedef struct {
  const char *sub;
  const char *data, *model, *out, *params_file;
  vs_date from, to;
  int has_from, has_to;
  int json, quiet;
  int folds;
  double margin; /* < 0: p95 */
  int margin_set;
  vs_forecast_params p;
  /* grid */
  int trees[MAX_LIST], depth[MAX_LIST];
  double eta[MAX_LIST], subsample[MAX_LIST], colsample[MAX_LIST];
  size_t n_trees, n_depth, n_eta, n_subsample, n_colsample;
  /* hyper-parameters given on the command line (override --params) */
  int set_trees, set_depth, set_eta, set_subsample, set_colsample;
} fc_args;

/* "a,b,c" into up to MAX_LIST doubles (ints when `ints`). */
static int list_arg(const char *opt, const char *value, double lo, double hi, int ints, double *out, size_t *n)
{
  char buf[512], *save = NULL, *tok;
  if (!value || !*value)
    return vs_error_set(VS_EINPUT, "%s needs a value or a comma-separated list", opt);
  if (snprintf(buf, sizeof(buf), "%s", value) >= (int)sizeof(buf))
    return vs_error_set(VS_EINPUT, "%s: list too long", opt);
  *n = 0;
  for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    double v;
    long l;
    if (*n == MAX_LIST)
      return vs_error_set(VS_EINPUT, "%s: more than %d values", opt, MAX_LIST);
    if (ints ? vs_parse_long(tok, &l) < 0 : vs_parse_double(tok, &v) < 0)
      return vs_error_set(VS_EINPUT, "%s: '%s' is not %s", opt, tok, ints ? "a whole number" : "a number");
    if (ints)
      v = (double)l;
    if (!(v >= lo && v <= hi))
      return vs_error_set(VS_EINPUT, "%s: %s is out of range (expected %g..%g)", opt, tok, lo, hi);
    out[(*n)++] = v;
  }
  if (*n == 0)
    return vs_error_set(VS_EINPUT, "%s needs a value", opt);
  return 0;
}

static int margin_arg(const char *value, double *out)
{
  if (!value)
    return vs_error_set(VS_EINPUT, "--margin needs a value (a number of VMs >= 0, or p95)");
  if (!strcmp(value, "p95")) {
    *out = -1;
    return 0;
  }
  if (vs_parse_double(value, out) < 0 || !(*out >= 0 && *out <= VS_FORECAST_MARGIN_MAX))
    return vs_error_set(VS_EINPUT, "--margin: '%s' is not a number of VMs in 0..%d, or p95", value,
                        VS_FORECAST_MARGIN_MAX);
  return 0;
}

/* Hyper-parameter given as a single value or a grid list, depending on the sub-command. */
static int hyper_arg(fc_args *a, const char *opt, const char *v)
{
  double tmp[MAX_LIST];
  size_t n = 0;
  int rc, tune = !strcmp(a->sub, "tune");

  if (!strcmp(opt, "--trees") || !strcmp(opt, "--depth")) {
    int trees = opt[2] == 't';
    if ((rc = list_arg(opt, v, 1, trees ? 100000 : 30, 1, tmp, &n)) < 0)
      return rc;
    if (!tune && n != 1)
      return vs_error_set(VS_EINPUT, "%s: one value here (lists are for forecast tune)", opt);
    for (size_t i = 0; i < n; i++)
      (trees ? a->trees : a->depth)[i] = (int)tmp[i];
    if (trees)
      a->n_trees = n, a->p.n_trees = (int)tmp[0], a->set_trees = 1;
    else
      a->n_depth = n, a->p.max_depth = (int)tmp[0], a->set_depth = 1;
    return 0;
  }
  double *dst = !strcmp(opt, "--eta") ? a->eta : !strcmp(opt, "--subsample") ? a->subsample : a->colsample;
  if ((rc = list_arg(opt, v, 1e-6, 1, 0, dst, &n)) < 0)
    return rc;
  if (!tune && n != 1)
    return vs_error_set(VS_EINPUT, "%s: one value here (lists are for forecast tune)", opt);
  if (dst == a->eta)
    a->n_eta = n, a->p.eta = dst[0], a->set_eta = 1;
  else if (dst == a->subsample)
    a->n_subsample = n, a->p.subsample = dst[0], a->set_subsample = 1;
  else
    a->n_colsample = n, a->p.colsample = dst[0], a->set_colsample = 1;
  return 0;
}

enum {
  OPT_DATA = VS_OPT_FIRST_OWN, OPT_MODEL, OPT_PARAMS, OPT_FROM, OPT_TO, OPT_DATE, OPT_FOLDS, OPT_MARGIN, OPT_NTHREAD,
  OPT_HOLDOUT, OPT_SEED, OPT_TREES, OPT_DEPTH, OPT_ETA, OPT_SUBSAMPLE, OPT_COLSAMPLE
};

static const struct option options[] = {
    {"data", required_argument, NULL, OPT_DATA},          {"model", required_argument, NULL, OPT_MODEL},
    {"output", required_argument, NULL, 'o'},             {"params", required_argument, NULL, OPT_PARAMS},
    {"from", required_argument, NULL, OPT_FROM},          {"until", required_argument, NULL, OPT_TO},
    {"to", required_argument, NULL, OPT_TO},              {"date", required_argument, NULL, OPT_DATE},
    {"folds", required_argument, NULL, OPT_FOLDS},        {"margin", required_argument, NULL, OPT_MARGIN},
    {"nthread", required_argument, NULL, OPT_NTHREAD},    {"holdout-days", required_argument, NULL, OPT_HOLDOUT},
    {"seed", required_argument, NULL, OPT_SEED},          {"trees", required_argument, NULL, OPT_TREES},
    {"depth", required_argument, NULL, OPT_DEPTH},        {"eta", required_argument, NULL, OPT_ETA},
    {"subsample", required_argument, NULL, OPT_SUBSAMPLE}, {"colsample", required_argument, NULL, OPT_COLSAMPLE},
    {"json", no_argument, NULL, VS_OPT_JSON},             {"quiet", no_argument, NULL, 'q'},
    {0}};

static int date_arg(const char *opt, const char *v, vs_date *d, int *has)
{
  *has = 1;
  return vs_cli_date_arg(opt, v, &d->year, &d->month, &d->day);
}

static int option(void *ctx, int opt, const char *v)
{
  fc_args *a = ctx;
  int rc = 0;
  long s = 0;
  switch (opt) {
  case OPT_DATA: a->data = v; break;
  case OPT_MODEL: a->model = v; break;
  case 'o': a->out = v; break;
  case OPT_PARAMS: a->params_file = v; break;
  case OPT_FROM: rc = date_arg("--from", v, &a->from, &a->has_from); break;
  case OPT_TO: rc = date_arg("--to", v, &a->to, &a->has_to); break;
  case OPT_DATE: rc = date_arg("--date", v, &a->from, &a->has_from); break;
  case OPT_FOLDS: rc = vs_cli_int_arg("--folds", v, 2, 100, &a->folds); break;
  case OPT_MARGIN: rc = margin_arg(v, &a->margin), a->margin_set = 1; break;
  case OPT_NTHREAD: rc = vs_cli_int_arg("--nthread", v, 1, 256, &a->p.nthread); break;
  case OPT_HOLDOUT: rc = vs_cli_int_arg("--holdout-days", v, 0, 100000, &a->p.holdout_days); break;
  case OPT_SEED:
    if (vs_parse_long(v, &s) < 0 || s < 0)
      rc = vs_error_set(VS_EINPUT, "--seed: '%s' is not a whole number >= 0", v);
    a->p.seed = (uint64_t)s;
    break;
  case OPT_TREES: rc = hyper_arg(a, "--trees", v); break;
  case OPT_DEPTH: rc = hyper_arg(a, "--depth", v); break;
  case OPT_ETA: rc = hyper_arg(a, "--eta", v); break;
  case OPT_SUBSAMPLE: rc = hyper_arg(a, "--subsample", v); break;
  case OPT_COLSAMPLE: rc = hyper_arg(a, "--colsample", v); break;
  case VS_OPT_JSON: a->json = 1; break;
  case 'q': a->quiet = 1; break;
  default: return 0;
  }
  if (rc == 0 && v && !*v)
    rc = vs_error_set(VS_EINPUT, "option needs a value");
  return rc < 0 ? rc : 1;
}

static int parse(fc_args *a, int argc, char **argv)
{
  char where[32];
  snprintf(where, sizeof(where), "forecast %s", a->sub);
  vs_cli_spec spec = {.cmd = &vs_cmd_forecast, .subcommand = where, .options = options, .short_options = "o:q",
                      .on_option = option, .ctx = a};
  int rc = vs_cli_parse(argc - 1, argv + 1, &spec, NULL);
  return rc;
}

/* Rows of the data file restricted to [from, to] (either may be absent). */
static int load_rows(const fc_args *a, vs_usage_row **rows, size_t *n)
{
  size_t b, e;
  int rc;
  if ((rc = vs_usage_read_csv(a->data, rows, n)) < 0)
    return rc;
  vs_usage_rows_range(*rows, *n, a->has_from ? vs_cal_days_from_civil(a->from) : INT64_MIN,
                      a->has_to ? vs_cal_days_from_civil(a->to) : INT64_MAX, &b, &e);
  if (e == b) {
    free(*rows);
    *rows = NULL;
    return vs_error_set(VS_EINPUT, "%s: no rows in the requested date range", a->data);
  }
  memmove(*rows, *rows + b, (e - b) * sizeof(**rows));
  *n = e - b;
  return 0;
}

static cJSON *params_json(const vs_forecast_params *p)
{
  cJSON *j = cJSON_CreateObject();
  cJSON_AddNumberToObject(j, "n_trees", p->n_trees);
  cJSON_AddNumberToObject(j, "max_depth", p->max_depth);
  cJSON_AddNumberToObject(j, "eta", p->eta);
  cJSON_AddNumberToObject(j, "subsample", p->subsample);
  cJSON_AddNumberToObject(j, "colsample", p->colsample);
  cJSON_AddNumberToObject(j, "nthread", p->nthread);
  cJSON_AddNumberToObject(j, "seed", (double)p->seed);
  return j;
}

/* ---- tune ---- */

static void tune_progress(size_t i, size_t total, const vs_forecast_tune_result *r, void *payload)
{
  const fc_args *a = payload;
  if (a->quiet)
    return;
  fprintf(stderr, "tune %3zu/%zu  trees %-5d depth %-2d eta %-5g subsample %-4g colsample %-4g  cv mse %8.2f  r2 %.4f\n",
          i, total, r->params.n_trees, r->params.max_depth, r->params.eta, r->params.subsample, r->params.colsample,
          r->cv_mse, r->cv_r2);
}

/* The tuned set as JSON text and a newline, written atomically. */
static int write_params_file(const char *path, const cJSON *j)
{
  vs_buf b = VS_BUF_INIT;
  char *text = cJSON_Print(j);
  int rc = text ? vs_buf_printf(&b, "%s\n", text) : vs_error_set(VS_ENOMEM, "out of memory");
  if (rc == 0 && (rc = vs_fs_mkdir_parent(path)) == 0)
    rc = vs_fs_write_atomic(path, b.data, b.len);
  free(text);
  vs_buf_clear(&b);
  return rc;
}

static int cmd_tune(fc_args *a)
{
  static const int def_trees[] = {100, 200, 400}, def_depth[] = {4, 6, 8};
  static const double def_eta[] = {0.05, 0.1, 0.3}, def_sub[] = {0.8, 1.0}, def_col[] = {0.8, 1.0};
  vs_forecast_grid g = {
      a->n_trees ? a->trees : def_trees,         a->n_trees ? a->n_trees : 3,
      a->n_depth ? a->depth : def_depth,         a->n_depth ? a->n_depth : 3,
      a->n_eta ? a->eta : def_eta,               a->n_eta ? a->n_eta : 3,
      a->n_subsample ? a->subsample : def_sub,   a->n_subsample ? a->n_subsample : 2,
      a->n_colsample ? a->colsample : def_col,   a->n_colsample ? a->n_colsample : 2,
  };
  vs_forecast_tune_result best, *all = NULL;
  vs_usage_row *rows = NULL;
  size_t n = 0, n_all = 0;
  cJSON *j = NULL;
  const char *out = a->out ? a->out : DEFAULT_PARAMS;
  int rc;

  if ((rc = load_rows(a, &rows, &n)) < 0)
    goto cleanup;
  if (!a->quiet)
    fprintf(stderr, "tune: %zu rows, %zu grid points x %d folds by time\n", n,
            g.n_n_trees * g.n_max_depth * g.n_eta * g.n_subsample * g.n_colsample, a->folds);
  if ((rc = vs_forecast_tune(rows, n, &g, a->folds, &a->p, tune_progress, a, &best, &all, &n_all)) < 0)
    goto cleanup;
  j = cJSON_CreateObject();
  cJSON_AddItemToObject(j, "best", params_json(&best.params));
  cJSON_AddNumberToObject(j, "cv_mse", best.cv_mse);
  cJSON_AddNumberToObject(j, "cv_rmse", sqrt(best.cv_mse));
  cJSON_AddNumberToObject(j, "cv_r2", best.cv_r2);
  cJSON_AddNumberToObject(j, "folds", a->folds);
  cJSON_AddNumberToObject(j, "rows", (double)n);
  cJSON_AddNumberToObject(j, "grid_points", (double)n_all);
  cJSON_AddStringToObject(j, "params_file", out);
  if ((rc = write_params_file(out, j)) < 0)
    goto cleanup;
  if (a->json)
    vs_json_print(j);
  else {
    printf("best of %zu grid points (%d-fold CV by time, %zu rows):\n", n_all, a->folds, n);
    printf("  --trees %d --depth %d --eta %g --subsample %g --colsample %g\n", best.params.n_trees,
           best.params.max_depth, best.params.eta, best.params.subsample, best.params.colsample);
    printf("  CV MSE %.2f, RMSE %.2f, R^2 %.4f\n", best.cv_mse, sqrt(best.cv_mse), best.cv_r2);
    printf("written to %s; train with: vdistorm forecast train --params %s\n", out, out);
  }
cleanup:
  cJSON_Delete(j);
  free(all);
  free(rows);
  return rc;
}

/* ---- train ---- */

static int read_params_file(fc_args *a)
{
  vs_buf text = VS_BUF_INIT;
  cJSON *j = NULL, *b;
  int rc = vs_buf_read_file(&text, a->params_file);
  if (rc < 0)
    return vs_error_set(rc, "%s (make one with: vdistorm forecast tune)", vs_error_last());
  if (!(j = cJSON_Parse(text.data)) || !cJSON_IsObject(b = cJSON_GetObjectItemCaseSensitive(j, "best"))) {
    rc = vs_error_set(VS_EINPUT, "%s: not a parameter file from vdistorm forecast tune (expected {\"best\":{...}})",
                      a->params_file);
    goto cleanup;
  }
  static const char *const keys[] = {"n_trees", "max_depth", "eta", "subsample", "colsample"};
  double v[5];
  for (int i = 0; i < 5; i++) {
    cJSON *x = cJSON_GetObjectItemCaseSensitive(b, keys[i]);
    if (!cJSON_IsNumber(x)) {
      rc = vs_error_set(VS_EINPUT, "%s: best.%s: missing or not a number", a->params_file, keys[i]);
      goto cleanup;
    }
    v[i] = x->valuedouble;
  }
  /* Options given on the command line win over the file. */
  if (!a->set_trees)
    a->p.n_trees = (int)v[0];
  if (!a->set_depth)
    a->p.max_depth = (int)v[1];
  if (!a->set_eta)
    a->p.eta = v[2];
  if (!a->set_subsample)
    a->p.subsample = v[3];
  if (!a->set_colsample)
    a->p.colsample = v[4];
cleanup:
  vs_buf_clear(&text);
  cJSON_Delete(j);
  return rc;
}

static int cmd_train(fc_args *a)
{
  vs_usage_row *rows = NULL;
  vs_forecast_model *m = NULL;
  size_t n = 0;
  const char *out = a->out ? a->out : DEFAULT_MODEL;
  char d0[16], d1[16];
  int rc;

  if (a->params_file && (rc = read_params_file(a)) < 0)
    return rc;
  if ((rc = load_rows(a, &rows, &n)) < 0)
    goto cleanup;
  if ((rc = vs_forecast_train(rows, n, &a->p, &m)) < 0 || (rc = vs_forecast_save(m, out)) < 0)
    goto cleanup;
  vs_cal_format_date((vs_date){rows[0].year, rows[0].month, rows[0].day}, d0, sizeof(d0));
  vs_cal_format_date((vs_date){rows[n - 1].year, rows[n - 1].month, rows[n - 1].day}, d1, sizeof(d1));
  if (a->json) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "model", out);
    cJSON_AddNumberToObject(j, "rows", (double)n);
    cJSON_AddStringToObject(j, "from", d0);
    cJSON_AddStringToObject(j, "to", d1);
    cJSON_AddItemToObject(j, "params", params_json(&a->p));
    if (isnan(vs_forecast_model_p95(m)))
      cJSON_AddNullToObject(j, "p95_residual");
    else
      cJSON_AddNumberToObject(j, "p95_residual", vs_forecast_model_p95(m));
    vs_json_print(j);
    cJSON_Delete(j);
  } else {
    printf("trained on %zu rows (%s .. %s): trees %d, depth %d, eta %g, subsample %g, colsample %g, nthread %d, "
           "seed %llu\n",
           n, d0, d1, a->p.n_trees, a->p.max_depth, a->p.eta, a->p.subsample, a->p.colsample, a->p.nthread,
           (unsigned long long)a->p.seed);
    if (!isnan(vs_forecast_model_p95(m)))
      printf("p95 residual (last %d days held out): %.1f VMs\n", a->p.holdout_days, vs_forecast_model_p95(m));
    printf("model: %s\n", out);
  }
cleanup:
  vs_forecast_model_free(m);
  free(rows);
  return rc;
}

/* ---- evaluate ---- */

static int resolve_margin(const fc_args *a, const vs_forecast_model *m, double dflt, double *out)
{
  double margin = a->margin_set ? a->margin : dflt;
  if (margin < 0) {
    margin = vs_forecast_model_p95(m);
    if (isnan(margin))
      return vs_error_set(VS_EINPUT, "--margin p95: %s has no measured residuals (train with --holdout-days N > 0, "
                                     "or give --margin N)", a->model);
    if (!(margin >= 0 && margin <= VS_FORECAST_MARGIN_MAX))
      return vs_error_set(VS_EINPUT, "--margin p95: %s stores a p95 residual of %g VMs (expected 0..%d; retrain it, "
                                     "or give --margin N)", a->model, margin, VS_FORECAST_MARGIN_MAX);
  }
  *out = margin;
  return 0;
}

static int cmd_evaluate(fc_args *a)
{
  vs_usage_row *rows = NULL;
  vs_forecast_model *m = NULL;
  vs_forecast_eval ev;
  size_t n = 0;
  double margin = 0;
  int rc;

  if (!a->has_from)
    return vs_error_set(VS_EINPUT, "forecast evaluate needs --from DATE (the first held-out date)");
  if ((rc = vs_forecast_load(a->model, &m)) < 0)
    return rc;
  if ((rc = resolve_margin(a, m, -1, &margin)) < 0 || (rc = load_rows(a, &rows, &n)) < 0 ||
      (rc = vs_forecast_evaluate(m, rows, n, margin, &ev)) < 0)
    goto cleanup;
  if (a->json) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "r2", ev.r2);
    cJSON_AddNumberToObject(j, "mse", ev.mse);
    cJSON_AddNumberToObject(j, "rmse", ev.rmse);
    cJSON_AddNumberToObject(j, "rows", (double)ev.rows);
    cJSON_AddNumberToObject(j, "margin", ev.margin);
    cJSON_AddNumberToObject(j, "demand_users", (double)ev.demand_users);
    cJSON_AddNumberToObject(j, "short_users", (double)ev.short_users);
    cJSON_AddNumberToObject(j, "short_users_margin", (double)ev.short_users_margin);
    cJSON_AddNumberToObject(j, "short_hours", (double)ev.short_hours);
    cJSON_AddNumberToObject(j, "short_hours_margin", (double)ev.short_hours_margin);
    cJSON_AddNumberToObject(j, "idle_vms", (double)ev.idle_vms);
    cJSON_AddNumberToObject(j, "idle_vms_margin", (double)ev.idle_vms_margin);
    vs_json_print(j);
    cJSON_Delete(j);
  } else {
    char d0[16], d1[16];
    vs_cal_format_date((vs_date){rows[0].year, rows[0].month, rows[0].day}, d0, sizeof(d0));
    vs_cal_format_date((vs_date){rows[n - 1].year, rows[n - 1].month, rows[n - 1].day}, d1, sizeof(d1));
    printf("%s on %s .. %s (%zu rows)\n", a->model, d0, d1, ev.rows);
    printf("  R^2   %.4f\n  MSE   %.2f\n  RMSE  %.2f\n", ev.r2, ev.mse, ev.rmse);
    printf("users finding no ready desktop (of %ld arrivals; per hour, no carry-over):\n", ev.demand_users);
    printf("  without margin     %6ld users in %4ld hours; %6ld desktops booted for nobody\n", ev.short_users,
           ev.short_hours, ev.idle_vms);
    printf("  margin %5.1f VMs   %6ld users in %4ld hours; %6ld desktops booted for nobody\n", ev.margin,
           ev.short_users_margin, ev.short_hours_margin, ev.idle_vms_margin);
  }
cleanup:
  vs_forecast_model_free(m);
  free(rows);
  return rc;
}

/* ---- predict ---- */

static cJSON *day_json(vs_date d, const vs_forecast_hour *h, size_t n)
{
  char buf[16];
  cJSON *j = cJSON_CreateObject(), *hours = cJSON_CreateArray();
  vs_cal_format_date(d, buf, sizeof(buf));
  cJSON_AddStringToObject(j, "date", buf);
  for (size_t i = 0; i < n; i++) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "hour", h[i].hour);
    cJSON_AddNumberToObject(o, "vms", h[i].vms);
    cJSON_AddNumberToObject(o, "forecast", h[i].forecast);
    cJSON_AddItemToArray(hours, o);
  }
  cJSON_AddItemToObject(j, "hours", hours);
  return j;
}

static void day_text(vs_date d, const vs_forecast_hour *h, size_t n)
{
  static const char *const wd[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  const char *hol = NULL;
  char buf[16];
  long long total = 0; /* vs_forecast_vms saturates at INT_MAX per hour */
  vs_lunar_date l = {0};

  vs_cal_format_date(d, buf, sizeof(buf));
  vs_cal_to_lunar(d, &l);
  if (vs_cal_kr_holiday(d, &hol) <= 0)
    hol = NULL;
  if (!hol && vs_cal_kr_designated_holiday(d, &hol) <= 0)
    hol = NULL;
  printf("%s %s (lunar %d/%d%s)%s%s\n", buf, wd[vs_cal_weekday(d)], l.month, l.day, l.leap ? " leap" : "",
         hol ? ", holiday: " : "", hol ? hol : "");
  for (size_t i = 0; i < n; i++)
    total += h[i].vms;
  if (total == 0) {
    printf("  no demand on that date\n");
    return;
  }
  printf("  ready by  forecast   VMs\n");
  for (size_t i = 0; i < n; i++)
    printf("  %02d:00    %8.1f %5d\n", h[i].hour, h[i].forecast, h[i].vms);
  printf("  total              %5lld\n", total);
}

static int cmd_predict(fc_args *a)
{
  vs_forecast_model *m = NULL;
  vs_forecast_hour *h = NULL;
  cJSON *days = NULL;
  size_t n = 0;
  double margin = 0;
  int rc;

  if (!a->has_from)
    return vs_error_set(VS_EINPUT, "forecast predict needs --date YYYY-MM-DD");
  int64_t d0 = vs_cal_days_from_civil(a->from), d1 = a->has_to ? vs_cal_days_from_civil(a->to) : d0;
  if (d1 < d0)
    return vs_error_set(VS_EINPUT, "--to is before --date");
  if (d1 - d0 > 366 * 50)
    return vs_error_set(VS_EINPUT, "date range too long (expected at most 50 years)");
  if ((rc = vs_forecast_load(a->model, &m)) < 0)
    return rc;
  if ((rc = resolve_margin(a, m, 0, &margin)) < 0)
    goto cleanup;
  if (!a->json)
    printf("forecast by %s, margin %.1f VMs per hour with demand\n", a->model, margin);
  if (a->json && d1 > d0)
    days = cJSON_CreateArray();
  for (int64_t day = d0; day <= d1; day++) {
    vs_date d = vs_cal_civil_from_days(day);
    if ((rc = vs_forecast_predict_date(m, d, margin, &h, &n)) < 0)
      goto cleanup;
    if (!a->json)
      day_text(d, h, n);
    else if (days)
      cJSON_AddItemToArray(days, day_json(d, h, n));
    else {
      cJSON *j = day_json(d, h, n);
      cJSON_AddNumberToObject(j, "margin", margin);
      vs_json_print(j);
      cJSON_Delete(j);
    }
    free(h);
    h = NULL;
  }
  if (days) {
    char b0[16], b1[16];
    cJSON *j = cJSON_CreateObject();
    vs_cal_format_date(a->from, b0, sizeof(b0));
    vs_cal_format_date(a->to, b1, sizeof(b1));
    cJSON_AddStringToObject(j, "from", b0);
    cJSON_AddStringToObject(j, "to", b1);
    cJSON_AddNumberToObject(j, "margin", margin);
    cJSON_AddItemToObject(j, "days", days);
    days = NULL;
    vs_json_print(j);
    cJSON_Delete(j);
  }
cleanup:
  cJSON_Delete(days);
  free(h);
  vs_forecast_model_free(m);
  return rc;
}

static int run(int argc, char **argv)
{
  fc_args a = {0};
  int rc;

  if (argc < 2) {
    help(stderr);
    return VS_EXIT_USAGE;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
    help(stdout);
    return VS_EXIT_OK;
  }
  a.sub = argv[1];
  a.data = DEFAULT_DATA;
  a.model = DEFAULT_MODEL;
  a.folds = 5;
  a.p = (vs_forecast_params)VS_FORECAST_PARAMS_INIT;
  if (strcmp(a.sub, "tune") && strcmp(a.sub, "train") && strcmp(a.sub, "evaluate") && strcmp(a.sub, "predict")) {
    fprintf(stderr, "vdistorm forecast: no sub-command '%s' (expected tune, train, evaluate or predict)\n", a.sub);
    return VS_EXIT_USAGE;
  }
  if ((rc = parse(&a, argc, argv)) != 0)
    return rc > 0 ? VS_EXIT_OK : vs_cli_fail(rc);
  if (!strcmp(a.sub, "tune"))
    rc = cmd_tune(&a);
  else if (!strcmp(a.sub, "train"))
    rc = cmd_train(&a);
  else if (!strcmp(a.sub, "evaluate"))
    rc = cmd_evaluate(&a);
  else
    rc = cmd_predict(&a);
  return rc < 0 ? vs_cli_fail(rc) : VS_EXIT_OK;
}

const vs_command vs_cmd_forecast = {"forecast", "usage forecaster: tune | train | evaluate | predict", run, help};
