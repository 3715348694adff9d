/* vdistorm run: the main job. Finds the boot-storm threshold, builds the
 * recommended (jit) schedule for the scenario's workload, validates it in
 * simulation, and compares it with the paper's waves and with booting
 * everything at once. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/error.h"
#include "schedule_report.h"
#include "core/units.h"

typedef struct {
  vs_common_opts common;
  vs_threshold_options topts;
  int exit_code;
} run_args;

/* The policies the main job compares; the first is the recommendation. */
static const char *const compared[] = {"jit", "braids-waves", "all-at-once"};
#define N_COMPARED (sizeof(compared) / sizeof(compared[0]))

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
          "  --json, -o DIR, --no-save, -q, -v   as for 'vdistorm boot'\n"
          "Exit code 1 when the recommended schedule leaves a VM late or the workload is\n"
          "infeasible on the hardware.\n",
          vs_cli_default_scenario());
}

static void print_comparison(FILE *out, const vs_sched_run *runs)
{
  fprintf(out, "\n%-14s %8s %5s %12s %13s %11s %6s %10s %7s\n", "policy", "on time", "late", "idle VM-min",
          "powered VM-min", "first start", "storm", "makespan", "/bound");
  for (size_t i = 0; i < N_COMPARED; i++) {
    const vs_validation *v = &runs[i].v;
    char clock[32];
    fprintf(out, "%-14s %7.1f%% %5d %12.1f %13.1f %11s %6s %8.0f s %7.3f\n", compared[i], 100 * v->ready_fraction,
            v->late_vms, v->idle_vm_minutes, v->powered_vm_minutes, vs_clock_format(v->first_start, clock, sizeof(clock)),
            v->storm ? "YES" : "no", v->makespan_s, v->bound_ratio);
  }
}

static int save(vs_sim *sim, run_args *a, const vs_threshold_run *tr, const vs_sched_run *runs, const cJSON *summary)
{
  const vs_scenario *sc = vs_sim_scenario(sim);
  vs_outdir *d = NULL;
  char name[64];
  int rc;
  if ((rc = vs_outdir_open(&d, &a->common, sc)) != VS_OK)
    goto cleanup;
  if ((rc = vs_json_write(d, "summary.json", summary)) || (rc = vs_threshold_write_csv(d, "threshold-", tr)))
    goto cleanup;
  for (size_t i = 0; runs && i < N_COMPARED; i++) {
    snprintf(name, sizeof(name), "%s-schedule.csv", compared[i]);
    if ((rc = vs_schedule_save_csv(d, name, sc, runs[i].sched)))
      goto cleanup;
    snprintf(name, sizeof(name), "%s-", compared[i]);
    if ((rc = vs_csv_boot(d, name, sim, runs[i].result)))
      goto cleanup;
  }
  if ((rc = vs_outdir_commit(d)) == VS_OK && !a->common.json)
    printf("results: %s/\n", vs_outdir_path(d));
cleanup:
  vs_outdir_free(d);
  return rc;
}

static int body(vs_sim *sim, void *payload)
{
  run_args *a = payload;
  const vs_scenario *sc = vs_sim_scenario(sim);
  vs_threshold_run tr;
  vs_capacity cap;
  vs_sched_run runs[N_COMPARED];
  cJSON *summary = NULL;
  int rc, workload = sc->workload.len > 0;

  memset(runs, 0, sizeof(runs));
  vs_threshold_run_init(&tr, sim, &a->topts, !a->common.quiet && (!a->common.json || isatty(2)));
  if ((rc = vs_capacity_measure(sim, &tr, &cap)) != VS_OK)
    goto cleanup;
  for (size_t i = 0; workload && i < N_COMPARED; i++) {
    vs_policy p;
    if ((rc = vs_policy_parse(compared[i], &p)) != VS_OK || (rc = vs_sched_run_policy(sim, &cap, &p, &runs[i])))
      goto cleanup;
  }

  summary = cJSON_CreateObject();
  cJSON_AddStringToObject(summary, "scenario", sc->name);
  cJSON_AddItemToObject(summary, "threshold", vs_threshold_json(&tr));
  if (workload) {
    cJSON *wl = cJSON_AddObjectToObject(summary, "workload");
    cJSON_AddNumberToObject(wl, "vms", vs_scenario_total_vms(sc));
    cJSON_AddStringToObject(wl, "recommended", compared[0]);
    cJSON *pol = cJSON_AddObjectToObject(wl, "policies");
    for (size_t i = 0; i < N_COMPARED; i++) {
      cJSON *j = vs_schedule_json(sc, runs[i].sched, &cap);
      cJSON_AddItemToObject(j, "validation", vs_validation_json(&runs[i].v));
      cJSON_AddItemToObject(pol, compared[i], j);
    }
  }
  if (a->common.json)
    vs_json_print(summary);
  else {
    vs_threshold_print(stdout, &tr);
    if (workload) {
      printf("\nrecommended schedule:\n");
      vs_schedule_print(stdout, sc, runs[0].sched, &cap, 0);
      vs_shortfalls_print(stdout, sc, runs[0].sched);
      vs_validation_print(stdout, sc, &runs[0].v);
      print_comparison(stdout, runs);
    } else
      printf("workload: none in the scenario (or no demand on that date)\n");
  }
  if (!a->common.no_save)
    rc = save(sim, a, &tr, workload ? runs : NULL, summary);
cleanup:
  if (rc != VS_OK)
    a->exit_code = vs_cli_fail(rc);
  else
    a->exit_code = workload && (runs[0].sched->n_shortfalls || runs[0].v.late_vms) ? VS_EXIT_FAIL : VS_EXIT_OK;
  cJSON_Delete(summary);
  for (size_t i = 0; i < N_COMPARED; i++)
    vs_sched_run_clear(&runs[i]);
  vs_threshold_run_clear(&tr);
  return rc;
}

static int threshold_option(void *ctx, int argc, char **argv, int *i)
{
  return vs_cli_threshold_option(ctx, argc, argv, i);
}

static int run(int argc, char **argv)
{
  run_args a = {VS_COMMON_OPTS_INIT, VS_THRESHOLD_OPTIONS_INIT, -1};
  vs_scenario *sc = NULL;
  int rc;

  a.topts.extra_steps = 1;
  if ((rc = vs_cli_parse(argc, argv, &vs_cmd_run, &a.common, threshold_option, &a.topts)) != 0)
    return rc > 0 ? VS_EXIT_OK : vs_cli_fail(rc);
  if ((rc = vs_cli_load_scenario(&a.common, &sc)) != VS_OK)
    return vs_cli_fail(rc);
  rc = vs_cli_session(sc, &a.common, body, &a, &a.exit_code);
  vs_scenario_free(sc);
  return rc;
}

const vs_command vs_cmd_run = {"run", "the main job: threshold, then the recommended schedule (default scenario)", run,
                               help};
