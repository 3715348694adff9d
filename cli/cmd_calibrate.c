/* vdistorm calibrate: fit the simulator to live runs (study/calibrate). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "core/error.h"
#include "core/fsutil.h"
#include "core/units.h"
#include "report/json.h"
#include "study/calibrate.h"

enum { OPT_MEASURED = VS_OPT_FIRST_OWN, OPT_FIT_K, OPT_ROUNDS, OPT_OUT, OPT_MAX_OVERHEAD };

typedef struct {
  const char **dirs;
  size_t n_dirs;
  const char *out_path;
  int fit_k[VS_CALIBRATE_MAX_K];
  size_t n_fit_k;
  int has_fit_k;
  vs_calibrate_options opts;
} calibrate_args;

static void help(FILE *out)
{
  fprintf(out,
          "usage: vdistorm calibrate SCENARIO --measured DIR [--measured DIR ...] -o OUT.yaml\n"
          "                          [--fit-k K,K,...] [--max-overhead X] [--rounds N] [--json] [-q]\n\n"
          "Fit the simulator to live runs, write the calibrated scenario, and print for\n"
          "each measured k the measured and simulated all-ready time and the error.\n"
          "The procedure: measure k = 1 and 2 on the machine (vdistorm real threshold\n"
          "--max-k 2 --repeat 3), fit, predict the larger k. Each candidate replays the\n"
          "live runs' per-VM start offsets. Only what the runs identify is fitted: a\n"
          "CPU-bound lone boot (one VM keeps a core busy, as under QEMU's TCG) fits\n"
          "boot.cpu_work and boot.cpu_threads; a disk-bound one hdd.read_bw and the\n"
          "hdd.concurrency curve. The sensitivity of the fitted times to each fitted\n"
          "parameter is reported.\n\n"
          "  --measured DIR  a result folder of 'vdistorm real boot' (one k) or\n"
          "                  'vdistorm real threshold' (every k); repeat for more runs\n"
          "                  (runs of the same k are pooled; k with a steady spread weigh more)\n"
          "  --fit-k LIST    the k used for fitting (default: the two smallest measured k);\n"
          "                  the others only check the fit\n"
          "  --max-overhead X  leave out steps whose host overhead (host CPU minus the VMs'\n"
          "                  processes) was above X: the host was busy with other work\n"
          "                  (default 10%%)\n"
          "  --rounds N      search rounds per start (default 12)\n"
          "  -o OUT.yaml     the calibrated scenario (required)\n"
          "  --json          one JSON object on stdout\n"
          "  -q              no progress on stderr\n");
}

static int parse_k_list(calibrate_args *a, const char *s)
{
  char buf[512], *save = NULL;
  snprintf(buf, sizeof(buf), "%s", s);
  for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    long v;
    if (vs_parse_long(t, &v) != VS_OK || v < 1 || v > VS_CALIBRATE_MAX_K)
      return vs_error_set(VS_EINPUT, "--fit-k: '%s' is not a k from 1 to %d", t, VS_CALIBRATE_MAX_K);
    if (a->n_fit_k < VS_CALIBRATE_MAX_K)
      a->fit_k[a->n_fit_k++] = (int)v;
  }
  a->has_fit_k = 1;
  return VS_OK;
}

static int option(void *ctx, int opt, const char *arg)
{
  calibrate_args *a = ctx;
  int rc;
  switch (opt) {
  case OPT_MEASURED: a->dirs[a->n_dirs++] = arg; return 1;
  case OPT_FIT_K: return (rc = parse_k_list(a, arg)) < 0 ? rc : 1;
  case OPT_ROUNDS: return (rc = vs_cli_int_arg("--rounds", arg, 1, 1000, &a->opts.rounds)) < 0 ? rc : 1;
  case OPT_MAX_OVERHEAD:
    if (vs_unit_parse(arg, VS_UNIT_FRACTION, &a->opts.max_overhead) != VS_OK)
      return vs_error_set(VS_EINPUT, "--max-overhead: '%s' is not a share such as 10%% or 0.1", arg);
    return 1;
  }
  return 0;
}

static void progress_line(void *ctx, const char *line) { fprintf(stderr, "calibrate: %s\n", line); }

static cJSON *result_json(const calibrate_args *a, const vs_calibrate_result *r)
{
  cJSON *o = cJSON_CreateObject(), *arr = cJSON_CreateArray(), *pj = cJSON_CreateObject();
  for (size_t i = 0; i < r->n_pts; i++) {
    const vs_calibrate_point *p = &r->pts[i];
    cJSON *pt = cJSON_CreateObject();
    cJSON_AddNumberToObject(pt, "k", p->k);
    cJSON_AddNumberToObject(pt, "measured_s", p->measured_s);
    cJSON_AddNumberToObject(pt, "simulated_s", p->simulated_s);
    cJSON_AddNumberToObject(pt, "error_pct", 100 * (p->simulated_s - p->measured_s) / p->measured_s);
    cJSON_AddBoolToObject(pt, "fit", p->fit);
    cJSON_AddItemToArray(arr, pt);
  }
  cJSON_AddItemToObject(o, "points", arr);
  cJSON_AddNumberToObject(o, "mape_fit_pct", r->mape_fit_pct);
  if (r->n_check)
    cJSON_AddNumberToObject(o, "mape_check_pct", r->mape_check_pct);
  else
    cJSON_AddNullToObject(o, "mape_check_pct");
  cJSON_AddNumberToObject(o, "mape_all_pct", r->mape_all_pct);
  cJSON_AddNumberToObject(pj, "read_B", r->params.read_B);
  cJSON_AddNumberToObject(pj, "cpu_work_f", r->params.cpu_work_f);
  cJSON_AddNumberToObject(pj, "cpu_threads", r->params.cpu_threads);
  cJSON_AddNumberToObject(pj, "busy_cpu_fps", r->params.busy_cpu_fps);
  cJSON_AddNumberToObject(pj, "read_Bps", r->params.read_Bps);
  cJSON_AddNumberToObject(pj, "alpha", r->params.alpha);
  cJSON_AddItemToObject(o, "params", pj);
  cJSON_AddStringToObject(o, "regime", r->regime == VS_CALIBRATE_CPU_BOUND ? "cpu" : "disk");
  cJSON *sens = cJSON_AddObjectToObject(o, "elasticity");
  for (int i = 0; r->fitted[i]; i++)
    cJSON_AddNumberToObject(sens, r->fitted[i], r->elasticity[i]);
  cJSON *drop = cJSON_AddArrayToObject(o, "dropped_k");
  for (size_t i = 0; i < r->n_dropped && i < VS_CALIBRATE_MAX_K; i++)
    cJSON_AddItemToArray(drop, cJSON_CreateNumber(r->dropped[i]));
  cJSON_AddStringToObject(o, "output", a->out_path);
  return o;
}

static void print_table(const vs_scenario *sc, const vs_calibrate_result *r)
{
  printf("%s: calibrated on %d of %zu measured k (%s-bound lone boot; %d simulations)\n", sc->name, r->n_fit, r->n_pts,
         r->regime == VS_CALIBRATE_CPU_BOUND ? "CPU" : "disk", r->evals);
  printf("     k  measured  (spread)  simulated   error  used\n");
  for (size_t i = 0; i < r->n_pts; i++) {
    const vs_calibrate_point *p = &r->pts[i];
    printf("%6d %8.2f s %7.2f s %8.2f s %+6.1f %%  %s\n", p->k, p->measured_s, p->sd_s, p->simulated_s,
           100 * (p->simulated_s - p->measured_s) / p->measured_s, p->fit ? "fit" : "check");
  }
  for (size_t i = 0; i < r->n_dropped && i < VS_CALIBRATE_MAX_K; i++)
    printf("  k = %d left out: a VM was not ready, or the host overhead was above --max-overhead\n", r->dropped[i]);
  printf("fitted:");
  for (int i = 0; r->fitted[i]; i++)
    printf(" %s (elasticity %.2f)", r->fitted[i], r->elasticity[i]);
  printf("\n");
  printf("MAPE: fit %.1f %%", r->mape_fit_pct);
  if (r->n_check)
    printf(", check (k not used for fitting) %.1f %%", r->mape_check_pct);
  printf(", all %.1f %%\n", r->mape_all_pct);
}

/* The calibrated scenario, with a header saying what it was fitted to. */
static int write_scenario(const calibrate_args *a, const vs_scenario *sc, const vs_calibrate_result *r)
{
  char header[2048], stamp[32];
  time_t now = time(NULL);
  vs_atomic *f;
  int rc;
  strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M", localtime(&now));
  int hl = snprintf(header, sizeof(header), "Calibrated by 'vdistorm calibrate' on %s from %s\nto live runs:", stamp,
                    sc->path);
  for (size_t i = 0; i < a->n_dirs && hl < (int)sizeof(header) - 200; i++)
    hl += snprintf(header + hl, sizeof(header) - (size_t)hl, " %s", a->dirs[i]);
  hl += snprintf(header + hl, sizeof(header) - (size_t)hl, "\nk measured:");
  for (size_t i = 0; i < r->n_pts && hl < (int)sizeof(header) - 40; i++)
    hl += snprintf(header + hl, sizeof(header) - (size_t)hl, " %d%s=%.1fs", r->pts[i].k, r->pts[i].fit ? "(fit)" : "",
                   r->pts[i].measured_s);
  snprintf(header + hl, sizeof(header) - (size_t)hl, "\nMAPE fit %.1f %%, check %.1f %%, all %.1f %%", r->mape_fit_pct,
           r->n_check ? r->mape_check_pct : 0.0, r->mape_all_pct);
  if ((rc = vs_atomic_open(&f, a->out_path)) != VS_OK)
    return rc;
  int max_k = r->n_pts ? r->pts[r->n_pts - 1].k : 1;
  if ((rc = vs_calibrate_write_scenario(vs_atomic_file(f), sc, &r->params, max_k, header)) != VS_OK) {
    vs_atomic_abort(f);
    return vs_error_set(rc, "%s: %s", a->out_path, vs_error_last());
  }
  return vs_atomic_commit(f);
}

