#include "threshold_report.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"

void vs_threshold_run_init(vs_threshold_run *run, vs_sim *sim, const vs_threshold_options *opts, int progress)
{
  memset(run, 0, sizeof(*run));
  run->sim = sim;
  run->opts = *opts;
  run->progress = progress;
}

static int keep(vs_threshold_run *run, int k, vs_boot_result *r)
{
  if (k >= run->by_k_len) {
    int len = k * 2 + 16;
    vs_boot_result **grown = realloc(run->by_k, (size_t)len * sizeof(*grown));
    if (!grown)
      return vs_error_set(VS_ENOMEM, "out of memory");
    memset(grown + run->by_k_len, 0, (size_t)(len - run->by_k_len) * sizeof(*grown));
    run->by_k = grown;
    run->by_k_len = len;
  }
  run->by_k[k] = r;
  return VS_OK;
}

static int simulate_k(void *ctx, int k, vs_step_measure *m)
{
  vs_threshold_run *run = ctx;
  const vs_scenario *sc = vs_sim_scenario(run->sim);
  vs_boot_req *plan = vs_plan_simultaneous(sc, k);
  vs_boot_result *r = NULL;
  int rc;

  if (!plan)
    return vs_error_set(VS_ENOMEM, "out of memory");
  rc = vs_sim_boot(run->sim, plan, (size_t)k, NULL, &r);
  free(plan);
  if (rc != VS_OK)
    return rc;
  m->all_ready_s = r->all_ready_s;
  m->mean_ready_s = r->mean_ready_s;
  m->peak_cpu_util = r->peak_cpu_util;
  m->mean_disk_MBps = r->mean_disk_MBps;
  m->peak_link_util = r->peak_link_util;
  if ((rc = keep(run, k, r)) != VS_OK)
    vs_boot_result_free(r);
  return rc;
}

static void print_header(FILE *out, const vs_scenario *sc)
{
  fprintf(out, "%6s %10s %10s %8s %8s %11s %12s %8s  %s\n", "k", "all ready", "mean/VM", "slowdown", "peak CPU",
          "disk/HDD", sc->storage.kind == VS_STORAGE_NAS ? "boot I/O" : "boot I/O", "VMs/HDD", "limits");
}

static void print_step(FILE *out, const vs_threshold_step *st)
{
  char limits[64];
  fprintf(out, "%6d %8.1f s %8.1f s %7.2fx %7.1f%% %6.2f MB/s %7.1f MB/s %8d  %s\n", st->k, st->m.all_ready_s,
          st->m.mean_ready_s, st->slowdown, 100 * st->m.peak_cpu_util, st->m.mean_disk_MBps, st->io_MBps,
          st->max_per_disk, st->limits ? vs_limits_format(st->limits, limits, sizeof(limits)) : "-");
}

static void on_step(void *ctx, const vs_threshold_step *st)
{
  vs_threshold_run *run = ctx;
  if (!run->progress)
    return;
  if (st->k == 1)
    print_header(stderr, vs_sim_scenario(run->sim));
  print_step(stderr, st);
}

int vs_threshold_run_search(vs_threshold_run *run)
{
  vs_threshold_options opts = run->opts;
  opts.on_step = on_step;
  return vs_threshold_search(vs_sim_scenario(run->sim), &opts, simulate_k, run, &run->res);
}

const vs_boot_result *vs_threshold_run_result(const vs_threshold_run *run, int k)
{
  return k >= 0 && k < run->by_k_len ? run->by_k[k] : NULL;
}

void vs_threshold_run_clear(vs_threshold_run *run)
{
  for (int k = 0; k < run->by_k_len; k++)
    vs_boot_result_free(run->by_k[k]);
  free(run->by_k);
  vs_threshold_result_clear(&run->res);
  memset(run, 0, sizeof(*run));
}

static const vs_threshold_step *step_at(const vs_threshold_result *res, int k)
{
  for (size_t i = 0; i < res->n_steps; i++)
    if (res->steps[i].k == k)
      return &res->steps[i];
  return NULL;
}

/* One sentence per tripped limit, with the figures that tripped it. */
static void explain(FILE *out, const vs_scenario *sc, const vs_threshold_step *st)
{
  if (st->limits & VS_LIMIT_CPU)
    fprintf(out, "  - cpu: a host's CPU reaches %.0f %% (mean over %.0f s)\n", 100 * st->m.peak_cpu_util,
            sc->storm.cpu_window);
  if (st->limits & VS_LIMIT_HDD)
    fprintf(out, "  - hdd: %d VMs on %d HDDs, so one HDD boots %d VMs one after another\n", st->k,
            vs_scenario_total_hdds(sc), st->max_per_disk);
  if (st->limits & VS_LIMIT_LINK)
    fprintf(out, "  - link: %d VMs behind one uplink need %.1f MB/s, the uplink carries %.1f MB/s\n",
            st->max_per_link, st->max_per_link * st->io_MBps / st->k, sc->storage.link_bw / 1e6);
  if (st->limits & VS_LIMIT_SLOWDOWN)
    fprintf(out, "  - slowdown: all ready %.2fx slower than the linear trend (tolerated: %.2fx)\n", st->slowdown,
            sc->storm.max_slowdown);
}

