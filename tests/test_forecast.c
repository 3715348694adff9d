/* The usage forecaster: accuracy on the paper's split (R^2 >= 0.95 on 2023
 * trained on 2013-2022), bit-identical predictions after save + load and
 * after retraining, time-fold tuning, login-log ingestion with FILE:LINE
 * errors, scenario workloads from a forecast, the CLI's JSON contracts and
 * its one-line errors for broken models and inputs.
 * usage: test_forecast VDISTORM SOURCE_DIR */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "demand/dataset.h"
#include "core/error.h"
#include "demand/forecast.h"
#include "demand/usage.h"
#include "demand/workload.h"
#include "run_cmd.h"

static const char *bin, *src;
static char tmp[] = "/tmp/vdistorm-test-forecast-XXXXXX";

/* The paper's data set and split: train 2013-2022, validate 2023. */
static vs_usage_row *rows;
static size_t n_rows, n_train;

static void split(void)
{
  vs_dataset_options o = VS_DATASET_OPTIONS_INIT;
  size_t b, e;
  CHECK(vs_dataset_generate(&o, &rows, &n_rows) == 0);
  vs_usage_rows_range(rows, n_rows, INT64_MIN, vs_cal_days_from_civil((vs_date){2022, 12, 31}), &b, &e);
  n_train = e;
  CHECK_MSG(b == 0 && n_train == 14608, "%zu training rows", n_train);
  CHECK_MSG(n_rows - n_train == 1460, "%zu validation rows", n_rows - n_train);
}

