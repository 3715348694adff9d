/* vdistorm run: the main job. Finds the boot-storm threshold, builds the
 * recommended (jit) schedule for the scenario's workload, validates it in
 * simulation, and compares it with the paper's waves and with booting
 * everything at once. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "report/json.h"
#include "report/series.h"
#include "report/text.h"
#include "study/schedule.h"
#include "study/threshold.h"
#include "study_opts.h"

/* The policies the main job compares; the first is the recommendation. */
static const char *const compared[] = {"jit", "braids-waves", "all-at-once"};
#define N_COMPARED (sizeof(compared) / sizeof(compared[0]))

typedef struct {
  const vs_scenario *sc;
  vs_threshold_options topts;
  vs_cli_progress *progress;
  vs_study_threshold threshold;
  vs_capacity cap;
  vs_study_schedule runs[N_COMPARED];
  int workload;
} run_args;

static void help(FILE *out)
{
  fprintf(out,
          "usage: vdistorm run [SCENARIO] [threshold options] [--json] [-o DIR] [--no-save] [-q] [-v]\n\n"
          "The main job. With no SCENARIO it uses the bundled default (%s).\n"
          "  1. finds the boot-storm threshold (as 'vdistorm threshold');\n"
          "  2. builds the recommended jit schedule for the scenario's workload and\n"
          "     validates it in simulation (as 'vdistorm schedule --validate');\n"
          "  3. compares it with the paper's braids-waves and with all-at-once;\n"
          "  4. prints a summary and writes summary.json, the threshold steps, each\n"
          "     policy's schedule CSV and simulated time series.\n\n"
          "  --search, --max-k, --extra   as for 'vdistorm threshold'\n"
          "  --json, -o DIR, --no-save, -q, -v, --set KEY=VALUE   as for 'vdistorm boot'\n"
          "Exit code 1 when the recommended schedule leaves a VM late or the workload is\n"
          "infeasible on the hardware.\n",
          vs_cli_default_scenario());
}

static int study(vs_backend *b, void *payload)
{
  run_args *a = payload;
  int rc;
  if ((rc = vs_study_threshold_run(&a->threshold, b, &a->topts, NULL)) != VS_OK)
    return rc;
  vs_study_threshold_capacity(&a->threshold, &a->cap);
  for (size_t i = 0; a->workload && i < N_COMPARED; i++) {
    vs_policy p;
    vs_cli_progress_phase(a->progress, "%s schedule", compared[i]);
    if ((rc = vs_policy_parse(compared[i], &p)) != VS_OK ||
        (rc = vs_study_schedule_policy(&a->runs[i], b, &a->cap, &p)) != VS_OK)
      return rc;
  }
  return VS_OK;
}

static int write_outputs(vs_outdir *d, void *payload)
{
  run_args *a = payload;
  char name[64];
  int rc = vs_series_write_threshold(d, "threshold-", a->sc, &a->threshold);
  for (size_t i = 0; rc == VS_OK && a->workload && i < N_COMPARED; i++) {
    snprintf(name, sizeof(name), "%s-schedule.csv", compared[i]);
    if ((rc = vs_series_write_schedule(d, name, a->sc, a->runs[i].sched)) != VS_OK)
      break;
    snprintf(name, sizeof(name), "%s-", compared[i]);
    rc = vs_series_write_boot(d, name, a->sc, a->runs[i].result);
  }
  return rc;
}

static cJSON *summary_json(void *payload)
{
  const run_args *a = payload;
  const vs_scenario *sc = a->sc;
  cJSON *summary = cJSON_CreateObject();
  cJSON_AddStringToObject(summary, "scenario", sc->name);
  cJSON_AddItemToObject(summary, "threshold", vs_json_threshold(&a->threshold, sc->name));
  if (a->workload) {
    cJSON *wl = cJSON_AddObjectToObject(summary, "workload");
    cJSON_AddNumberToObject(wl, "vms", vs_scenario_total_vms(sc));
    cJSON_AddStringToObject(wl, "recommended", compared[0]);
    cJSON *pol = cJSON_AddObjectToObject(wl, "policies");
    for (size_t i = 0; i < N_COMPARED; i++) {
      cJSON *j = vs_json_schedule(sc, a->runs[i].sched, &a->runs[i].cap);
      cJSON *v = vs_json_validation(sc, &a->runs[i].v);
      cJSON_AddNumberToObject(v, "simulations", a->runs[i].rounds);
      cJSON_AddItemToObject(j, "validation", v);
      cJSON_AddItemToObject(pol, compared[i], j);
    }
  }
  return summary;
}

static void print_text(void *payload)
{
  const run_args *a = payload;
  const vs_scenario *sc = a->sc;
  vs_text_threshold(stdout, sc, &a->threshold);
  if (!a->workload) {
    printf("workload: none in the scenario (or no demand on that date)\n");
    return;
  }
  const vs_validation *v[N_COMPARED];
  for (size_t i = 0; i < N_COMPARED; i++)
    v[i] = &a->runs[i].v;
  printf("\nrecommended schedule:\n");
  vs_text_schedule(stdout, sc, a->runs[0].sched, &a->cap, 0);
  vs_text_shortfalls(stdout, sc, a->runs[0].sched);
  vs_text_dpm(stdout, sc, a->runs[0].sched);
  vs_text_validation(stdout, sc, &a->runs[0].v);
  vs_text_policy_table(stdout, compared, v, N_COMPARED);
}

static int run(int argc, char **argv)
{
  vs_cli_common o = VS_CLI_COMMON_INIT;
  run_args a = {.topts = VS_THRESHOLD_OPTIONS_INIT};
  vs_cli_spec spec = {.cmd = &vs_cmd_run, .options = vs_threshold_long_options, .on_option = vs_threshold_option,
                      .ctx = &a.topts, .common = 1, .positional = 1};
  vs_scenario *sc = NULL;
  int rc, exit_code;

  a.topts.extra_steps = 1;
  if ((rc = vs_cli_parse(argc, argv, &spec, &o)) != 0)
    return rc > 0 ? VS_EXIT_OK : vs_cli_fail(rc);
  if ((rc = vs_cli_load_scenario(&o, &sc)) != VS_OK)
    return vs_cli_fail(rc);
  a.sc = sc;
  a.workload = sc->workload.len > 0;
  a.progress = vs_cli_progress_new(&o);
  vs_threshold_progress(&a.topts, a.progress);
  rc = vs_cli_run_job(&o, sc, a.progress,
                      &(vs_cli_job){.study = study, .summary = summary_json, .text = print_text, .write = write_outputs},
                      &a);
  if (rc != VS_OK)
    exit_code = vs_cli_fail(rc);
  else
    exit_code = a.workload && (a.runs[0].sched->n_shortfalls || a.runs[0].v.late_vms) ? VS_EXIT_FAIL : VS_EXIT_OK;
  for (size_t i = 0; i < N_COMPARED; i++)
    vs_study_schedule_clear(&a.runs[i]);
  vs_study_threshold_clear(&a.threshold);
  vs_scenario_free(sc);
  return exit_code;
}

const vs_command vs_cmd_run = {"run", "the main job: threshold, then the recommended schedule (default scenario)", run,
                               help};
