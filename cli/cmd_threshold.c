/* vdistorm threshold: the boot-storm threshold search. */
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "report/json.h"
#include "report/series.h"
#include "report/text.h"
#include "study/threshold.h"
#include "study_opts.h"

typedef struct {
  const vs_scenario *sc;
  vs_threshold_options topts;
  vs_study_repeat repeat;
  vs_cli_progress *progress;
  vs_study_threshold study;
} threshold_args;

static void help(FILE *out)
{
  fprintf(out,
          "usage: vdistorm threshold [SCENARIO] [--search auto|linear|fast] [--max-k N]\n"
          "                          [--extra N] [--repeat N [--seed S] [--trip-share X]]\n"
          "                          [--json] [-o DIR] [--no-save] [-q] [-v]\n\n"
          "Find how many VMs the hardware can boot at once before boot time collapses\n"
          "(the BRAIDS threshold): simulate k = 1, 2, ... simultaneous boots and stop at the\n"
          "first k where a limit trips:\n"
          "  cpu       a host's CPU reaches 100 %% (mean over storm.cpu_window)\n"
          "  hdd       more VMs than HDDs, when the storage has several HDDs\n"
          "  link      boot I/O through a NAS uplink above its bandwidth\n"
          "  slowdown  all-ready time above storm.max_slowdown x the linear trend\n"
          "The threshold is the k just below, and the limits that tripped are named.\n\n"
          "  --search M   linear: k = 1, 2, 3 ... (the paper's flow); fast: doubling then\n"
          "               bisection (same answer when limits only grow with k); auto\n"
          "               (default): linear up to 16, then fast\n"
          "  --max-k N    give up beyond N simultaneous boots (default 65536)\n"
          "  --extra N    simulate N more steps past the first trip, for the table (default 1)\n"
          VS_REPEAT_HELP
          "  --trip-share X  with --repeat: cpu and slowdown trip at k when they trip in at\n"
          "               least this share of the runs (default 0.5)\n"
          "  --json       {threshold, limits[], steps[{k, all_ready_s, peak_cpu_util, io_MBps, ...}]}\n"
          "  -o DIR       write summary.json, steps.csv and the time series of the threshold\n"
          "               and threshold+1 steps (default results/runs/<scenario>-<timestamp>/)\n"
          "  --no-save, --force, -q, -v   as for 'vdistorm boot'\n");
}

static int study(vs_backend *b, void *payload)
{
  threshold_args *a = payload;
  return vs_study_threshold_run(&a->study, b, &a->topts, &a->repeat);
}

static cJSON *summary(void *payload)
{
  threshold_args *a = payload;
  return vs_json_threshold(&a->study, a->sc->name);
}

static void text(void *payload)
{
  threshold_args *a = payload;
  vs_text_threshold(stdout, a->sc, &a->study);
}

static int write_series(vs_outdir *d, void *payload)
{
  threshold_args *a = payload;
  return vs_series_write_threshold(d, "", a->sc, &a->study);
}

static int run(int argc, char **argv)
{
  vs_cli_common o = VS_CLI_COMMON_INIT;
  threshold_args a = {.topts = VS_THRESHOLD_OPTIONS_INIT, .repeat = VS_STUDY_REPEAT_INIT};
  vs_study_opts so = {.threshold = &a.topts, .repeat = &a.repeat};
  vs_cli_spec spec = {.cmd = &vs_cmd_threshold, .options = vs_threshold_long_options, .on_option = vs_study_option,
                      .ctx = &so, .common = 1, .positional = 1};
  vs_scenario *sc = NULL;
  int rc;

  a.topts.extra_steps = 1;
  if ((rc = vs_cli_parse(argc, argv, &spec, &o)) != 0)
    return rc > 0 ? VS_EXIT_OK : vs_cli_fail(rc);
  if ((rc = vs_cli_load_scenario(&o, &sc)) != VS_OK)
    return vs_cli_fail(rc);
  if (!a.repeat.seeded)
    a.repeat.seed = sc->seed;
  a.sc = sc;
  a.progress = vs_cli_progress_new(&o);
  vs_threshold_progress(&a.topts, a.progress);
  rc = vs_cli_run_job(&o, sc, a.progress,
                      &(vs_cli_job){.study = study, .summary = summary, .text = text, .write = write_series}, &a);
  vs_study_threshold_clear(&a.study);
  vs_scenario_free(sc);
  return rc == VS_OK ? VS_EXIT_OK : vs_cli_fail(rc);
}

const vs_command vs_cmd_threshold = {"threshold", "find the boot-storm threshold", run, help};
