/* vdistorm schedule / validate: build a boot schedule for the scenario's
 * workload and check it in simulation; or check a schedule from a CSV. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "core/fsutil.h"
#include "core/units.h"
#include "report/json.h"
#include "report/series.h"
#include "report/text.h"
#include "study/schedule.h"
#include "study/threshold.h"
#include "study_opts.h"

enum { OPT_POLICY = VS_OPT_FIRST_OWN, OPT_START, OPT_CSV, OPT_VALIDATE, OPT_FULL, OPT_SCHEDULE };

typedef struct {
  const vs_scenario *sc;
  vs_policy policy;
  int validate;             /* schedule: also run it (validate: always) */
  int full;                 /* print every VM */
  const char *csv_in;       /* validate --schedule */
  const char *csv_out;      /* schedule --csv */
  vs_schedule *given;
  vs_cli_progress *progress;
  vs_study_threshold threshold;
  vs_capacity cap;
  vs_study_schedule run;
  vs_study_repeat repeat;
  vs_study_schedule_spread spread;
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
          "  --repeat N    with --validate: simulate the schedule N times with independent\n"
          "                jitter and report the spread of makespan, lateness and slowest boot\n"
          "                (JSON: validation.repeat); --seed S as for 'vdistorm boot'\n"
          "  --json        {policy, schedule[{vm,host,disk,start,ready_by}], capacity, feasible,\n"
          "                 validation{ready_fraction, late_vms, max_lateness_s, idle_vm_minutes,\n"
          "                 peak_concurrency, peak_cpu_util, storm, makespan_s, lower_bound_s,\n"
          "                 bound_ratio, ...}}\n"
          "  -o DIR        write summary.json, schedule.csv and the simulated time series\n"
          "  --no-save, --force, -q, -v   as for 'vdistorm boot'\n"
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

static int study(vs_backend *b, void *payload)
{
  sched_args *a = payload;
  int rc;
  if ((rc = vs_cli_measure_capacity(b, a->progress, &a->threshold, &a->cap)) != VS_OK)
    return rc;
  vs_cli_progress_phase(a->progress, "schedule");
  if (a->given) {
    rc = vs_study_schedule_given(&a->run, b, &a->cap, a->given);
    a->given = NULL;
    return rc;
  }
  /* jit is checked and tightened against the simulation even when the
   * operator only asked for the CSV: the plan alone can leave VMs late. */
  if (a->validate || vs_policy_is_dynamic(&a->policy) || a->policy.kind == VS_POLICY_JIT) {
    if ((rc = vs_study_schedule_policy(&a->run, b, &a->cap, &a->policy)) != VS_OK || a->repeat.n <= 1)
      return rc;
    vs_cli_progress_phase(a->progress, "repeats of the validation");
    return vs_study_schedule_repeat(&a->run, b, &a->cap, &a->repeat, &a->spread);
  }
  return vs_schedule_build(b->sc, &a->cap, &a->policy, &a->run.sched);
}

static int write_csv_file(const char *path, const vs_scenario *sc, const vs_schedule *s)
{
  vs_atomic *f;
  int rc = vs_atomic_open(&f, path);
  if (rc != VS_OK)
    return rc;
  if ((rc = vs_schedule_write_csv(s, sc, vs_atomic_file(f))) != VS_OK) {
    vs_atomic_abort(f);
    return vs_error_set(rc, "%s: %s", path, vs_error_last());
  }
  return vs_atomic_commit(f);
}

static cJSON *summary(void *payload)
{
  sched_args *a = payload;
  cJSON *j = vs_json_schedule(a->sc, a->run.sched, a->run.result ? &a->run.cap : &a->cap);
  if (a->run.result) {
    cJSON *v = vs_json_validation(a->sc, &a->run.v);
    /* How many whole-workload simulations it took (jit re-plans on each). */
    cJSON_AddNumberToObject(v, "simulations", a->run.rounds);
    if (a->repeat.n > 1) {
      cJSON *rep = vs_json_repeat(&a->repeat, "makespan_s", &a->spread.makespan_s);
      cJSON_AddItemToObject(rep, "late_vms", vs_json_stats(&a->spread.late_vms));
      cJSON_AddItemToObject(rep, "ready_fraction", vs_json_stats(&a->spread.ready_fraction));
      cJSON_AddItemToObject(rep, "slowest_boot_ratio", vs_json_stats(&a->spread.slowest_boot_ratio));
      cJSON_AddItemToObject(rep, "idle_vm_minutes", vs_json_stats(&a->spread.idle_vm_minutes));
      cJSON_AddItemToObject(v, "repeat", rep);
    }
    cJSON_AddItemToObject(j, "validation", v);
    if (a->run.result->has_cache)
      cJSON_AddItemToObject(j, "cache", vs_json_cache(a->run.result));
  }
  return j;
}

static void text(void *payload)
{
  sched_args *a = payload;
  vs_text_schedule(stdout, a->sc, a->run.sched, &a->cap, a->full);
  vs_text_shortfalls(stdout, a->sc, a->run.sched);
  vs_text_dpm(stdout, a->sc, a->run.sched);
  if (a->run.result && (a->validate || a->csv_in))
    vs_text_validation(stdout, a->sc, &a->run.v);
  if (a->run.result && a->repeat.n > 1) {
    vs_text_spread(stdout, "makespan", &a->spread.makespan_s);
    printf("  over %zu runs: late VMs mean %.1f (max %.0f), slowest boot mean %.2fx (max %.2fx)\n",
           a->spread.late_vms.n, a->spread.late_vms.mean, a->spread.late_vms.max, a->spread.slowest_boot_ratio.mean,
           a->spread.slowest_boot_ratio.max);
  }
}

