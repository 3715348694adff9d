/* Where VM images live and where VMs run. Plain C. */
#ifndef VS_PLACEMENT_H
#define VS_PLACEMENT_H

#include <stddef.h>

#include "scenario/scenario.h"

/* For VM index i of n booted together: its compute host and the global index
 * of the HDD holding its image. */
void vs_placement_vm(const vs_scenario *sc, int i, int n, int *host, int *disk);
/* Global HDD index -> (owner index, HDD index within the owner); the owner is
 * a NAS for nas storage and a compute host for local storage. */
void vs_placement_disk_owner(const vs_scenario *sc, int disk, int *owner, int *local);
/* The device a VM whose image is on HDD `disk` reads its boot from: the HDD
 * itself, or (storage.boot_from: ssd) an SSD of the same NAS or host. */
int vs_placement_boot_device(const vs_scenario *sc, int disk);
/* Largest number of the first k VMs that share one HDD. */
int vs_placement_max_per_disk(const vs_scenario *sc, int k);
/* Largest number of the first k VMs that read through one NAS uplink (0 for local). */
int vs_placement_max_per_link(const vs_scenario *sc, int k);

/* Resource names as in the simulator's outputs and schedule CSVs:
 * "host-3", "nas-0-hdd-4" (NAS) or "host-2-hdd-1" (local); devices past the
 * HDDs are SSDs, "nas-0-ssd-0". */
const char *vs_placement_host_name(int host, char *buf, size_t len);
const char *vs_placement_disk_name(const vs_scenario *sc, int disk, char *buf, size_t len);
/* "nas-0-uplink": the storage uplink of NAS `link`. */
const char *vs_placement_link_name(int link, char *buf, size_t len);
/* Parse a name (or a plain index) back; VS_EINPUT if it is not one of the scenario's. */
int vs_placement_host_parse(const vs_scenario *sc, const char *text, int *host);
int vs_placement_disk_parse(const vs_scenario *sc, const char *text, int *disk);
/* An HDD or SSD name ("nas-0-ssd-1") -> device index (HDDs first, then SSDs). */
int vs_placement_device_parse(const vs_scenario *sc, const char *text, int *dev);

#endif
