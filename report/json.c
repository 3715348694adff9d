#include "report/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/units.h"
#include "scenario/placement.h"

cJSON *vs_json_cache(const vs_boot_result *r)
{
  cJSON *c = cJSON_CreateObject();
  cJSON_AddNumberToObject(c, "hit_ratio", r->total_read_B > 0 ? r->cache_hit_B / r->total_read_B : 0);
  cJSON_AddNumberToObject(c, "host_memory_bytes", r->cache_host_B);
  cJSON_AddNumberToObject(c, "guest_memory_bytes", r->cache_guest_B);
  return c;
}

cJSON *vs_json_boot(const vs_boot_result *r)
{
  cJSON *o = cJSON_CreateObject();
  cJSON *ready = cJSON_CreateArray();
  int live = r->domain_type != NULL;
  cJSON_AddNumberToObject(o, "vms", (double)r->n_vms);
  cJSON_AddNumberToObject(o, "all_ready_s", r->all_ready_s);
  cJSON_AddNumberToObject(o, "mean_ready_s", r->mean_ready_s);
  for (size_t i = 0; i < r->n_vms; i++)
    cJSON_AddItemToArray(ready, isnan(r->ready_s[i]) ? cJSON_CreateNull()
                                                     : cJSON_CreateNumber(r->ready_s[i] - r->started_s[i]));
  cJSON_AddItemToObject(o, "ready_s", ready);
  cJSON_AddNumberToObject(o, "peak_cpu_util", r->peak_cpu_util);
  cJSON_AddNumberToObject(o, "mean_disk_MBps", r->mean_disk_MBps);
  cJSON_AddNumberToObject(o, "peak_link_util", r->peak_link_util);
  cJSON_AddNumberToObject(o, "max_boot_s", r->max_boot_s);
  cJSON_AddNumberToObject(o, "total_disk_MBps", r->total_disk_MBps);
  cJSON_AddNumberToObject(o, "disks_used", r->disks_used);
  cJSON_AddNumberToObject(o, "read_MB", r->total_read_B / 1e6);
  cJSON_AddNumberToObject(o, "peak_concurrency", r->peak_concurrency);
  if (r->has_cache)
    cJSON_AddItemToObject(o, "cache", vs_json_cache(r));
  if (live) {
    cJSON *nr = cJSON_CreateArray();
    cJSON_AddStringToObject(o, "backend", r->backend);
    cJSON_AddStringToObject(o, "domain_type", r->domain_type);
    cJSON_AddNumberToObject(o, "host_overhead_cpu_util", r->host_overhead_cpu_util);
    cJSON_AddNumberToObject(o, "peak_host_overhead_cpu_util", r->peak_host_overhead_cpu_util);
    if (r->storage_read_B >= 0)
      cJSON_AddNumberToObject(o, "storage_read_MB", r->storage_read_B / 1e6);
    for (size_t i = 0; i < r->n_vms; i++)
      if (isnan(r->ready_s[i]))
        cJSON_AddItemToArray(nr, cJSON_CreateNumber(r->boots[i].vm));
    cJSON_AddItemToObject(o, "not_ready", nr);
  }
  return o;
}

static cJSON *limits_json(unsigned limits)
{
  cJSON *a = cJSON_CreateArray();
  for (unsigned bit = 1; bit < (1u << VS_LIMIT_COUNT); bit <<= 1)
    if (limits & bit)
      cJSON_AddItemToArray(a, cJSON_CreateString(vs_threshold_limit_name(bit)));
  return a;
}

