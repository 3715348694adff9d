/* vdistorm threshold: the boot-storm threshold search. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/error.h"
#include "plan/threshold.h"
#include "threshold_report.h"

typedef struct {
  vs_common_opts common;
  vs_threshold_options topts;
  int exit_code;
} threshold_args;

static void help(FILE *out)
{
  fprintf(out,
          "usage: vdistorm threshold [SCENARIO] [--search auto|linear|fast] [--max-k N]\n"
          "                          [--extra N] [--json] [-o DIR] [--no-save] [-q] [-v]\n\n"
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
          "  --json       {threshold, limits[], steps[{k, all_ready_s, peak_cpu_util, io_MBps, ...}]}\n"
          "  -o DIR       write summary.json, steps.csv and the time series of the threshold\n"
          "               and threshold+1 steps (default results/runs/<scenario>-<timestamp>/)\n"
          "  --no-save, -q, -v   as for 'vdistorm boot'\n");
}

static int body(vs_sim *sim, void *payload)
{
  threshold_args *a = payload;
  vs_threshold_run run;
  int rc;

  vs_threshold_run_init(&run, sim, &a->topts, !a->common.quiet && (!a->common.json || isatty(2)));
  if ((rc = vs_threshold_run_search(&run)) != VS_OK)
    goto cleanup;
  cJSON *summary = vs_threshold_json(&run);
  if (a->common.json)
    vs_json_print(summary);
  else
    vs_threshold_print(stdout, &run);
  if (!a->common.no_save) {
    vs_outdir *d = NULL;
    if ((rc = vs_outdir_open(&d, &a->common, vs_sim_scenario(sim))) == VS_OK &&
        (rc = vs_json_write(d, "summary.json", summary)) == VS_OK &&
        (rc = vs_threshold_write_csv(d, "", &run)) == VS_OK && (rc = vs_outdir_commit(d)) == VS_OK &&
        !a->common.json)
      printf("results: %s/\n", vs_outdir_path(d));
    vs_outdir_free(d);
  }
  cJSON_Delete(summary);
cleanup:
  a->exit_code = rc == VS_OK ? VS_EXIT_OK : vs_cli_fail(rc);
  vs_threshold_run_clear(&run);
  return rc;
}

int vs_cli_threshold_option(vs_threshold_options *t, int argc, char **argv, int *i)
{
  const char *a = argv[*i];
  const char *v = *i + 1 < argc ? argv[*i + 1] : NULL;
  int rc;
  if (!strcmp(a, "--search")) {
    if (!v || (strcmp(v, "auto") && strcmp(v, "linear") && strcmp(v, "fast")))
      return vs_error_set(VS_EINPUT, "--search: expected auto, linear or fast");
    t->mode = !strcmp(v, "linear") ? VS_SEARCH_LINEAR : !strcmp(v, "fast") ? VS_SEARCH_FAST : VS_SEARCH_AUTO;
  } else if (!strcmp(a, "--max-k")) {
    if ((rc = vs_cli_int_arg(a, v, 1, 1000000, &t->max_k)))
      return rc;
  } else if (!strcmp(a, "--extra")) {
    if ((rc = vs_cli_int_arg(a, v, 0, 1000, &t->extra_steps)))
      return rc;
  } else
    return 0;
  ++*i;
  return 1;
}

static int threshold_option(void *ctx, int argc, char **argv, int *i)
{
  return vs_cli_threshold_option(ctx, argc, argv, i);
}

static int run(int argc, char **argv)
{
  threshold_args a = {VS_COMMON_OPTS_INIT, VS_THRESHOLD_OPTIONS_INIT, -1};
  vs_scenario *sc = NULL;
  int rc;

  a.topts.extra_steps = 1;
  if ((rc = vs_cli_parse(argc, argv, &vs_cmd_threshold, &a.common, threshold_option, &a.topts)) != 0)
    return rc > 0 ? VS_EXIT_OK : vs_cli_fail(rc);
  if ((rc = vs_cli_load_scenario(&a.common, &sc)) != VS_OK)
    return vs_cli_fail(rc);
  rc = vs_cli_session(sc, &a.common, body, &a, &a.exit_code);
  vs_scenario_free(sc);
  return rc;
}

const vs_command vs_cmd_threshold = {"threshold", "find the boot-storm threshold", run, help};
