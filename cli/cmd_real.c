/* vdistorm real image|boot|threshold|run: the live backend (real/), with
 * the simulator's outputs (summary.json, timeseries.csv, vms.csv) and the
 * backend's extra keys, so reports, plots and calibrate read either. */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/error.h"
#include "core/spawn.h"
#include "core/units.h"
#include "report/json.h"
#include "report/series.h"
#include "report/text.h"
#include "study/schedule.h"
#include "study/threshold.h"
#include "study_opts.h"

enum { OPT_VMS = VS_OPT_FIRST_OWN, OPT_SCHEDULE, OPT_DISK_SIZE };

typedef struct {
  const char *sub;
  const vs_scenario *sc;
  int vms;
  vs_threshold_options topts;
  vs_study_repeat repeat;
  vs_boot_result **runs;        /* boot: repeat.n runs */
  const char *schedule_path;
  const char *image_out;
  double disk_size_B;
  vs_cli_progress *progress;
  vs_boot_result *result;       /* boot: runs[0] */
  vs_study_threshold threshold; /* threshold */
  vs_study_schedule run;        /* run */
  vs_schedule *given;
  vs_capacity cap;
} real_args;

static void help(FILE *out)
{
  fprintf(out,
          "usage: vdistorm real image [-o DIR] [--disk-size SIZE]\n"
          "       vdistorm real boot SCENARIO --vms K [--repeat N] [--json] [-o DIR] [--no-save] [-q]\n"
          "       vdistorm real threshold SCENARIO [--max-k N] [--extra N] [--repeat N [--trip-share X]]\n"
          "                                        [--json] [-o DIR] [--no-save] [-q]\n"
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
          "  --repeat N     N real runs of each experiment: mean, p5, p95 and the 95 %% interval\n"
          "                 of the all-ready time (JSON: \"repeat\"); other keys hold the first run\n"
          "  run            execute a schedule CSV (as 'vdistorm schedule --csv' writes it;\n"
          "                 the first start is t = 0) and validate it\n"
          "  --json         one JSON object on stdout: the keys of the simulating command\n"
          "                 plus backend, domain_type, host_overhead_cpu_util, not_ready[]\n"
          "  -o DIR         write summary.json and CSV time series into DIR\n"
          "  --no-save      write no result folder\n"
          "  -q             no progress on stderr\n\n"
          "URIs (real.uri, one per scenario host used, host-0 first): qemu:///system, or\n"
          "remote ones such as qemu+ssh://HOST/system. As root qemu:///session is the\n"
          "system daemon; as another user it is that user's own daemon, where QEMU runs\n"
          "as the user (no DAC labels): the guest folder must be theirs.\n\n"
          "Domains are transient, named vdistorm-<pid>-..., and always destroyed (also\n"
          "on a timeout, an error, SIGINT, SIGTERM or SIGHUP, which stop even while VMs\n"
          "are started or their disks made). A lost libvirt connection (libvirtd\n"
          "restarted or stopped) fails the run; vdistorm reconnects for up to 20 s to\n"
          "destroy its domains, and a disk is removed only once its domain is gone.\n"
          "Whatever a killed or disconnected run left (domains, QEMU processes, disks in\n"
          "IMAGE/run-<pid>/) is removed by the next run. Exit codes: 0 ok, 1 failure\n"
          "(libvirt unreachable, a VM not ready in time: the others' results are still\n"
          "written), 2 bad input, 128+N stopped by signal N (130 Ctrl-C).\n");
}

/* ---- image ---- */

/* The script's and its tools' (qemu-img, dd) lines are captured, stderr
 * merged by the shell: on failure the last says why, on one line. */
