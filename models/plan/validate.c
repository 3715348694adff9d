#include "plan/validate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

static int by_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

/* One VM into its deadline's row (created on first use). */
static int deadline_add(vs_validation *v, double by, int on_time)
{
  size_t d = 0;
  while (d < v->n_deadlines && fabs(v->deadlines[d].ready_by_s - by) > 1e-6)
    d++;
  if (d == v->n_deadlines) {
    vs_deadline_report *grown = realloc(v->deadlines, (d + 1) * sizeof(*grown));
    if (!grown)
      return vs_error_set(VS_ENOMEM, "out of memory");
    v->deadlines = grown;
    v->deadlines[d] = (vs_deadline_report){by, 0, 0};
    v->n_deadlines++;
  }
  v->deadlines[d].vms++;
  v->deadlines[d].on_time += on_time;
  return VS_OK;
}

/* The workload's VMs (ids 0..N-1, in demand order) that the schedule never
 * powers on: a schedule that forgets desktops is not on time. They count
 * as late in their deadline and class. */
static int count_missing(const vs_scenario *sc, const vs_schedule *s, vs_validation *v)
{
  size_t total = (size_t)vs_scenario_total_vms(sc), id = 0;
  unsigned char *seen = calloc(total ? total : 1, 1);
  int rc = VS_OK;
  if (!seen)
    return vs_error_set(VS_ENOMEM, "out of memory");
  for (size_t i = 0; i < s->n; i++)
    if (s->entries[i].vm >= 0 && (size_t)s->entries[i].vm < total)
      seen[s->entries[i].vm] = 1;
  for (size_t p = 0; p < sc->workload.len && rc == VS_OK; p++)
    for (int k = 0; k < sc->workload.points[p].vms && rc == VS_OK; k++, id++)
      if (!seen[id]) {
        v->missing_vms++;
        v->classes[sc->workload.points[p].cls].vms++;
        rc = deadline_add(v, sc->workload.points[p].ready_by_s, 0);
      }
  free(seen);
  return rc;
}

static int deadline_reports(vs_validation *v, const vs_schedule *s, const double *ready_abs)
{
  for (size_t i = 0; i < s->n; i++) {
    int rc = deadline_add(v, s->entries[i].ready_by_s, ready_abs[i] <= s->entries[i].ready_by_s + 1e-6);
    if (rc != VS_OK)
      return rc;
  }
  return VS_OK;
}

/* A handful of deadlines: insertion sort keeps it simple. */
static void sort_deadlines(vs_validation *v)
{
  for (size_t a = 1; a < v->n_deadlines; a++)
    for (size_t b = a; b > 0 && v->deadlines[b].ready_by_s < v->deadlines[b - 1].ready_by_s; b--) {
      vs_deadline_report t = v->deadlines[b];
      v->deadlines[b] = v->deadlines[b - 1];
      v->deadlines[b - 1] = t;
    }
}

int vs_validate(const vs_scenario *sc, const vs_schedule *s, double origin, const vs_boot_result *r,
                const vs_capacity *cap, vs_validation *v)
{
  double *late = NULL, *ready_abs = NULL, cpu_f = 0;
  int rc = VS_OK;

  memset(v, 0, sizeof(*v));
  if (r->n_vms != s->n)
    return vs_error_set(VS_ESIM, "simulated %zu VMs for a schedule of %zu", r->n_vms, s->n);
  late = calloc(s->n ? s->n : 1, sizeof(*late));
  ready_abs = calloc(s->n ? s->n : 1, sizeof(*ready_abs));
  if (!late || !ready_abs) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  v->first_start_s = INFINITY;
  v->min_slack_s = s->n ? INFINITY : 0;
  v->n_classes = sc->n_classes;
  for (size_t i = 0; i < s->n; i++) {
    const vs_schedule_entry *e = &s->entries[i];
    vs_class_report *c = &v->classes[e->cls];
    double alone = cap->class_boot_s[e->cls] > 0 ? cap->class_boot_s[e->cls] : cap->boot_s;
    c->vms++;
    cpu_f += vs_capacity_fixed_cpu_f(sc, e->cls, r->read_B[i]);
    v->first_start_s = fmin(v->first_start_s, origin + r->started_s[i]);
    if (isnan(r->ready_s[i])) {
      /* A live VM that never became ready: late, by an unknown amount. */
      ready_abs[i] = INFINITY;
      v->late_vms++;
      v->not_ready++;
      continue;
    }
    ready_abs[i] = origin + r->ready_s[i];
    late[i] = fmax(0, ready_abs[i] - e->ready_by_s);
    v->min_slack_s = fmin(v->min_slack_s, e->ready_by_s - ready_abs[i]);
    if (late[i] > 1e-6)
      v->late_vms++;
    else
      c->on_time++;
    double idle = fmax(0, e->ready_by_s - ready_abs[i]) / 60.0;
    v->max_lateness_s = fmax(v->max_lateness_s, late[i]);
    c->max_lateness_s = fmax(c->max_lateness_s, late[i]);
    v->idle_vm_minutes += idle;
    c->idle_vm_minutes += idle;
    v->powered_vm_minutes += (fmax(ready_abs[i], e->ready_by_s) - (origin + r->started_s[i])) / 60.0;
    v->last_ready_s = fmax(v->last_ready_s, ready_abs[i]);
    if (alone > 0) {
      double ratio = (r->ready_s[i] - r->started_s[i]) / alone;
      v->slowest_boot_ratio = fmax(v->slowest_boot_ratio, ratio);
      c->slowest_boot_ratio = fmax(c->slowest_boot_ratio, ratio);
    }
  }
  qsort(late, s->n, sizeof(*late), by_double);
  v->p95_lateness_s = s->n ? late[(size_t)ceil(0.95 * (double)s->n) - 1] : 0;
  v->idle_energy_kWh = sc->energy.vm_power_W > 0 ? v->idle_vm_minutes / 60.0 * sc->energy.vm_power_W / 1000.0 : NAN;
  v->peak_concurrency = r->peak_concurrency;
  v->peak_cpu_util = r->peak_cpu_util;
  v->storm = v->slowest_boot_ratio > sc->storm.max_slowdown;
  v->makespan_s = s->n ? v->last_ready_s - v->first_start_s : 0;
  vs_capacity_storm_free_bound(sc, r->total_read_B, cpu_f, &v->storm_free);
  vs_capacity_physical_bound(sc, r->total_read_B, cpu_f, &v->physical);
  v->storm_free_ratio = v->storm_free.bound_s > 0 ? v->makespan_s / v->storm_free.bound_s : 0;
  v->physical_ratio = v->physical.bound_s > 0 ? v->makespan_s / v->physical.bound_s : 0;
  if ((rc = deadline_reports(v, s, ready_abs)) == VS_OK && (rc = count_missing(sc, s, v)) == VS_OK) {
    sort_deadlines(v);
    v->late_vms += v->missing_vms;
    size_t all = s->n + (size_t)v->missing_vms;
    v->ready_fraction = all ? (double)(all - (size_t)v->late_vms) / (double)all : 1;
  }
cleanup:
  free(late);
  free(ready_abs);
  if (rc != VS_OK)
    vs_validation_clear(v);
  return rc;
}

void vs_validation_clear(vs_validation *v)
{
  free(v->deadlines);
  memset(v, 0, sizeof(*v));
}
