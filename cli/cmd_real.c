/* vdistorm real image|boot|threshold|run: the live backend (real/).
 * Outputs mirror the simulator's (summary.json, timeseries.csv, vms.csv) with
 * the backend's extra keys, so reports and `regress` read either. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "threshold_report.h"
#include "core/error.h"
#include "real/real.h"
#include "plan/threshold.h"
#include "core/units.h"

typedef struct {
  vs_common_opts common;
  int vms;
  int max_k, extra;
  const char *schedule;
} real_args;

static void help(FILE *out)
{
  fprintf(out,
          "usage: vdistorm real image [-o DIR] [--disk-size SIZE]\n"
          "       vdistorm real boot SCENARIO --vms K [--json] [-o DIR] [--no-save] [-q]\n"
          "       vdistorm real threshold SCENARIO [--max-k N] [--extra N] [--json] [-o DIR] [--no-save] [-q]\n"
          "       vdistorm real run SCENARIO --schedule FILE.csv [--json] [-o DIR] [--no-save] [-q]\n\n"
          "Boot real VMs through libvirt/QEMU, as the scenario's real: section says\n"
          "(URIs, kvm or qemu, memory, working set, linked clones or full copies), and\n"
          "measure what the simulator predicts: per-VM ready times, host CPU, the host\n"
          "overhead (host CPU minus the VMs' QEMU processes) and disk reads.\n\n"
          "  image          build the guest (Debian kernel, busybox initramfs, golden\n"
          "                 qcow2 disk) into DIR (default real/guest); nothing is downloaded\n"
          "  --disk-size S  golden disk size (default 256MB; must exceed the working set)\n"
          "  boot           boot K VMs at once\n"
          "  threshold      boot k = 1, 2, ... at once until a limit trips (the paper's\n"
          "                 experiment, live); --max-k N (default 6), --extra N steps past\n"
          "                 the first trip (default 1)\n"
          "  run            execute a schedule CSV (vm,host,disk,start,...; the first\n"
          "                 start is t = 0; host = index into the URI list)\n"
          "  --json         one JSON object on stdout: the boot keys of 'vdistorm boot'\n"
          "                 plus backend, domain_type, host_overhead_cpu_util\n"
          "  -o DIR         write summary.json and CSV time series into DIR\n"
          "  --no-save      write no result folder\n"
          "  -q             no progress on stderr\n\n"
          "Domains are transient, named vdistorm-<pid>-..., and always destroyed (also\n"
          "on a timeout, an error, SIGINT or SIGTERM); leftovers of a crashed run are\n"
          "removed by the next one. Exit codes: 0 ok, 1 failure (libvirt unreachable, a\n"
          "VM not ready in time: the others' results are still written), 2 bad input.\n");
}

/* ---- outputs ---- */

static cJSON *json_result(const vs_real_result *r)
{
  cJSON *o = cJSON_CreateObject(), *ready = cJSON_CreateArray(), *nr = cJSON_CreateArray();
  cJSON_AddNumberToObject(o, "vms", (double)r->n_vms);
  cJSON_AddNumberToObject(o, "all_ready_s", r->all_ready_s);
  cJSON_AddNumberToObject(o, "mean_ready_s", r->mean_ready_s);
  for (size_t i = 0; i < r->n_vms; i++) {
    const vs_real_vm *v = &r->vms[i];
    cJSON_AddItemToArray(ready, v->ready >= 0 ? cJSON_CreateNumber(v->ready - v->start) : cJSON_CreateNull());
    if (v->ready < 0)
      cJSON_AddItemToArray(nr, cJSON_CreateNumber(v->vm));
  }
  cJSON_AddItemToObject(o, "ready_s", ready);
  cJSON_AddNumberToObject(o, "peak_cpu_util", r->peak_cpu_util);
  cJSON_AddNumberToObject(o, "mean_disk_MBps", r->mean_disk_MBps);
  cJSON_AddNumberToObject(o, "peak_link_util", 0);
  cJSON_AddNumberToObject(o, "max_boot_s", r->max_boot_s);
  cJSON_AddNumberToObject(o, "total_disk_MBps", r->total_disk_MBps);
  cJSON_AddNumberToObject(o, "disks_used", r->disks_used);
  cJSON_AddNumberToObject(o, "read_MB", r->read_bytes / 1e6);
  cJSON_AddStringToObject(o, "backend", "libvirt");
  cJSON_AddStringToObject(o, "domain_type", r->domain_type);
  cJSON_AddNumberToObject(o, "host_overhead_cpu_util", r->host_overhead_cpu_util);
  cJSON_AddNumberToObject(o, "peak_host_overhead_cpu_util", r->peak_host_overhead_cpu_util);
  cJSON_AddItemToObject(o, "not_ready", nr);
  return o;
}

