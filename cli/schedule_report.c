#include "schedule_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "scenario/placement.h"
#include "core/units.h"

#define JIT_MAX_ROUNDS 6
/* Added to each simulated boot time when jit re-plans: boots shift a little
 * when their neighbours move. */
#define JIT_GUARD_S 0.25

int vs_capacity_measure(vs_sim *sim, vs_threshold_run *tr, vs_capacity *cap)
{
  int rc = vs_threshold_run_search(tr);
  if (rc != VS_OK)
    return rc;
  const vs_boot_result *wave = vs_threshold_run_result(tr, tr->res.threshold);
  cap->threshold = tr->res.threshold > 0 ? tr->res.threshold : 1;
  cap->boot_s = tr->res.unloaded_boot_s;
  cap->wave_s = wave ? wave->all_ready_s : cap->boot_s;
  cap->vm_io_Bps = tr->res.vm_io_Bps;
  (void)sim;
  return VS_OK;
}

static int simulate(vs_sim *sim, const vs_capacity *cap, vs_sched_run *run)
{
  vs_boot_options opts = VS_BOOT_OPTIONS_INIT;
  vs_boot_req *plan = vs_schedule_plan(run->sched, &run->origin);
  int rc;
  if (!plan)
    return vs_error_set(VS_ENOMEM, "out of memory");
  opts.max_concurrent = run->sched->max_concurrent;
  opts.min_gap_s = run->sched->min_gap_s;
  vs_boot_result_free(run->result);
  run->result = NULL;
  vs_validation_clear(&run->v);
  rc = vs_sim_boot(sim, plan, run->sched->n, &opts, &run->result);
  free(plan);
  run->rounds++;
  if (rc == VS_OK)
    rc = vs_validate(vs_sim_scenario(sim), run->sched, run->origin, run->result, cap->boot_s, &run->v);
  return rc;
}

/* Dynamic policies: the schedule is what the launcher did. */
static void adopt_simulated_starts(vs_sched_run *run)
{
  for (size_t i = 0; i < run->sched->n; i++) {
    run->sched->entries[i].start = run->origin + run->result->started[i];
    run->sched->entries[i].expected_ready = run->origin + run->result->ready[i];
  }
}

/* Re-plan jit on the boot times the simulation measured, until every VM is
 * on time. A VM's planned boot time only ever grows (the largest measured so
 * far, plus a guard), so each round is at least as safe as the last and the
 * loop settles instead of chasing neighbours that moved. */
static int tighten_jit(vs_sim *sim, const vs_capacity *cap, vs_sched_run *run)
{
  const vs_scenario *sc = vs_sim_scenario(sim);
  size_t n = run->sched->n;
  double *planned = malloc((n ? n : 1) * sizeof(*planned)), *boot = malloc((n ? n : 1) * sizeof(*boot));
  int rc = VS_OK;
  if (!planned || !boot) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  /* Built schedules number their VMs 0..n-1. */
  for (size_t i = 0; i < n; i++)
    planned[i] = cap->boot_s;
  while (run->rounds < JIT_MAX_ROUNDS && run->v.late_vms) {
    for (size_t i = 0; i < n; i++) {
      int vm = run->sched->entries[i].vm;
      planned[vm] = fmax(planned[vm], run->result->ready[i] - run->result->started[i] + JIT_GUARD_S);
    }
    for (size_t i = 0; i < n; i++)
      boot[i] = planned[run->sched->entries[i].vm];
    if ((rc = vs_sched_refine(run->sched, sc, cap, boot)) != VS_OK || (rc = simulate(sim, cap, run)) != VS_OK)
      break;
  }
cleanup:
  free(planned);
  free(boot);
  return rc;
}

