/* vdistorm report: the main job rendered as one HTML page for a manager
 * (report/html.c, figures from plots/), and --compare: several scenarios
 * side by side (cli/compare.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compare.h"
#include "core/error.h"
#include "mainjob.h"
#include "report_out.h"
#include "study_opts.h"

enum { OPT_PLAN = VS_OPT_FIRST_OWN, OPT_SWEEP, OPT_COMPARE };

typedef struct {
  vs_threshold_options topts;
  const char *plan_dir, *sweep_dir;
  int compare;
} report_opts;

static void help(FILE *out)
{
  fprintf(out,
          "usage: vdistorm report [SCENARIO] [-o DIR] [--plan DIR] [--sweep DIR] [threshold options] [-q]\n"
          "       vdistorm report --compare SCENARIO... [-o DIR] [-q]\n\n"
          "Runs the main job (as 'vdistorm run') and writes DIR/index.html: one self-contained\n"
          "page (figures embedded, no network requests) with the answer on top -- the threshold\n"
          "and what bounds it, whether the recommended schedule meets the morning, the cheapest\n"
          "plan if not -- the inputs, the threshold and CPU figures, the schedule against the\n"
          "baselines, and the what-ifs. DIR also gets the run's CSVs, the figures' CSVs and\n"
          "figures/*.svg ('vdistorm plot DIR' redraws them as PNG).\n\n"
          "  --plan DIR     what-ifs from DIR/plan.json ('vdistorm plan --json -o DIR'); without\n"
          "                 it, a scenario with a plan: section gets 'vdistorm plan' run for it\n"
          "  --sweep DIR    the heat map of DIR/sweep.csv ('vdistorm sweep -o DIR')\n"
          "  --compare      run each SCENARIO (each in a child process) and put them side by\n"
          "                 side: a text table on stdout and DIR/index.html\n"
          "  --search, --max-k, --extra   as for 'vdistorm threshold'\n"
          "  -o DIR, --force, -q   as for 'vdistorm run' (default DIR: results/runs/...)\n"
          "Needs gnuplot (Debian: gnuplot-nox): without it, one line and no report.\n");
}

static int option(void *ctx, int opt, const char *arg)
{
  report_opts *r = ctx;
  switch (opt) {
  case OPT_PLAN:
  case OPT_SWEEP:
    if (!*arg)
      return vs_error_set(VS_EINPUT, "%s needs a directory", opt == OPT_PLAN ? "--plan" : "--sweep");
    *(opt == OPT_PLAN ? &r->plan_dir : &r->sweep_dir) = arg;
    return 1;
  case OPT_COMPARE:
    r->compare = 1;
    return 1;
  }
  return vs_threshold_option(&r->topts, opt, arg);
}

static void no_text(void *payload) {}

static int report_one(const vs_cli_common *o, report_opts *ro)
{
  vs_main_job a = {.topts = ro->topts};
  vs_cli_report rep = VS_CLI_REPORT_INIT;
  vs_figdata_sweep sweep = {0};
  cJSON *plan = NULL;
  vs_scenario *sc = NULL;
  vs_buf answer = VS_BUF_INIT;
  int rc;

  /* Every input is read before the run: bad input stops here, with no output. */
  if ((rc = vs_cli_load_scenario(o, &sc)) != VS_OK || (ro->plan_dir && (rc = vs_cli_report_load_plan(ro->plan_dir, &plan)) != VS_OK) ||
      (ro->sweep_dir && (rc = vs_cli_report_load_sweep(ro->sweep_dir, &sweep)) != VS_OK))
    goto cleanup;
  rep.plan = plan;
  rep.sweep = ro->sweep_dir ? &sweep : NULL;
  a.sc = sc;
  a.workload = sc->workload.len > 0;
  a.report = &rep;
  a.progress = vs_cli_progress_new(o);
  vs_threshold_progress(&a.topts, a.progress);
  rc = vs_cli_run_job(o, sc, a.progress,
                      &(vs_cli_job){.study = vs_main_job_study, .summary = vs_main_job_summary, .text = no_text,
                                    .write = vs_main_job_write, .index = "index.html"},
                      &a);
  if (rc == VS_OK && !o->json && (rc = vs_cli_report_answer(&a, &rep, &answer)) == VS_OK)
    printf("%s\n", answer.data);
cleanup:
  vs_buf_clear(&answer);
  vs_main_job_clear(&a);
  vs_cli_report_clear(&rep);
  vs_figdata_sweep_clear(&sweep);
  cJSON_Delete(plan);
  vs_scenario_free(sc);
  return rc;
}

static int run(int argc, char **argv)
{
  static const struct option own[] = {{"plan", required_argument, NULL, OPT_PLAN},
                                      {"sweep", required_argument, NULL, OPT_SWEEP},
                                      {"compare", no_argument, NULL, OPT_COMPARE},
                                      {"search", required_argument, NULL, VS_OPT_SEARCH},
                                      {"max-k", required_argument, NULL, VS_OPT_MAX_K},
                                      {"extra", required_argument, NULL, VS_OPT_EXTRA},
                                      {0}};
  vs_cli_common o = VS_CLI_COMMON_INIT;
  report_opts ro = {.topts = VS_THRESHOLD_OPTIONS_INIT};
  vs_cli_spec spec = {.cmd = &vs_cmd_report, .options = own, .on_option = option, .ctx = &ro, .common = 1,
                      .positional = VS_COMPARE_MAX};
  int rc;

  ro.topts.extra_steps = 1;
  if ((rc = vs_cli_parse(argc, argv, &spec, &o)) != 0)
    return rc > 0 ? VS_EXIT_OK : vs_cli_fail(rc);
  if (o.no_save)
    return vs_cli_fail(vs_error_set(VS_EINPUT, "report: --no-save leaves nothing to report"));
  /* getopt_long has moved the positional arguments to argv[optind..]. */
  int n_positional = argc - optind;
  if (ro.compare) {
    if (ro.plan_dir || ro.sweep_dir)
      return vs_cli_fail(vs_error_set(VS_EINPUT, "report --compare: --plan and --sweep are per scenario"));
    rc = vs_compare_run(&o, (const char *const *)argv + optind, (size_t)n_positional);
  } else if (n_positional > 1) {
    return vs_cli_fail(vs_error_set(VS_EINPUT, "report: one scenario at a time (or --compare SCENARIO...)"));
  } else {
    rc = report_one(&o, &ro);
  }
  return rc == VS_OK ? VS_EXIT_OK : vs_cli_fail(rc);
}

const vs_command vs_cmd_report = {"report", "the main job as an HTML page (or --compare several scenarios)", run, help};
