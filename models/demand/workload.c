/* A scenario's workload as every command uses it: a forecast reference
 * (workload.forecast) becomes ordinary demand points inside the load. */
#include "demand/workload.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/units.h"
#include "demand/calendar.h"
#include "demand/forecast.h"

/* Prefix the last error message: "<prefix>: <message>". */
static int prefix_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int prefix_error(int code, const char *fmt, ...)
{
  char pre[PATH_MAX + 128];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(pre, sizeof(pre), fmt, ap);
  va_end(ap);
  return vs_error_set(code, "%s: %s", pre, vs_error_last());
}

int vs_workload_resolve_forecast(vs_scenario *sc)
{
  vs_forecast_ref *ref = sc->workload.forecast;
  vs_forecast_model *m = NULL;
  vs_forecast_hour *hours = NULL;
  vs_demand_point *pts = NULL;
  size_t nh = 0, k = 0;
  char path[PATH_MAX];
  const char *path_of_scenario = sc->path ? sc->path : "scenario";
  char file[PATH_MAX + 64];
  const char *slash;
  vs_date d;
  double margin;
  int error;

  if (!ref)
    return 0;
  /* Errors point at the forecast section: FILE:LINE:COL, as the loader's do. */
  snprintf(file, sizeof(file), "%s:%d:%d", path_of_scenario, ref->line, ref->col);
  /* Relative model paths are relative to the scenario's folder, so that a
   * scenario works whatever the current directory. */
  slash = strrchr(path_of_scenario, '/');
  if (ref->model[0] == '/' || !slash)
    error = snprintf(path, sizeof(path), "%s", ref->model) >= (int)sizeof(path);
  else
    error = snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - path_of_scenario), path_of_scenario, ref->model) >=
            (int)sizeof(path);
  if (error)
    return vs_error_set(VS_EINPUT, "%s: workload.forecast.model: path too long", file);
  if (vs_cal_parse_date(ref->date, &d) < 0 || vs_cal_to_lunar(d, &(vs_lunar_date){0}) < 0)
    return prefix_error(VS_EINPUT, "%s: workload.forecast.date", file);
  {
    FILE *f = fopen(path, "r");
    if (!f)
      return vs_error_set(VS_EINPUT, "%s: workload.forecast.model: cannot read %s: %s (train one with: vdistorm "
                                     "forecast train --data data/usage.csv -o %s)",
                          file, ref->model, strerror(errno), path);
    fclose(f);
  }
  if ((error = vs_forecast_load(path, &m)) < 0)
    return prefix_error(VS_EINPUT, "%s: workload.forecast.model", file);
  margin = ref->margin;
  if (margin < 0) {
    margin = vs_forecast_model_p95(m);
    if (isnan(margin)) {
      error = vs_error_set(VS_EINPUT, "%s: workload.forecast.margin: p95, but %s has no measured residuals "
                                      "(expected a number of VMs, or a model trained with a hold-out)",
                           file, ref->model);
      goto cleanup;
    }
  }
  if ((error = vs_forecast_predict_date(m, d, margin, &hours, &nh)) < 0) {
    error = prefix_error(VS_EINPUT, "%s: workload.forecast", file);
    goto cleanup;
  }
  if (!(pts = calloc(nh ? nh : 1, sizeof(*pts)))) {
    error = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < nh; i++)
    if (hours[i].vms > 0)
      pts[k++] = (vs_demand_point){.ready_by_s = hours[i].hour * 3600.0, .vms = hours[i].vms, .cls = 0};
  if (k > 0 && sc->workload.earliest_start_s >= pts[0].ready_by_s) {
    char a[32], b[32];
    error = vs_error_set(VS_EINPUT, "%s: workload.earliest_start: %s is not before the first forecast deadline %s "
                                    "(expected an earlier time)",
                         file, vs_clock_format(sc->workload.earliest_start_s, a, sizeof(a)),
                         vs_clock_format(pts[0].ready_by_s, b, sizeof(b)));
    goto cleanup;
  }
  free(sc->workload.points);
  if (k == 0) {
    free(pts);
    pts = NULL;
  }
  sc->workload.points = pts;
  sc->workload.len = k;
  pts = NULL;
  /* Classes given by share split each forecast hour among them. */
  error = vs_scenario_apply_shares(sc);
cleanup:
  free(pts);
  free(hours);
  vs_forecast_model_free(m);
  return error;
}

int vs_workload_scenario_load(vs_scenario **out, const char *path)
{
  return vs_workload_scenario_load_overrides(out, path, NULL);
}

int vs_workload_scenario_load_overrides(vs_scenario **out, const char *path, const vs_overrides *l)
{
  int rc = vs_override_scenario_load(out, path, l);
  if (rc == VS_OK && (*out)->workload.forecast && (rc = vs_workload_resolve_forecast(*out)) != VS_OK) {
    vs_scenario_free(*out);
    *out = NULL;
  }
  return rc;
}
