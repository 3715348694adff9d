/* vdistorm boot: simulate K simultaneous boots. */
#include <stdlib.h>

#include "cli.h"
#include "core/error.h"
#include "report/json.h"
#include "report/series.h"
#include "report/text.h"
#include "plan/schedule.h"
#include "study/threshold.h"
#include "study_opts.h"

typedef struct {
  const vs_scenario *sc;
  int vms;
  const char *schedule_path; /* --schedule: boot these VMs at their starts instead */
  vs_schedule *schedule;
  vs_study_repeat repeat;
  vs_boot_result **runs; /* repeat.n of them; runs[0] is reported */
} boot_args;

static void help(FILE *out)
{
  fprintf(out, "usage: vdistorm boot [SCENARIO] [--vms K] [--repeat N [--seed S]] [--json] [-o DIR] [--no-save]\n"
               "                     [-q] [-v]\n\n"
               "Simulate K VMs powered on at the same moment on the scenario's hardware and\n"
               "report when they are ready, host CPU, disk and uplink use.\n\n"
               "  --vms K      VMs booted at once (default: the scenario's workload total)\n"
               "  --schedule F boot the VMs of a schedule CSV at their start times instead (the first\n"
               "               start is t = 0; calibrate replays live runs' start offsets this way)\n"
               "  --json       print one JSON object on stdout and nothing else there:\n"
               "               {vms, all_ready_s, mean_ready_s, ready_s[], peak_cpu_util,\n"
               "                mean_disk_MBps, peak_link_util, ...}\n"
               "  -o DIR       write summary.json and CSV time series into DIR\n"
               "               (default results/runs/<scenario>-<timestamp>/); DIR is replaced\n"
               "               whole if vdistorm wrote it (or it is empty), else refused\n"
               VS_REPEAT_HELP
               "  --no-save    write no result folder\n"
               "  --force      run even when the memory estimate exceeds the memory available;\n"
               "               replace an -o folder vdistorm did not write\n"
               "  -q, -v       quiet (no progress) / SimGrid's own log\n"
               "  --set KEY=VALUE  override a scenario key (repeatable; KEY+=N adds N), e.g.\n"
               "               --set storage.hdds=12; every simulating command takes it\n"
               "Exit codes: 0 done, 1 failed, 2 bad input or refused, 128+signal interrupted.\n");
}

static int study(vs_backend *b, void *payload)
{
  boot_args *a = payload;
  if (!a->schedule)
    return vs_study_boot_at_once(b, a->vms, &a->repeat, a->runs);
  double origin;
  vs_boot_req *plan = vs_schedule_plan(a->schedule, &origin);
  if (!plan)
    return vs_error_set(VS_ENOMEM, "out of memory");
  int rc = vs_study_repeat_boot(b, &a->repeat, plan, a->schedule->n, NULL, a->runs);
  free(plan);
  return rc;
}

static void spread(const boot_args *a, vs_stats *s)
{
  double t[1000];
  for (int r = 0; r < a->repeat.n; r++)
    t[r] = a->runs[r]->all_ready_s;
  vs_stats_of(t, (size_t)a->repeat.n, s);
}

static cJSON *summary(void *payload)
{
  boot_args *a = payload;
  cJSON *j = vs_json_boot(a->runs[0]);
  cJSON_AddStringToObject(j, "scenario", a->sc->name);
  if (a->repeat.n > 1) {
    vs_stats s;
    spread(a, &s);
    cJSON_AddItemToObject(j, "repeat", vs_json_repeat(&a->repeat, "all_ready_s", &s));
  }
  return j;
}

static void text(void *payload)
{
  boot_args *a = payload;
  vs_text_boot(stdout, a->sc, a->runs[0]);
  if (a->repeat.n > 1) {
    vs_stats s;
    spread(a, &s);
    vs_text_spread(stdout, "all ready", &s);
  }
}

static int write_series(vs_outdir *d, void *payload)
{
  boot_args *a = payload;
  return vs_series_write_boot(d, "", a->sc, a->runs[0]);
}

static int option(void *ctx, int opt, const char *arg)
{
  boot_args *a = ctx;
  if (opt == 'S') {
    a->schedule_path = arg;
    return 1;
  }
  if (opt != 'K')
    return vs_repeat_option(&a->repeat, opt, arg);
  int rc = vs_cli_int_arg("--vms", arg, 1, 1000000, &a->vms);
  return rc < 0 ? rc : 1;
}

static int run(int argc, char **argv)
{
  static const struct option options[] = {{"vms", required_argument, NULL, 'K'},
                                          {"schedule", required_argument, NULL, 'S'},
                                          {"repeat", required_argument, NULL, VS_OPT_REPEAT},
                                          {"seed", required_argument, NULL, VS_OPT_SEED},
                                          {0}};
  vs_cli_common o = VS_CLI_COMMON_INIT;
  boot_args a = {.repeat = VS_STUDY_REPEAT_INIT};
  vs_cli_spec spec = {.cmd = &vs_cmd_boot, .options = options, .on_option = option, .ctx = &a, .common = 1,
                      .positional = 1};
  vs_scenario *sc = NULL;
  vs_cli_progress *progress;
  int rc;

  if ((rc = vs_cli_parse(argc, argv, &spec, &o)) != 0)
    return rc > 0 ? VS_EXIT_OK : vs_cli_fail(rc);
  if ((rc = vs_cli_load_scenario(&o, &sc)) != VS_OK)
    return vs_cli_fail(rc);
  if (a.schedule_path) {
    if ((rc = vs_schedule_read_csv(a.schedule_path, sc, &a.schedule)) != VS_OK)
      goto cleanup;
    a.vms = (int)a.schedule->n;
  }
  if (!a.vms)
    a.vms = vs_scenario_total_vms(sc);
  if (a.vms <= 0) {
    rc = vs_error_set(VS_EINPUT, "boot: the scenario has no workload; say how many VMs with --vms K");
    goto cleanup;
  }
  a.sc = sc;
  if (!a.repeat.seeded)
    a.repeat.seed = sc->seed;
  if (!(a.runs = calloc((size_t)a.repeat.n, sizeof(*a.runs)))) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  progress = vs_cli_progress_new(&o);
  vs_cli_progress_phase(progress, "%d VMs booting at once", a.vms);
  rc = vs_cli_run_job(&o, sc, progress,
                      &(vs_cli_job){.study = study, .summary = summary, .text = text, .write = write_series}, &a);
cleanup:
  vs_schedule_free(a.schedule);
  for (int r = 0; a.runs && r < a.repeat.n; r++)
    vs_boot_result_free(a.runs[r]);
  free(a.runs);
  vs_scenario_free(sc);
  return rc == VS_OK ? VS_EXIT_OK : vs_cli_fail(rc);
}

const vs_command vs_cmd_boot = {"boot", "simulate K VMs booting at once", run, help};