int vs_sched_run_policy(vs_sim *sim, const vs_capacity *cap, const vs_policy *p, vs_sched_run *run)
{
  int rc;
  memset(run, 0, sizeof(*run));
  if ((rc = vs_sched_build(vs_sim_scenario(sim), cap, p, &run->sched)) != VS_OK ||
      (rc = simulate(sim, cap, run)) != VS_OK)
    return rc;
  if (vs_policy_is_dynamic(p))
    adopt_simulated_starts(run);
  else if (p->kind == VS_POLICY_JIT && !run->sched->n_shortfalls)
    /* An infeasible plan's boot times are those of a pushed, late plan:
     * no basis to re-plan on. */
    rc = tighten_jit(sim, cap, run);
  return rc;
}

int vs_sched_run_given(vs_sim *sim, const vs_capacity *cap, vs_schedule *given, vs_sched_run *run)
{
  memset(run, 0, sizeof(*run));
  run->sched = given;
  return simulate(sim, cap, run);
}

void vs_sched_run_clear(vs_sched_run *run)
{
  vs_schedule_free(run->sched);
  vs_boot_result_free(run->result);
  vs_validation_clear(&run->v);
  memset(run, 0, sizeof(*run));
}

/* ---- JSON ---- */

cJSON *vs_schedule_json(const vs_scenario *sc, const vs_schedule *s, const vs_capacity *cap)
{
  char buf[48], host[32], disk[48];
  cJSON *o = cJSON_CreateObject(), *list = cJSON_CreateArray();
  cJSON_AddStringToObject(o, "policy", vs_policy_format(&s->policy, buf, sizeof(buf)));
  cJSON_AddStringToObject(o, "scenario", sc->name);
  for (size_t i = 0; i < s->n; i++) {
    const vs_sched_entry *e = &s->entries[i];
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "vm", e->vm);
    cJSON_AddStringToObject(j, "host", vs_host_name(e->host, host, sizeof(host)));
    cJSON_AddStringToObject(j, "disk", vs_disk_name(sc, e->disk, disk, sizeof(disk)));
    cJSON_AddStringToObject(j, "start", vs_clock_format(e->start, buf, sizeof(buf)));
    cJSON_AddStringToObject(j, "ready_by", vs_clock_format(e->ready_by, buf, sizeof(buf)));
    cJSON_AddItemToArray(list, j);
  }
  cJSON_AddItemToObject(o, "schedule", list);
  cJSON *c = cJSON_AddObjectToObject(o, "capacity");
  cJSON_AddNumberToObject(c, "threshold", cap->threshold);
  cJSON_AddNumberToObject(c, "boot_s", cap->boot_s);
  cJSON_AddNumberToObject(c, "wave_s", cap->wave_s);
  if (s->lanes)
    cJSON_AddNumberToObject(c, "lanes", s->lanes);
  cJSON_AddBoolToObject(o, "feasible", s->n_shortfalls == 0);
  if (s->n_shortfalls) {
    cJSON *sf = cJSON_AddArrayToObject(o, "shortfalls");
    for (size_t i = 0; i < s->n_shortfalls; i++) {
      cJSON *j = cJSON_CreateObject();
      const vs_sched_shortfall *f = &s->shortfalls[i];
      cJSON_AddStringToObject(j, "ready_by", vs_clock_format(sc->workload.points[f->point].ready_by, buf, sizeof(buf)));
      cJSON_AddNumberToObject(j, "late_vms", f->late_vms);
      cJSON_AddStringToObject(j, "needed_start", vs_clock_format(f->needed_start, buf, sizeof(buf)));
      cJSON_AddItemToArray(sf, j);
    }
    if (s->extra_lanes)
      cJSON_AddNumberToObject(o, "extra_concurrent_boots_needed", s->extra_lanes);
  }
  return o;
}