static int write_csvs(vs_outdir *d, const char *prefix, const vs_real_result *r)
{
  char name[256];
  FILE *f;
  int rc;
  snprintf(name, sizeof(name), "%stimeseries.csv", prefix);
  if (!(f = vs_outdir_file(d, name)))
    return VS_EIO;
  fprintf(f, "t_s,booting,ready,cpu_util_mean,cpu_util_max,disk_MBps,link_MBps,link_util_max,"
             "host_overhead_cpu_util\n");
  for (size_t i = 0; i < r->n_samples; i++) {
    const vs_real_sample *s = &r->samples[i];
    fprintf(f, "%.3f,%d,%d,%.4f,%.4f,%.3f,0.000,0.0000,%.4f\n", s->t, s->booting, s->ready, s->cpu_util_mean,
            s->cpu_util_max, s->disk_MBps, s->host_overhead_cpu_util);
  }
  if ((rc = vs_outdir_close_file(d, f, name)) != VS_OK)
    return rc;
  snprintf(name, sizeof(name), "%svms.csv", prefix);
  if (!(f = vs_outdir_file(d, name)))
    return VS_EIO;
  fprintf(f, "vm,host,disk,start_s,ready_s,boot_s\n");
  for (size_t i = 0; i < r->n_vms; i++) {
    const vs_real_vm *v = &r->vms[i];
    /* A VM that never became ready has empty ready/boot fields. */
    if (v->ready >= 0)
      fprintf(f, "%d,host%d,host%d-disk0,%.3f,%.3f,%.3f\n", v->vm, v->host, v->host, v->start, v->ready,
              v->ready - v->start);
    else
      fprintf(f, "%d,host%d,host%d-disk0,%.3f,,\n", v->vm, v->host, v->host, v->start);
  }
  return vs_outdir_close_file(d, f, name);
}

static void print_result(const vs_scenario *sc, const vs_real_result *r)
{
  printf("%s: %zu VMs booted live (libvirt, %s)\n", sc->name, r->n_vms, r->domain_type);
  printf("  all ready after %.1f s, mean boot %.1f s, slowest %.1f s\n", r->all_ready_s, r->mean_ready_s,
         r->max_boot_s);
  printf("  peak host CPU %.0f %%, host overhead (host - VM processes) %.1f %% mean, %.1f %% peak\n",
         100 * r->peak_cpu_util, 100 * r->host_overhead_cpu_util, 100 * r->peak_host_overhead_cpu_util);
  printf("  disk reads %.1f MB, %.2f MB/s per disk\n", r->read_bytes / 1e6, r->mean_disk_MBps);
  if (r->not_ready)
    printf("  %d VM%s NOT ready\n", r->not_ready, r->not_ready == 1 ? "" : "s");
}

/* ---- image ---- */

static int cmd_image(int argc, char **argv)
{
  const char *out = "real/guest";
  double disk = 256e6;
  char mb[32];
  for (int i = 2; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      help(stdout);
      return VS_EXIT_OK;
    } else if (!strcmp(argv[i], "-o") && i + 1 < argc)
      out = argv[++i];
    else if (!strcmp(argv[i], "--disk-size") && i + 1 < argc) {
      if (vs_unit_parse(argv[++i], VS_UNIT_BYTES, &disk) != VS_OK || disk < 1e6 || disk > 1e12) {
        fprintf(stderr, "vdistorm: --disk-size: '%s' is not a size from 1MB to 1TB\n", argv[i]);
        return VS_EXIT_USAGE;
      }
    } else {
      fprintf(stderr, "vdistorm real image: unknown option '%s' (see vdistorm real --help)\n", argv[i]);
      return VS_EXIT_USAGE;
    }
  }
  snprintf(mb, sizeof(mb), "%.0f", ceil(disk / 1048576.0));
  char *args[] = {"sh", VS_SOURCE_DIR "/real/build-guest.sh", (char *)out, VS_SOURCE_DIR "/real/guest/init.sh", mb,
                  NULL};
  int status;
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "vdistorm: cannot run the guest builder: %s\n", strerror(errno));
    return VS_EXIT_FAIL;
  }
  if (pid == 0) {
    execvp("sh", args);
    _exit(127);
  }
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return VS_EXIT_FAIL;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "vdistorm: building the guest into %s failed\n", out);
    return VS_EXIT_FAIL;
  }
  printf("guest built: %s/{vmlinuz,initramfs.img,base.qcow2}\n", out);
  return VS_EXIT_OK;
}

