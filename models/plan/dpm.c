#include "plan/dpm.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "plan/schedule.h"

void vs_dpm_plan_clear(vs_dpm_plan *p)
{
  free(p->hosts);
  memset(p, 0, sizeof(*p));
}

int vs_dpm_apply(vs_schedule *s, const vs_scenario *sc, vs_dpm_plan *p)
{
  int H = sc->hosts.count, slots = sc->hosts.vm_slots;
  vs_dpm_plan_clear(p);
  /* Without a slot count the desktops spread over every host, as without DPM. */
  if (!slots)
    slots = (int)((s->n + (size_t)H - 1) / (size_t)H);
  if (slots < 1)
    slots = 1;
  size_t needed = (s->n + (size_t)slots - 1) / (size_t)slots;
  if (needed > (size_t)H)
    return vs_error_set(VS_EINPUT, "%s: DPM: %zu desktops need %zu hosts of %d slots (hosts.vm_slots); the scenario has %d",
                        sc->path ? sc->path : sc->name, s->n, needed, slots, H);
  if (!(p->hosts = calloc((size_t)H, sizeof(*p->hosts))))
    return vs_error_set(VS_ENOMEM, "out of memory");
  p->n_hosts = H;
  p->window_start_s = sc->workload.earliest_start_s;
  p->window_end_s = p->window_start_s;
  for (int h = 0; h < H; h++)
    p->hosts[h].power_on_s = h < sc->dpm.min_hosts_on ? p->window_start_s : INFINITY;
  /* Entries are in start order: the first `slots` desktops fill host 0,
   * the next host 1, ... Desktops stay running, so slots are not reused. */
  for (size_t i = 0; i < s->n; i++) {
    vs_schedule_entry *e = &s->entries[i];
    vs_dpm_host *h = &p->hosts[i / (size_t)slots];
    e->host = (int)(i / (size_t)slots);
    /* Whole seconds, rounded earlier: a power-on written later than needed
     * would make the host late. */
    h->power_on_s = fmin(h->power_on_s, floor(e->start_s - sc->hosts.power_on_s));
    h->vms++;
    p->window_end_s = fmax(p->window_end_s, fmax(e->ready_by_s, e->expected_ready_s));
  }
  double vm_hours = 0;
  for (size_t i = 0; i < s->n; i++)
    vm_hours += (p->window_end_s - s->entries[i].start_s) / 3600.0;
  for (int h = 0; h < H; h++) {
    vs_dpm_host *x = &p->hosts[h];
    if (isinf(x->power_on_s))
      continue;
    p->hosts_used++;
    p->late_hosts += x->power_on_s < p->window_start_s - 1e-6;
    p->host_hours += (p->window_end_s - x->power_on_s) / 3600.0;
  }
  p->host_hours_all_on = H * (p->window_end_s - p->window_start_s) / 3600.0;
  if (sc->hosts.idle_W > 0) {
    p->energy_kWh = (p->host_hours * sc->hosts.idle_W + vm_hours * sc->hosts.per_vm_W) / 1000.0;
    p->energy_all_on_kWh = (p->host_hours_all_on * sc->hosts.idle_W + vm_hours * sc->hosts.per_vm_W) / 1000.0;
  } else
    p->energy_kWh = p->energy_all_on_kWh = NAN;
  return VS_OK;
}
