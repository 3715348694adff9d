#include "placement.h"

#include <stdlib.h>

static int pack_per_disk(const vs_scenario *sc, int n)
{
  int hdds = vs_scenario_total_hdds(sc);
  if (sc->storage.vms_per_hdd > 0)
    return sc->storage.vms_per_hdd;
  return n <= hdds ? 1 : (n + hdds - 1) / hdds;
}

/* With several NAS, the hosts are split into one group per NAS (as racks
 * each have their own shelf) and a VM runs in the group of the NAS holding
 * its image, round-robin within the group. Besides being how sites are
 * built, it keeps each NAS's flows off the other NAS's links, so the
 * simulator solves one small sharing problem per NAS instead of one for the
 * whole site. */
static int nas_affine_host(const vs_scenario *sc, int i, int disk)
{
  int hosts = sc->hosts.count, group = hosts / sc->storage.nas_count;
  if (group < 1)
    return i % hosts;
  int hdds = vs_scenario_total_hdds(sc), per = sc->storage.hdds;
  int nas = disk / per, rank = (i / hdds) * per + disk % per;
  return nas * group + rank % group;
}

void vs_place_vm(const vs_scenario *sc, int i, int n, int *host, int *disk)
{
  int hosts = sc->hosts.count, hdds = vs_scenario_total_hdds(sc);

  if (sc->storage.kind == VS_STORAGE_LOCAL) {
    /* A VM can only read a local image from its own host's HDDs. */
    int per = sc->storage.hdds;
    *host = i % hosts;
    int slot = i / hosts;
    if (sc->storage.placement == VS_PLACE_PACK)
      slot /= pack_per_disk(sc, (n + hosts - 1) / hosts);
    *disk = *host * per + slot % per;
    return;
  }
  if (sc->storage.placement == VS_PLACE_SPREAD)
    *disk = i % hdds;
  else
    *disk = (i / pack_per_disk(sc, n)) % hdds;
  *host = nas_affine_host(sc, i, *disk);
}

void vs_disk_owner(const vs_scenario *sc, int disk, int *owner, int *local)
{
  *owner = disk / sc->storage.hdds;
  *local = disk % sc->storage.hdds;
}

static int max_count(const vs_scenario *sc, int k, int by_link)
{
  int slots = by_link ? sc->storage.nas_count : vs_scenario_total_hdds(sc);
  int *count = calloc((size_t)slots, sizeof(*count));
  int best = 0;
  if (!count)
    return k;
  for (int i = 0; i < k; i++) {
    int host, disk, owner, local;
    vs_place_vm(sc, i, k, &host, &disk);
    int slot = disk;
    if (by_link) {
      vs_disk_owner(sc, disk, &owner, &local);
      slot = owner;
    }
    if (++count[slot] > best)
      best = count[slot];
  }
  free(count);
  return best;
}

int vs_place_max_per_disk(const vs_scenario *sc, int k) { return max_count(sc, k, 0); }

int vs_place_max_per_link(const vs_scenario *sc, int k)
{
  return sc->storage.kind == VS_STORAGE_NAS ? max_count(sc, k, 1) : 0;
}