/* ---- boot / run ---- */

static int finish_single(const real_args *a, const vs_scenario *sc, vs_real_result *res, int rc_run)
{
  cJSON *summary = json_result(res);
  vs_outdir *d = NULL;
  int rc = VS_OK;
  char err[512];
  snprintf(err, sizeof(err), "%s", vs_error_last()); /* the timeout message, if any */
  cJSON_AddStringToObject(summary, "scenario", sc->name);
  if (a->common.json)
    vs_json_print(summary);
  else
    print_result(sc, res);
  if (!a->common.no_save) {
    if ((rc = vs_outdir_open(&d, &a->common, sc)) == VS_OK && (rc = vs_json_write(d, "summary.json", summary)) == VS_OK &&
        (rc = write_csvs(d, "", res)) == VS_OK && (rc = vs_outdir_commit(d)) == VS_OK && !a->common.json)
      printf("results: %s/\n", vs_outdir_path(d));
    vs_outdir_free(d);
  }
  cJSON_Delete(summary);
  if (rc != VS_OK)
    return vs_cli_fail(rc);
  if (res->not_ready) {
    fprintf(stderr, "vdistorm: %s\n", err);
    return VS_EXIT_FAIL;
  }
  return rc_run;
}

static int parse_args(real_args *a, int argc, char **argv, const char *sub)
{
  int rc;
  for (int i = 2; i < argc; i++) {
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      help(stdout);
      return 1;
    }
    if (!strcmp(sub, "boot") && !strcmp(argv[i], "--vms")) {
      if ((rc = vs_cli_int_arg("--vms", i + 1 < argc ? argv[++i] : NULL, 1, 1000, &a->vms)))
        return -vs_cli_fail(rc);
      continue;
    }
    if (!strcmp(sub, "threshold") && (!strcmp(argv[i], "--max-k") || !strcmp(argv[i], "--extra"))) {
      int *dst = argv[i][2] == 'm' ? &a->max_k : &a->extra;
      if ((rc = vs_cli_int_arg(argv[i], i + 1 < argc ? argv[i + 1] : NULL, argv[i][2] == 'm' ? 1 : 0, 1000, dst)))
        return -vs_cli_fail(rc);
      i++;
      continue;
    }
    if (!strcmp(sub, "run") && !strcmp(argv[i], "--schedule")) {
      if (i + 1 >= argc) {
        fprintf(stderr, "vdistorm: --schedule needs a CSV file\n");
        return -VS_EXIT_USAGE;
      }
      a->schedule = argv[++i];
      continue;
    }
    rc = vs_cli_common_option(&a->common, argc, argv, &i);
    if (rc < 0)
      return -vs_cli_fail(rc);
    if (rc == 0) {
      fprintf(stderr, "vdistorm real %s: unknown option '%s' (see vdistorm real --help)\n", sub, argv[i]);
      return -VS_EXIT_USAGE;
    }
  }
  if (!a->common.scenario_path) {
    fprintf(stderr, "vdistorm real %s: give a scenario with a real: section (e.g. scenarios/local-real.yaml)\n", sub);
    return -VS_EXIT_USAGE;
  }
  return 0;
}

/* ---- threshold ---- */

typedef struct {
  vs_real *real;
  const real_args *a;
  vs_real_result **results; /* by k */
  int max_k;
  int failed_k;
  char err[512];
} thr_ctx;