static int run(int argc, char **argv)
{
  static const struct option options[] = {{"measured", required_argument, NULL, OPT_MEASURED},
                                          {"fit-k", required_argument, NULL, OPT_FIT_K},
                                          {"rounds", required_argument, NULL, OPT_ROUNDS},
                                          {"max-overhead", required_argument, NULL, OPT_MAX_OVERHEAD},
                                          {0}};
  vs_cli_common o = VS_CLI_COMMON_INIT;
  calibrate_args a = {.opts = VS_CALIBRATE_OPTIONS_INIT};
  vs_cli_spec spec = {.cmd = &vs_cmd_calibrate, .options = options, .on_option = option, .ctx = &a, .common = 1,
                      .positional = 1};
  vs_calibrate_result *res = calloc(1, sizeof(*res));
  vs_scenario *sc = NULL;
  cJSON *json = NULL;
  int rc;

  a.dirs = calloc((size_t)argc + 1, sizeof(*a.dirs));
  if (!a.dirs || !res) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  if ((rc = vs_cli_parse(argc, argv, &spec, &o)) != 0) {
    if (rc > 0)
      rc = VS_OK;
    goto cleanup;
  }
  a.out_path = o.out_dir;
  if (!o.scenario_path || !a.n_dirs || !a.out_path) {
    rc = vs_error_set(VS_EINPUT, "calibrate: needs SCENARIO, at least one --measured DIR and -o OUT.yaml");
    goto cleanup;
  }
  if (a.has_fit_k) {
    a.opts.fit_k = a.fit_k;
    a.opts.n_fit_k = a.n_fit_k;
  }
  if (!o.quiet)
    a.opts.progress = progress_line;
  if ((rc = vs_cli_load_scenario(&o, &sc)) != VS_OK ||
      (rc = vs_calibrate_load_measured(a.dirs, a.n_dirs, a.opts.max_overhead, res)) != VS_OK ||
      (rc = vs_calibrate_run(sc, &a.opts, res)) != VS_OK || (rc = write_scenario(&a, sc, res)) != VS_OK)
    goto cleanup;
  json = result_json(&a, res);
  if (o.json)
    vs_json_print(json);
  else {
    print_table(sc, res);
    printf("calibrated scenario: %s\n", a.out_path);
  }
cleanup:
  cJSON_Delete(json);
  vs_scenario_free(sc);
  free(a.dirs);
  free(res);
  return rc == VS_OK ? VS_EXIT_OK : vs_cli_fail(rc);
}

const vs_command vs_cmd_calibrate = {"calibrate", "fit the simulator to live runs (vdistorm real)", run, help};