static int build_image(const real_args *a)
{
  char mb[32], why[400] = "";
  vs_buf out = VS_BUF_INIT;
  vs_spawn_options so = VS_SPAWN_OPTIONS_INIT;
  int status = 0, rc;
  snprintf(mb, sizeof(mb), "%.0f", ceil(a->disk_size_B / 1048576.0));
  char *argv[] = {"/bin/sh", "-c", "exec /bin/sh \"$0\" \"$@\" 2>&1", VS_SOURCE_DIR "/real/build-guest.sh",
                  (char *)a->image_out, VS_SOURCE_DIR "/real/guest/init.sh", mb, NULL};
  so.max_out = 64 << 10;
  fflush(NULL);
  if ((rc = vs_spawn_run(argv, &so, &out, &status)) != VS_OK)
    return vs_cli_fail(rc);
  if (status != 0) {
    /* The last non-empty line, without the script's own prefix. */
    size_t end = out.len;
    while (end && (out.data[end - 1] == '\n' || out.data[end - 1] == '\r'))
      end--;
    size_t start = end;
    while (start && out.data[start - 1] != '\n')
      start--;
    if (end > start)
      snprintf(why, sizeof(why), ": %.*s", (int)(end - start), out.data + start);
    if (!strncmp(why, ": build-guest: ", 15))
      memmove(why + 2, why + 15, strlen(why + 15) + 1);
    vs_buf_clear(&out);
    fprintf(stderr, "vdistorm: building the guest into %s failed%s\n", a->image_out, why);
    return VS_EXIT_FAIL;
  }
  vs_buf_clear(&out);
  printf("guest built: %s/{vmlinuz,initramfs.img,base.qcow2}\n", a->image_out);
  return VS_EXIT_OK;
}

/* ---- studies ---- */

static int study(vs_backend *b, void *payload)
{
  real_args *a = payload;
  if (!strcmp(a->sub, "threshold"))
    return vs_study_threshold_run(&a->threshold, b, &a->topts, &a->repeat);
  if (!strcmp(a->sub, "run")) {
    /* Validation compares with one VM alone: its time is the schedule's estimate. */
    a->cap.boot_s = NAN;
    for (size_t c = 0; c < VS_MAX_CLASSES; c++)
      a->cap.class_boot_s[c] = NAN;
    vs_schedule *s = a->given;
    a->given = NULL;
    return vs_study_schedule_given(&a->run, b, &a->cap, s);
  }
  int rc = vs_study_boot_at_once(b, a->vms, &a->repeat, a->runs);
  a->result = a->runs[0];
  return rc;
}

static void spread(const real_args *a, vs_stats *s)
{
  double t[1000];
  for (int r = 0; r < a->repeat.n; r++)
    t[r] = a->runs[r]->all_ready_s;
  vs_stats_of(t, (size_t)a->repeat.n, s);
}

static int write_outputs(vs_outdir *d, void *payload)
{
  real_args *a = payload;
  if (!strcmp(a->sub, "threshold")) {
    int rc = vs_series_write_threshold_all(d, "threshold-", a->sc, &a->threshold);
    for (int k = 1; rc == VS_OK && k < a->threshold.by_k_len; k++) {
      const vs_boot_result *r = vs_study_threshold_result(&a->threshold, k);
      char name[64];
      if (!r)
        continue;
      snprintf(name, sizeof(name), "threshold-k%d-summary.json", k);
      cJSON *one = vs_json_boot(r);
      rc = vs_json_write(d, name, one);
      cJSON_Delete(one);
    }
    return rc;
  }
  if (!strcmp(a->sub, "run")) {
    int rc = vs_series_write_schedule(d, "schedule.csv", a->sc, a->run.sched);
    return rc == VS_OK ? vs_series_write_boot(d, "", a->sc, a->run.result) : rc;
  }
  return vs_series_write_boot(d, "", a->sc, a->result);
}

static cJSON *summary_json(void *payload)
{
  const real_args *a = payload;
  if (!strcmp(a->sub, "threshold"))
    return vs_json_threshold(&a->threshold, a->sc->name);
  const vs_boot_result *r = !strcmp(a->sub, "run") ? a->run.result : a->result;
  cJSON *o = vs_json_boot(r);
  cJSON_AddStringToObject(o, "scenario", a->sc->name);
  if (!strcmp(a->sub, "boot") && a->repeat.n > 1) {
    vs_stats s;
    spread(a, &s);
    cJSON_AddItemToObject(o, "repeat", vs_json_repeat(&a->repeat, "all_ready_s", &s));
  }
  if (!strcmp(a->sub, "run"))
    cJSON_AddItemToObject(o, "validation", vs_json_validation(a->sc, &a->run.v));
  return o;
}