cJSON *vs_json_threshold(const vs_study_threshold *t, const char *scenario)
{
  const vs_threshold_result *res = &t->res;
  cJSON *o = cJSON_CreateObject(), *steps = cJSON_CreateArray();
  const vs_boot_result *first = vs_study_threshold_result(t, 1);
  int live = first && first->domain_type;

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
    if (t->repeat.n > 1) {
      cJSON *rep = cJSON_AddObjectToObject(s, "repeat"), *trip = cJSON_CreateObject();
      cJSON_AddNumberToObject(rep, "n", (double)st->all_ready.n);
      cJSON_AddItemToObject(rep, "all_ready_s", vs_json_stats(&st->all_ready));
      cJSON_AddItemToObject(rep, "peak_cpu_util", vs_json_stats(&st->peak_cpu));
      for (int b = 0; b < VS_LIMIT_COUNT; b++)
        cJSON_AddNumberToObject(trip, vs_threshold_limit_name(1u << b), st->trip_share[b]);
      cJSON_AddItemToObject(rep, "trip_share", trip);
    }
    const vs_boot_result *r = vs_study_threshold_result(t, st->k);
    if (live && r) {
      cJSON_AddNumberToObject(s, "host_overhead_cpu_util", r->host_overhead_cpu_util);
      cJSON_AddNumberToObject(s, "read_MB", r->total_read_B / 1e6);
      cJSON_AddNumberToObject(s, "not_ready", r->not_ready);
    }
    cJSON_AddItemToArray(steps, s);
  }
  cJSON_AddItemToObject(o, "steps", steps);
  /* Behind a read cache: how it served the threshold's own storm. */
  const vs_boot_result *at = vs_study_threshold_result(t, res->threshold > 0 ? res->threshold : 1);
  if (at && at->has_cache)
    cJSON_AddItemToObject(o, "cache", vs_json_cache(at));
  if (t->repeat.n > 1)
    cJSON_AddItemToObject(o, "repeat", vs_json_repeat(&t->repeat, NULL, NULL));
  if (live) {
    cJSON_AddStringToObject(o, "backend", first->backend);
    cJSON_AddStringToObject(o, "domain_type", first->domain_type);
  }
  return o;
}

cJSON *vs_json_schedule(const vs_scenario *sc, const vs_schedule *s, const vs_capacity *cap)
{
  char buf[48], host[32], disk[48];
  cJSON *o = cJSON_CreateObject(), *list = cJSON_CreateArray();
  cJSON_AddStringToObject(o, "policy", vs_policy_format(&s->policy, buf, sizeof(buf)));
  cJSON_AddStringToObject(o, "scenario", sc->name);
  for (size_t i = 0; i < s->n; i++) {
    const vs_schedule_entry *e = &s->entries[i];
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "vm", e->vm);
    cJSON_AddStringToObject(j, "host", vs_placement_host_name(e->host, host, sizeof(host)));
    cJSON_AddStringToObject(j, "disk", vs_placement_disk_name(sc, e->disk, disk, sizeof(disk)));
    cJSON_AddStringToObject(j, "start", vs_clock_format_ms(e->start_s, buf, sizeof(buf)));
    cJSON_AddStringToObject(j, "ready_by", vs_clock_format_ms(e->ready_by_s, buf, sizeof(buf)));
    cJSON_AddItemToArray(list, j);
  }
  cJSON_AddItemToObject(o, "schedule", list);
  cJSON *c = cJSON_AddObjectToObject(o, "capacity");
  cJSON_AddNumberToObject(c, "threshold", cap->threshold);
  cJSON_AddNumberToObject(c, "boot_s", cap->boot_s);
  cJSON_AddNumberToObject(c, "wave_s", cap->wave_s);
  if (s->lanes)
    cJSON_AddNumberToObject(c, "lanes", s->lanes);
  if (s->lanes && cap->lanes_slowdown > 0)
    cJSON_AddNumberToObject(c, "lanes_slowdown", cap->lanes_slowdown);
  cJSON_AddBoolToObject(o, "feasible", s->n_shortfalls == 0 && s->dpm.late_hosts == 0);
  if (s->dpm.hosts) {
    cJSON *hosts = cJSON_AddArrayToObject(o, "hosts");
    for (int h = 0; h < s->dpm.n_hosts; h++) {
      if (isinf(s->dpm.hosts[h].power_on_s))
        continue;
      char name[32];
      cJSON *j = cJSON_CreateObject();
      cJSON_AddStringToObject(j, "host", vs_placement_host_name(h, name, sizeof(name)));
      cJSON_AddStringToObject(j, "power_on", vs_clock_format(s->dpm.hosts[h].power_on_s, buf, sizeof(buf)));
      cJSON_AddNumberToObject(j, "vms", s->dpm.hosts[h].vms);
      cJSON_AddItemToArray(hosts, j);
    }
    cJSON_AddNumberToObject(o, "hosts_late", s->dpm.late_hosts);
    cJSON_AddNumberToObject(o, "host_hours", s->dpm.host_hours);
    cJSON_AddNumberToObject(o, "host_hours_all_on", s->dpm.host_hours_all_on);
    if (isnan(s->dpm.energy_kWh)) {
      cJSON_AddNullToObject(o, "host_energy_kWh");
      cJSON_AddNullToObject(o, "host_energy_all_on_kWh");
    } else {
      cJSON_AddNumberToObject(o, "host_energy_kWh", s->dpm.energy_kWh);
      cJSON_AddNumberToObject(o, "host_energy_all_on_kWh", s->dpm.energy_all_on_kWh);
    }
  }
  if (s->n_shortfalls) {
    cJSON *sf = cJSON_AddArrayToObject(o, "shortfalls");
    for (size_t i = 0; i < s->n_shortfalls; i++) {
      cJSON *j = cJSON_CreateObject();
      const vs_schedule_shortfall *f = &s->shortfalls[i];
      cJSON_AddStringToObject(j, "ready_by",
                              vs_clock_format(sc->workload.points[f->point].ready_by_s, buf, sizeof(buf)));
      cJSON_AddNumberToObject(j, "late_vms", f->late_vms);
      cJSON_AddStringToObject(j, "needed_start", vs_clock_format(f->needed_start_s, buf, sizeof(buf)));
      cJSON_AddItemToArray(sf, j);
    }
    if (s->extra_lanes)
      cJSON_AddNumberToObject(o, "extra_concurrent_boots_needed", s->extra_lanes);
  }
  return o;
}

