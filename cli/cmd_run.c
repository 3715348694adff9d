/* vdistorm run: the main job. Finds the threshold, then simulates the
 * scenario's workload booted in threshold-sized waves back from each deadline,
 * and booted all at once, and says which one makes every deadline. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "error.h"
#include "placement.h"
#include "threshold_report.h"
#include "units.h"

typedef struct {
  vs_common_opts common;
  vs_threshold_options topts;
  int exit_code;
} run_args;

typedef struct {
  const char *name;
  vs_boot_result *r;
  double origin;   /* clock time (s since midnight) of the experiment's t = 0 */
  int *point;      /* demand point of each VM */
  int late;
  double max_late_s;
  double slowdown; /* slowest boot / one VM booting alone */
  int storm;       /* slowdown above storm.max_slowdown */
} workload_sim;

static void help(FILE *out)
{
  fprintf(out,
          "usage: vdistorm run [SCENARIO] [threshold options] [--json] [-o DIR] [--no-save] [-q] [-v]\n\n"
          "The main job. With no SCENARIO it uses the bundled default (%s).\n"
          "  1. finds the boot-storm threshold (as 'vdistorm threshold');\n"
          "  2. simulates the scenario's workload booted in waves of at most the threshold,\n"
          "     one wave after another back from each deadline, and booted all at once at\n"
          "     the first wave's start;\n"
          "  3. prints a summary and writes summary.json, steps.csv and the time series of\n"
          "     both workload runs (waves-*.csv, all-at-once-*.csv).\n\n"
          "  --search, --max-k, --extra   as for 'vdistorm threshold'\n"
          "  --json, -o DIR, --no-save, -q, -v   as for 'vdistorm boot'\n",
          vs_cli_default_scenario());
}

/* Waves of at most `threshold` VMs, each `spacing` seconds after the one
 * before, the last one ending at its deadline. VM ids run over the whole
 * workload; images are spread as the scenario's layout says. */
static vs_boot_req *plan_waves(const vs_scenario *sc, int threshold, double spacing, int **point_out,
                               double *origin, size_t *n_out)
{
  int n = vs_scenario_total_vms(sc), i = 0;
  vs_boot_req *plan = calloc((size_t)n, sizeof(*plan));
  int *point = calloc((size_t)n, sizeof(*point));
  double first = INFINITY;

  if (!plan || !point) {
    free(plan);
    free(point);
    return NULL;
  }
  for (size_t p = 0; p < sc->workload.len; p++) {
    const vs_demand_point *d = &sc->workload.points[p];
    int waves = (d->vms + threshold - 1) / threshold;
    for (int v = 0; v < d->vms; v++, i++) {
      int wave = v / threshold, slot = v % threshold;
      plan[i].vm = i;
      plan[i].start = d->ready_by - (waves - wave) * spacing; /* absolute for now */
      vs_place_vm(sc, slot, threshold, &plan[i].host, &plan[i].disk);
      point[i] = (int)p;
      first = fmin(first, plan[i].start);
    }
  }
  for (i = 0; i < n; i++)
    plan[i].start -= first;
  *origin = first;
  *point_out = point;
  *n_out = (size_t)n;
  return plan;
}

static void score(workload_sim *w, const vs_scenario *sc, double unloaded_boot_s)
{
  w->slowdown = unloaded_boot_s > 0 ? w->r->max_boot_s / unloaded_boot_s : 0;
  w->storm = w->slowdown > sc->storm.max_slowdown;
  w->late = 0;
  w->max_late_s = 0;
  for (size_t i = 0; i < w->r->n_vms; i++) {
    double late = w->origin + w->r->ready[i] - sc->workload.points[w->point[i]].ready_by;
    if (late > 1e-6) {
      w->late++;
      w->max_late_s = fmax(w->max_late_s, late);
    }
  }
}

static cJSON *workload_json(const workload_sim *w)
{
  char clock[32];
  cJSON *o = vs_json_boot(w->r);
  cJSON_AddStringToObject(o, "first_start", vs_clock_format(w->origin, clock, sizeof(clock)));
  cJSON_AddNumberToObject(o, "late_vms", w->late);
  cJSON_AddNumberToObject(o, "max_lateness_s", w->max_late_s);
  cJSON_AddNumberToObject(o, "slowdown", w->slowdown);
  cJSON_AddBoolToObject(o, "storm", w->storm);
  return o;
}

static void print_workload(FILE *out, const vs_scenario *sc, const workload_sim *w)
{
  char clock[32];
  fprintf(out, "  %-12s first start %s, all %zu ready after %.0f s; slowest boot %.0f s (%.1fx alone)%s\n",
          w->name, vs_clock_format(w->origin, clock, sizeof(clock)), w->r->n_vms, w->r->all_ready_s,
          w->r->max_boot_s, w->slowdown, w->storm ? ": STORM" : "");
  fprintf(out, "  %-12s peak CPU %.0f %%", "", 100 * w->r->peak_cpu_util);
  if (sc->storage.kind == VS_STORAGE_NAS)
    fprintf(out, ", peak uplink %.0f %%", 100 * w->r->peak_link_util);
  if (w->late)
    fprintf(out, "\n  %-12s -> %d VM%s late, up to %.0f s late\n", "", w->late, w->late == 1 ? "" : "s",
            w->max_late_s);
  else
    fprintf(out, "\n  %-12s -> every deadline met\n", "");
}