static void train_evaluate_reload(void)
{
  vs_forecast_params p = VS_FORECAST_PARAMS_INIT;
  vs_forecast_model *m = NULL, *m2 = NULL, *back = NULL;
  vs_forecast_eval ev;
  const vs_usage_row *val = rows + n_train;
  size_t n_val = n_rows - n_train;
  char path[128];

  CHECK_MSG(vs_forecast_train(rows, n_train, &p, &m) == 0, "%s", vs_error_last());
  if (!m)
    return;
  CHECK(vs_forecast_evaluate(m, val, n_val, vs_forecast_model_p95(m), &ev) == 0);
  CHECK(ev.rows == 1460);
  CHECK_MSG(ev.r2 >= 0.95, "R^2 %.4f on 2023", ev.r2);
  CHECK_NEAR(ev.rmse, sqrt(ev.mse), 1e-9);
  /* The noise alone (uniform +-50) has variance 850: no model beats it. */
  CHECK_MSG(ev.mse > 500 && ev.mse < 1500, "MSE %g", ev.mse);
  printf("2023: R^2 %.4f MSE %.2f RMSE %.2f; p95 %.2f; short users %ld -> %ld with margin\n", ev.r2, ev.mse,
         ev.rmse, vs_forecast_model_p95(m), ev.short_users, ev.short_users_margin);
  /* The margin is a residual quantile: positive and within the noise. */
  double p95 = vs_forecast_model_p95(m);
  CHECK_MSG(p95 > 20 && p95 < 80, "p95 %g", p95);
  CHECK_MSG(ev.short_users_margin * 10 < ev.short_users, "margin: %ld -> %ld short users", ev.short_users,
            ev.short_users_margin);

  /* Save, reload: metadata and bit-identical predictions. */
  snprintf(path, sizeof(path), "%s/models/m.json", tmp);
  CHECK_MSG(vs_forecast_save(m, path) == 0, "%s", vs_error_last());
  CHECK_MSG(vs_forecast_load(path, &back) == 0, "%s", vs_error_last());
  float *a = calloc(n_val, sizeof(float)), *b = calloc(n_val, sizeof(float)), *c = calloc(n_val, sizeof(float));
  if (back) {
    const vs_forecast_params *q = vs_forecast_model_params(back);
    CHECK(q->nthread == 2 && q->seed == 42 && q->n_trees == p.n_trees && q->max_depth == p.max_depth);
    CHECK(q->eta == p.eta && q->subsample == p.subsample && q->colsample == p.colsample);
    CHECK(vs_forecast_model_p95(back) == p95);
    CHECK(vs_forecast_model_floor(back) == vs_forecast_model_floor(m));
    CHECK(vs_forecast_model_rows(back) == n_train);
    int h0, h1;
    vs_forecast_model_hours(back, &h0, &h1);
    CHECK(h0 == 7 && h1 == 10);
    CHECK(vs_forecast_predict_rows(m, val, n_val, a) == 0 && vs_forecast_predict_rows(back, val, n_val, b) == 0);
    CHECK_MSG(memcmp(a, b, n_val * sizeof(float)) == 0, "reloaded model predicts differently");
  }
  char *json = slurp_file(path, NULL);
  CHECK_STR_CONTAINS(json, "\"vdistorm_nthread\":\"2\"");
  CHECK_STR_CONTAINS(json, "\"vdistorm_seed\":\"42\"");
  CHECK_STR_CONTAINS(json, "\"vdistorm_features\":\"Year,Month,Day,Wday,Hour,Holiday,Lmonth,Lday\"");
  free(json);

  /* Retraining with the same seed and threads gives the same model. */
  CHECK(vs_forecast_train(rows, n_train, &p, &m2) == 0);
  if (m2) {
    CHECK(vs_forecast_predict_rows(m2, val, n_val, c) == 0);
    CHECK_MSG(memcmp(a, c, n_val * sizeof(float)) == 0, "retraining is not reproducible");
  }

  /* A date: a Monday gets the four hours, a holiday none. */
  vs_forecast_hour *h = NULL;
  size_t nh = 0;
  CHECK(vs_forecast_predict_date(m, (vs_date){2024, 3, 4}, 0, &h, &nh) == 0 && nh == 4);
  for (size_t i = 0; h && i < nh; i++)
    CHECK_MSG(h[i].hour == 7 + (int)i && h[i].vms == (int)ceil(h[i].forecast - 0.01), "hour %d: %d for %g", h[i].hour,
              h[i].vms, h[i].forecast);
  CHECK(h && abs(h[1].vms - 400) < 40);
  free(h);
  CHECK(vs_forecast_predict_date(m, (vs_date){2024, 3, 1}, 47, &h, &nh) == 0 && nh == 4);
  for (size_t i = 0; h && i < nh; i++)
    CHECK_MSG(h[i].vms == 0, "holiday 2024-03-01 %02d:00: %d VMs", h[i].hour, h[i].vms);
  free(h);

  /* Margins outside 0..VS_FORECAST_MARGIN_MAX are refused, not clamped. */
  CHECK(vs_forecast_predict_date(m, (vs_date){2024, 3, 4}, NAN, &h, &nh) == VS_EINPUT && h == NULL);
  CHECK(vs_forecast_predict_date(m, (vs_date){2024, 3, 4}, -1, &h, &nh) == VS_EINPUT && h == NULL);
  CHECK(vs_forecast_evaluate(m, val, n_val, 1e11, &ev) == VS_EINPUT);
  CHECK_STR_CONTAINS(vs_error_last(), "margin 1e+11 VMs is out of range (expected 0..1000000)");
  /* A label XGBoost would choke on is refused before training. */
  vs_usage_row huge = rows[n_train - 2];
  huge.attendance = 1e300;
  vs_forecast_model *none = NULL;
  CHECK(vs_forecast_train(&huge, 1, &p, &none) == VS_EINPUT && none == NULL);
  CHECK_STR_CONTAINS(vs_error_last(), "attendance 1e+300 is out of range (expected 0..10000000)");
  /* The model is written atomically: a folder in the way is named. */
  snprintf(path, sizeof(path), "%s/models", tmp);
  CHECK(vs_forecast_save(m, path) == VS_EIO);
  CHECK_STR_CONTAINS(vs_error_last(), path);
  CHECK_STR_CONTAINS(vs_error_last(), "not a regular file");

  /* Foreign files are refused with a reason. */
  vs_forecast_model_free(m2);
  vs_forecast_model_free(back);
  m2 = back = NULL;
  char bad[128];
  snprintf(bad, sizeof(bad), "%s/bad.json", tmp);
  write_file(bad, "{\"not\": \"a model\"}");
  CHECK(vs_forecast_load(bad, &m2) == VS_EINPUT && m2 == NULL);
  CHECK_STR_CONTAINS(vs_error_last(), "bad.json: not an xgboost model (xgboost: ");
  snprintf(bad, sizeof(bad), "%s/missing.json", tmp);
  CHECK(vs_forecast_load(bad, &back) == VS_EIO && back == NULL);
  CHECK_STR_CONTAINS(vs_error_last(), "No such file");

  free(a);
  free(b);
  free(c);
  vs_forecast_model_free(m);
  vs_forecast_model_free(m2);
  vs_forecast_model_free(back);
}

