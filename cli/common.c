/* Options, result folders and renderings shared by the commands. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "demand/calendar.h"
#include "core/error.h"
#include "core/fsutil.h"
#include "demand/forecast.h"
#include "scenario/placement.h"
#include "core/units.h"

#define DEFAULT_SCENARIO "scenarios/braids-case-study.yaml"

const char *vs_cli_default_scenario(void)
{
  /* From a checkout use the working copy; elsewhere the source tree's. */
  if (access(DEFAULT_SCENARIO, R_OK) == 0)
    return DEFAULT_SCENARIO;
  return VS_SOURCE_DIR "/" DEFAULT_SCENARIO;
}

int vs_cli_fail(int rc)
{
  const char *msg = vs_error_last();
  fprintf(stderr, "vdistorm: %s\n", *msg ? msg : "failed");
  return rc == VS_EINPUT || rc == VS_EIO ? VS_EXIT_USAGE : VS_EXIT_FAIL;
}

int vs_cli_int_arg(const char *opt, const char *value, int min, int max, int *out)
{
  long v;
  if (!value)
    return vs_error_set(VS_EINPUT, "%s needs a value", opt);
  if (vs_parse_long(value, &v) != VS_OK || v < min || v > max)
    return vs_error_set(VS_EINPUT, "%s: '%s' is not a whole number from %d to %d", opt, value, min, max);
  *out = (int)v;
  return VS_OK;
}

int vs_cli_common_option(vs_common_opts *o, int argc, char **argv, int *i)
{
  const char *a = argv[*i];
  if (!strcmp(a, "--json"))
    o->json = 1;
  else if (!strcmp(a, "--no-save"))
    o->no_save = 1;
  else if (!strcmp(a, "-v") || !strcmp(a, "--verbose"))
    o->verbose = 1;
  else if (!strcmp(a, "-q") || !strcmp(a, "--quiet"))
    o->quiet = 1;
  else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
    if (*i + 1 >= argc || !argv[*i + 1][0])
      return vs_error_set(VS_EINPUT, "%s needs a directory", a);
    o->out_dir = argv[++*i];
  } else if (!strncmp(a, "--output=", 9))
    o->out_dir = a + 9;
  else if (a[0] == '-' && a[1])
    return 0;
  else if (!o->scenario_path)
    o->scenario_path = a;
  else
    return vs_error_set(VS_EINPUT, "unexpected argument '%s' (one scenario at a time)", a);
  return 1;
}

int vs_cli_load_scenario(const vs_common_opts *o, vs_scenario **sc)
{
  int rc = vs_scenario_load(sc, o->scenario_path ? o->scenario_path : vs_cli_default_scenario());
  /* A forecast workload becomes ordinary demand points here, so every
   * command plans from the forecast without knowing about it. */
  if (rc == VS_OK && (*sc)->workload.forecast && (rc = vs_forecast_resolve_workload(*sc)) != VS_OK) {
    vs_scenario_free(*sc);
    *sc = NULL;
  }
  return rc;
}

int vs_cli_session(const vs_scenario *sc, const vs_common_opts *o, vs_sim_body_fn body, void *payload,
                   int *exit_code)
{
  vs_sim_options so = VS_SIM_OPTIONS_INIT;
  so.verbose = o->verbose;
  so.progress = !o->quiet;
  int rc = vs_sim_session(sc, &so, body, payload);
  if (*exit_code < 0) /* the body never ran */
    *exit_code = vs_cli_fail(rc == VS_OK ? VS_ESIM : rc);
  return *exit_code;
}

/* ---- result folders ---- */

struct vs_outdir {
  char *final;
  char *tmp;
  int committed;
};

static char *dup_printf(const char *fmt, const char *a, const char *b)
{
  size_t len = strlen(fmt) + strlen(a) + strlen(b) + 32;
  char *s = malloc(len);
  if (s)
    snprintf(s, len, fmt, a, b);
  return s;
}