static int simulate_workload(vs_sim *sim, const vs_threshold_run *tr, workload_sim *waves, workload_sim *once)
{
  const vs_scenario *sc = vs_sim_scenario(sim);
  int threshold = tr->res.threshold > 0 ? tr->res.threshold : 1;
  const vs_boot_result *wave = vs_threshold_run_result(tr, threshold);
  double spacing = wave ? ceil(wave->all_ready_s) : ceil(tr->res.unloaded_boot_s);
  size_t n = 0;
  int rc;

  vs_boot_req *plan = plan_waves(sc, threshold, spacing, &waves->point, &waves->origin, &n);
  if (!plan)
    return vs_error_set(VS_ENOMEM, "out of memory");
  if ((rc = vs_sim_boot(sim, plan, n, NULL, &waves->r)) != VS_OK)
    goto cleanup;
  score(waves, sc, tr->res.unloaded_boot_s);

  /* The same VMs, all powered on at the first wave's start. */
  once->point = malloc(n * sizeof(int));
  if (!once->point) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  memcpy(once->point, waves->point, n * sizeof(int));
  once->origin = waves->origin;
  for (size_t i = 0; i < n; i++) {
    plan[i].start = 0;
    vs_place_vm(sc, (int)i, (int)n, &plan[i].host, &plan[i].disk);
  }
  if ((rc = vs_sim_boot(sim, plan, n, NULL, &once->r)) != VS_OK)
    goto cleanup;
  score(once, sc, tr->res.unloaded_boot_s);
cleanup:
  free(plan);
  return rc;
}

static int save(vs_sim *sim, run_args *a, const vs_threshold_run *tr, const workload_sim *waves,
                const workload_sim *once, const cJSON *summary)
{
  vs_outdir *d = NULL;
  int rc;
  if ((rc = vs_outdir_open(&d, &a->common, vs_sim_scenario(sim))) != VS_OK)
    goto cleanup;
  if ((rc = vs_json_write(d, "summary.json", summary)) || (rc = vs_threshold_write_csv(d, "threshold-", tr)))
    goto cleanup;
  if (waves->r && ((rc = vs_csv_boot(d, "waves-", sim, waves->r)) || (rc = vs_csv_boot(d, "all-at-once-", sim, once->r))))
    goto cleanup;
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
  workload_sim waves = {.name = "waves"}, once = {.name = "all at once"};
  cJSON *summary = NULL;
  int rc;

  vs_threshold_run_init(&tr, sim, &a->topts, !a->common.quiet && (!a->common.json || isatty(2)));
  if ((rc = vs_threshold_run_search(&tr)) != VS_OK)
    goto cleanup;
  if (sc->workload.len && (rc = simulate_workload(sim, &tr, &waves, &once)) != VS_OK)
    goto cleanup;

  summary = cJSON_CreateObject();
  cJSON_AddStringToObject(summary, "scenario", sc->name);
  cJSON_AddItemToObject(summary, "threshold", vs_threshold_json(&tr));
  if (waves.r) {
    cJSON *wl = cJSON_AddObjectToObject(summary, "workload");
    cJSON_AddNumberToObject(wl, "vms", vs_scenario_total_vms(sc));
    cJSON_AddItemToObject(wl, "waves", workload_json(&waves));
    cJSON_AddItemToObject(wl, "all_at_once", workload_json(&once));
  }
  if (a->common.json)
    vs_json_print(summary);
  else {
    vs_threshold_print(stdout, &tr);
    if (waves.r) {
      printf("workload: %d VMs over %zu deadline%s\n", vs_scenario_total_vms(sc), sc->workload.len,
             sc->workload.len == 1 ? "" : "s");
      print_workload(stdout, sc, &waves);
      print_workload(stdout, sc, &once);
    } else
      printf("workload: none in the scenario\n");
  }
  if (!a->common.no_save)
    rc = save(sim, a, &tr, &waves, &once, summary);
cleanup:
  a->exit_code = rc == VS_OK ? VS_EXIT_OK : vs_cli_fail(rc);
  cJSON_Delete(summary);
  vs_boot_result_free(waves.r);
  vs_boot_result_free(once.r);
  free(waves.point);
  free(once.point);
  vs_threshold_run_clear(&tr);
  return rc;
}

static int run(int argc, char **argv)
{
  run_args a = {VS_COMMON_OPTS_INIT, VS_THRESHOLD_OPTIONS_INIT, -1};
  vs_scenario *sc = NULL;
  int rc;

  a.topts.extra_steps = 1;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      help(stdout);
      return VS_EXIT_OK;
    }
    if ((rc = vs_cli_threshold_option(&a.topts, argc, argv, &i)) == 0)
      rc = vs_cli_common_option(&a.common, argc, argv, &i);
    if (rc < 0)
      return vs_cli_fail(rc);
    if (rc == 0) {
      fprintf(stderr, "vdistorm run: unknown option '%s' (see vdistorm run --help)\n", argv[i]);
      return VS_EXIT_USAGE;
    }
  }
  if ((rc = vs_cli_load_scenario(&a.common, &sc)) != VS_OK)
    return vs_cli_fail(rc);
  rc = vs_cli_session(sc, &a.common, body, &a, &a.exit_code);
  vs_scenario_free(sc);
  return rc;
}

const vs_command vs_cmd_run = {"run", "the main job: threshold, then the workload (default scenario)", run, help};