static void tuning(void)
{
  static const int trees[] = {10, 40}, depth[] = {2, 5};
  static const double eta[] = {0.3}, sub[] = {1.0}, col[] = {1.0};
  vs_forecast_grid g = {trees, 2, depth, 2, eta, 1, sub, 1, col, 1};
  vs_forecast_params base = VS_FORECAST_PARAMS_INIT;
  vs_forecast_tune_result best, *all = NULL;
  size_t n_all = 0, b, e, prev = 0, from, to;

  /* Folds are contiguous blocks of whole days covering every row once. */
  vs_usage_rows_range(rows, n_rows, vs_cal_days_from_civil((vs_date){2019, 1, 1}),
                      vs_cal_days_from_civil((vs_date){2022, 12, 31}), &from, &to);
  const vs_usage_row *r = rows + from;
  size_t n = to - from;
  for (int f = 0; f < 4; f++) {
    vs_forecast_fold(r, n, 4, f, &b, &e);
    CHECK_MSG(b == prev && e > b, "fold %d: [%zu, %zu) after %zu", f, b, e, prev);
    CHECK(b == 0 || vs_usage_row_days(&r[b]) != vs_usage_row_days(&r[b - 1]));
    prev = e;
  }
  CHECK(prev == n);
  /* 4 years into 4 folds: each about one year. */
  vs_forecast_fold(r, n, 4, 1, &b, &e);
  CHECK_MSG(e - b >= 1456 && e - b <= 1468, "%zu rows in fold 2", e - b);

  CHECK_MSG(vs_forecast_tune(r, n, &g, 3, &base, NULL, NULL, &best, &all, &n_all) == 0, "%s", vs_error_last());
  CHECK(n_all == 4);
  for (size_t i = 0; all && i < n_all; i++)
    CHECK(best.cv_mse <= all[i].cv_mse && all[i].params.nthread == 2 && all[i].params.seed == 42);
  /* 10 stumps of depth 2 cannot fit the hours and the calendar: worse. */
  CHECK(all && all[0].cv_mse > best.cv_mse);
  CHECK_MSG(best.cv_r2 > 0.9, "best CV R^2 %g", best.cv_r2);
  free(all);
  CHECK(vs_forecast_tune(r, n, &g, 1, &base, NULL, NULL, &best, NULL, NULL) == VS_EINPUT);
}