static int simulate_k(void *ctx, int k, vs_step_measure *m)
{
  thr_ctx *c = ctx;
  vs_real_req *plan = calloc((size_t)k, sizeof(*plan));
  vs_real_result *r = NULL;
  int rc;
  if (!plan)
    return vs_error_set(VS_ENOMEM, "out of memory");
  for (int i = 0; i < k; i++)
    plan[i] = (vs_real_req){i, i, 0};
  rc = vs_real_boot(c->real, plan, (size_t)k, &r);
  free(plan);
  if (rc != VS_OK)
    return rc;
  if (r->not_ready && !c->failed_k) {
    c->failed_k = k;
    snprintf(c->err, sizeof(c->err), "%s", vs_error_last());
  }
  m->all_ready_s = r->all_ready_s;
  m->mean_ready_s = r->mean_ready_s;
  m->peak_cpu_util = r->peak_cpu_util;
  m->mean_disk_MBps = r->mean_disk_MBps;
  m->peak_link_util = 0;
  if (k <= c->max_k) {
    vs_real_result_free(c->results[k]);
    c->results[k] = r;
  } else
    vs_real_result_free(r);
  if (!c->a->common.quiet)
    fprintf(stderr, "real: k=%d all ready %.1f s, peak CPU %.0f %%, overhead %.1f %%\n", k, m->all_ready_s,
            100 * m->peak_cpu_util, 100 * c->results[k]->host_overhead_cpu_util);
  return VS_OK;
}

static int cmd_threshold(const real_args *a, const vs_scenario *sc, vs_real *real)
{
  thr_ctx c = {real, a, calloc((size_t)a->max_k + 2, sizeof(vs_real_result *)), a->max_k + 1, 0, ""};
  vs_threshold_options to = VS_THRESHOLD_OPTIONS_INIT;
  vs_threshold_result tr;
  vs_outdir *d = NULL;
  cJSON *o = NULL;
  char lim[64];
  int rc, exit_code = VS_EXIT_OK;

  memset(&tr, 0, sizeof(tr));
  if (!c.results)
    return vs_cli_fail(vs_error_set(VS_ENOMEM, "out of memory"));
  to.mode = VS_SEARCH_LINEAR;
  to.max_k = a->max_k;
  to.extra_steps = a->extra;
  if ((rc = vs_threshold_search(sc, &to, simulate_k, &c, &tr)) != VS_OK) {
    exit_code = vs_cli_fail(rc);
    goto cleanup;
  }
  o = vs_threshold_result_json(&tr, sc->name);
  cJSON_AddStringToObject(o, "backend", "libvirt");
  cJSON_AddStringToObject(o, "domain_type", vs_real_domain_type(real));
  if (!a->common.json) {
    printf("%s: live boot-storm threshold (libvirt, %s)\n", sc->name, vs_real_domain_type(real));
    printf("     k  all ready    mean/VM  peak CPU  overhead   disk MB/s  read MB  limits\n");
  }
  for (size_t i = 0; i < tr.n_steps; i++) {
    const vs_threshold_step *st = &tr.steps[i];
    const vs_real_result *r = st->k <= c.max_k ? c.results[st->k] : NULL;
    cJSON *s = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "steps"), (int)i);
    if (r) {
      cJSON_AddNumberToObject(s, "host_overhead_cpu_util", r->host_overhead_cpu_util);
      cJSON_AddNumberToObject(s, "read_MB", r->read_bytes / 1e6);
      cJSON_AddNumberToObject(s, "not_ready", r->not_ready);
    }
    if (!a->common.json)
      printf("%6d %8.1f s %8.1f s %8.0f%% %8.1f%% %10.2f %8.1f  %s\n", st->k, st->m.all_ready_s, st->m.mean_ready_s,
             100 * st->m.peak_cpu_util, r ? 100 * r->host_overhead_cpu_util : 0, st->m.mean_disk_MBps,
             r ? r->read_bytes / 1e6 : 0, vs_limits_format(st->limits, lim, sizeof(lim)));
  }
  if (a->common.json)
    vs_json_print(o);
  else
    printf("threshold: %d simultaneous boots%s%s\n", tr.threshold, tr.capped ? " (capped by --max-k)" : "; at the next k: ",
           tr.capped ? "" : vs_limits_format(tr.limits, lim, sizeof(lim)));
  if (!a->common.no_save) {
    if ((rc = vs_outdir_open(&d, &a->common, sc)) == VS_OK)
      rc = vs_json_write(d, "summary.json", o);
    for (int k = 1; rc == VS_OK && k <= c.max_k; k++)
      if (c.results[k]) {
        char prefix[64], name[64];
        snprintf(prefix, sizeof(prefix), "threshold-k%d-", k);
        snprintf(name, sizeof(name), "threshold-k%d-summary.json", k);
        cJSON *one = json_result(c.results[k]);
        if ((rc = write_csvs(d, prefix, c.results[k])) == VS_OK)
          rc = vs_json_write(d, name, one);
        cJSON_Delete(one);
      }
    if (rc == VS_OK && (rc = vs_outdir_commit(d)) == VS_OK && !a->common.json)
      printf("results: %s/\n", vs_outdir_path(d));
    vs_outdir_free(d);
    if (rc != VS_OK)
      exit_code = vs_cli_fail(rc);
  }
  if (exit_code == VS_EXIT_OK && c.failed_k) {
    fprintf(stderr, "vdistorm: %s\n", c.err);
    exit_code = VS_EXIT_FAIL;
  }
