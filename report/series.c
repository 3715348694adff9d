#include "report/series.h"

#include <math.h>
#include <stdio.h>

#include "core/error.h"
#include "scenario/placement.h"

static FILE *open_csv(vs_outdir *d, const char *prefix, const char *file, char *name, size_t len)
{
  snprintf(name, len, "%s%s", prefix, file);
  return vs_outdir_file(d, name);
}

static int write_timeseries(vs_outdir *d, const char *prefix, const vs_boot_result *r)
{
  char name[256];
  int live = r->domain_type != NULL;
  FILE *f = open_csv(d, prefix, "timeseries.csv", name, sizeof(name));
  if (!f)
    return VS_EIO;
  fprintf(f, "t_s,booting,ready,cpu_util_mean,cpu_util_max,disk_MBps,link_MBps,link_util_max%s\n",
          live ? ",host_overhead_cpu_util" : "");
  for (size_t i = 0; i < r->n_samples; i++) {
    const vs_sample *s = &r->samples[i];
    fprintf(f, "%.3f,%d,%d,%.4f,%.4f,%.3f,%.3f,%.4f", s->t_s, s->booting, s->ready, s->cpu_util_mean,
            s->cpu_util_max, s->disk_MBps, s->link_MBps, s->link_util_max);
    if (live)
      fprintf(f, ",%.4f", s->host_overhead_cpu_util);
    fputc('\n', f);
  }
  return vs_outdir_close_file(d, f, name);
}

static int write_vms(vs_outdir *d, const char *prefix, const vs_scenario *sc, const vs_boot_result *r)
{
  char name[256], host[32], disk[48];
  FILE *f = open_csv(d, prefix, "vms.csv", name, sizeof(name));
  if (!f)
    return VS_EIO;
  fprintf(f, "vm,host,disk,start_s,ready_s,boot_s\n");
  for (size_t i = 0; i < r->n_vms; i++) {
    const vs_boot_req *b = &r->boots[i];
    fprintf(f, "%d,%s,%s,%.3f", b->vm, vs_placement_host_name(b->host, host, sizeof(host)),
            vs_placement_disk_name(sc, b->disk, disk, sizeof(disk)), r->started_s[i]);
    /* A VM that never became ready has empty ready and boot fields. */
    if (isnan(r->ready_s[i]))
      fprintf(f, ",,\n");
    else
      fprintf(f, ",%.3f,%.3f\n", r->ready_s[i], r->ready_s[i] - r->started_s[i]);
  }
  return vs_outdir_close_file(d, f, name);
}

typedef enum { RES_HOST, RES_DISK, RES_LINK } resource_kind;

static const char *resource_name(const vs_scenario *sc, resource_kind kind, int i, char *buf, size_t len)
{
  switch (kind) {
  case RES_HOST: return vs_placement_host_name(i, buf, len);
  case RES_DISK: return vs_placement_disk_name(sc, i, buf, len);
  default: return vs_placement_link_name(i, buf, len);
  }
}

/* Per-resource series in long form, idle rows left out: a site has
 * thousands of resources and most are idle most of the time. */
static int write_resource(vs_outdir *d, const char *prefix, const char *file, const char *header,
                          const vs_scenario *sc, const vs_boot_result *r, const double *values, int count,
                          resource_kind kind)
{
  char name[256], res[48];
  FILE *f = open_csv(d, prefix, file, name, sizeof(name));
  if (!f)
    return VS_EIO;
  fprintf(f, "%s\n", header);
  for (size_t i = 0; values && i < r->n_samples; i++)
    for (int j = 0; j < count; j++) {
      double v = values[i * (size_t)count + (size_t)j];
      if (v > 0)
        fprintf(f, "%.3f,%s,%.4f\n", r->samples[i].t_s, resource_name(sc, kind, j, res, sizeof(res)), v);
    }
  return vs_outdir_close_file(d, f, name);
}

