/* Where VM images live and where VMs run. Plain C. */
#ifndef VS_PLACEMENT_H
#define VS_PLACEMENT_H

#include "scenario.h"

/* For VM index i of n booted together: its compute host and the global index
 * of the HDD holding its image. */
void vs_place_vm(const vs_scenario *sc, int i, int n, int *host, int *disk);
/* Global HDD index -> (owner index, HDD index within the owner); the owner is
 * a NAS for nas storage and a compute host for local storage. */
void vs_disk_owner(const vs_scenario *sc, int disk, int *owner, int *local);
/* Largest number of the first k VMs that share one HDD. */
int vs_place_max_per_disk(const vs_scenario *sc, int k);
/* Largest number of the first k VMs that read through one NAS uplink (0 for local). */
int vs_place_max_per_link(const vs_scenario *sc, int k);

#endif
