#include "report/text.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/units.h"
#include "scenario/placement.h"

/* ---- one experiment ---- */

void vs_text_boot(FILE *out, const vs_scenario *sc, const vs_boot_result *r)
{
  if (r->domain_type) {
    fprintf(out, "%s: %zu VMs booted live (%s, %s)\n", sc->name, r->n_vms, r->backend, r->domain_type);
    fprintf(out, "  all ready after %.1f s, mean boot %.1f s, slowest %.1f s\n", r->all_ready_s, r->mean_ready_s,
            r->max_boot_s);
    fprintf(out, "  peak host CPU %.0f %%, host overhead (host - VM processes) %.1f %% mean, %.1f %% peak\n",
            100 * r->peak_cpu_util, 100 * r->host_overhead_cpu_util, 100 * r->peak_host_overhead_cpu_util);
    fprintf(out, "  disk reads %.1f MB, %.2f MB/s per disk\n", r->total_read_B / 1e6, r->mean_disk_MBps);
    if (r->not_ready)
      fprintf(out, "  %d VM%s NOT ready\n", r->not_ready, r->not_ready == 1 ? "" : "s");
    return;
  }
  fprintf(out, "%s: %zu VM%s booted at once\n", sc->name, r->n_vms, r->n_vms == 1 ? "" : "s");
  fprintf(out, "  all ready after     %8.1f s   (mean %.1f s per VM, slowest %.1f s)\n", r->all_ready_s,
          r->mean_ready_s, r->max_boot_s);
  fprintf(out, "  peak host CPU       %8.1f %%   (busiest host, %.0f s window)\n", 100 * r->peak_cpu_util,
          sc->storm.cpu_window_s);
  fprintf(out, "  disk throughput     %8.2f MB/s per busy HDD (%d HDD%s, %.2f MB/s in all)\n",
          r->mean_disk_MBps, r->disks_used, r->disks_used == 1 ? "" : "s", r->total_disk_MBps);
  if (sc->storage.kind == VS_STORAGE_NAS)
    fprintf(out, "  peak uplink use     %8.1f %%   (busiest NAS uplink)\n", 100 * r->peak_link_util);
}

void vs_text_spread(FILE *out, const char *what, const vs_stats *s)
{
  fprintf(out, "  over %zu runs: %s mean %.1f s (p5 %.1f s, p95 %.1f s; 95 %% interval of the mean %.1f .. %.1f s)\n",
          s->n, what, s->mean, s->p5, s->p95, s->ci95_lo, s->ci95_hi);
}

/* ---- threshold ---- */

void vs_text_threshold_header(FILE *out, const vs_scenario *sc)
{
  fprintf(out, "%6s %10s %10s %8s %8s %11s %12s %8s  %s\n", "k", "all ready", "mean/VM", "slowdown", "peak CPU",
          "disk/HDD", sc->storage.kind == VS_STORAGE_NAS ? "boot I/O" : "boot I/O", "VMs/HDD", "limits");
}

void vs_text_threshold_step(FILE *out, const vs_threshold_step *st)
{
  char limits[64];
  fprintf(out, "%6d %8.1f s %8.1f s %7.2fx %7.1f%% %6.2f MB/s %7.1f MB/s %8d  %s\n", st->k, st->m.all_ready_s,
          st->m.mean_ready_s, st->slowdown, 100 * st->m.peak_cpu_util, st->m.mean_disk_MBps, st->io_MBps,
          st->max_per_disk, st->limits ? vs_threshold_limits_format(st->limits, limits, sizeof(limits)) : "-");
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
            sc->storm.cpu_window_s);
  if (st->limits & VS_LIMIT_HDD)
    fprintf(out, "  - hdd: %d VMs on %d HDDs, so %d VMs interleave their reads on one HDD\n", st->k,
            vs_scenario_total_hdds(sc), st->max_per_disk);
  if (st->limits & VS_LIMIT_LINK)
    fprintf(out, "  - link: %d VMs behind one uplink need %.1f MB/s, the uplink carries %.1f MB/s\n",
            st->max_per_link, st->max_per_link * st->io_MBps / st->k, sc->storage.link_Bps / 1e6);
  if (st->limits & VS_LIMIT_SLOWDOWN)
    fprintf(out, "  - slowdown: all ready %.2fx slower than the linear trend (tolerated: %.2fx)\n", st->slowdown,
            sc->storm.max_slowdown);
}