cleanup:
  cJSON_Delete(o);
  vs_threshold_result_clear(&tr);
  for (int k = 0; k <= c.max_k; k++)
    vs_real_result_free(c.results[k]);
  free(c.results);
  return exit_code;
}

static int run(int argc, char **argv)
{
  real_args a = {VS_COMMON_OPTS_INIT, 0, 6, 1, NULL};
  vs_scenario *sc = NULL;
  vs_real *real = NULL;
  vs_real_options ro = VS_REAL_OPTIONS_INIT;
  vs_real_schedule sched = {0};
  vs_real_result *res = NULL;
  const char *sub = argc > 1 ? argv[1] : "";
  int rc, exit_code;

  if (!strcmp(sub, "--help") || !strcmp(sub, "-h")) {
    help(stdout);
    return VS_EXIT_OK;
  }
  if (!strcmp(sub, "image"))
    return cmd_image(argc, argv);
  if (strcmp(sub, "boot") && strcmp(sub, "threshold") && strcmp(sub, "run")) {
    fprintf(stderr, "vdistorm real: %s '%s' (expected image, boot, threshold or run)\n",
            *sub ? "unknown subcommand" : "missing subcommand", sub);
    return VS_EXIT_USAGE;
  }
  if ((rc = parse_args(&a, argc, argv, sub)) != 0)
    return rc > 0 ? VS_EXIT_OK : -rc;
  if (!strcmp(sub, "boot") && !a.vms) {
    fprintf(stderr, "vdistorm real boot: say how many VMs with --vms K\n");
    return VS_EXIT_USAGE;
  }
  if (!strcmp(sub, "run") && !a.schedule) {
    fprintf(stderr, "vdistorm real run: give the schedule with --schedule FILE.csv\n");
    return VS_EXIT_USAGE;
  }
  if ((rc = vs_cli_load_scenario(&a.common, &sc)) != VS_OK)
    return vs_cli_fail(rc);
  if (a.schedule && (rc = vs_real_schedule_load(&sched, a.schedule, sc)) != VS_OK) {
    exit_code = vs_cli_fail(rc);
    goto cleanup;
  }
  vs_real_install_signal_handlers();
  ro.progress = !a.common.quiet;
  if ((rc = vs_real_open(&real, sc, &ro)) != VS_OK) {
    exit_code = vs_cli_fail(rc);
    goto cleanup;
  }
  if (!strcmp(sub, "threshold")) {
    exit_code = cmd_threshold(&a, sc, real);
    goto cleanup;
  }
  if (!strcmp(sub, "boot")) {
    sched.reqs = calloc((size_t)a.vms, sizeof(*sched.reqs));
    if (!sched.reqs) {
      exit_code = vs_cli_fail(vs_error_set(VS_ENOMEM, "out of memory"));
      goto cleanup;
    }
    sched.n = (size_t)a.vms;
    for (int i = 0; i < a.vms; i++)
      sched.reqs[i] = (vs_real_req){i, i, 0};
  }
  if ((rc = vs_real_boot(real, sched.reqs, sched.n, &res)) != VS_OK) {
    exit_code = vs_cli_fail(rc);
    goto cleanup;
  }
  exit_code = finish_single(&a, sc, res, VS_EXIT_OK);
cleanup:
  vs_real_result_free(res);
  vs_real_schedule_clear(&sched);
  vs_real_free(real);
  vs_scenario_free(sc);
  return exit_code;
}

const vs_command vs_cmd_real = {"real", "boot real VMs through libvirt/QEMU and measure them", run, help};