cJSON *vs_validation_json(const vs_validation *v)
{
  char buf[32];
  cJSON *o = cJSON_CreateObject();
  cJSON_AddNumberToObject(o, "ready_fraction", v->ready_fraction);
  cJSON_AddNumberToObject(o, "late_vms", v->late_vms);
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
  cJSON_AddNumberToObject(o, "lower_bound_s", v->bound.bound_s);
  cJSON_AddNumberToObject(o, "bound_ratio", v->bound_ratio);
  cJSON *lb = cJSON_AddObjectToObject(o, "lower_bound_by");
  cJSON_AddNumberToObject(lb, "hdd_s", v->bound.hdd_s);
  cJSON_AddNumberToObject(lb, "link_s", v->bound.link_s);
  cJSON_AddNumberToObject(lb, "cpu_s", v->bound.cpu_s);
  cJSON_AddStringToObject(o, "first_start", vs_clock_format(v->first_start, buf, sizeof(buf)));
  cJSON_AddStringToObject(o, "last_ready", vs_clock_format(v->last_ready, buf, sizeof(buf)));
  cJSON *d = cJSON_AddArrayToObject(o, "deadlines");
  for (size_t i = 0; i < v->n_deadlines; i++) {
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "ready_by", vs_clock_format(v->deadlines[i].ready_by, buf, sizeof(buf)));
    cJSON_AddNumberToObject(j, "vms", v->deadlines[i].vms);
    cJSON_AddNumberToObject(j, "on_time", v->deadlines[i].on_time);
    cJSON_AddNumberToObject(j, "ready_fraction", (double)v->deadlines[i].on_time / v->deadlines[i].vms);
    cJSON_AddItemToArray(d, j);
  }
  return o;
}

/* ---- text ---- */

/* One row per minute of power-ons: the paper's table for waves, a digest for
 * pipelined schedules. */
void vs_schedule_print(FILE *out, const vs_scenario *sc, const vs_schedule *s, const vs_capacity *cap, int full)
{
  char pol[48], a[32], b[32], c[32], host[32], disk[48];
  fprintf(out, "%s: %s schedule for %zu VMs (threshold %d; one VM alone %.1f s, a wave of %d %.1f s", sc->name,
          vs_policy_format(&s->policy, pol, sizeof(pol)), s->n, cap->threshold, cap->boot_s, cap->threshold,
          cap->wave_s);
  if (s->lanes)
    fprintf(out, "; %d storm-free lanes", s->lanes);
  fprintf(out, ")\n");
  if (full) {
    fprintf(out, "  %6s %-9s %-16s %-9s %-9s %-9s\n", "vm", "host", "disk", "start", "ready by", "expected");
    for (size_t i = 0; i < s->n; i++) {
      const vs_sched_entry *e = &s->entries[i];
      fprintf(out, "  %6d %-9s %-16s %-9s %-9s %-9s\n", e->vm, vs_host_name(e->host, host, sizeof(host)),
              vs_disk_name(sc, e->disk, disk, sizeof(disk)), vs_clock_format(e->start, a, sizeof(a)),
              vs_clock_format(e->ready_by, b, sizeof(b)), vs_clock_format(e->expected_ready, c, sizeof(c)));
    }
    return;
  }
  fprintf(out, "  %-8s %6s  %-9s %-9s %-9s\n", "minute", "VMs", "first", "last", "ready by");
  for (size_t i = 0; i < s->n;) {
    double minute = floor(s->entries[i].start / 60.0);
    size_t j = i;
    double by = s->entries[i].ready_by;
    while (j < s->n && floor(s->entries[j].start / 60.0) == minute) {
      by = fmin(by, s->entries[j].ready_by);
      j++;
    }
    vs_clock_format(minute * 60, a, sizeof(a));
    a[5] = '\0';
    fprintf(out, "  %-8s %6zu  %-9s %-9s %-9s\n", a, j - i, vs_clock_format(s->entries[i].start, b, sizeof(b)),
            vs_clock_format(s->entries[j - 1].start, c, sizeof(c)), vs_clock_format(by, pol, sizeof(pol)));
    i = j;
  }
}