static int write_outputs(vs_outdir *d, void *payload)
{
  sched_args *a = payload;
  int rc;
  if ((rc = vs_series_write_schedule(d, "schedule.csv", a->sc, a->run.sched)) == VS_OK && a->run.result)
    rc = vs_series_write_boot(d, "", a->sc, a->run.result);
  return rc;
}

static int option(void *ctx, int opt, const char *arg)
{
  sched_args *a = ctx;
  int rc;
  switch (opt) {
  case OPT_POLICY: {
    double start = a->policy.start_s;
    if ((rc = vs_policy_parse(arg, &a->policy)) != VS_OK)
      return rc;
    a->policy.start_s = start;
    return 1;
  }
  case OPT_START:
    if (vs_unit_parse(arg, VS_UNIT_CLOCK, &a->policy.start_s) != VS_OK)
      return vs_error_set(VS_EINPUT, "--start: expected a time of day such as 07:53");
    return 1;
  case OPT_CSV:
    if (!*arg)
      return vs_error_set(VS_EINPUT, "--csv needs a file name");
    a->csv_out = arg;
    return 1;
  case OPT_VALIDATE: a->validate = 1; return 1;
  case VS_OPT_REPEAT:
  case VS_OPT_SEED: return vs_repeat_option(&a->repeat, opt, arg);
  case OPT_FULL: a->full = 1; return 1;
  case OPT_SCHEDULE:
    if (!*arg)
      return vs_error_set(VS_EINPUT, "--schedule needs a CSV file");
    a->csv_in = arg;
    return 1;
  }
  return 0;
}

static int run_command(int argc, char **argv, int is_validate)
{
  static const struct option schedule_options[] = {{"policy", required_argument, NULL, OPT_POLICY},
                                                   {"start", required_argument, NULL, OPT_START},
                                                   {"csv", required_argument, NULL, OPT_CSV},
                                                   {"validate", no_argument, NULL, OPT_VALIDATE},
                                                   {"full", no_argument, NULL, OPT_FULL},
                                                   {"repeat", required_argument, NULL, VS_OPT_REPEAT},
                                                   {"seed", required_argument, NULL, VS_OPT_SEED},
                                                   {0}};
  static const struct option validate_options[] = {{"schedule", required_argument, NULL, OPT_SCHEDULE}, {0}};
  vs_cli_common o = VS_CLI_COMMON_INIT;
  sched_args a = {.policy = VS_POLICY_INIT, .repeat = VS_STUDY_REPEAT_INIT};
  vs_cli_spec spec = {.cmd = is_validate ? &vs_cmd_validate : &vs_cmd_schedule,
                      .options = is_validate ? validate_options : schedule_options, .on_option = option, .ctx = &a,
                      .common = 1, .positional = 1};
  vs_scenario *sc = NULL;
  int rc, exit_code;

  if ((rc = vs_cli_parse(argc, argv, &spec, &o)) != 0)
    return rc > 0 ? VS_EXIT_OK : vs_cli_fail(rc);
  if (is_validate && !a.csv_in)
    return vs_cli_fail(vs_error_set(VS_EINPUT, "validate: --schedule FILE.csv is required"));
  if ((rc = vs_cli_load_scenario(&o, &sc)) != VS_OK)
    return vs_cli_fail(rc);
  a.sc = sc;
  if (!a.repeat.seeded)
    a.repeat.seed = sc->seed;
  if (!sc->workload.len && !is_validate) {
    rc = vs_error_set(VS_EINPUT, "schedule: %s: the scenario has no workload (or no demand on that date)", sc->path);
    goto cleanup;
  }
  /* A malformed schedule is bad input: reported before anything runs. */
  if (a.csv_in && (rc = vs_schedule_read_csv(a.csv_in, sc, &a.given)) != VS_OK)
    goto cleanup;
  a.progress = vs_cli_progress_new(&o);
  rc = vs_cli_run_job(&o, sc, a.progress,
                      &(vs_cli_job){.study = study, .summary = summary, .text = text, .write = write_outputs}, &a);
  if (rc == VS_OK && a.csv_out)
    rc = write_csv_file(a.csv_out, sc, a.run.sched);
  /* A plan saved without --validate was still simulated (jit): say when it
   * is known to leave desktops late rather than let the CSV look fine. */
  if (rc == VS_OK && !a.validate && !is_validate && a.run.result && a.run.v.late_vms)
    fprintf(stderr, "vdistorm: warning: simulated, this schedule leaves %d VM%s late (see --validate)\n",
            a.run.v.late_vms, a.run.v.late_vms == 1 ? "" : "s");
cleanup:
  if (rc != VS_OK)
    exit_code = vs_cli_fail(rc);
  else
    exit_code = a.run.sched->n_shortfalls || a.run.sched->dpm.late_hosts || (a.run.result && a.run.v.late_vms)
                    ? VS_EXIT_FAIL
                    : VS_EXIT_OK;
  vs_schedule_free(a.given);
  vs_study_schedule_clear(&a.run);
  vs_study_threshold_clear(&a.threshold);
  vs_scenario_free(sc);
  return exit_code;
}

static int schedule_run(int argc, char **argv) { return run_command(argc, argv, 0); }
static int validate_run(int argc, char **argv) { return run_command(argc, argv, 1); }

const vs_command vs_cmd_schedule = {"schedule", "build a boot schedule (jit, braids-waves, baselines)", schedule_run,
                                    schedule_help};
const vs_command vs_cmd_validate = {"validate", "simulate a schedule from a CSV file", validate_run, validate_help};
