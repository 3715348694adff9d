#include "scenario/placement.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

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

void vs_placement_vm(const vs_scenario *sc, int i, int n, int *host, int *disk)
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

void vs_placement_disk_owner(const vs_scenario *sc, int disk, int *owner, int *local)
{
  int hdds = vs_scenario_total_hdds(sc);
  if (disk >= hdds && sc->storage.ssds > 0) {
    *owner = (disk - hdds) / sc->storage.ssds;
    *local = (disk - hdds) % sc->storage.ssds;
    return;
  }
  *owner = disk / sc->storage.hdds;
  *local = disk % sc->storage.hdds;
}

int vs_placement_boot_device(const vs_scenario *sc, int disk)
{
  int owner, local;
  if (sc->storage.boot_from == VS_TIER_HDD)
    return disk;
  /* The replica of the golden image on the SSDs of the NAS (or host)
   * holding the VM's own image, spread over them as the HDDs are. */
  vs_placement_disk_owner(sc, disk, &owner, &local);
  return vs_scenario_total_hdds(sc) + owner * sc->storage.ssds + local % sc->storage.ssds;
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
    vs_placement_vm(sc, i, k, &host, &disk);
    int slot = disk;
    if (by_link) {
      vs_placement_disk_owner(sc, disk, &owner, &local);
      slot = owner;
    }
    if (++count[slot] > best)
      best = count[slot];
  }
  free(count);
  return best;
}

int vs_placement_max_per_disk(const vs_scenario *sc, int k) { return max_count(sc, k, 0); }

int vs_placement_max_per_link(const vs_scenario *sc, int k)
{
  return sc->storage.kind == VS_STORAGE_NAS ? max_count(sc, k, 1) : 0;
}

const char *vs_placement_host_name(int host, char *buf, size_t len)
{
  snprintf(buf, len, "host-%d", host);
  return buf;
}

const char *vs_placement_disk_name(const vs_scenario *sc, int disk, char *buf, size_t len)
{
  int owner, local;
  vs_placement_disk_owner(sc, disk, &owner, &local);
  snprintf(buf, len, "%s-%d-%s-%d", sc->storage.kind == VS_STORAGE_NAS ? "nas" : "host", owner,
           disk < vs_scenario_total_hdds(sc) ? "hdd" : "ssd", local);
  return buf;
}

const char *vs_placement_link_name(int link, char *buf, size_t len)
{
  snprintf(buf, len, "nas-%d-uplink", link);
  return buf;
}

/* "PREFIX<int>" or "<int>" -> int; the rest of the text must be consumed. */
static int parse_prefixed(const char *text, const char *prefix, long *out, const char **rest)
{
  size_t n = strlen(prefix);
  char *end;
  if (!strncmp(text, prefix, n))
    text += n;
  if (*text < '0' || *text > '9')
    return -1;
  *out = strtol(text, &end, 10);
  *rest = end;
  return 0;
}

int vs_placement_host_parse(const vs_scenario *sc, const char *text, int *host)
{
  long v;
  const char *rest;
  if (parse_prefixed(text, "host-", &v, &rest) < 0 || *rest || v < 0 || v >= sc->hosts.count)
    return vs_error_set(VS_EINPUT, "'%s' is not a host of this scenario (expected host-0 … host-%d)", text,
                        sc->hosts.count - 1);
  *host = (int)v;
  return VS_OK;
}

int vs_placement_disk_parse(const vs_scenario *sc, const char *text, int *disk)
{
  const char *owner_prefix = sc->storage.kind == VS_STORAGE_NAS ? "nas-" : "host-";
  int owners = sc->storage.kind == VS_STORAGE_NAS ? sc->storage.nas_count : sc->hosts.count;
  long owner, local;
  const char *rest;
  char last[48];

  if (text[0] >= '0' && text[0] <= '9') {
    if (parse_prefixed(text, "", &local, &rest) == 0 && !*rest && local >= 0 && local < vs_scenario_total_hdds(sc)) {
      *disk = (int)local;
      return VS_OK;
    }
  } else if (!strncmp(text, owner_prefix, strlen(owner_prefix)) &&
             parse_prefixed(text, owner_prefix, &owner, &rest) == 0 && !strncmp(rest, "-hdd-", 5) &&
             parse_prefixed(rest + 5, "", &local, &rest) == 0 && !*rest && owner >= 0 && owner < owners &&
             local >= 0 && local < sc->storage.hdds) {
    *disk = (int)(owner * sc->storage.hdds + local);
    return VS_OK;
  }
  return vs_error_set(VS_EINPUT, "'%s' is not an HDD of this scenario (expected %s0-hdd-0 … %s)", text, owner_prefix,
                      vs_placement_disk_name(sc, vs_scenario_total_hdds(sc) - 1, last, sizeof(last)));
}

int vs_placement_device_parse(const vs_scenario *sc, const char *text, int *dev)
{
  const char *owner_prefix = sc->storage.kind == VS_STORAGE_NAS ? "nas-" : "host-";
  int owners = sc->storage.kind == VS_STORAGE_NAS ? sc->storage.nas_count : sc->hosts.count;
  long owner, local;
  const char *rest;

  if (!strncmp(text, owner_prefix, strlen(owner_prefix)) && parse_prefixed(text, owner_prefix, &owner, &rest) == 0 &&
      !strncmp(rest, "-ssd-", 5) && parse_prefixed(rest + 5, "", &local, &rest) == 0 && !*rest && owner >= 0 &&
      owner < owners && local >= 0 && local < sc->storage.ssds) {
    *dev = vs_scenario_total_hdds(sc) + (int)(owner * sc->storage.ssds + local);
    return VS_OK;
  }
  if (strstr(text, "-ssd-"))
    return vs_error_set(VS_EINPUT, "'%s' is not an SSD of this scenario (it has %d per %s)", text, sc->storage.ssds,
                        sc->storage.kind == VS_STORAGE_NAS ? "NAS" : "host");
  return vs_placement_disk_parse(sc, text, dev);
}