/* The serial console of a live VM that never became ready. */
static int write_failure_log(vs_outdir *d, const char *prefix, const vs_boot_result *r)
{
  char name[256];
  snprintf(name, sizeof(name), "%snot-ready-vm%d-console.log", prefix, r->failure_vm);
  FILE *f = vs_outdir_file(d, name);
  if (!f)
    return VS_EIO;
  fputs(r->failure_log, f);
  return vs_outdir_close_file(d, f, name);
}

int vs_series_write_boot(vs_outdir *d, const char *prefix, const vs_scenario *sc, const vs_boot_result *r)
{
  int rc;
  if (r->failure_log && (rc = write_failure_log(d, prefix, r)) != VS_OK)
    return rc;
  if ((rc = write_timeseries(d, prefix, r)) || (rc = write_vms(d, prefix, sc, r)) ||
      (rc = write_resource(d, prefix, "hosts.csv", "t_s,host,cpu_util", sc, r, r->host_util, r->n_hosts, RES_HOST)) ||
      (rc = write_resource(d, prefix, "disks.csv", "t_s,disk,MBps", sc, r, r->disk_MBps, r->n_disks, RES_DISK)))
    return rc;
  if (r->n_links)
    rc = write_resource(d, prefix, "links.csv", "t_s,link,MBps", sc, r, r->link_MBps, r->n_links, RES_LINK);
  return rc;
}

static int write_steps(vs_outdir *d, const char *prefix, const vs_study_threshold *t)
{
  const vs_threshold_result *res = &t->res;
  char name[256], limits[64];
  FILE *f = open_csv(d, prefix, "steps.csv", name, sizeof(name));
  if (!f)
    return VS_EIO;
  fprintf(f, "k,all_ready_s,mean_ready_s,slowdown,peak_cpu_util,mean_disk_MBps,io_MBps,peak_link_util,"
             "max_per_disk,limits\n");
  for (size_t i = 0; i < res->n_steps; i++) {
    const vs_threshold_step *st = &res->steps[i];
    fprintf(f, "%d,%.3f,%.3f,%.4f,%.4f,%.3f,%.3f,%.4f,%d,%s\n", st->k, st->m.all_ready_s, st->m.mean_ready_s,
            st->slowdown, st->m.peak_cpu_util, st->m.mean_disk_MBps, st->io_MBps, st->m.peak_link_util,
            st->max_per_disk, st->limits ? vs_threshold_limits_format(st->limits, limits, sizeof(limits)) : "");
  }
  return vs_outdir_close_file(d, f, name);
}

static int write_k(vs_outdir *d, const char *prefix, const vs_scenario *sc, const vs_study_threshold *t, int k)
{
  const vs_boot_result *r = vs_study_threshold_result(t, k);
  char sub[64];
  snprintf(sub, sizeof(sub), "%sk%d-", prefix, k);
  return r ? vs_series_write_boot(d, sub, sc, r) : VS_OK;
}

int vs_series_write_threshold(vs_outdir *d, const char *prefix, const vs_scenario *sc, const vs_study_threshold *t)
{
  int rc = write_steps(d, prefix, t);
  for (int k = t->res.threshold; rc == VS_OK && k <= t->res.threshold + 1; k++)
    rc = write_k(d, prefix, sc, t, k);
  return rc;
}

int vs_series_write_threshold_all(vs_outdir *d, const char *prefix, const vs_scenario *sc,
                                  const vs_study_threshold *t)
{
  int rc = write_steps(d, prefix, t);
  for (int k = 1; rc == VS_OK && k < t->by_k_len; k++)
    rc = write_k(d, prefix, sc, t, k);
  return rc;
}

int vs_series_write_schedule(vs_outdir *d, const char *name, const vs_scenario *sc, const vs_schedule *s)
{
  FILE *f = vs_outdir_file(d, name);
  int rc;
  if (!f)
    return VS_EIO;
  rc = vs_schedule_write_csv(s, sc, f);
  int rc2 = vs_outdir_close_file(d, f, name);
  return rc != VS_OK ? rc : rc2;
}
