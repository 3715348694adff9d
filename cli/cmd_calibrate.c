/* vdistorm calibrate: fit the simulator to live runs (vdistorm real ...).
 *
 * SimGrid runs once per process, so every candidate parameter set is written
 * to a temporary scenario and simulated by a child `vdistorm boot TMP --vms K
 * --json --no-save -q` (fork/exec of /proc/self/exe, no shell). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "core/error.h"
#include "real/real.h"
#include "core/units.h"

#define MAX_K 256

static void help(FILE *out)
{
  fprintf(out,
          "usage: vdistorm calibrate SCENARIO --measured DIR [--measured DIR ...] -o OUT.yaml\n"
          "                          [--fit-k K,K,...] [--rounds N] [--json] [-q]\n\n"
          "Fit the simulator's boot profile and disk model (boot.read, boot.cpu_work,\n"
          "boot.busy_cpu, boot.io_cpu_cost, hdd.read_bw and hdd.concurrency) to live\n"
          "runs, write the calibrated scenario, and print for each k the measured and\n"
          "simulated all-ready time and the error.\n\n"
          "  --measured DIR  a result folder of 'vdistorm real boot' (one k) or\n"
          "                  'vdistorm real threshold' (every k); repeat for more runs\n"
          "                  (runs of the same k are averaged)\n"
          "  --fit-k LIST    the k used for fitting (default: every other measured k,\n"
          "                  from the smallest); the others only check the fit\n"
          "  --rounds N      search rounds (default 12)\n"
          "  -o OUT.yaml     the calibrated scenario (required)\n"
          "  --json          one JSON object on stdout\n"
          "  -q              no progress on stderr\n");
}

typedef struct {
  double sum_s[MAX_K + 1], sum_read[MAX_K + 1];
  int n[MAX_K + 1];
} measured_t;

static int add_point(measured_t *m, const char *file, const cJSON *o)
{
  const cJSON *k = cJSON_GetObjectItem(o, "k"), *vms = cJSON_GetObjectItem(o, "vms");
  const cJSON *t = cJSON_GetObjectItem(o, "all_ready_s"), *rd = cJSON_GetObjectItem(o, "read_MB");
  const cJSON *nr = cJSON_GetObjectItem(o, "not_ready");
  const cJSON *kk = cJSON_IsNumber(k) ? k : vms;
  if (!cJSON_IsNumber(kk) || !cJSON_IsNumber(t) || !cJSON_IsNumber(rd))
    return vs_error_set(VS_EINPUT, "%s: not a live result (expected k or vms, all_ready_s, read_MB)", file);
  int kv = (int)kk->valuedouble;
  if (kv < 1 || kv > MAX_K || t->valuedouble <= 0)
    return vs_error_set(VS_EINPUT, "%s: k = %d, all_ready_s = %g out of range", file, kv, t->valuedouble);
  /* A step with VMs that never became ready measures the timeout, not the boot. */
  if ((cJSON_IsNumber(nr) && nr->valuedouble > 0) || (cJSON_IsArray(nr) && cJSON_GetArraySize(nr) > 0))
    return VS_OK;
  m->sum_s[kv] += t->valuedouble;
  m->sum_read[kv] += rd->valuedouble * 1e6 / kv;
  m->n[kv]++;
  return VS_OK;
}

static int load_measured(measured_t *m, const char *dir)
{
  char path[4096];
  snprintf(path, sizeof(path), "%s/summary.json", dir);
  cJSON *o;
  int rc = vs_json_read(path, &o);
  if (rc != VS_OK)
    return rc;
  const cJSON *backend = cJSON_GetObjectItem(o, "backend"), *steps = cJSON_GetObjectItem(o, "steps");
  if (!cJSON_IsString(backend) || strcmp(backend->valuestring, "libvirt") != 0)
    rc = vs_error_set(VS_EINPUT, "%s: not a live run (expected \"backend\": \"libvirt\")", path);
  else if (cJSON_IsArray(steps)) {
    const cJSON *s;
    cJSON_ArrayForEach(s, steps) if ((rc = add_point(m, path, s)) != VS_OK) break;
  } else
    rc = add_point(m, path, o);
  cJSON_Delete(o);
  return rc;
}