cJSON *vs_json_validation(const vs_scenario *sc, const vs_validation *v)
{
  char buf[32];
  cJSON *o = cJSON_CreateObject();
  cJSON_AddNumberToObject(o, "ready_fraction", v->ready_fraction);
  cJSON_AddNumberToObject(o, "late_vms", v->late_vms);
  cJSON_AddNumberToObject(o, "missing_vms", v->missing_vms);
  cJSON_AddNumberToObject(o, "max_lateness_s", v->max_lateness_s);
  cJSON_AddNumberToObject(o, "p95_lateness_s", v->p95_lateness_s);
  cJSON_AddNumberToObject(o, "idle_vm_minutes", v->idle_vm_minutes);
  cJSON_AddNumberToObject(o, "powered_vm_minutes", v->powered_vm_minutes);
  if (isnan(v->idle_energy_kWh))
    cJSON_AddNullToObject(o, "idle_energy_kWh");
  else
    cJSON_AddNumberToObject(o, "idle_energy_kWh", v->idle_energy_kWh);
  cJSON_AddNumberToObject(o, "peak_concurrency", v->peak_concurrency);
  cJSON_AddNumberToObject(o, "peak_cpu_util", v->peak_cpu_util);
  cJSON_AddBoolToObject(o, "storm", v->storm);
  cJSON_AddNumberToObject(o, "slowest_boot_ratio", v->slowest_boot_ratio);
  cJSON_AddNumberToObject(o, "makespan_s", v->makespan_s);
  cJSON_AddNumberToObject(o, "storm_free_bound_s", v->storm_free.bound_s);
  cJSON_AddNumberToObject(o, "storm_free_bound_ratio", v->storm_free_ratio);
  cJSON_AddNumberToObject(o, "physical_bound_s", v->physical.bound_s);
  cJSON_AddNumberToObject(o, "physical_bound_ratio", v->physical_ratio);
  cJSON *by = cJSON_AddObjectToObject(o, "bounds_by");
  const vs_capacity_bound *b[2] = {&v->storm_free, &v->physical};
  const char *names[2] = {"storm_free", "physical"};
  for (int i = 0; i < 2; i++) {
    cJSON *one = cJSON_AddObjectToObject(by, names[i]);
    cJSON_AddNumberToObject(one, "hdd_s", b[i]->hdd_s);
    cJSON_AddNumberToObject(one, "link_s", b[i]->link_s);
    cJSON_AddNumberToObject(one, "cpu_s", b[i]->cpu_s);
  }
  cJSON_AddStringToObject(o, "first_start", vs_clock_format(v->first_start_s, buf, sizeof(buf)));
  cJSON_AddStringToObject(o, "last_ready", vs_clock_format(v->last_ready_s, buf, sizeof(buf)));
  cJSON_AddNumberToObject(o, "last_ready_s", v->last_ready_s);
  /* A never-ready live VM leaves no finite slack. */
  if (isfinite(v->min_slack_s))
    cJSON_AddNumberToObject(o, "min_slack_s", v->min_slack_s);
  cJSON *d = cJSON_AddArrayToObject(o, "deadlines");
  for (size_t i = 0; i < v->n_deadlines; i++) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "ready_by", vs_clock_format(v->deadlines[i].ready_by_s, buf, sizeof(buf)));
    cJSON_AddNumberToObject(j, "vms", v->deadlines[i].vms);
    cJSON_AddNumberToObject(j, "on_time", v->deadlines[i].on_time);
    cJSON_AddNumberToObject(j, "ready_fraction", (double)v->deadlines[i].on_time / v->deadlines[i].vms);
    cJSON_AddItemToArray(d, j);
  }
  cJSON *cl = cJSON_AddArrayToObject(o, "classes");
  for (size_t i = 0; i < v->n_classes; i++) {
    const vs_class_report *c = &v->classes[i];
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "name", sc->classes[i].name);
    cJSON_AddNumberToObject(j, "vms", c->vms);
    cJSON_AddNumberToObject(j, "on_time", c->on_time);
    cJSON_AddNumberToObject(j, "ready_fraction", c->vms ? (double)c->on_time / c->vms : 1);
    cJSON_AddNumberToObject(j, "late_vms", c->vms - c->on_time);
    cJSON_AddNumberToObject(j, "max_lateness_s", c->max_lateness_s);
    cJSON_AddNumberToObject(j, "idle_vm_minutes", c->idle_vm_minutes);
    cJSON_AddNumberToObject(j, "slowest_boot_ratio", c->slowest_boot_ratio);
    cJSON_AddItemToArray(cl, j);
  }
  if (v->not_ready)
    cJSON_AddNumberToObject(o, "not_ready", v->not_ready);
  return o;
}

