/* vdistorm plan: the cheapest combination of a scenario's purchasable
 * options (its plan: section) that meets the goal (study/plan), simulated
 * through the sweep's children; rendered by report/planout. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "core/error.h"
#include "report/json.h"
#include "report/outdir.h"
#include "report/planout.h"
#include "scenario/purchase.h"
#include "study/plan.h"

typedef struct {
  int jobs;
} plan_args;

static void help(FILE *out)
{
  fprintf(out,
          "usage: vdistorm plan SCENARIO [-j N] [--set KEY=VALUE ...] [--json] [-o DIR] [--no-save] [-q]\n\n"
          "The cheapest combination of the purchasable options of the scenario's plan: section\n"
          "(docs/SCENARIO.md) that meets its goal (by default every desktop ready by its\n"
          "deadline and no storm, judged on the jit schedule). Every combination of units\n"
          "(0..max of each option) is enumerated; what monotonicity decides -- more hardware is\n"
          "assumed never worse -- is not simulated, the rest runs as 'vdistorm run --set ...'\n"
          "children, N at once (default: the processors online), cheapest first.\n"
          "Prints the cheapest combinations that meet the goal (cost, threshold, makespan,\n"
          "latest ready, margin = how early the tightest desktop is ready), the frontier of cost\n"
          "against latest-ready time and, when nothing meets the goal, the closest miss.\n"
          "Writes plan.json (the --json object) and plan.csv (the frontier) into DIR (default\n"
          "results/runs/<scenario>-plan-<time>).\n"
          "Exit code 1 when no combination meets the goal.\n");
}

static int option(void *ctx, int opt, const char *arg)
{
  plan_args *a = ctx;
  if (opt == 'j')
    return vs_cli_int_arg("--jobs", arg, 1, 1024, &a->jobs) == VS_OK ? 1 : -1;
  return 0;
}

static void progress(void *ctx, size_t decided, size_t total) { vs_cli_progress_count(ctx, decided, total, 0); }

static int save(const vs_cli_common *o, const char *final, const cJSON *j, const vs_plan *pl)
{
  vs_outdir *d = NULL;
  int rc;
  if ((rc = vs_outdir_open(&d, final, NULL, o->force)) == VS_OK && (rc = vs_json_write(d, "plan.json", j)) == VS_OK &&
      (rc = vs_planout_csv(d, "plan.csv", pl)) == VS_OK && (rc = vs_outdir_commit(d)) == VS_OK && !o->json)
    printf("results: %s/\n", vs_outdir_path(d));
  vs_outdir_free(d);
  return rc;
}

static int run(int argc, char **argv)
{
  static const struct option options[] = {{"jobs", required_argument, NULL, 'j'}, {0}};
  vs_cli_common o = VS_CLI_COMMON_INIT;
  plan_args a = {.jobs = 0};
  vs_cli_spec spec = {.cmd = &vs_cmd_plan, .options = options, .short_options = "j:", .on_option = option,
                      .ctx = &a, .common = 1, .positional = 1};
  vs_scenario *sc = NULL;
  vs_plan *pl = NULL;
  vs_cli_progress *prog = NULL;
  cJSON *j = NULL;
  char *final = NULL, name[256];
  int rc, exit_code = VS_EXIT_OK;

  if ((rc = vs_cli_parse(argc, argv, &spec, &o)) != 0)
    return rc > 0 ? VS_EXIT_OK : vs_cli_fail(rc);
  const char *path = o.scenario_path ? o.scenario_path : vs_cli_default_scenario();
  if ((rc = vs_cli_load_scenario(&o, &sc)) != VS_OK)
    goto done;
  if (!sc->plan) {
    rc = vs_error_set(VS_EINPUT, "%s: no plan: section (expected the options that may be bought; see "
                      "docs/SCENARIO.md)", path);
    goto done;
  }
  snprintf(name, sizeof(name), "%s-plan", sc->name);
  if (!o.no_save && (rc = vs_outdir_check(o.out_dir, name, o.force, &final)) != VS_OK)
    goto done;
  vs_plan_options po = {.scenario = path, .fixed = (char *const *)o.set, .n_fixed = (size_t)o.n_set, .jobs = a.jobs,
                        .on_progress = progress};
  /* Bad option values stop here, before any progress is shown. */
  if ((rc = vs_plan_check(sc->plan, &po)) != VS_OK)
    goto done;
  po.ctx = prog = vs_cli_progress_new(&o);
  vs_cli_progress_phase(prog, "plan %s", sc->name);
  rc = vs_plan_run(&pl, sc->plan, &po);
  vs_cli_progress_done(prog);
  if (rc != VS_OK)
    goto done;
  if (!(j = vs_planout_json(pl))) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto done;
  }
  if (o.json)
    vs_json_print(j);
  else
    vs_planout_text(stdout, sc->name, pl);
  if (!o.no_save && (rc = save(&o, final, j, pl)) != VS_OK)
    goto done;
  const vs_plan_combo *best[1];
  exit_code = vs_plan_cheapest(pl, best, 1) ? VS_EXIT_OK : VS_EXIT_FAIL;

done:
  if (rc != VS_OK)
    exit_code = vs_cli_fail(rc);
  cJSON_Delete(j);
  vs_plan_free(pl);
  vs_scenario_free(sc);
  free(final);
  return exit_code;
}

const vs_command vs_cmd_plan = {"plan", "the cheapest purchase (plan: section) that meets the goal, by simulation",
                                run, help};
