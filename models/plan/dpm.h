/* Distributed power management for a schedule: hosts are off until their
 * desktops need them. The morning's desktops are consolidated on as few
 * hosts as their slots allow (hosts.vm_slots), in the order they are powered
 * on; each host is powered on hosts.power_on before its first desktop
 * starts (the first dpm.min_hosts_on are on from workload.earliest_start),
 * and the host-hours and energy are set against all hosts kept on. Plain C
 * over the schedule. */
#ifndef VS_DPM_H
#define VS_DPM_H

#include <stddef.h>

#include "scenario/scenario.h"

typedef struct {
  double power_on_s; /* s since midnight the host must be powered on; INFINITY: it stays off */
  int vms;           /* desktops it runs */
} vs_dpm_host;

typedef struct {
  vs_dpm_host *hosts;        /* per host */
  int n_hosts, hosts_used;
  int late_hosts;            /* hosts that would have to be powered on before earliest_start */
  double window_start_s, window_end_s; /* earliest_start .. the last deadline */
  double host_hours, host_hours_all_on;
  double energy_kWh, energy_all_on_kWh; /* NAN without hosts.power */
} vs_dpm_plan;

/* Re-host the schedule's entries (their starts unchanged) and plan the
 * hosts' power-ons; VS_EINPUT when the desktops need more hosts than the
 * scenario has. `out` is cleared first. */
struct vs_schedule;
int vs_dpm_apply(struct vs_schedule *s, const vs_scenario *sc, vs_dpm_plan *out);
void vs_dpm_plan_clear(vs_dpm_plan *p);

#endif