typedef struct {
  const vs_scenario *sc;
  char tmp[64];
  int max_k;
  int quiet;
} sim_ctx;

/* Simulate k simultaneous boots with p in a child vdistorm. */
static int simulate(void *ctx, const vs_real_fit_params *p, int k, double *all_ready)
{
  sim_ctx *c = ctx;
  FILE *f = fopen(c->tmp, "w");
  int fd[2], status, rc;
  char kbuf[16], out[65536];
  size_t len = 0;
  if (!f)
    return vs_error_set(VS_EIO, "%s: cannot write: %s", c->tmp, strerror(errno));
  rc = vs_real_write_scenario(f, c->sc, p, c->max_k, NULL);
  if (fclose(f) != 0 || rc != VS_OK)
    return vs_error_set(VS_EIO, "%s: write failed", c->tmp);
  snprintf(kbuf, sizeof(kbuf), "%d", k);
  if (pipe(fd) != 0)
    return vs_error_set(VS_EIO, "pipe: %s", strerror(errno));
  pid_t pid = fork();
  if (pid < 0) {
    close(fd[0]);
    close(fd[1]);
    return vs_error_set(VS_ERROR, "fork: %s", strerror(errno));
  }
  if (pid == 0) {
    char *argv[] = {"vdistorm", "boot", c->tmp, "--vms", kbuf, "--json", "--no-save", "-q", NULL};
    dup2(fd[1], 1);
    close(fd[0]);
    close(fd[1]);
    execv("/proc/self/exe", argv);
    _exit(127);
  }
  close(fd[1]);
  ssize_t n;
  while ((n = read(fd[0], out + len, sizeof(out) - 1 - len)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0)
      len += (size_t)n;
  close(fd[0]);
  out[len] = '\0';
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
    ;
  cJSON *o = cJSON_Parse(out);
  const cJSON *t = o ? cJSON_GetObjectItem(o, "all_ready_s") : NULL;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !cJSON_IsNumber(t)) {
    cJSON_Delete(o);
    return vs_error_set(VS_ESIM, "simulating k = %d with a candidate scenario failed (status %d)", k, status);
  }
  *all_ready = t->valuedouble;
  cJSON_Delete(o);
  return VS_OK;
}

static int parse_k_list(const char *s, int *fit)
{
  char buf[512], *save = NULL;
  snprintf(buf, sizeof(buf), "%s", s);
  for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    long v;
    if (vs_parse_long(t, &v) != VS_OK || v < 1 || v > MAX_K)
      return vs_error_set(VS_EINPUT, "--fit-k: '%s' is not a k from 1 to %d", t, MAX_K);
    fit[v] = 1;
  }
  return VS_OK;
}