cJSON *vs_json_stats(const vs_stats *s)
{
  cJSON *o = cJSON_CreateObject(), *ci = cJSON_CreateArray();
  cJSON_AddNumberToObject(o, "mean", s->mean);
  cJSON_AddNumberToObject(o, "sd", s->sd);
  cJSON_AddNumberToObject(o, "p5", s->p5);
  cJSON_AddNumberToObject(o, "p95", s->p95);
  cJSON_AddNumberToObject(o, "min", s->min);
  cJSON_AddNumberToObject(o, "max", s->max);
  cJSON_AddItemToArray(ci, cJSON_CreateNumber(s->ci95_lo));
  cJSON_AddItemToArray(ci, cJSON_CreateNumber(s->ci95_hi));
  cJSON_AddItemToObject(o, "ci95", ci);
  return o;
}

cJSON *vs_json_repeat(const vs_study_repeat *rp, const char *key, const vs_stats *s)
{
  cJSON *o = cJSON_CreateObject();
  cJSON_AddNumberToObject(o, "n", rp->n);
  cJSON_AddNumberToObject(o, "seed", (double)rp->seed);
  cJSON_AddBoolToObject(o, "seeded", rp->seeded);
  if (key && s)
    cJSON_AddItemToObject(o, key, vs_json_stats(s));
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
  vs_buf b = VS_BUF_INIT;
  int rc;
  *out = NULL;
  b.max = 16 << 20;
  if ((rc = vs_buf_read_file(&b, path)) != VS_OK)
    return rc;
  *out = cJSON_Parse(b.data);
  vs_buf_clear(&b);
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