static void sim_threshold(FILE *out, const vs_scenario *sc, const vs_study_threshold *t)
{
  const vs_threshold_result *res = &t->res;
  char limits[64];

  fprintf(out, "%s: boot-storm threshold search (one VM alone: %.1f s, %.2f MB/s of boot I/O)\n", sc->name,
          res->unloaded_boot_s, res->vm_io_Bps / 1e6);
  vs_text_threshold_header(out, sc);
  for (size_t i = 0; i < res->n_steps; i++)
    vs_text_threshold_step(out, &res->steps[i]);
  if (res->capped) {
    fprintf(out, "threshold: at least %d simultaneous boots (no limit tripped up to --max-k)\n", res->threshold);
    return;
  }
  fprintf(out, "threshold: %d simultaneous boot%s; at %d: %s\n", res->threshold, res->threshold == 1 ? "" : "s",
          res->threshold + 1, vs_threshold_limits_format(res->limits, limits, sizeof(limits)));
  const vs_threshold_step *st = step_at(res, res->threshold + 1);
  if (st)
    explain(out, sc, st);
}

/* The live table: what was measured, with the host overhead beside it. */
static void live_threshold(FILE *out, const vs_scenario *sc, const vs_study_threshold *t)
{
  const vs_threshold_result *res = &t->res;
  const vs_boot_result *first = vs_study_threshold_result(t, 1);
  char lim[64];
  fprintf(out, "%s: live boot-storm threshold (%s, %s)\n", sc->name, first->backend, first->domain_type);
  fprintf(out, "     k  all ready    mean/VM  peak CPU  overhead   disk MB/s  read MB  limits\n");
  for (size_t i = 0; i < res->n_steps; i++) {
    const vs_threshold_step *st = &res->steps[i];
    const vs_boot_result *r = vs_study_threshold_result(t, st->k);
    fprintf(out, "%6d %8.1f s %8.1f s %8.0f%% %8.1f%% %10.2f %8.1f  %s%s\n", st->k, st->m.all_ready_s,
            st->m.mean_ready_s, 100 * st->m.peak_cpu_util, r ? 100 * r->host_overhead_cpu_util : 0,
            st->m.mean_disk_MBps, r ? r->total_read_B / 1e6 : 0,
            vs_threshold_limits_format(st->limits, lim, sizeof(lim)), st->m.not_ready ? "  FAILED (VM not ready)" : "");
  }
  fprintf(out, "threshold: %d simultaneous boots%s%s\n", res->threshold,
          res->capped ? " (capped by --max-k)" : "; at the next k: ",
          res->capped ? "" : vs_threshold_limits_format(res->limits, lim, sizeof(lim)));
}

void vs_text_threshold(FILE *out, const vs_scenario *sc, const vs_study_threshold *t)
{
  const vs_boot_result *first = vs_study_threshold_result(t, 1);
  if (first && first->domain_type)
    live_threshold(out, sc, t);
  else
    sim_threshold(out, sc, t);
}

/* ---- schedules ---- */


/* One row per minute of power-ons: the paper's table for waves, a digest for
 * pipelined schedules. */