void vs_shortfalls_print(FILE *out, const vs_scenario *sc, const vs_schedule *s)
{
  char a[32], b[32], c[32];
  for (size_t i = 0; i < s->n_shortfalls; i++) {
    const vs_sched_shortfall *f = &s->shortfalls[i];
    fprintf(out, "INFEASIBLE: deadline %s: %d VM%s would have to be powered on at %s, before earliest_start %s\n",
            vs_clock_format(sc->workload.points[f->point].ready_by, a, sizeof(a)), f->late_vms,
            f->late_vms == 1 ? "" : "s", vs_clock_format(f->needed_start, b, sizeof(b)),
            vs_clock_format(sc->workload.earliest_start, c, sizeof(c)));
  }
  if (s->n_shortfalls && s->extra_lanes)
    fprintf(out, "  every deadline is met from %s with %d more concurrent storm-free boot(s) (%d instead of %d: "
                 "more HDDs, or uplink bandwidth where it binds)\n",
            vs_clock_format(sc->workload.earliest_start, c, sizeof(c)), s->extra_lanes, s->lanes + s->extra_lanes,
            s->lanes);
}

void vs_validation_print(FILE *out, const vs_scenario *sc, const vs_validation *v)
{
  char a[32], b[32];
  int total = 0;
  for (size_t i = 0; i < v->n_deadlines; i++)
    total += v->deadlines[i].vms;
  fprintf(out, "validation (simulated):\n");
  fprintf(out, "  ready by deadline  %d/%d (%.1f %%):", total - v->late_vms, total, 100 * v->ready_fraction);
  for (size_t i = 0; i < v->n_deadlines; i++) {
    vs_clock_format(v->deadlines[i].ready_by, a, sizeof(a));
    a[5] = '\0';
    fprintf(out, " %s %d/%d", a, v->deadlines[i].on_time, v->deadlines[i].vms);
  }
  fprintf(out, "\n");
  if (v->late_vms)
    fprintf(out, "  late               %d VMs, up to %.1f s (p95 %.1f s)\n", v->late_vms, v->max_lateness_s,
            v->p95_lateness_s);
  else
    fprintf(out, "  late               none\n");
  fprintf(out, "  idle before use    %.1f VM-minutes", v->idle_vm_minutes);
  if (!isnan(v->idle_energy_kWh))
    fprintf(out, " (%.2f kWh at %.0f W per VM)", v->idle_energy_kWh, sc->energy.vm_power);
  fprintf(out, "\n  powered before use %.1f VM-minutes (booting + idle)", v->powered_vm_minutes);
  fprintf(out, "\n  first start        %s, last ready %s\n", vs_clock_format(v->first_start, a, sizeof(a)),
          vs_clock_format(v->last_ready, b, sizeof(b)));
  fprintf(out, "  peak concurrency   %d booting at once; peak host CPU %.0f %%\n", v->peak_concurrency,
          100 * v->peak_cpu_util);
  fprintf(out, "  storm              %s (slowest boot %.2fx one VM alone; tolerated %.2fx)\n", v->storm ? "YES" : "no",
          v->slowest_boot_ratio, sc->storm.max_slowdown);
  const char *by = v->bound.bound_s == v->bound.hdd_s ? "HDDs" : v->bound.bound_s == v->bound.link_s ? "uplinks" : "CPU";
  fprintf(out, "  makespan           %.1f s; lower bound %.1f s (%s); ratio %.3f\n", v->makespan_s, v->bound.bound_s,
          by, v->bound_ratio);
}

int vs_schedule_save_csv(vs_outdir *d, const char *name, const vs_scenario *sc, const vs_schedule *s)
{
  FILE *f = vs_outdir_file(d, name);
  int rc;
  if (!f)
    return VS_EIO;
  rc = vs_sched_write_csv(s, sc, f);
  int rc2 = vs_outdir_close_file(d, f, name);
  return rc != VS_OK ? rc : rc2;
}