int vs_outdir_open(vs_outdir **out, const vs_common_opts *o, const vs_scenario *sc)
{
  vs_outdir *d = calloc(1, sizeof(*d));
  char stamp[32], pid[32];
  time_t now = time(NULL);
  int rc = VS_OK;

  *out = NULL;
  if (!d)
    return vs_error_set(VS_ENOMEM, "out of memory");
  strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));
  d->final = o->out_dir ? strdup(o->out_dir) : dup_printf("results/runs/%s-%s", sc->name, stamp);
  snprintf(pid, sizeof(pid), "%ld", (long)getpid());
  d->tmp = d->final ? dup_printf("%s.partial-%s", d->final, pid) : NULL;
  if (!d->final || !d->tmp) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto fail;
  }
  if ((rc = vs_fs_mkdir_p(d->tmp)) != VS_OK)
    goto fail;
  *out = d;
  return VS_OK;
fail:
  vs_outdir_free(d);
  return rc;
}

const char *vs_outdir_path(const vs_outdir *d) { return d->final; }

FILE *vs_outdir_file(vs_outdir *d, const char *name)
{
  char path[PATH_MAX];
  snprintf(path, sizeof(path), "%s/%s", d->tmp, name);
  FILE *f = fopen(path, "w");
  if (!f)
    vs_error_set(VS_EIO, "%s: cannot write: %s", path, strerror(errno));
  return f;
}

int vs_outdir_close_file(vs_outdir *d, FILE *f, const char *name)
{
  int bad = ferror(f);
  if (fclose(f) != 0 || bad)
    return vs_error_set(VS_EIO, "%s/%s: write failed", d->final, name);
  return VS_OK;
}

int vs_outdir_commit(vs_outdir *d)
{
  DIR *dp;
  struct dirent *e;
  int rc;

  /* A fresh folder is renamed whole; into an existing one, file by file. */
  if (rename(d->tmp, d->final) == 0) {
    d->committed = 1;
    return VS_OK;
  }
  if ((rc = vs_fs_mkdir_p(d->final)) != VS_OK)
    return rc;
  if (!(dp = opendir(d->tmp)))
    return vs_error_set(VS_EIO, "%s: cannot read: %s", d->tmp, strerror(errno));
  while ((e = readdir(dp))) {
    char from[PATH_MAX], to[PATH_MAX];
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
      continue;
    snprintf(from, sizeof(from), "%s/%s", d->tmp, e->d_name);
    snprintf(to, sizeof(to), "%s/%s", d->final, e->d_name);
    if (rename(from, to) != 0) {
      closedir(dp);
      return vs_error_set(VS_EIO, "%s: cannot write: %s", to, strerror(errno));
    }
  }
  closedir(dp);
  rmdir(d->tmp);
  d->committed = 1;
  return VS_OK;
}

void vs_outdir_free(vs_outdir *d)
{
  if (!d)
    return;
  if (!d->committed && d->tmp)
    vs_fs_remove_tree(d->tmp);
  free(d->final);
  free(d->tmp);
  free(d);
}

/* ---- JSON ---- */

cJSON *vs_json_boot(const vs_boot_result *r)
{
  cJSON *o = cJSON_CreateObject();
  cJSON *ready = cJSON_CreateArray();
  cJSON_AddNumberToObject(o, "vms", (double)r->n_vms);
  cJSON_AddNumberToObject(o, "all_ready_s", r->all_ready_s);
  cJSON_AddNumberToObject(o, "mean_ready_s", r->mean_ready_s);
  for (size_t i = 0; i < r->n_vms; i++)
    cJSON_AddItemToArray(ready, cJSON_CreateNumber(r->ready[i] - r->started[i]));
  cJSON_AddItemToObject(o, "ready_s", ready);
  cJSON_AddNumberToObject(o, "peak_cpu_util", r->peak_cpu_util);
  cJSON_AddNumberToObject(o, "mean_disk_MBps", r->mean_disk_MBps);
  cJSON_AddNumberToObject(o, "peak_link_util", r->peak_link_util);
  cJSON_AddNumberToObject(o, "max_boot_s", r->max_boot_s);
  cJSON_AddNumberToObject(o, "total_disk_MBps", r->total_disk_MBps);
  cJSON_AddNumberToObject(o, "disks_used", r->disks_used);
  cJSON_AddNumberToObject(o, "read_MB", r->read_bytes / 1e6);
  cJSON_AddNumberToObject(o, "peak_concurrency", r->peak_concurrency);
  return o;
}