void vs_text_schedule(FILE *out, const vs_scenario *sc, const vs_schedule *s, const vs_capacity *cap, int full)
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
      const vs_schedule_entry *e = &s->entries[i];
      fprintf(out, "  %6d %-9s %-16s %-9s %-9s %-9s\n", e->vm, vs_placement_host_name(e->host, host, sizeof(host)),
              vs_placement_disk_name(sc, e->disk, disk, sizeof(disk)), vs_clock_format(e->start_s, a, sizeof(a)),
              vs_clock_format(e->ready_by_s, b, sizeof(b)), vs_clock_format(e->expected_ready_s, c, sizeof(c)));
    }
    return;
  }
  fprintf(out, "  %-8s %6s  %-9s %-9s %-9s\n", "minute", "VMs", "first", "last", "ready by");
  for (size_t i = 0; i < s->n;) {
    double minute = floor(s->entries[i].start_s / 60.0);
    size_t j = i;
    double by = s->entries[i].ready_by_s;
    while (j < s->n && floor(s->entries[j].start_s / 60.0) == minute) {
      by = fmin(by, s->entries[j].ready_by_s);
      j++;
    }
    vs_clock_format(minute * 60, a, sizeof(a));
    a[5] = '\0';
    fprintf(out, "  %-8s %6zu  %-9s %-9s %-9s\n", a, j - i, vs_clock_format(s->entries[i].start_s, b, sizeof(b)),
            vs_clock_format(s->entries[j - 1].start_s, c, sizeof(c)), vs_clock_format(by, pol, sizeof(pol)));
    i = j;
  }
}

void vs_text_shortfalls(FILE *out, const vs_scenario *sc, const vs_schedule *s)
{
  char a[32], b[32], c[32];
  for (size_t i = 0; i < s->n_shortfalls; i++) {
    const vs_schedule_shortfall *f = &s->shortfalls[i];
    fprintf(out, "INFEASIBLE: deadline %s: %d VM%s would have to be powered on at %s, before earliest_start %s\n",
            vs_clock_format(sc->workload.points[f->point].ready_by_s, a, sizeof(a)), f->late_vms,
            f->late_vms == 1 ? "" : "s", vs_clock_format(f->needed_start_s, b, sizeof(b)),
            vs_clock_format(sc->workload.earliest_start_s, c, sizeof(c)));
  }
  if (s->n_shortfalls && s->extra_lanes)
    fprintf(out, "  every deadline is met from %s with %d more concurrent storm-free boot(s) (%d instead of %d: "
                 "more HDDs, or uplink bandwidth where it binds)\n",
            vs_clock_format(sc->workload.earliest_start_s, c, sizeof(c)), s->extra_lanes, s->lanes + s->extra_lanes,
            s->lanes);
  const vs_dpm_plan *d = &s->dpm;
  for (int h = 0; d->hosts && h < d->n_hosts; h++)
    if (!isinf(d->hosts[h].power_on_s) && d->hosts[h].power_on_s < d->window_start_s - 1e-6) {
      char name[32];
      fprintf(out, "INFEASIBLE: %s would have to be powered on at %s, before earliest_start %s (hosts.power_on %.0f s)\n",
              vs_placement_host_name(h, name, sizeof(name)), vs_clock_format(d->hosts[h].power_on_s, a, sizeof(a)),
              vs_clock_format(d->window_start_s, b, sizeof(b)), sc->hosts.power_on_s);
    }
}

void vs_text_dpm(FILE *out, const vs_scenario *sc, const vs_schedule *s)
{
  const vs_dpm_plan *d = &s->dpm;
  char a[32], name[32];
  if (!d->hosts)
    return;
  fprintf(out, "power management (DPM): %d of %d hosts used, powered on %.0f s before their first desktop:\n ",
          d->hosts_used, d->n_hosts, sc->hosts.power_on_s);
  for (int h = 0; h < d->n_hosts; h++)
    if (!isinf(d->hosts[h].power_on_s))
      fprintf(out, " %s %s (%d)", vs_placement_host_name(h, name, sizeof(name)),
              vs_clock_format(d->hosts[h].power_on_s, a, sizeof(a)), d->hosts[h].vms);
  fprintf(out, "\n  host-hours %.1f (all hosts on from %s: %.1f)", d->host_hours,
          vs_clock_format(d->window_start_s, a, sizeof(a)), d->host_hours_all_on);
  if (!isnan(d->energy_kWh))
    fprintf(out, "; host energy %.1f kWh (all on: %.1f kWh)", d->energy_kWh, d->energy_all_on_kWh);
  fprintf(out, "\n");
}