static void logins(void)
{
  char path[128], want[160];
  vs_usage_row *r = NULL;
  size_t n = 0;
  snprintf(path, sizeof(path), "%s/logins.csv", tmp);
  /* Wed 2024-03-06 and Thu 03-07; bob logs in twice on the 6th (counts once,
   * at 08h, his first login); nobody at 09h on the 7th. */
  write_file(path, "user,timestamp\n"
                   "alice,2024-03-06 07:55:00\n"
                   "bob,2024-03-06 08:10\n"
                   "bob,2024-03-06 09:30:00\n"
                   "carol,2024-03-06T09:05:10\n"
                   "alice,2024-03-07 08:59:59\r\n"
                   "\n");
  CHECK_MSG(vs_usage_read_csv(path, &r, &n) == 0, "%s", vs_error_last());
  /* 2 days x hours 7..9. */
  CHECK_MSG(n == 6, "%zu rows", n);
  if (n == 6) {
    static const double want_att[6] = {1, 1, 1, 0, 1, 0};
    for (int i = 0; i < 6; i++)
      CHECK_MSG(r[i].attendance == want_att[i] && r[i].hour == 7 + i % 3, "row %d: %g at %d", i, r[i].attendance,
                r[i].hour);
    CHECK(r[0].day == 6 && r[0].wday == 2 && r[3].day == 7 && r[3].wday == 3);
  }
  free(r);

  /* 'T' separators only, and a quoted user with a comma. */
  write_file(path, "user,timestamp\n\"smith, jo\",2024-03-06T07:59:59\nbob,2024-03-06T10:00\n");
  r = NULL;
  CHECK_MSG(vs_usage_read_csv(path, &r, &n) == 0, "%s", vs_error_last());
  CHECK(r && n == 4 && r[0].hour == 7 && r[0].attendance == 1 && r[3].hour == 10 && r[3].attendance == 1);
  free(r);

  static const struct {
    const char *body;
    int line;
    const char *what;
  } bad[] = {
      {"user,timestamp\nalice,2024-03-06 07:55\nbob,2024-03-06 25:00\n", 3, "bad timestamp"},
      {"user,timestamp\nalice,2024-02-30 07:55\n", 2, "February 2024 has 29 days"},
      {"user,timestamp\nalice\n", 2, "expected 2: user,timestamp"},
      {"user,timestamp\nalice,2024-03-06 07:55,x\n", 2, "expected 2"},
      {"user,timestamp\n,2024-03-06 07:55\n", 2, "empty user"},
      {"user,timestamp\nalice,2024-03-06 07:55+09:00\n", 2, "bad timestamp"},
      {"user,timestamp\nalice,2024-03-06T07:55\nbob,2024-03-06T08:00:00 x\n", 3, "bad timestamp"},
      {"user,timestamp\nalice,2024-03-06 07:55:00Z\n", 2, "bad timestamp"},
      {"user,timestamp\nalice,2024-03-06 7:55\n", 2, "bad timestamp"},
      {"user,timestamp\nalice,2024-03-06 07:55:60\n", 2, "bad timestamp"},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    write_file(path, bad[i].body);
    r = NULL;
    CHECK(vs_usage_read_csv(path, &r, &n) == VS_EINPUT);
    snprintf(want, sizeof(want), "%s:%d: ", path, bad[i].line);
    CHECK_STR_CONTAINS(vs_error_last(), want);
    CHECK_STR_CONTAINS(vs_error_last(), bad[i].what);
    free(r);
  }
}

/* The bundled scenario, pointed at a model in the temp folder and a date. */
static int write_scenario(const char *path, const char *model, const char *date, const char *margin)
{
  char from[256], *text, *p, *out;
  snprintf(from, sizeof(from), "%s/scenarios/forecast-day.yaml", src);
  if (!(text = slurp_file(from, NULL)))
    return -1;
  out = malloc(strlen(text) + 512);
  out[0] = '\0';
  for (p = strtok(text, "\n"); p; p = strtok(NULL, "\n")) {
    if (strstr(p, "model: ../data/usage-model.json"))
      sprintf(out + strlen(out), "    model: %s\n", model);
    else if (strstr(p, "date: \"2024-03-04\""))
      sprintf(out + strlen(out), "    date: \"%s\"\n", date);
    else if (strstr(p, "margin: p95"))
      sprintf(out + strlen(out), "    margin: %s\n", margin);
    else
      sprintf(out + strlen(out), "%s\n", p);
  }
  write_file(path, out);
  free(out);
  free(text);
  return 0;
}