void vs_json_print(const cJSON *obj)
{
  char *text = cJSON_Print(obj);
  if (text) {
    fputs(text, stdout);
    fputc('\n', stdout);
    free(text);
  }
}

int vs_json_read(const char *path, cJSON **out)
{
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  long len;
  *out = NULL;
  if (!f)
    return vs_error_set(VS_EIO, "%s: cannot read: %s", path, strerror(errno));
  if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || len > (16l << 20) || fseek(f, 0, SEEK_SET) != 0 ||
      !(buf = malloc((size_t)len + 1)) || fread(buf, 1, (size_t)len, f) != (size_t)len) {
    fclose(f);
    free(buf);
    return vs_error_set(VS_EIO, "%s: cannot read", path);
  }
  fclose(f);
  buf[len] = '\0';
  *out = cJSON_Parse(buf);
  free(buf);
  return *out ? VS_OK : vs_error_set(VS_EINPUT, "%s: not JSON", path);
}

int vs_json_write(vs_outdir *d, const char *name, const cJSON *obj)
{
  char *text = cJSON_Print(obj);
  FILE *f;
  if (!text)
    return vs_error_set(VS_ENOMEM, "out of memory");
  if (!(f = vs_outdir_file(d, name))) {
    free(text);
    return VS_EIO;
  }
  fputs(text, f);
  fputc('\n', f);
  free(text);
  return vs_outdir_close_file(d, f, name);
}

/* ---- CSV ---- */

static int csv_open(vs_outdir *d, const char *prefix, const char *name, FILE **f, char *full, size_t len)
{
  snprintf(full, len, "%s%s", prefix, name);
  *f = vs_outdir_file(d, full);
  return *f ? VS_OK : VS_EIO;
}

static int csv_timeseries(vs_outdir *d, const char *prefix, const vs_boot_result *r)
{
  char name[256];
  FILE *f;
  int rc = csv_open(d, prefix, "timeseries.csv", &f, name, sizeof(name));
  if (rc)
    return rc;
  fprintf(f, "t_s,booting,ready,cpu_util_mean,cpu_util_max,disk_MBps,link_MBps,link_util_max\n");
  for (size_t i = 0; i < r->n_samples; i++) {
    const vs_sample *s = &r->samples[i];
    fprintf(f, "%.3f,%d,%d,%.4f,%.4f,%.3f,%.3f,%.4f\n", s->t, s->booting, s->ready, s->cpu_util_mean,
            s->cpu_util_max, s->disk_MBps, s->link_MBps, s->link_util_max);
  }
  return vs_outdir_close_file(d, f, name);
}

static int csv_vms(vs_outdir *d, const char *prefix, const vs_sim *sim, const vs_boot_result *r)
{
  char name[256];
  FILE *f;
  int rc = csv_open(d, prefix, "vms.csv", &f, name, sizeof(name));
  if (rc)
    return rc;
  fprintf(f, "vm,host,disk,start_s,ready_s,boot_s\n");
  for (size_t i = 0; i < r->n_vms; i++) {
    const vs_boot_req *b = &r->boots[i];
    fprintf(f, "%d,%s,%s,%.3f,%.3f,%.3f\n", b->vm, vs_sim_host_name(sim, b->host), vs_sim_disk_name(sim, b->disk),
            r->started[i], r->ready[i], r->ready[i] - r->started[i]);
  }
  return vs_outdir_close_file(d, f, name);
}

/* Per-resource series in long form, idle rows left out: a site has
 * thousands of resources and most are idle most of the time. */