void vs_text_validation(FILE *out, const vs_scenario *sc, const vs_validation *v)
{
  char a[32], b[32];
  int total = 0;
  for (size_t i = 0; i < v->n_deadlines; i++)
    total += v->deadlines[i].vms;
  fprintf(out, "validation (simulated):\n");
  fprintf(out, "  ready by deadline  %d/%d (%.1f %%):", total - v->late_vms, total, 100 * v->ready_fraction);
  for (size_t i = 0; i < v->n_deadlines; i++) {
    vs_clock_format(v->deadlines[i].ready_by_s, a, sizeof(a));
    a[5] = '\0';
    fprintf(out, " %s %d/%d", a, v->deadlines[i].on_time, v->deadlines[i].vms);
  }
  fprintf(out, "\n");
  if (v->n_classes > 1) {
    fprintf(out, "  ready by class    ");
    for (size_t i = 0; i < v->n_classes; i++)
      fprintf(out, " %s %d/%d (slowest boot %.2fx)", sc->classes[i].name, v->classes[i].on_time, v->classes[i].vms,
              v->classes[i].slowest_boot_ratio);
    fprintf(out, "\n");
  }
  if (v->missing_vms)
    fprintf(out, "  missing            %d VMs of the workload are not in the schedule (counted late)\n",
            v->missing_vms);
  if (v->late_vms)
    fprintf(out, "  late               %d VMs, up to %.1f s (p95 %.1f s)\n", v->late_vms, v->max_lateness_s,
            v->p95_lateness_s);
  else
    fprintf(out, "  late               none\n");
  fprintf(out, "  idle before use    %.1f VM-minutes", v->idle_vm_minutes);
  if (!isnan(v->idle_energy_kWh))
    fprintf(out, " (%.2f kWh at %.0f W per VM)", v->idle_energy_kWh, sc->energy.vm_power_W);
  fprintf(out, "\n  powered before use %.1f VM-minutes (booting + idle)", v->powered_vm_minutes);
  fprintf(out, "\n  first start        %s, last ready %s\n", vs_clock_format(v->first_start_s, a, sizeof(a)),
          vs_clock_format(v->last_ready_s, b, sizeof(b)));
  fprintf(out, "  peak concurrency   %d booting at once; peak host CPU %.0f %%\n", v->peak_concurrency,
          100 * v->peak_cpu_util);
  fprintf(out, "  storm              %s (slowest boot %.2fx one VM alone; tolerated %.2fx)\n", v->storm ? "YES" : "no",
          v->slowest_boot_ratio, sc->storm.max_slowdown);
  fprintf(out, "  makespan           %.1f s; storm-free bound %.1f s (%s, ratio %.3f); physical bound %.1f s "
               "(%s, ratio %.3f)\n",
          v->makespan_s, v->storm_free.bound_s, v->storm_free.by, v->storm_free_ratio, v->physical.bound_s,
          v->physical.by, v->physical_ratio);
}

void vs_text_policy_table(FILE *out, const char *const *names, const vs_validation *const *v, size_t n)
{
  fprintf(out, "\n%-14s %8s %5s %12s %13s %11s %6s %10s %10s %9s\n", "policy", "on time", "late", "idle VM-min",
          "powered VM-min", "first start", "storm", "makespan", "/storm-free", "/physical");
  for (size_t i = 0; i < n; i++) {
    char clock[32];
    fprintf(out, "%-14s %7.1f%% %5d %12.1f %13.1f %11s %6s %8.0f s %10.3f %9.3f\n", names[i],
            100 * v[i]->ready_fraction, v[i]->late_vms, v[i]->idle_vm_minutes, v[i]->powered_vm_minutes,
            vs_clock_format(v[i]->first_start_s, clock, sizeof(clock)), v[i]->storm ? "YES" : "no", v[i]->makespan_s,
            v[i]->storm_free_ratio, v[i]->physical_ratio);
  }
}