static void scenario_workload(void)
{
  vs_forecast_params p = VS_FORECAST_PARAMS_INIT;
  vs_forecast_model *m = NULL;
  vs_scenario *sc = NULL;
  vs_forecast_hour *h = NULL;
  size_t nh = 0;
  char sc_path[128], model[128];

  p.n_trees = 60; /* enough for the shape; this tests the plumbing */
  snprintf(model, sizeof(model), "%s/models/m.json", tmp);
  snprintf(sc_path, sizeof(sc_path), "%s/sc.yaml", tmp);
  CHECK(vs_forecast_train(rows, n_train, &p, &m) == 0 && vs_forecast_save(m, model) == 0);

  /* Relative to the scenario's folder, with the model's p95. */
  CHECK(write_scenario(sc_path, "models/m.json", "2024-03-04", "p95") == 0);
  CHECK_MSG(vs_scenario_load(&sc, sc_path) == 0, "%s", vs_error_last());
  CHECK(sc && sc->workload.forecast && sc->workload.len == 0);
  CHECK_MSG(sc && vs_workload_resolve_forecast(sc) == 0, "%s", vs_error_last());
  CHECK(vs_forecast_predict_date(m, (vs_date){2024, 3, 4}, vs_forecast_model_p95(m), &h, &nh) == 0);
  CHECK(sc && sc->workload.len == 4);
  for (size_t i = 0; sc && i < sc->workload.len && i < nh; i++) {
    CHECK(sc->workload.points[i].ready_by_s == (7.0 + (double)i) * 3600);
    CHECK_MSG(sc->workload.points[i].vms == h[i].vms && h[i].vms >= (int)ceil(h[i].forecast + 20),
              "%02d:00: %d vs %d", h[i].hour, sc->workload.points[i].vms, h[i].vms);
  }
  free(h);
  vs_scenario_free(sc);
  sc = NULL;

  /* A fixed margin of 10 VMs. */
  CHECK(write_scenario(sc_path, "models/m.json", "2024-03-04", "10") == 0);
  CHECK(vs_scenario_load(&sc, sc_path) == 0 && vs_workload_resolve_forecast(sc) == 0);
  CHECK(vs_forecast_predict_date(m, (vs_date){2024, 3, 4}, 0, &h, &nh) == 0);
  CHECK(sc && sc->workload.len == 4 && h && sc->workload.points[1].vms == (int)ceil(h[1].forecast + 10 - 0.01));
  free(h);
  vs_scenario_free(sc);
  sc = NULL;

  /* Sunday: no demand, zero points. */
  CHECK(write_scenario(sc_path, "models/m.json", "2024-03-03", "p95") == 0);
  CHECK(vs_scenario_load(&sc, sc_path) == 0 && vs_workload_resolve_forecast(sc) == 0);
  CHECK(sc && sc->workload.len == 0 && sc->workload.points == NULL);
  vs_scenario_free(sc);
  sc = NULL;

  /* Missing model: names the scenario with the forecast section's line and
   * column, the key, the path and the fix -- and the scenario loader the
   * commands use reports it too. */
  CHECK(write_scenario(sc_path, "nowhere/m.json", "2024-03-04", "p95") == 0);
  CHECK(vs_scenario_load(&sc, sc_path) == 0);
  CHECK(sc && vs_workload_resolve_forecast(sc) == VS_EINPUT);
  char want[200];
  snprintf(want, sizeof(want), "%s:", sc_path);
  CHECK(!strncmp(vs_error_last(), want, strlen(want)));
  int line = 0, col = 0;
  CHECK(sscanf(vs_error_last() + strlen(want), "%d:%d:", &line, &col) == 2 && line > 1 && col >= 1);
  CHECK_STR_CONTAINS(vs_error_last(), ": workload.forecast.model: cannot read nowhere/m.json: No such file");
  vs_scenario_free(sc);
  sc = NULL;
  CHECK(vs_workload_scenario_load(&sc, sc_path) == VS_EINPUT && sc == NULL);
  CHECK_STR_CONTAINS(vs_error_last(), ": workload.forecast.model: cannot read nowhere/m.json");
  CHECK_STR_CONTAINS(vs_error_last(), "vdistorm forecast train");
  vs_scenario_free(sc);
  sc = NULL;

  /* A date outside the calendar. */
  CHECK(write_scenario(sc_path, "models/m.json", "2077-03-04", "p95") == 0);
  CHECK(vs_scenario_load(&sc, sc_path) == 0);
  CHECK(sc && vs_workload_resolve_forecast(sc) == VS_EINPUT);
  CHECK_STR_CONTAINS(vs_error_last(), "workload.forecast.date");
  vs_scenario_free(sc);
  vs_forecast_model_free(m);
}