static void text(void *payload)
{
  const real_args *a = payload;
  if (!strcmp(a->sub, "threshold"))
    vs_text_threshold(stdout, a->sc, &a->threshold);
  else {
    vs_text_boot(stdout, a->sc, !strcmp(a->sub, "run") ? a->run.result : a->result);
    if (!strcmp(a->sub, "run"))
      vs_text_validation(stdout, a->sc, &a->run.v);
    if (!strcmp(a->sub, "boot") && a->repeat.n > 1) {
      vs_stats s;
      spread(a, &s);
      vs_text_spread(stdout, "all ready", &s);
    }
  }
}

/* A VM that never became ready fails the run in every output: the row
 * (FAILED), the JSON (not_ready), and here the exit code and one line --
 * for the first run that had one, whichever of the repeats it was. */
static int failed_vms(const real_args *a, char *why, size_t len)
{
  if (!strcmp(a->sub, "threshold")) {
    snprintf(why, len, "k = %d: %s", a->threshold.failed_k, a->threshold.failure);
    return a->threshold.failed_k;
  }
  const vs_boot_result *r = !strcmp(a->sub, "run") ? a->run.result : a->result;
  char run[32] = "";
  for (int i = 1; !r->not_ready && !strcmp(a->sub, "boot") && i < a->repeat.n; i++)
    if (a->runs[i] && a->runs[i]->not_ready) {
      r = a->runs[i];
      snprintf(run, sizeof(run), "run %d of %d: ", i + 1, a->repeat.n);
    }
  if (r->not_ready > 1)
    snprintf(why, len, "%s%s (and %d more VMs not ready)", run, r->failure, r->not_ready - 1);
  else
    snprintf(why, len, "%s%s", run, r->failure);
  return r->not_ready;
}

static int option(void *ctx, int opt, const char *arg)
{
  real_args *a = ctx;
  int rc;
  if (!strcmp(a->sub, "threshold") && (rc = vs_threshold_option(&a->topts, opt, arg)) != 0)
    return rc;
  if ((rc = vs_repeat_option(&a->repeat, opt, arg)) != 0)
    return rc;
  switch (opt) {
  case OPT_VMS: return (rc = vs_cli_int_arg("--vms", arg, 1, 1000, &a->vms)) < 0 ? rc : 1;
  case OPT_SCHEDULE: a->schedule_path = arg; return 1;
  case OPT_DISK_SIZE:
    if (vs_unit_parse(arg, VS_UNIT_BYTES, &a->disk_size_B) != VS_OK || a->disk_size_B < 1e6 || a->disk_size_B > 1e12)
      return vs_error_set(VS_EINPUT, "--disk-size: '%s' is not a size from 1MB to 1TB", arg);
    return 1;
  case 'o':
    if (strcmp(a->sub, "image"))
      return 0; /* the result folder (common options) */
    a->image_out = arg;
    return 1;
  }
  return 0;
}

