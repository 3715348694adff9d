/* A scenario's workload as the commands use it. A scenario may give its
 * demand directly (vms + ready_by, or demand points) or as a forecast
 * reference (workload.forecast: a trained model and a date); loading it here
 * turns the forecast into ordinary demand points, so that every command,
 * study, test and sweep plans from the same scenario. */
#ifndef VS_WORKLOAD_H
#define VS_WORKLOAD_H

#include "scenario/override.h"
#include "scenario/scenario.h"

/* vs_scenario_load, then vs_workload_resolve_forecast. */
int vs_workload_scenario_load(vs_scenario **out, const char *path);
/* The same with overrides (scenario/override.h: --set KEY=VALUE) applied
 * before validation; `l` may be NULL. */
int vs_workload_scenario_load_overrides(vs_scenario **out, const char *path, const vs_overrides *l);
/* Replace a forecast reference by demand points: load the model (relative
 * to the scenario file's folder), predict the date, add the margin (the
 * model's p95 residual when margin < 0), round up, one point per hour with
 * demand (ready_by = that hour). A date without demand (weekend, holiday)
 * leaves zero points. Errors are FILE:LINE:COL: workload.forecast.KEY: ... */
int vs_workload_resolve_forecast(vs_scenario *sc);

#endif