static void cli(void)
{
  char *out = NULL;
  cJSON *j;
  /* The commands run in the temp folder, so the default paths data/... are
   * created there. */
  CHECK(run_cmd(&out, "%s forecast --help", bin) == 0);
  CHECK_STR_CONTAINS(out, "--json");
  CHECK_STR_CONTAINS(out, "folds by time");
  free(out);
  CHECK(run_cmd(&out, "%s dataset --help", bin) == 0);
  CHECK_STR_CONTAINS(out, "--seed");
  free(out);
  CHECK(run_cmd(&out, "%s forecast frobnicate 2>/dev/null", bin) == 2);
  free(out);
  CHECK(run_cmd(&out, "%s forecast predict --date 2024-13-01 2>&1", bin) == 2);
  CHECK_STR_CONTAINS(out, "--date");
  free(out);

  j = run_json("cd %s && %s dataset --json", tmp, bin);
  CHECK(j && jnum(j, "rows") == 16068);
  cJSON_Delete(j);
  CHECK(run_cmd(&out, "cd %s && %s dataset -o again.csv >/dev/null && cmp -s again.csv data/usage.csv", tmp, bin) ==
        0);
  free(out);

  CHECK(run_cmd(&out, "cd %s && %s forecast train --until 2022-12-31 -q >/dev/null", tmp, bin) == 0);
  free(out);
  j = run_json("cd %s && %s forecast evaluate --from 2023-01-01 --json", tmp, bin);
  CHECK(j && jnum(j, "rows") == 1460);
  CHECK_MSG(j && jnum(j, "r2") >= 0.95, "r2 %g", j ? jnum(j, "r2") : NAN);
  CHECK(j && jnum(j, "mse") > 0 && fabs(jnum(j, "rmse") - sqrt(jnum(j, "mse"))) < 1e-9);
  CHECK(j && jnum(j, "short_users_margin") < jnum(j, "short_users"));
  cJSON_Delete(j);

  j = run_json("cd %s && %s forecast predict --date 2024-03-04 --json", tmp, bin);
  const cJSON *date = j ? cJSON_GetObjectItemCaseSensitive(j, "date") : NULL;
  const cJSON *hours = j ? cJSON_GetObjectItemCaseSensitive(j, "hours") : NULL;
  CHECK(cJSON_IsString(date) && !strcmp(date->valuestring, "2024-03-04"));
  CHECK(cJSON_IsArray(hours) && cJSON_GetArraySize(hours) == 4);
  for (int i = 0; cJSON_IsArray(hours) && i < cJSON_GetArraySize(hours); i++) {
    const cJSON *hr = cJSON_GetArrayItem(hours, i);
    CHECK(jnum(hr, "hour") == 7 + i && jnum(hr, "vms") > 0);
  }
  cJSON_Delete(j);
  CHECK(run_cmd(&out, "cd %s && %s forecast predict --date 2024-03-03", tmp, bin) == 0);
  CHECK_STR_CONTAINS(out, "no demand on that date");
  free(out);

  /* A malformed login log: FILE:LINE on stderr, exit 2. */
  char path[128];
  snprintf(path, sizeof(path), "%s/logins.csv", tmp);
  write_file(path, "user,timestamp\nalice,2024-03-06 07:55\nbob,yesterday\n");
  CHECK(run_cmd(&out, "cd %s && %s forecast train --data logins.csv -o x.json 2>&1", tmp, bin) == 2);
  CHECK_STR_CONTAINS(out, "logins.csv:3: bad timestamp 'yesterday'");
  free(out);
  CHECK(run_cmd(&out, "cd %s && %s forecast evaluate --model nope.json --from 2023-01-01 2>&1", tmp, bin) == 2);
  CHECK_STR_CONTAINS(out, "cannot read nope.json");
  free(out);

  /* The tuned set is written atomically; a folder in the way is named. */
  static const char tune[] = "forecast tune --from 2021-01-01 --until 2022-12-31 --trees 2 --depth 2 --eta 0.3 "
                             "--subsample 1 --colsample 1 --folds 2 -q";
  CHECK(run_cmd(&out, "cd %s && %s %s -o p.json >/dev/null", tmp, bin, tune) == 0);
  free(out);
  snprintf(path, sizeof(path), "%s/p.json", tmp);
  out = slurp_file(path, NULL);
  CHECK(out && out[0] == '{' && !strcmp(out + strlen(out) - 2, "}\n"));
  free(out);
  CHECK(run_cmd(&out, "cd %s && mkdir taken && %s %s -o taken 2>&1 >/dev/null", tmp, bin, tune) == 2);
  CHECK_STR_CONTAINS(out, "taken: not a regular file");
  free(out);
}