static int run(int argc, char **argv)
{
  static const struct option image_options[] = {{"disk-size", required_argument, NULL, OPT_DISK_SIZE},
                                                {"output", required_argument, NULL, 'o'},
                                                {0}};
  static const struct option boot_options[] = {{"vms", required_argument, NULL, OPT_VMS},
                                               {"repeat", required_argument, NULL, VS_OPT_REPEAT},
                                               {"seed", required_argument, NULL, VS_OPT_SEED},
                                               {0}};
  static const struct option run_options[] = {{"schedule", required_argument, NULL, OPT_SCHEDULE}, {0}};
  vs_cli_common o = VS_CLI_COMMON_INIT;
  real_args a = {.topts = VS_THRESHOLD_OPTIONS_INIT, .repeat = VS_STUDY_REPEAT_INIT, .image_out = "real/guest",
                 .disk_size_B = 256e6};
  const char *sub = argc > 1 ? argv[1] : "";
  char where[32], why[600];
  vs_scenario *sc = NULL;
  int rc, exit_code = VS_EXIT_OK;

  if (!strcmp(sub, "--help") || !strcmp(sub, "-h")) {
    help(stdout);
    return VS_EXIT_OK;
  }
  if (strcmp(sub, "image") && strcmp(sub, "boot") && strcmp(sub, "threshold") && strcmp(sub, "run"))
    return vs_cli_fail(vs_error_set(VS_EINPUT, "real: %s '%s' (expected image, boot, threshold or run)",
                                    *sub ? "unknown subcommand" : "missing subcommand", sub));
  a.sub = sub;
  a.topts.mode = VS_SEARCH_LINEAR; /* the paper's experiment, one k after the other */
  a.topts.max_k = 6;
  a.topts.extra_steps = 1;
  snprintf(where, sizeof(where), "real %s", sub);
  int image = !strcmp(sub, "image");
  vs_cli_spec spec = {.cmd = &vs_cmd_real, .subcommand = where,
                      .options = image ? image_options
                                       : !strcmp(sub, "boot") ? boot_options
                                       : !strcmp(sub, "run") ? run_options : vs_threshold_long_options,
                      .short_options = image ? "o:" : NULL, .on_option = option, .ctx = &a, .common = !image,
                      .positional = image ? 0 : 1};
  if ((rc = vs_cli_parse(argc - 1, argv + 1, &spec, &o)) != 0)
    return rc > 0 ? VS_EXIT_OK : vs_cli_fail(rc);
  if (image)
    return build_image(&a);
  /* Once the terminal or the ssh session is gone (SIGHUP), writing our last
   * line must not raise SIGPIPE: the exit code still says which signal. */
  signal(SIGPIPE, SIG_IGN);
  if (!o.scenario_path)
    return vs_cli_fail(vs_error_set(VS_EINPUT, "%s: give a scenario with a real: section (e.g. scenarios/local-real.yaml)",
                                    where));
  if (!strcmp(sub, "boot") && !a.vms)
    return vs_cli_fail(vs_error_set(VS_EINPUT, "real boot: say how many VMs with --vms K"));
  if (!strcmp(sub, "run") && !a.schedule_path)
    return vs_cli_fail(vs_error_set(VS_EINPUT, "real run: give the schedule with --schedule FILE.csv"));
  if ((rc = vs_cli_load_scenario(&o, &sc)) != VS_OK)
    return vs_cli_fail(rc);
  a.sc = sc;
  if (!(a.runs = calloc((size_t)a.repeat.n, sizeof(*a.runs)))) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  if (a.schedule_path && (rc = vs_schedule_read_csv(a.schedule_path, sc, &a.given)) != VS_OK)
    goto cleanup;
  a.progress = vs_cli_progress_new(&o);
  vs_cli_progress_phase(a.progress, "live %s", sub);
  if (!strcmp(sub, "threshold"))
    vs_threshold_progress(&a.topts, a.progress);
  rc = vs_cli_run_job(&o, sc, a.progress,
                      &(vs_cli_job){.study = study, .summary = summary_json, .text = text, .write = write_outputs,
                                    .live = 1},
                      &a);
  if (rc == VS_OK && failed_vms(&a, why, sizeof(why))) {
    fprintf(stderr, "vdistorm: %s\n", why);
    exit_code = VS_EXIT_FAIL;
  }
cleanup:
  if (rc != VS_OK)
    exit_code = vs_cli_fail(rc);
  for (int r = 0; a.runs && r < a.repeat.n; r++)
    vs_boot_result_free(a.runs[r]);
  free(a.runs);
  vs_study_threshold_clear(&a.threshold);
  vs_study_schedule_clear(&a.run);
  vs_schedule_free(a.given);
  vs_scenario_free(sc);
  return exit_code;
}

const vs_command vs_cmd_real = {"real", "boot real VMs through libvirt/QEMU and measure them", run, help};
