/* vdistorm run: the main job. Finds the boot-storm threshold, builds the
 * recommended (jit) schedule for the scenario's workload, validates it in
 * simulation, and compares it with the paper's waves and with booting
 * everything at once; the result folder gets the HTML report. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "mainjob.h"
#include "report_out.h"
#include "study_opts.h"

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
          "     policy's schedule CSV and simulated time series, and the HTML report\n"
          "     (index.html, as 'vdistorm report'; without gnuplot: a warning, no report).\n\n"
          "  --search, --max-k, --extra   as for 'vdistorm threshold'\n"
          "  --json, -o DIR, --no-save, -q, -v, --set KEY=VALUE   as for 'vdistorm boot'\n"
          "Exit code 1 when the recommended schedule leaves a VM late or the workload is\n"
          "infeasible on the hardware.\n",
          vs_cli_default_scenario());
}

static int run(int argc, char **argv)
{
  vs_cli_common o = VS_CLI_COMMON_INIT;
  vs_main_job a = {.topts = VS_THRESHOLD_OPTIONS_INIT};
  vs_cli_spec spec = {.cmd = &vs_cmd_run, .options = vs_threshold_long_options, .on_option = vs_threshold_option,
                      .ctx = &a.topts, .common = 1, .positional = 1};
  vs_scenario *sc = NULL;
  int rc, exit_code;

  a.topts.extra_steps = 1;
  if ((rc = vs_cli_parse(argc, argv, &spec, &o)) != 0)
    return rc > 0 ? VS_EXIT_OK : vs_cli_fail(rc);
  if ((rc = vs_cli_load_scenario(&o, &sc)) != VS_OK)
    return vs_cli_fail(rc);
  /* The report is a bonus of the run: a missing gnuplot costs the report
   * (one warning line), never the results. */
  vs_cli_report rep = VS_CLI_REPORT_INIT;
  rep.soft = 1;
  rep.search_plan = 0;
  a.sc = sc;
  a.workload = sc->workload.len > 0;
  a.report = &rep;
  a.progress = vs_cli_progress_new(&o);
  vs_threshold_progress(&a.topts, a.progress);
  rc = vs_cli_run_job(&o, sc, a.progress,
                      &(vs_cli_job){.study = vs_main_job_study, .summary = vs_main_job_summary,
                                    .text = vs_main_job_text, .write = vs_main_job_write, .index = "index.html"},
                      &a);
  exit_code = rc != VS_OK ? vs_cli_fail(rc) : vs_main_job_exit(&a);
  vs_main_job_clear(&a);
  vs_scenario_free(sc);
  return exit_code;
}

const vs_command vs_cmd_run = {"run", "the main job: threshold, then the recommended schedule (default scenario)", run,
                               help};
