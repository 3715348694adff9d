#include "report_out.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/fsutil.h"
#include "core/interrupt.h"
#include "core/spawn.h"
#include "demand/dataset.h"
#include "demand/forecast.h"
#include "plots/plot.h"
#include "report/html.h"
#include "report/json.h"

int vs_cli_report_load_plan(const char *dir, cJSON **out)
{
  char path[PATH_MAX];
  cJSON *j = NULL;
  int rc;
  snprintf(path, sizeof(path), "%s/plan.json", dir);
  if ((rc = vs_json_read(path, &j)) != VS_OK)
    return rc;
  const cJSON *cheapest = cJSON_GetObjectItemCaseSensitive(j, "cheapest"),
              *frontier = cJSON_GetObjectItemCaseSensitive(j, "frontier");
  if (!cJSON_IsObject(j) || (cheapest && !cJSON_IsArray(cheapest)) || (frontier && !cJSON_IsArray(frontier)) ||
      (!cheapest && !frontier)) {
    cJSON_Delete(j);
    return vs_error_set(VS_EINPUT, "%s: not a plan.json (expected an object with \"cheapest\" and \"frontier\" arrays)",
                        path);
  }
  *out = j;
  return VS_OK;
}

int vs_cli_report_load_sweep(const char *dir, vs_figdata_sweep *out)
{
  char path[PATH_MAX];
  snprintf(path, sizeof(path), "%s/sweep.csv", dir);
  return vs_figdata_sweep_read(path, out);
}

/* A line "plan:" at the start of a line of the file. The scenario loader of
 * this build does not know the section, so it is looked for as text: the
 * plan command, which does, validates it. */
int vs_cli_report_has_plan_section(const char *scenario_path)
{
  FILE *f = scenario_path ? fopen(scenario_path, "r") : NULL;
  char line[512];
  int found = 0;
  while (f && !found && fgets(line, sizeof(line), f))
    found = !strncmp(line, "plan:", 5);
  if (f)
    fclose(f);
  return found;
}

void vs_cli_report_clear(vs_cli_report *rep)
{
  cJSON_Delete(rep->searched);
  rep->searched = NULL;
}

/* `vdistorm plan SCENARIO --json -q -o DIR` in a child (SimGrid runs once
 * per process); a plan command that is missing or fails leaves a note. */
static void search_plan(vs_cli_report *rep, const vs_scenario *sc, const char *tmp)
{
  char dir[PATH_MAX];
  vs_spawn_options so = VS_SPAWN_OPTIONS_INIT;
  int status = 0;
  snprintf(dir, sizeof(dir), "%s/plan", tmp);
  char *argv[] = {(char *)vs_spawn_self(), "plan", sc->path, "--json", "-q", "-o", dir, NULL};
  so.quiet_stderr = 1;
  if (vs_spawn_run(argv, &so, NULL, &status) != VS_OK || status != 0) {
    snprintf(rep->plan_note, sizeof(rep->plan_note),
             "the scenario declares a plan: section, but 'vdistorm plan' did not succeed (exit %d)", status);
    vs_fs_remove_tree(dir);
    return;
  }
  if (vs_cli_report_load_plan(dir, &rep->searched) != VS_OK)
    snprintf(rep->plan_note, sizeof(rep->plan_note), "'vdistorm plan' wrote no readable plan.json");
}

static const cJSON *report_plan(const vs_cli_report *rep) { return rep->plan ? rep->plan : rep->searched; }

static void fill_page(vs_html_report *page, const vs_main_job *a, const vs_cli_report *rep)
{
  page->sc = a->sc;
  page->threshold = &a->threshold;
  page->cap = &a->cap;
  page->runs = a->workload ? a->runs : NULL;
  page->policies = vs_main_policies;
  page->n_policies = VS_MAIN_POLICIES;
  page->plan = report_plan(rep);
  page->plan_note = rep->plan_note[0] ? rep->plan_note : NULL;
  page->sweep = rep->sweep;
  page->sweep_note = "none given (vdistorm report --sweep DIR, DIR from vdistorm sweep)";
  page->forecast_note = rep->forecast_note[0] ? rep->forecast_note : NULL;
  page->forecast_text = rep->forecast_text[0] ? rep->forecast_text : NULL;
}

int vs_cli_report_answer(const vs_main_job *a, const vs_cli_report *rep, vs_buf *out)
{
  vs_html_report page = VS_HTML_REPORT_INIT;
  fill_page(&page, a, rep);
  return vs_html_report_answer(&page, out);
}

typedef struct {
  const char *tmp;   /* the result folder's temporary path */
  char figdir[PATH_MAX];
  char paths[6][PATH_MAX + 64];
  int n;
} figures;

