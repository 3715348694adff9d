/* The calibration fit recovers known parameters: "measured" all-ready times
 * come from simulating a scenario whose boot profile and disk are known
 * (tests/house/calibrate-truth.yaml: CPU-bound; calibrate-disk-truth.yaml:
 * disk-bound); vs_calibrate_run, given only the hardware
 * (calibrate-start.yaml) and k = 1, 2, must reproduce the measurements
 * within a few percent there and on the k it never saw.
 *
 * vs_calibrate_run simulates every candidate in a child `vs_spawn_self()
 * boot SCENARIO --schedule STARTS --json ...`, and vs_spawn_self() is this test: run
 * with "boot" as its first argument, it becomes the vdistorm binary named in
 * $VS_TEST_VDISTORM.
 * usage: test_calibrate VDISTORM FIXTURES_DIR */
#define _GNU_SOURCE
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/spawn.h"
#include "scenario/scenario.h"
#include "study/calibrate.h"

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* All-ready time of k VMs booted at once in `scenario`, by the binary. */
static double boot_k(const char *vdistorm, const char *scenario, int k, double *read_MB, double *peak_cpu)
{
  char kbuf[16];
  vs_buf out = VS_BUF_INIT;
  int code = -1;
  double t = NAN;
  snprintf(kbuf, sizeof(kbuf), "%d", k);
  char *argv[] = {(char *)vdistorm, "boot", (char *)scenario, "--vms", kbuf, "--json", "--no-save", "-q", NULL};
  if (vs_spawn_run(argv, NULL, &out, &code) == VS_OK && code == 0) {
    cJSON *o = cJSON_Parse(out.data ? out.data : "");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "all_ready_s");
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(o, "read_MB");
    if (cJSON_IsNumber(v))
      t = v->valuedouble;
    if (read_MB)
      *read_MB = cJSON_IsNumber(r) ? r->valuedouble : NAN;
    if (peak_cpu)
      *peak_cpu = cJSON_IsNumber(cJSON_GetObjectItem(o, "peak_cpu_util"))
                      ? cJSON_GetObjectItem(o, "peak_cpu_util")->valuedouble
                      : NAN;
    cJSON_Delete(o);
  }
  CHECK_MSG(!isnan(t), "%s boot %s --vms %d failed (exit %d)", vdistorm, scenario, k, code);
  vs_buf_clear(&out);
  return t;
}

static int calibrate_leftovers(void)
{
  char *out = NULL;
  /* Counted in this test's own TMPDIR (main): other tests' calibrations
   * running at the same time do not count. */
  FILE *p = popen("ls -d \"$TMPDIR\"/vdistorm-calibrate-* 2>/dev/null | wc -l", "r");
  int n = 0;
  if (p && fscanf(p, "%d", &n) != 1)
    n = 0;
  if (p)
    pclose(p);
  free(out);
  return n;
}

/* Measure `truth` at k = 1, 2, 3, 5, 8 (VMs powered on together), fit on
 * the two smallest (the documented procedure) and check every k. */
