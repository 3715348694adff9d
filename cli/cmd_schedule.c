/* vdistorm schedule / validate: build a boot schedule for the scenario's
 * workload and check it in simulation; or check a schedule from a CSV. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/error.h"
#include "schedule_report.h"
#include "core/units.h"

typedef struct {
  vs_common_opts common;
  vs_policy policy;
  int validate;   /* schedule: also simulate (validate: always) */
  int full;       /* print every VM */
  const char *csv_in;  /* validate --schedule */
  const char *csv_out; /* schedule --csv */
  int exit_code;
} sched_args;

static void schedule_help(FILE *out)
{
  fprintf(out,
          "usage: vdistorm schedule [SCENARIO] [--policy P] [--validate] [--start HH:MM] [--csv FILE]\n"
          "                         [--full] [--json] [-o DIR] [--no-save] [-q] [-v]\n\n"
          "Build a boot schedule for the scenario's workload so that every desktop is ready\n"
          "by its deadline. The hardware's capacity (threshold, boot times) is measured\n"
          "first by simulation.\n\n"
          "policies (--policy, default jit):\n"
          "  jit                   ours, recommended: the latest start that still meets each\n"
          "                        deadline, pipelined on storm-free lanes (a new boot starts\n"
          "                        when one finishes, on the HDD/host it frees), checked and\n"
          "                        tightened against the simulation\n"
          "  braids-waves          the paper's: waves of at most the threshold, one per whole\n"
          "                        minute, backwards from each deadline\n"
          "  all-at-once           every VM of a deadline powered on at the window start\n"
          "  fixed-concurrency:N   at most N booting at once (Horizon's max concurrent power\n"
          "                        operations, Nova's max_concurrent_builds)\n"
          "  rate:N/min            at most N power-ons per minute (Citrix)\n"
          "  The baselines start at the same window as braids-waves unless --start is given.\n\n"
          "  --validate    simulate the schedule and report readiness by deadline, lateness,\n"
          "                idle VM-minutes (and their energy with energy.vm_power), peak\n"
          "                concurrency and CPU, storm, makespan vs the physical lower bound\n"
          "  --start T     power-on window start for the baselines (HH:MM[:SS])\n"
          "  --csv FILE    also write the schedule as CSV to FILE\n"
          "                (vm,host,disk,start,ready_by,expected_ready)\n"
          "  --full        print every VM instead of one row per minute\n"
          "  --json        {policy, schedule[{vm,host,disk,start,ready_by}], capacity, feasible,\n"
          "                 validation{ready_fraction, late_vms, max_lateness_s, idle_vm_minutes,\n"
          "                 peak_concurrency, peak_cpu_util, storm, makespan_s, lower_bound_s,\n"
          "                 bound_ratio, ...}}\n"
          "  -o DIR        write summary.json, schedule.csv and the simulated time series\n"
          "  --no-save, -q, -v   as for 'vdistorm boot'\n"
          "Exit code 1 when the validated schedule leaves a VM late or the workload is infeasible.\n");
}

static void validate_help(FILE *out)
{
  fprintf(out, "usage: vdistorm validate [SCENARIO] --schedule FILE.csv [--json] [-o DIR] [--no-save] [-q] [-v]\n\n"
               "Simulate a schedule given as CSV (vm,host,disk,start,ready_by[,expected_ready];\n"
               "times HH:MM:SS; host-N and nas-N-hdd-M / host-N-hdd-M names as 'schedule'\n"
               "writes them) on the scenario's hardware and report as 'schedule --validate'.\n"
               "Malformed rows are reported as FILE:LINE: what is wrong (exit 2).\n");
}

static int save(vs_sim *sim, const sched_args *a, const vs_sched_run *run, const cJSON *summary)
{
  vs_outdir *d = NULL;
  int rc;
  if (a->common.no_save)
    return VS_OK;
  if ((rc = vs_outdir_open(&d, &a->common, vs_sim_scenario(sim))) == VS_OK &&
      (rc = vs_json_write(d, "summary.json", summary)) == VS_OK &&
      (rc = vs_schedule_save_csv(d, "schedule.csv", vs_sim_scenario(sim), run->sched)) == VS_OK &&
      (!run->result || (rc = vs_csv_boot(d, "", sim, run->result)) == VS_OK) && (rc = vs_outdir_commit(d)) == VS_OK &&
      !a->common.json)
    printf("results: %s/\n", vs_outdir_path(d));
  vs_outdir_free(d);
  return rc;
}

static int write_csv_file(const char *path, const vs_scenario *sc, const vs_schedule *s)
{
  FILE *f = fopen(path, "w");
  if (!f)
    return vs_error_set(VS_EIO, "%s: cannot write", path);
  int rc = vs_sched_write_csv(s, sc, f);
  if (fclose(f) != 0 && rc == VS_OK)
    rc = vs_error_set(VS_EIO, "%s: write failed", path);
  return rc;
}