static int csv_resource(vs_outdir *d, const char *prefix, const char *file, const char *header,
                        const vs_sim *sim, const vs_boot_result *r, const double *values, int count,
                        const char *(*name_of)(const vs_sim *, int), double scale)
{
  char name[256];
  FILE *f;
  int rc = csv_open(d, prefix, file, &f, name, sizeof(name));
  if (rc)
    return rc;
  fprintf(f, "%s\n", header);
  for (size_t i = 0; i < r->n_samples; i++)
    for (int j = 0; j < count; j++) {
      double v = values[i * (size_t)count + (size_t)j];
      if (v > 0)
        fprintf(f, "%.3f,%s,%.4f\n", r->samples[i].t, name_of(sim, j), v * scale);
    }
  return vs_outdir_close_file(d, f, name);
}

int vs_csv_boot(vs_outdir *d, const char *prefix, const vs_sim *sim, const vs_boot_result *r)
{
  int rc;
  if ((rc = csv_timeseries(d, prefix, r)) || (rc = csv_vms(d, prefix, sim, r)) ||
      (rc = csv_resource(d, prefix, "hosts.csv", "t_s,host,cpu_util", sim, r, r->host_util, r->n_hosts,
                         vs_sim_host_name, 1.0)) ||
      (rc = csv_resource(d, prefix, "disks.csv", "t_s,disk,MBps", sim, r, r->disk_MBps, r->n_disks,
                         vs_sim_disk_name, 1.0)))
    return rc;
  if (r->n_links)
    rc = csv_resource(d, prefix, "links.csv", "t_s,link,MBps", sim, r, r->link_MBps, r->n_links,
                      vs_sim_link_name, 1.0);
  return rc;
}

/* ---- plans and printing ---- */

vs_boot_req *vs_plan_simultaneous(const vs_scenario *sc, int k)
{
  vs_boot_req *plan = calloc((size_t)(k > 0 ? k : 1), sizeof(*plan));
  if (!plan)
    return NULL;
  for (int i = 0; i < k; i++) {
    plan[i].vm = i;
    plan[i].start = 0;
    vs_place_vm(sc, i, k, &plan[i].host, &plan[i].disk);
  }
  return plan;
}

void vs_print_boot(FILE *out, const vs_scenario *sc, const vs_boot_result *r)
{
  fprintf(out, "%s: %zu VM%s booted at once\n", sc->name, r->n_vms, r->n_vms == 1 ? "" : "s");
  fprintf(out, "  all ready after     %8.1f s   (mean %.1f s per VM, slowest %.1f s)\n", r->all_ready_s,
          r->mean_ready_s, r->max_boot_s);
  fprintf(out, "  peak host CPU       %8.1f %%   (busiest host, %.0f s window)\n", 100 * r->peak_cpu_util,
          sc->storm.cpu_window);
  fprintf(out, "  disk throughput     %8.2f MB/s per busy HDD (%d HDD%s, %.2f MB/s in all)\n",
          r->mean_disk_MBps, r->disks_used, r->disks_used == 1 ? "" : "s", r->total_disk_MBps);
  if (sc->storage.kind == VS_STORAGE_NAS)
    fprintf(out, "  peak uplink use     %8.1f %%   (busiest NAS uplink)\n", 100 * r->peak_link_util);
}

int vs_cli_parse(int argc, char **argv, const vs_command *cmd, vs_common_opts *common, vs_option_fn extra, void *ctx)
{
  for (int i = 1; i < argc; i++) {
    int rc;
    if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
      cmd->help(stdout);
      return 1;
    }
    if ((rc = extra ? extra(ctx, argc, argv, &i) : 0) == 0)
      rc = vs_cli_common_option(common, argc, argv, &i);
    if (rc < 0)
      return rc;
    if (rc == 0)
      return vs_error_set(VS_EINPUT, "%s: unknown option '%s' (see vdistorm %s --help)", cmd->name, argv[i], cmd->name);
  }
  return 0;
}

int vs_cli_date_arg(const char *opt, const char *value, vs_date *out)
{
  if (!value)
    return vs_error_set(VS_EINPUT, "%s needs a date (YYYY-MM-DD)", opt);
  if (vs_cal_parse_date(value, out) < 0)
    return vs_error_set(VS_EINPUT, "%s: %s", opt, vs_error_last());
  return VS_OK;
}