static void fit_case(const char *vdistorm, const char *truth, const char *start, vs_calibrate_regime regime,
                     vs_calibrate_result *res)
{
  const int ks[] = {1, 2, 3, 5, 8};
  const size_t n = sizeof(ks) / sizeof(ks[0]);
  double measured[8], read_per_vm = NAN;
  int before = calibrate_leftovers();

  memset(res, 0, sizeof(*res));
  for (size_t i = 0; i < n; i++) {
    double read_MB = NAN, cpu = NAN;
    measured[i] = boot_k(vdistorm, truth, ks[i], &read_MB, &cpu);
    if (i == 0)
      read_per_vm = read_MB * 1e6;
    CHECK_NEAR(read_MB * 1e6, read_per_vm * ks[i], 1); /* no jitter: every VM reads boot.read */
    res->pts[i] = (vs_calibrate_point){.k = ks[i], .measured_s = measured[i], .read_B = read_MB * 1e6 / ks[i],
                                       .runs = 1, .peak_cpu_util = cpu};
  }
  res->n_pts = n;

  vs_scenario *sc = NULL;
  if (vs_scenario_load(&sc, start) != VS_OK) {
    CHECK_MSG(0, "%s", vs_error_last());
    return;
  }
  double f0 = now_s();
  int rc = vs_calibrate_run(sc, NULL, res);
  double fit_s = now_s() - f0;
  CHECK_MSG(rc == VS_OK, "vs_calibrate_run: %s", vs_error_last());
  CHECK(calibrate_leftovers() == before);
  CHECK_MSG(res->regime == regime, "%s: regime %d", truth, res->regime);
  printf("%s: %d simulations in %.1f s; MAPE fit %.2f %%, check %.2f %%\n", truth, res->evals, fit_s,
         res->mape_fit_pct, res->mape_check_pct);
  printf("  fitted: read_bw %.4g B/s, alpha %.3f, cpu_work %.4g f, cpu_threads %.3g\n", res->params.read_Bps,
         res->params.alpha, res->params.cpu_work_f, res->params.cpu_threads);
  CHECK(res->n_fit == 2 && res->n_check == 3 && res->evals > 3);
  CHECK_NEAR(res->params.read_B, read_per_vm, 1);
  /* Both fitted parameters matter to the fitted times. */
  CHECK(res->fitted[0] && res->fitted[1] && fabs(res->elasticity[0]) > 0.05 && fabs(res->elasticity[1]) > 0.05);
  for (size_t i = 0; i < res->n_pts; i++) {
    const vs_calibrate_point *p = &res->pts[i];
    double err = fabs(p->simulated_s - p->measured_s) / p->measured_s;
    int fit = p->k <= 2;
    CHECK(p->k == ks[i] && p->fit == fit && p->measured_s == measured[i]);
    printf("  k=%d %s measured %.3f s, simulated %.3f s (%.2f %%)\n", p->k, fit ? "fit  " : "check", p->measured_s,
           p->simulated_s, 100 * err);
    CHECK_MSG(err < (fit ? 0.02 : 0.05), "%s k=%d: %.3f s simulated for %.3f s measured", truth, p->k,
              p->simulated_s, p->measured_s);
  }
  vs_scenario_free(sc);
}