static int body(vs_sim *sim, void *payload)
{
  sched_args *a = payload;
  const vs_scenario *sc = vs_sim_scenario(sim);
  vs_threshold_options topts = VS_THRESHOLD_OPTIONS_INIT;
  vs_threshold_run tr;
  vs_capacity cap;
  vs_sched_run run = {0};
  vs_schedule *given = NULL;
  cJSON *summary = NULL;
  int rc, simulate = a->validate || a->csv_in || vs_policy_is_dynamic(&a->policy);

  vs_threshold_run_init(&tr, sim, &topts, 0);
  if (a->csv_in && (rc = vs_sched_read_csv(a->csv_in, sc, &given)) != VS_OK)
    goto cleanup;
  if (!a->common.quiet && (!a->common.json || isatty(2)))
    fprintf(stderr, "measuring the hardware (threshold search)...\n");
  if ((rc = vs_capacity_measure(sim, &tr, &cap)) != VS_OK)
    goto cleanup;
  if (given) {
    rc = vs_sched_run_given(sim, &cap, given, &run);
    given = NULL;
  } else if (simulate)
    rc = vs_sched_run_policy(sim, &cap, &a->policy, &run);
  else
    rc = vs_sched_build(sc, &cap, &a->policy, &run.sched);
  if (rc != VS_OK)
    goto cleanup;

  summary = vs_schedule_json(sc, run.sched, &cap);
  if (run.result)
    cJSON_AddItemToObject(summary, "validation", vs_validation_json(&run.v));
  if (a->common.json)
    vs_json_print(summary);
  else {
    vs_schedule_print(stdout, sc, run.sched, &cap, a->full);
    vs_shortfalls_print(stdout, sc, run.sched);
    if (run.result && (a->validate || a->csv_in))
      vs_validation_print(stdout, sc, &run.v);
  }
  if (a->csv_out && (rc = write_csv_file(a->csv_out, sc, run.sched)) != VS_OK)
    goto cleanup;
  rc = save(sim, a, &run, summary);
cleanup:
  if (rc != VS_OK)
    a->exit_code = vs_cli_fail(rc);
  else
    a->exit_code = run.sched->n_shortfalls || (run.result && run.v.late_vms) ? VS_EXIT_FAIL : VS_EXIT_OK;
  cJSON_Delete(summary);
  vs_schedule_free(given);
  vs_sched_run_clear(&run);
  vs_threshold_run_clear(&tr);
  return rc;
}

static int schedule_option(void *ctx, int argc, char **argv, int *i)
{
  sched_args *a = ctx;
  const char *arg = argv[*i], *val = *i + 1 < argc ? argv[*i + 1] : NULL;
  int rc;
  if (!strcmp(arg, "--policy")) {
    double start = a->policy.start;
    if (!val)
      return vs_error_set(VS_EINPUT, "--policy needs a value");
    if ((rc = vs_policy_parse(val, &a->policy)) != VS_OK)
      return rc;
    a->policy.start = start;
  } else if (!strcmp(arg, "--start")) {
    if (!val || vs_unit_parse(val, VS_UNIT_CLOCK, &a->policy.start) != VS_OK)
      return vs_error_set(VS_EINPUT, "--start: expected a time of day such as 07:53");
  } else if (!strcmp(arg, "--csv")) {
    if (!val)
      return vs_error_set(VS_EINPUT, "--csv needs a file name");
    a->csv_out = val;
  } else if (!strcmp(arg, "--validate")) {
    a->validate = 1;
    return 1;
  } else if (!strcmp(arg, "--full")) {
    a->full = 1;
    return 1;
  } else
    return 0;
  ++*i;
  return 1;
}

static int validate_option(void *ctx, int argc, char **argv, int *i)
{
  sched_args *a = ctx;
  if (strcmp(argv[*i], "--schedule"))
    return 0;
  if (*i + 1 >= argc)
    return vs_error_set(VS_EINPUT, "--schedule needs a CSV file");
  a->csv_in = argv[++*i];
  return 1;
}

static int parse(sched_args *a, int argc, char **argv, int is_validate)
{
  int rc = is_validate ? vs_cli_parse(argc, argv, &vs_cmd_validate, &a->common, validate_option, a)
                       : vs_cli_parse(argc, argv, &vs_cmd_schedule, &a->common, schedule_option, a);
  if (rc == 0 && is_validate && !a->csv_in)
    return vs_error_set(VS_EINPUT, "validate: --schedule FILE.csv is required");
  return rc;
}

static int run_command(int argc, char **argv, int is_validate)
{
  sched_args a = {.common = VS_COMMON_OPTS_INIT, .policy = VS_POLICY_INIT, .exit_code = -1};
  vs_scenario *sc = NULL;
  int rc = parse(&a, argc, argv, is_validate);
  if (rc > 0)
    return VS_EXIT_OK;
  if (rc < 0)
    return vs_cli_fail(rc);
  if ((rc = vs_cli_load_scenario(&a.common, &sc)) != VS_OK)
    return vs_cli_fail(rc);
  if (!sc->workload.len && !is_validate) {
    fprintf(stderr, "vdistorm schedule: %s: the scenario has no workload (or no demand on that date)\n", sc->path);
    vs_scenario_free(sc);
    return VS_EXIT_USAGE;
  }
  rc = vs_cli_session(sc, &a.common, body, &a, &a.exit_code);
  vs_scenario_free(sc);
  return rc;
}

static int schedule_run(int argc, char **argv) { return run_command(argc, argv, 0); }
static int validate_run(int argc, char **argv) { return run_command(argc, argv, 1); }

const vs_command vs_cmd_schedule = {"schedule", "build a boot schedule (jit, braids-waves, baselines)", schedule_run,
                                    schedule_help};
const vs_command vs_cmd_validate = {"validate", "simulate a schedule from a CSV file", validate_run, validate_help};