static int run(int argc, char **argv)
{
  const char *scenario = NULL, *out_path = NULL, *fit_list = NULL;
  const char **dirs = calloc((size_t)argc, sizeof(char *));
  measured_t *m = calloc(1, sizeof(*m));
  int n_dirs = 0, json = 0, quiet = 0, rounds = 12, rc, exit_code = VS_EXIT_OK, fit[MAX_K + 1] = {0};
  vs_scenario *sc = NULL;
  vs_real_fit_point pts[MAX_K];
  size_t n_pts = 0;
  sim_ctx ctx;
  cJSON *o = NULL;

  memset(&ctx, 0, sizeof(ctx));
  if (!dirs || !m) {
    exit_code = vs_cli_fail(vs_error_set(VS_ENOMEM, "out of memory"));
    goto cleanup;
  }
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      help(stdout);
      goto cleanup;
    } else if (!strcmp(argv[i], "--measured") && i + 1 < argc)
      dirs[n_dirs++] = argv[++i];
    else if (!strcmp(argv[i], "-o") && i + 1 < argc)
      out_path = argv[++i];
    else if (!strcmp(argv[i], "--fit-k") && i + 1 < argc)
      fit_list = argv[++i];
    else if (!strcmp(argv[i], "--rounds")) {
      if ((rc = vs_cli_int_arg("--rounds", i + 1 < argc ? argv[++i] : NULL, 1, 1000, &rounds))) {
        exit_code = vs_cli_fail(rc);
        goto cleanup;
      }
    } else if (!strcmp(argv[i], "--json"))
      json = 1;
    else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet"))
      quiet = 1;
    else if (argv[i][0] != '-' && !scenario)
      scenario = argv[i];
    else {
      fprintf(stderr, "vdistorm calibrate: unexpected argument '%s' (see vdistorm calibrate --help)\n", argv[i]);
      exit_code = VS_EXIT_USAGE;
      goto cleanup;
    }
  }
  if (!scenario || !n_dirs || !out_path) {
    fprintf(stderr, "vdistorm calibrate: needs SCENARIO, at least one --measured DIR and -o OUT.yaml\n");
    exit_code = VS_EXIT_USAGE;
    goto cleanup;
  }
  if ((rc = vs_scenario_load(&sc, scenario)) != VS_OK || (fit_list && (rc = parse_k_list(fit_list, fit)) != VS_OK)) {
    exit_code = vs_cli_fail(rc);
    goto cleanup;
  }
  for (int i = 0; i < n_dirs; i++)
    if ((rc = load_measured(m, dirs[i])) != VS_OK) {
      exit_code = vs_cli_fail(rc);
      goto cleanup;
    }

  vs_real_fit_params p = {0};
  double reads = 0;
  int n_fit = 0;
  for (int k = 1; k <= MAX_K; k++) {
    if (!m->n[k])
      continue;
    pts[n_pts] = (vs_real_fit_point){k, m->sum_s[k] / m->n[k], fit_list ? fit[k] : (int)(n_pts % 2 == 0)};
    n_fit += pts[n_pts].fit;
    reads += m->sum_read[k] / m->n[k];
    ctx.max_k = k;
    n_pts++;
  }
  if (!n_pts || !n_fit) {
    exit_code = vs_cli_fail(vs_error_set(VS_EINPUT, "no usable measured k%s", n_pts ? " in --fit-k" : ""));
    goto cleanup;
  }
  /* Start: one VM alone is all CPU on one core; the disk is not a limit. */
  p.read_bytes = fmax(1, reads / (double)n_pts);
  p.cpu_work = 0.9 * pts[0].measured_s * sc->hosts.core_speed / fmax(1, pts[0].k / (double)sc->hosts.cores);
  p.read_bw = p.read_bytes / (0.1 * pts[0].measured_s);
  p.alpha = 0.5;
  snprintf(ctx.tmp, sizeof(ctx.tmp), "/tmp/vdistorm-calibrate-%ld.yaml", (long)getpid());
  ctx.sc = sc;
  ctx.quiet = quiet;
  double best;
  int evals;
  if (!quiet)
    fprintf(stderr, "calibrate: fitting to k = %s over %zu measured k (each candidate simulated)\n",
            fit_list ? fit_list : "every other", n_pts);
  if ((rc = vs_real_fit(&p, pts, n_pts, simulate, &ctx, rounds, &best, &evals)) != VS_OK) {
    exit_code = vs_cli_fail(rc);
    goto cleanup;
  }

  /* Report every k: fitted ones and the held-out check. */
  double err_check = 0, err_all = 0;
  int n_check = 0;
  o = cJSON_CreateObject();
  cJSON *arr = cJSON_CreateArray();
  if (!json)
    printf("%s: calibrated on %d of %zu measured k (%d simulations)\n     k  measured  simulated   error  used\n",
           sc->name, n_fit, n_pts, evals);
  for (size_t i = 0; i < n_pts; i++) {
    double s;
    if ((rc = simulate(&ctx, &p, pts[i].k, &s)) != VS_OK) {
      exit_code = vs_cli_fail(rc);
      goto cleanup;
    }
    double e = 100 * (s - pts[i].measured_s) / pts[i].measured_s;
    err_all += fabs(e);
    if (!pts[i].fit) {
      err_check += fabs(e);
      n_check++;
    }
    cJSON *pt = cJSON_CreateObject();
    cJSON_AddNumberToObject(pt, "k", pts[i].k);
    cJSON_AddNumberToObject(pt, "measured_s", pts[i].measured_s);
    cJSON_AddNumberToObject(pt, "simulated_s", s);
    cJSON_AddNumberToObject(pt, "error_pct", e);
    cJSON_AddBoolToObject(pt, "fit", pts[i].fit);
    cJSON_AddItemToArray(arr, pt);
    if (!json)
      printf("%6d %8.1f s %8.1f s %+6.1f %%  %s\n", pts[i].k, pts[i].measured_s, s, e, pts[i].fit ? "fit" : "check");
  }
  double mape_check = n_check ? err_check / n_check : NAN, mape_all = err_all / (double)n_pts;
  cJSON_AddItemToObject(o, "points", arr);
  cJSON_AddNumberToObject(o, "mape_fit_pct", best);
  if (n_check)
    cJSON_AddNumberToObject(o, "mape_check_pct", mape_check);
  else
    cJSON_AddNullToObject(o, "mape_check_pct");
  cJSON_AddNumberToObject(o, "mape_all_pct", mape_all);
  cJSON *pj = cJSON_CreateObject();
  cJSON_AddNumberToObject(pj, "read_bytes", p.read_bytes);
  cJSON_AddNumberToObject(pj, "cpu_work", p.cpu_work);
  cJSON_AddNumberToObject(pj, "busy_cpu", p.busy_cpu);
  cJSON_AddNumberToObject(pj, "io_cpu_per_byte", p.io_cpu_per_byte);
  cJSON_AddNumberToObject(pj, "read_bw", p.read_bw);
  cJSON_AddNumberToObject(pj, "alpha", p.alpha);
  cJSON_AddItemToObject(o, "params", pj);
  cJSON_AddStringToObject(o, "output", out_path);
  if (!json) {
    printf("MAPE: fit %.1f %%", best);
    if (n_check)
      printf(", check (k not used for fitting) %.1f %%", mape_check);
    printf(", all %.1f %%\n", mape_all);
  }

  /* The calibrated scenario, with a header saying what it was fitted to. */
  char header[2048], stamp[32];
  time_t now = time(NULL);
  strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M", localtime(&now));
  int hl = snprintf(header, sizeof(header),
                    "Calibrated by 'vdistorm calibrate' on %s from %s\nto live runs:", stamp, scenario);
  for (int i = 0; i < n_dirs && hl < (int)sizeof(header) - 200; i++)
    hl += snprintf(header + hl, sizeof(header) - (size_t)hl, " %s", dirs[i]);
  hl += snprintf(header + hl, sizeof(header) - (size_t)hl, "\nk measured:");
  for (size_t i = 0; i < n_pts && hl < (int)sizeof(header) - 40; i++)
    hl += snprintf(header + hl, sizeof(header) - (size_t)hl, " %d%s=%.1fs", pts[i].k, pts[i].fit ? "(fit)" : "",
                   pts[i].measured_s);
  snprintf(header + hl, sizeof(header) - (size_t)hl, "\nMAPE fit %.1f %%, check %.1f %%, all %.1f %%", best,
           n_check ? mape_check : 0.0, mape_all);
  FILE *f = fopen(out_path, "w");
  if (!f) {
    exit_code = vs_cli_fail(vs_error_set(VS_EIO, "%s: cannot write: %s", out_path, strerror(errno)));
    goto cleanup;
  }
  rc = vs_real_write_scenario(f, sc, &p, ctx.max_k, header);
  if (fclose(f) != 0 || rc != VS_OK) {
    exit_code = vs_cli_fail(vs_error_set(VS_EIO, "%s: write failed", out_path));
    goto cleanup;
  }
  if (json)
    vs_json_print(o);
  else
    printf("calibrated scenario: %s\n", out_path);
cleanup:
  if (ctx.tmp[0])
    unlink(ctx.tmp);
  cJSON_Delete(o);
  vs_scenario_free(sc);
  free(dirs);
  free(m);
  return exit_code;
}

const vs_command vs_cmd_calibrate = {"calibrate", "fit the simulator to live runs (vdistorm real)", run, help};