int main(int argc, char **argv)
{
  /* A child simulation of vs_calibrate_run: become vdistorm. */
  if (argc > 1 && !strcmp(argv[1], "boot")) {
    const char *bin = getenv("VS_TEST_VDISTORM");
    if (!bin)
      return 127;
    argv[0] = (char *)bin;
    execv(bin, argv);
    perror(bin);
    return 127;
  }
  if (argc < 3) {
    fprintf(stderr, "usage: test_calibrate VDISTORM FIXTURES_DIR\n");
    return 2;
  }
  const char *vdistorm = argv[1];
  char truth[1024], start[1024];
  snprintf(truth, sizeof(truth), "%s/calibrate-truth.yaml", argv[2]);
  snprintf(start, sizeof(start), "%s/calibrate-start.yaml", argv[2]);
  if (setenv("VS_TEST_VDISTORM", vdistorm, 1) != 0)
    return 2;
  char tmpdir[] = "/tmp/vdistorm-test-calibrate-XXXXXX";
  if (!mkdtemp(tmpdir) || setenv("TMPDIR", tmpdir, 1) != 0)
    return 2;
  double t0 = now_s();

  /* Boots limited by the CPU (as on the live machine under TCG). */
  vs_calibrate_result res;
  fit_case(vdistorm, truth, start, VS_CALIBRATE_CPU_BOUND, &res);
  /* CPU-bound on two cores, 1.3 cores a boot: one alone takes 10 Gf / 3.25
   * GHz, two already share the cores (x 1.3), eight take 4 x as long as two. */
  CHECK_NEAR(res.pts[1].measured_s / res.pts[0].measured_s, 1.3, 0.03);
  CHECK_NEAR(res.pts[4].measured_s / res.pts[1].measured_s, 4.0, 0.05);
  CHECK_NEAR(res.params.cpu_threads, 1.3, 0.05);

  /* The fitted scenario, as `vdistorm calibrate` writes it, loads and holds
   * the fitted values; simulated by the binary it gives the same times. */
  vs_scenario *sc = NULL;
  if (vs_scenario_load(&sc, start) != VS_OK) {
    fprintf(stderr, "%s\n", vs_error_last());
    return 2;
  }
  char *text = NULL;
  size_t len = 0;
  FILE *mf = open_memstream(&text, &len);
  CHECK(vs_calibrate_write_scenario(mf, sc, &res.params, 8, "fitted by test_calibrate\nsecond line") == VS_OK);
  fclose(mf);
  CHECK(text && !strncmp(text, "# fitted by test_calibrate\n# second line\n", 41));
  vs_scenario *fitted = NULL;
  CHECK_MSG(vs_scenario_load_buffer(&fitted, text, len, "fitted.yaml") == VS_OK, "%s", vs_error_last());
  if (fitted) {
    CHECK_NEAR(fitted->boot.read_B, res.params.read_B, 1);
    CHECK_NEAR(fitted->hdd.read_Bps, res.params.read_Bps, res.params.read_Bps * 1e-5);
    CHECK_NEAR(vs_scenario_hdd_factor(&fitted->hdd, 4), pow(4, res.params.alpha), 1e-4);
    CHECK(fitted->hosts.count == 1 && fitted->hosts.cores == 2 && fitted->storage.hdds == 1);
    char path[] = "/tmp/vs-test-calibrate-XXXXXX.yaml";
    int fd = mkstemps(path, 5);
    CHECK(fd >= 0 && write(fd, text, len) == (ssize_t)len);
    if (fd >= 0)
      close(fd);
    double again = boot_k(vdistorm, path, 5, NULL, NULL);
    CHECK_NEAR(again, res.pts[3].simulated_s, 1e-6 * again);
    unlink(path);
  }
  vs_scenario_free(fitted);
  free(text);

  /* Boots limited by one HDD whose curve is readers^0.25: the disk regime
   * fits hdd.read_bw and the curve. */
  {
    char disk[1024];
    vs_calibrate_result dres;
    snprintf(disk, sizeof(disk), "%s/calibrate-disk-truth.yaml", argv[2]);
    fit_case(vdistorm, disk, start, VS_CALIBRATE_DISK_BOUND, &dres);
    CHECK_NEAR(dres.params.alpha, 0.25, 0.05);
    CHECK_NEAR(dres.params.read_Bps, 20e6, 2e6);
  }

  /* Nothing to fit on: an error, no simulation. */
  vs_calibrate_result none;
  memset(&none, 0, sizeof(none));
  CHECK(vs_calibrate_run(sc, NULL, &none) == VS_EINPUT);
  CHECK_STR_CONTAINS(vs_error_last(), "no usable measured k");
  none.pts[0] = (vs_calibrate_point){.k = 2, .measured_s = 5, .read_B = 1e8, .runs = 1};
  none.n_pts = 1;
  const int absent[] = {7};
  vs_calibrate_options o = VS_CALIBRATE_OPTIONS_INIT;
  o.fit_k = absent;
  o.n_fit_k = 1;
  CHECK(vs_calibrate_run(sc, &o, &none) == VS_EINPUT);
  CHECK_STR_CONTAINS(vs_error_last(), "among the k to fit");
  CHECK(none.evals == 0);

  vs_scenario_free(sc);
  printf("total %.1f s\n", now_s() - t0);
  CHECK(rmdir(tmpdir) == 0); /* empty: every calibration removed its folder */
  return CHECK_DONE();
}