/* Draw tmp/CSV into figures/NAME.svg; *out receives its path. */
static int draw(figures *f, vs_plot_kind kind, const char *csv, const char *name, const char *title,
                const char **out)
{
  char in[PATH_MAX];
  char *path = f->paths[f->n];
  int rc;
  snprintf(in, sizeof(in), "%s/%s", f->tmp, csv);
  snprintf(path, sizeof(f->paths[0]), "%s/%s.svg", f->figdir, name);
  if ((rc = vs_plot_figure(kind, in, path, title, NULL)) != VS_OK)
    return rc;
  f->n++;
  *out = path;
  return VS_OK;
}

/* The model a workload.forecast names: relative to the scenario's folder. */
static void model_path(const vs_scenario *sc, char *path, size_t len)
{
  const char *model = sc->workload.forecast->model, *slash = strrchr(sc->path, '/');
  if (model[0] == '/' || !slash)
    snprintf(path, len, "%s", model);
  else
    snprintf(path, len, "%.*s/%s", (int)(slash - sc->path), sc->path, model);
}

/* Daily totals of the rows' actual and predicted desktops, by day of the year. */
static void daily_totals(const vs_usage_row *rows, size_t n, const float *pred, int64_t jan1, double *actual,
                         double *forecast, size_t days)
{
  for (size_t i = 0; i < n; i++) {
    int64_t day = vs_usage_row_days(&rows[i]) - jan1;
    if (day >= 0 && (size_t)day < days) {
      actual[day] += rows[i].attendance;
      forecast[day] += pred[i];
    }
  }
}

/* The paper's Fig. 3 for a forecast workload: the model against the year
 * before the forecast date, the actual demand being the synthetic data set
 * of the README's recipe (vdistorm dataset --seed 42, from 2013-01-01) --
 * the data the bundled model is trained and evaluated on. */
static int forecast_year(vs_outdir *d, vs_cli_report *rep, const vs_scenario *sc, double sigma_days)
{
  vs_dataset_options dopts = VS_DATASET_OPTIONS_INIT;
  vs_forecast_model *m = NULL;
  vs_usage_row *rows = NULL;
  vs_forecast_eval ev;
  vs_date date;
  float *pred = NULL;
  double *actual = NULL, *forecast = NULL;
  size_t n = 0, begin = 0, end = 0, days;
  char path[PATH_MAX];
  int rc;
  model_path(sc, path, sizeof(path));
  if ((rc = vs_cal_parse_date(sc->workload.forecast->date, &date)) < 0 || (rc = vs_forecast_load(path, &m)) < 0)
    goto cleanup;
  int year = date.year - 1;
  if (year < dopts.from.year) {
    snprintf(rep->forecast_note, sizeof(rep->forecast_note),
             "the year before the forecast date (%d) is before the synthetic data set begins (%d)", year, dopts.from.year);
    goto cleanup;
  }
  dopts.to = (vs_date){year, 12, 31};
  int64_t jan1 = vs_cal_days_from_civil((vs_date){year, 1, 1});
  days = (size_t)(vs_cal_days_from_civil((vs_date){year, 12, 31}) - jan1 + 1);
  if ((rc = vs_dataset_generate(&dopts, &rows, &n)) < 0)
    goto cleanup;
  vs_usage_rows_range(rows, n, jan1, jan1 + (int64_t)days - 1, &begin, &end);
  if (!(pred = malloc((end - begin + 1) * sizeof(float))) || !(actual = calloc(days, sizeof(double))) ||
      !(forecast = calloc(days, sizeof(double)))) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  if ((rc = vs_forecast_predict_rows(m, rows + begin, end - begin, pred)) < 0 ||
      (rc = vs_forecast_evaluate(m, rows + begin, end - begin, 0, &ev)) < 0)
    goto cleanup;
  daily_totals(rows + begin, end - begin, pred, jan1, actual, forecast, days);
  if ((rc = vs_figdata_forecast(d, "forecast-year.csv", actual, forecast, days, sigma_days)) < 0)
    goto cleanup;
  snprintf(rep->forecast_text, sizeof(rep->forecast_text),
           "The model (%s) against %d, the year before the forecast date; the actual demand is the paper's "
           "synthetic company as 'vdistorm dataset --seed 42' generates it. Over the %zu (day, hour) rows: "
           "R2 %.4f, RMSE %.2f desktops per hour. Daily totals, smoothed by a Gaussian filter of sigma = %g days.",
           sc->workload.forecast->model, year, ev.rows, ev.r2, ev.rmse, sigma_days);
  rc = VS_OK;
cleanup:
  free(pred);
  free(actual);
  free(forecast);
  free(rows);
  vs_forecast_model_free(m);
  return rc < 0 ? rc : VS_OK;
}

static int write_index(vs_outdir *d, const vs_html_report *page)
{
  char *html = NULL;
  size_t len = 0;
  int rc = vs_html_report_render(page, &html, &len);
  if (rc == VS_OK) {
    FILE *f = vs_outdir_file(d, "index.html");
    if (!f)
      rc = VS_EIO;
    else {
      fwrite(html, 1, len, f);
      rc = vs_outdir_close_file(d, f, "index.html");
    }
  }
  free(html);
  return rc;
}

