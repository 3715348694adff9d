#include "mainjob.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "report/json.h"
#include "report/series.h"
#include "report/text.h"
#include "report_out.h"

const char *const vs_main_policies[VS_MAIN_POLICIES] = {"jit", "braids-waves", "all-at-once"};

int vs_main_job_study(vs_backend *b, void *payload)
{
  vs_main_job *a = payload;
  int rc;
  if ((rc = vs_study_threshold_run(&a->threshold, b, &a->topts, NULL)) != VS_OK)
    return rc;
  vs_study_threshold_capacity(&a->threshold, &a->cap);
  for (size_t i = 0; a->workload && i < VS_MAIN_POLICIES; i++) {
    vs_policy p;
    vs_cli_progress_phase(a->progress, "%s schedule", vs_main_policies[i]);
    if ((rc = vs_policy_parse(vs_main_policies[i], &p)) != VS_OK ||
        (rc = vs_study_schedule_policy(&a->runs[i], b, &a->cap, &p)) != VS_OK)
      return rc;
  }
  return VS_OK;
}

int vs_main_job_write(vs_outdir *d, void *payload)
{
  vs_main_job *a = payload;
  char name[64];
  int rc = vs_series_write_threshold(d, "threshold-", a->sc, &a->threshold);
  for (size_t i = 0; rc == VS_OK && a->workload && i < VS_MAIN_POLICIES; i++) {
    snprintf(name, sizeof(name), "%s-schedule.csv", vs_main_policies[i]);
    if ((rc = vs_series_write_schedule(d, name, a->sc, a->runs[i].sched)) != VS_OK)
      break;
    snprintf(name, sizeof(name), "%s-", vs_main_policies[i]);
    rc = vs_series_write_boot(d, name, a->sc, a->runs[i].result);
  }
  if (rc == VS_OK && a->report)
    rc = vs_cli_report_write(d, a->report, a);
  return rc;
}

cJSON *vs_main_job_summary(void *payload)
{
  const vs_main_job *a = payload;
  const vs_scenario *sc = a->sc;
  cJSON *summary = cJSON_CreateObject();
  cJSON_AddStringToObject(summary, "scenario", sc->name);
  cJSON_AddItemToObject(summary, "threshold", vs_json_threshold(&a->threshold, sc->name));
  if (a->workload) {
    cJSON *wl = cJSON_AddObjectToObject(summary, "workload");
    cJSON_AddNumberToObject(wl, "vms", vs_scenario_total_vms(sc));
    cJSON_AddStringToObject(wl, "recommended", vs_main_policies[0]);
    cJSON *pol = cJSON_AddObjectToObject(wl, "policies");
    for (size_t i = 0; i < VS_MAIN_POLICIES; i++) {
      cJSON *j = vs_json_schedule(sc, a->runs[i].sched, &a->runs[i].cap);
      cJSON *v = vs_json_validation(sc, &a->runs[i].v);
      cJSON_AddNumberToObject(v, "simulations", a->runs[i].rounds);
      cJSON_AddItemToObject(j, "validation", v);
      cJSON_AddItemToObject(pol, vs_main_policies[i], j);
    }
  }
  return summary;
}

void vs_main_job_text(void *payload)
{
  const vs_main_job *a = payload;
  const vs_scenario *sc = a->sc;
  vs_text_threshold(stdout, sc, &a->threshold);
  if (!a->workload) {
    printf("workload: none in the scenario (or no demand on that date)\n");
    return;
  }
  const vs_validation *v[VS_MAIN_POLICIES];
  for (size_t i = 0; i < VS_MAIN_POLICIES; i++)
    v[i] = &a->runs[i].v;
  printf("\nrecommended schedule:\n");
  vs_text_schedule(stdout, sc, a->runs[0].sched, &a->cap, 0);
  vs_text_shortfalls(stdout, sc, a->runs[0].sched);
  vs_text_dpm(stdout, sc, a->runs[0].sched);
  vs_text_validation(stdout, sc, &a->runs[0].v);
  vs_text_policy_table(stdout, vs_main_policies, v, VS_MAIN_POLICIES);
}

int vs_main_job_exit(const vs_main_job *a)
{
  return a->workload && (a->runs[0].sched->n_shortfalls || a->runs[0].v.late_vms) ? VS_EXIT_FAIL : VS_EXIT_OK;
}

void vs_main_job_clear(vs_main_job *a)
{
  for (size_t i = 0; i < VS_MAIN_POLICIES; i++)
    vs_study_schedule_clear(&a->runs[i]);
  vs_study_threshold_clear(&a->threshold);
}