void vs_threshold_print(FILE *out, const vs_threshold_run *run)
{
  const vs_scenario *sc = vs_sim_scenario(run->sim);
  const vs_threshold_result *res = &run->res;
  char limits[64];

  fprintf(out, "%s: boot-storm threshold search (one VM alone: %.1f s, %.2f MB/s of boot I/O)\n", sc->name,
          res->unloaded_boot_s, res->vm_io_Bps / 1e6);
  print_header(out, sc);
  for (size_t i = 0; i < res->n_steps; i++)
    print_step(out, &res->steps[i]);
  if (res->capped) {
    fprintf(out, "threshold: at least %d simultaneous boots (no limit tripped up to --max-k)\n", res->threshold);
    return;
  }
  fprintf(out, "threshold: %d simultaneous boot%s; at %d: %s\n", res->threshold, res->threshold == 1 ? "" : "s",
          res->threshold + 1, vs_limits_format(res->limits, limits, sizeof(limits)));
  const vs_threshold_step *st = step_at(res, res->threshold + 1);
  if (st)
    explain(out, sc, st);
}

static cJSON *limits_json(unsigned limits)
{
  cJSON *a = cJSON_CreateArray();
  for (unsigned bit = 1; bit < (1u << VS_LIMIT_COUNT); bit <<= 1)
    if (limits & bit)
      cJSON_AddItemToArray(a, cJSON_CreateString(vs_limit_name(bit)));
  return a;
}

cJSON *vs_threshold_result_json(const vs_threshold_result *res, const char *scenario)
{
  cJSON *o = cJSON_CreateObject(), *steps = cJSON_CreateArray();

  cJSON_AddStringToObject(o, "scenario", scenario);
  cJSON_AddNumberToObject(o, "threshold", res->threshold);
  cJSON_AddItemToObject(o, "limits", limits_json(res->limits));
  cJSON_AddBoolToObject(o, "capped", res->capped);
  cJSON_AddNumberToObject(o, "unloaded_boot_s", res->unloaded_boot_s);
  cJSON_AddNumberToObject(o, "vm_io_MBps", res->vm_io_Bps / 1e6);
  for (size_t i = 0; i < res->n_steps; i++) {
    const vs_threshold_step *st = &res->steps[i];
    cJSON *s = cJSON_CreateObject();
    cJSON_AddNumberToObject(s, "k", st->k);
    cJSON_AddNumberToObject(s, "all_ready_s", st->m.all_ready_s);
    cJSON_AddNumberToObject(s, "mean_ready_s", st->m.mean_ready_s);
    cJSON_AddNumberToObject(s, "peak_cpu_util", st->m.peak_cpu_util);
    cJSON_AddNumberToObject(s, "io_MBps", st->io_MBps);
    cJSON_AddNumberToObject(s, "mean_disk_MBps", st->m.mean_disk_MBps);
    cJSON_AddNumberToObject(s, "peak_link_util", st->m.peak_link_util);
    cJSON_AddNumberToObject(s, "slowdown", st->slowdown);
    cJSON_AddNumberToObject(s, "max_per_disk", st->max_per_disk);
    cJSON_AddItemToObject(s, "limits", limits_json(st->limits));
    cJSON_AddItemToArray(steps, s);
  }
  cJSON_AddItemToObject(o, "steps", steps);
  return o;
}

cJSON *vs_threshold_json(const vs_threshold_run *run)
{
  return vs_threshold_result_json(&run->res, vs_sim_scenario(run->sim)->name);
}

int vs_threshold_write_csv(vs_outdir *d, const char *prefix, const vs_threshold_run *run)
{
  const vs_threshold_result *res = &run->res;
  char name[256], limits[64];
  int rc;
  snprintf(name, sizeof(name), "%ssteps.csv", prefix);
  FILE *f = vs_outdir_file(d, name);
  if (!f)
    return VS_EIO;
  fprintf(f, "k,all_ready_s,mean_ready_s,slowdown,peak_cpu_util,mean_disk_MBps,io_MBps,peak_link_util,"
             "max_per_disk,limits\n");
  for (size_t i = 0; i < res->n_steps; i++) {
    const vs_threshold_step *st = &res->steps[i];
    fprintf(f, "%d,%.3f,%.3f,%.4f,%.4f,%.3f,%.3f,%.4f,%d,%s\n", st->k, st->m.all_ready_s, st->m.mean_ready_s,
            st->slowdown, st->m.peak_cpu_util, st->m.mean_disk_MBps, st->io_MBps, st->m.peak_link_util,
            st->max_per_disk, st->limits ? vs_limits_format(st->limits, limits, sizeof(limits)) : "");
  }
  if ((rc = vs_outdir_close_file(d, f, name)) != VS_OK)
    return rc;
  /* The threshold step and the first step past it tell the storm's story. */
  for (int k = res->threshold; k <= res->threshold + 1; k++) {
    const vs_boot_result *r = vs_threshold_run_result(run, k);
    char sub[64];
    snprintf(sub, sizeof(sub), "%sk%d-", prefix, k);
    if (r && (rc = vs_csv_boot(d, sub, run->sim, r)) != VS_OK)
      return rc;
  }
  return VS_OK;
}