static int write_report(vs_outdir *d, vs_cli_report *rep, vs_main_job *a, figures *f)
{
  vs_html_report page = VS_HTML_REPORT_INIT;
  const vs_scenario *sc = a->sc;
  char title[256];
  int ks[5], rc, plan_rows = 0;
  fill_page(&page, a, rep);
  page.cpu_ks = ks;
  page.n_cpu_ks = vs_figdata_cpu_ks(&a->threshold, ks);
  if ((rc = vs_fs_mkdir_p(f->figdir)) != VS_OK)
    return rc;
  snprintf(title, sizeof(title), "%s: boot-storm threshold", sc->name);
  if ((rc = draw(f, VS_FIG_THRESHOLD, "threshold-steps.csv", "threshold", title, &page.fig_threshold)) != VS_OK)
    return rc;
  snprintf(title, sizeof(title), "%s: busiest host's CPU while k VMs boot at once", sc->name);
  if ((rc = vs_figdata_cpu_by_k(d, "cpu-by-k.csv", &a->threshold)) != VS_OK ||
      (rc = draw(f, VS_FIG_CPU_BY_K, "cpu-by-k.csv", "cpu-by-k", title, &page.fig_cpu)) != VS_OK)
    return rc;
  snprintf(title, sizeof(title), "%s: desktops ready by the clock", sc->name);
  if (a->workload && ((rc = vs_figdata_ready(d, "ready.csv", sc, a->runs, vs_main_policies, VS_MAIN_POLICIES)) != VS_OK ||
                      (rc = draw(f, VS_FIG_READY, "ready.csv", "ready", title, &page.fig_ready)) != VS_OK))
    return rc;
  if (page.plan) {
    double deadline = sc->workload.len ? sc->workload.points[sc->workload.len - 1].ready_by_s : 0;
    snprintf(title, sizeof(title), "%s: what each upgrade costs and buys", sc->name);
    if ((rc = vs_figdata_plan(d, "plan-frontier.csv", page.plan, deadline, &plan_rows)) != VS_OK ||
        (plan_rows && (rc = draw(f, VS_FIG_PLAN, "plan-frontier.csv", "plan-frontier", title, &page.fig_plan)) != VS_OK))
      return rc;
  }
  if (rep->sweep) {
    snprintf(title, sizeof(title), "%s: sweep (%s)", sc->name, rep->sweep->value_key);
    if ((rc = vs_figdata_sweep_write(d, "sweep-heat.csv", rep->sweep)) != VS_OK ||
        (rc = draw(f, VS_FIG_SWEEP, "sweep-heat.csv", "sweep-heat", title, &page.fig_sweep)) != VS_OK)
      return rc;
  }
  if (sc->workload.forecast) {
    snprintf(title, sizeof(title), "%s: forecast against actual", sc->name);
    if ((rc = forecast_year(d, rep, sc, 3)) != VS_OK)
      return rc;
    if (rep->forecast_text[0] &&
        (rc = draw(f, VS_FIG_FORECAST, "forecast-year.csv", "forecast-year", title, &page.fig_forecast)) != VS_OK)
      return rc;
    page.forecast_text = rep->forecast_text[0] ? rep->forecast_text : NULL;
    page.forecast_note = rep->forecast_note[0] ? rep->forecast_note : NULL;
  }
  return write_index(d, &page);
}

int vs_cli_report_write(vs_outdir *d, vs_cli_report *rep, vs_main_job *a)
{
  figures f = {.tmp = vs_outdir_tmp_path(d)};
  int rc;
  snprintf(f.figdir, sizeof(f.figdir), "%s/figures", f.tmp);
  rep->plan_note[0] = rep->forecast_text[0] = rep->forecast_note[0] = '\0';
  if (!rep->plan && rep->search_plan && vs_cli_report_has_plan_section(a->sc->path))
    search_plan(rep, a->sc, f.tmp);
  else if (!rep->plan)
    snprintf(rep->plan_note, sizeof(rep->plan_note), "%s",
             rep->search_plan ? "the scenario declares no plan: section (options to buy), and no --plan was given"
                              : "'vdistorm run' searches no plans; 'vdistorm report' does for a scenario with a plan: "
                                "section");
  rc = write_report(d, rep, a, &f);
  /* A signal also reaches gnuplot, which then fails: say what happened. */
  if (rc != VS_OK && vs_interrupted())
    rc = vs_interrupt_error("while drawing the report; nothing was written");
  if (rc == VS_OK) {
    a->report_written = 1;
    return VS_OK;
  }
  /* Half a report is no report: its figures go, the results stay (run). */
  vs_fs_remove_tree(f.figdir);
  if (!rep->soft || rc == VS_EINTR)
    return rc;
  fprintf(stderr, "vdistorm: no report: %s\n", vs_error_last());
  return VS_OK;
}
