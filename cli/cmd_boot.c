/* vdistorm boot: simulate K simultaneous boots. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"

typedef struct {
  vs_common_opts common;
  int vms;
  int exit_code;
} boot_args;

static void help(FILE *out)
{
  fprintf(out, "usage: vdistorm boot [SCENARIO] [--vms K] [--json] [-o DIR] [--no-save] [-q] [-v]\n\n"
               "Simulate K VMs powered on at the same moment on the scenario's hardware and\n"
               "report when they are ready, host CPU, disk and uplink use.\n\n"
               "  --vms K      VMs booted at once (default: the scenario's workload total)\n"
               "  --json       print one JSON object on stdout and nothing else there:\n"
               "               {vms, all_ready_s, mean_ready_s, ready_s[], peak_cpu_util,\n"
               "                mean_disk_MBps, peak_link_util, ...}\n"
               "  -o DIR       write summary.json and CSV time series into DIR\n"
               "               (default results/runs/<scenario>-<timestamp>/)\n"
               "  --no-save    write no result folder\n"
               "  -q, -v       quiet (no progress) / SimGrid's own log\n");
}

static int write_outputs(vs_sim *sim, const boot_args *a, const vs_boot_result *r, cJSON *summary)
{
  vs_outdir *d = NULL;
  int rc;
  if (a->common.no_save)
    return VS_OK;
  if ((rc = vs_outdir_open(&d, &a->common, vs_sim_scenario(sim))) == VS_OK &&
      (rc = vs_json_write(d, "summary.json", summary)) == VS_OK && (rc = vs_csv_boot(d, "", sim, r)) == VS_OK &&
      (rc = vs_outdir_commit(d)) == VS_OK && !a->common.json)
    printf("results: %s/\n", vs_outdir_path(d));
  vs_outdir_free(d);
  return rc;
}

static int body(vs_sim *sim, void *payload)
{
  boot_args *a = payload;
  const vs_scenario *sc = vs_sim_scenario(sim);
  vs_boot_req *plan = vs_plan_simultaneous(sc, a->vms);
  vs_boot_result *r = NULL;
  cJSON *summary = NULL;
  int rc;

  if (!plan) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  if ((rc = vs_sim_boot(sim, plan, (size_t)a->vms, NULL, &r)) != VS_OK)
    goto cleanup;
  summary = vs_json_boot(r);
  cJSON_AddStringToObject(summary, "scenario", sc->name);
  if (a->common.json)
    vs_json_print(summary);
  else
    vs_print_boot(stdout, sc, r);
  rc = write_outputs(sim, a, r, summary);
cleanup:
  a->exit_code = rc == VS_OK ? VS_EXIT_OK : vs_cli_fail(rc);
  cJSON_Delete(summary);
  vs_boot_result_free(r);
  free(plan);
  return rc;
}

static int boot_option(void *ctx, int argc, char **argv, int *i)
{
  boot_args *a = ctx;
  int rc;
  if (strcmp(argv[*i], "--vms"))
    return 0;
  rc = vs_cli_int_arg("--vms", *i + 1 < argc ? argv[++*i] : NULL, 1, 1000000, &a->vms);
  return rc < 0 ? rc : 1;
}

static int run(int argc, char **argv)
{
  boot_args a = {VS_COMMON_OPTS_INIT, 0, -1};
  vs_scenario *sc = NULL;
  int rc;

  if ((rc = vs_cli_parse(argc, argv, &vs_cmd_boot, &a.common, boot_option, &a)) != 0)
    return rc > 0 ? VS_EXIT_OK : vs_cli_fail(rc);
  if ((rc = vs_cli_load_scenario(&a.common, &sc)) != VS_OK)
    return vs_cli_fail(rc);
  if (!a.vms)
    a.vms = vs_scenario_total_vms(sc);
  if (a.vms <= 0) {
    vs_scenario_free(sc);
    fprintf(stderr, "vdistorm boot: the scenario has no workload; say how many VMs with --vms K\n");
    return VS_EXIT_USAGE;
  }
  rc = vs_cli_session(sc, &a.common, body, &a, &a.exit_code);
  vs_scenario_free(sc);
  return rc;
}

const vs_command vs_cmd_boot = {"boot", "simulate K VMs booting at once", run, help};