/* tmp/`to`: a copy of the model the cli() test trained, with the quoted
 * value after `key` (the first after `after`, if given) set to `value`, or
 * cut off there when `value` is NULL. */
static void edit_model(const char *to, const char *after, const char *key, const char *value)
{
  char path[160], *text, *p, *end;
  snprintf(path, sizeof(path), "%s/data/usage-model.json", tmp);
  p = text = slurp_file(path, NULL);
  if (p && after)
    p = strstr(p, after);
  CHECK_MSG(p && (p = strstr(p, key)) && (end = strchr(p + strlen(key), '"')), "no %s in the model", key);
  if (p && end) {
    snprintf(path, sizeof(path), "%s/%s", tmp, to);
    FILE *f = fopen(path, "w");
    fprintf(f, "%.*s%s%s", (int)(p + strlen(key) - text), text, value ? value : "", value ? end : "");
    fclose(f);
  }
  free(text);
}

/* Broken models and inputs through the CLI: exit code 2 and exactly one
 * line on stderr, naming the file. */
static void one_line_errors(void)
{
  static const struct {
    const char *args, *want;
  } cases[] = {
      {"predict --model empty.json --date 2024-03-04", "vdistorm: empty.json: not an xgboost model (empty file)"},
      {"predict --model trunc.json --date 2024-03-04", "vdistorm: trunc.json: not an xgboost model (xgboost: "},
      {"evaluate --model other.json --from 2023-01-01", "vdistorm: other.json: not an xgboost model (xgboost: "},
      {"train --data huge.csv -o huge.json", "vdistorm: huge.csv:3: attendance: 1e300 is out of range"},
      {"predict --model features.json --date 2024-03-04", "features.json: the model has 9 features (expected 8"},
      {"predict --date 2024-03-04 --margin 99999999999", "vdistorm: --margin: '99999999999' is not a number of VMs"},
      {"predict --model negative.json --date 2024-03-04 --margin p95", "negative.json stores a p95 residual of -5 VMs"},
      {"evaluate --model nan.json --from 2023-01-01", "vdistorm: --margin p95: nan.json has no measured residuals"},
  };
  char path[160], *err;
  snprintf(path, sizeof(path), "%s/empty.json", tmp);
  write_file(path, "");
  edit_model("trunc.json", NULL, "\"vdistorm_seed\":\"", NULL);
  snprintf(path, sizeof(path), "%s/other.json", tmp);
  write_file(path, "{\"not\": \"a model\"}");
  snprintf(path, sizeof(path), "%s/huge.csv", tmp);
  write_file(path, VS_USAGE_CSV_HEADER "\n2023,1,25,2,7,0,1,4,100\n2023,1,25,2,8,0,1,4,1e300\n");
  edit_model("features.json", "\"learner_model_param\"", "\"num_feature\":\"", "9");
  edit_model("negative.json", NULL, "\"vdistorm_p95_residual\":\"", "-5");
  edit_model("nan.json", NULL, "\"vdistorm_p95_residual\":\"", "nan");
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    int rc = run_cmd(&err, "cd %s && %s forecast %s 2>&1 >/dev/null", tmp, bin, cases[i].args);
    char *nl = err ? strchr(err, '\n') : NULL;
    CHECK_MSG(rc == 2 && nl && nl[1] == '\0', "rc %d, not one line for %s: '%s'", rc, cases[i].args, err ? err : "");
    CHECK_STR_CONTAINS(err, cases[i].want);
    free(err);
  }
}

int main(int argc, char **argv)
{
  if (argc != 3) {
    fprintf(stderr, "usage: %s VDISTORM SOURCE_DIR\n", argv[0]);
    return 2;
  }
  bin = argv[1];
  src = argv[2];
  if (!mkdtemp(tmp)) {
    perror("mkdtemp");
    return 1;
  }
  split();
  if (n_train == 14608) {
    train_evaluate_reload();
    tuning();
    scenario_workload();
  }
  logins();
  cli();
  one_line_errors();
  free(rows);
  char cmd[256];
  snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
  if (system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", tmp);
  return CHECK_DONE();
}
