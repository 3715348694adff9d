/* Storage what-ifs in the simulation (issue 12): a host read cache of the
 * golden image and an SSD replica tier move the threshold and the limit
 * the way the hardware would.
 * usage: test_tiers VDISTORM SOURCE_DIR */
#include <stdlib.h>
#include <unistd.h>
#include <string.h>

#include "check.h"
#include "run_cmd.h"

static const char *bin, *src;
static char tmp[256];

static cJSON *threshold(const char *scenario)
{
  return run_json("cd %s && %s threshold %s --json --no-save -q", src, bin, scenario);
}

static int has_limit(const cJSON *j, const char *name)
{
  const cJSON *l;
  cJSON_ArrayForEach(l, cJSON_GetObjectItem(j, "limits"))
  if (cJSON_IsString(l) && !strcmp(l->valuestring, name))
    return 1;
  return 0;
}

/* A bundled scenario with `from` replaced by `to`, written to tmp/name. */
static const char *variant(const char *base, const char *name, const char *from, const char *to)
{
  static char paths[4][512];
  static int next;
  char *path = paths[next++ % 4];
  char in[512], *text = NULL, *at;
  snprintf(in, sizeof(in), "%s/scenarios/%s", src, base);
  text = slurp_file(in, NULL);
  CHECK_MSG(text && (at = strstr(text, from)), "%s: no '%s' to replace", base, from);
  if (!text || !at) {
    free(text);
    return NULL;
  }
  size_t n = strlen(text) + strlen(to) + 1;
  char *out = malloc(n);
  snprintf(out, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
  snprintf(path, sizeof(paths[0]), "%s/%s", tmp, name);
  write_file(path, out);
  free(out);
  free(text);
  return path;
}

static void host_cache(void)
{
  cJSON *none = threshold("scenarios/braids-case-study.yaml");
  cJSON *full = threshold("scenarios/braids-host-cache.yaml");
  const char *half_path = variant("braids-host-cache.yaml", "half.yaml", "size: 1GB", "size: 500MB");
  const char *clones_path = variant("braids-host-cache.yaml", "full-copies.yaml", "clones: linked", "clones: full");
  cJSON *half = half_path ? threshold(half_path) : NULL, *copies = clones_path ? threshold(clones_path) : NULL;
  CHECK(none && full && half && copies);
  if (!none || !full || !half || !copies)
    goto cleanup;
  double t_none = jnum(none, "threshold"), t_full = jnum(full, "threshold"), t_half = jnum(half, "threshold");
  printf("threshold: no cache %.0f, 500 MB cache %.0f, 1 GB cache %.0f\n", t_none, t_half, t_full);
  /* A cache at least the boot's working set: far above one VM per HDD, and
   * bounded by something other than the HDDs. */
  CHECK_MSG(t_none == 10 && has_limit(none, "hdd"), "case study without cache: threshold %.0f", t_none);
  CHECK_MSG(t_full > 10 && !has_limit(full, "hdd"), "1 GB host cache: threshold %.0f", t_full);
  /* Smaller than the working set: in between. */
  CHECK_MSG(t_half > t_none && t_half < t_full, "500 MB host cache: threshold %.0f", t_half);
  /* Full copies share no blocks: the cache changes nothing. */
  CHECK_MSG(jnum(copies, "threshold") == t_none && has_limit(copies, "hdd"), "full copies behind a cache: %.0f",
            jnum(copies, "threshold"));
  /* The cache's figures: most reads hit at the threshold, the hosts hold one
   * copy of the working set each (4 hosts x 623 MB) while the guests hold
   * one per VM. */
  const cJSON *c = cJSON_GetObjectItem(full, "cache");
  CHECK(c != NULL);
  if (c) {
    CHECK_MSG(jnum(c, "hit_ratio") > 0.9 && jnum(c, "hit_ratio") <= 1.0, "hit ratio %.3f", jnum(c, "hit_ratio"));
    CHECK_MSG(jnum(c, "host_memory_bytes") > 4 * 600e6 && jnum(c, "host_memory_bytes") <= 4 * 1e9,
              "host memory %.3g", jnum(c, "host_memory_bytes"));
    CHECK_MSG(jnum(c, "guest_memory_bytes") > t_full * 600e6, "guest memory %.3g", jnum(c, "guest_memory_bytes"));
  }
  CHECK(cJSON_GetObjectItem(none, "cache") == NULL);
cleanup:
  cJSON_Delete(none);
  cJSON_Delete(full);
  cJSON_Delete(half);
  cJSON_Delete(copies);
}

static void ssd_replica(void)
{
  cJSON *j = threshold("scenarios/braids-ssd-replica.yaml");
  CHECK(j != NULL);
  if (!j)
    return;
  /* One SSD serves boots several times faster than an HDD: two at once
   * already fill the 1 Gbit/s uplink, which bounds the threshold. */
  CHECK_MSG(has_limit(j, "link") && !has_limit(j, "hdd"), "SSD replica: threshold %.0f", jnum(j, "threshold"));
  CHECK_MSG(jnum(j, "unloaded_boot_s") < 20, "SSD replica: unloaded boot %.1f s", jnum(j, "unloaded_boot_s"));
  cJSON_Delete(j);
  /* With a 10 Gbit/s uplink the SSD itself bounds it, and is named. */
  const char *fast = variant("braids-ssd-replica.yaml", "ssd-10g.yaml", "link_bw: 1Gbps", "link_bw: 10Gbps");
  j = fast ? threshold(fast) : NULL;
  CHECK(j != NULL);
  if (!j)
    return;
  CHECK_MSG(has_limit(j, "ssd") && !has_limit(j, "link") && !has_limit(j, "hdd") && jnum(j, "threshold") > 1,
            "SSD replica, 10 Gbit/s: threshold %.0f", jnum(j, "threshold"));
  cJSON_Delete(j);
}

/* A validated schedule behind the cache reports it, and is on time. */
static void schedule_with_cache(void)
{
  cJSON *j = run_json("cd %s && %s schedule scenarios/braids-host-cache.yaml --validate --json --no-save -q", src, bin);
  const cJSON *v = cJSON_GetObjectItem(j, "validation"), *c = cJSON_GetObjectItem(j, "cache");
  CHECK(j && v && c);
  if (v && c) {
    CHECK(jnum(v, "late_vms") == 0);
    CHECK(jnum(c, "hit_ratio") > 0.5);
    /* The lanes follow the cached threshold, not one VM per HDD. */
    CHECK_MSG(jnum(cJSON_GetObjectItem(j, "capacity"), "lanes") > 10, "lanes %.0f",
              jnum(cJSON_GetObjectItem(j, "capacity"), "lanes"));
  }
  cJSON_Delete(j);
}

int main(int argc, char **argv)
{
  if (argc != 3) {
    fprintf(stderr, "usage: test_tiers VDISTORM SOURCE_DIR\n");
    return 2;
  }
  bin = argv[1];
  src = argv[2];
  snprintf(tmp, sizeof(tmp), "/tmp/vdistorm-test-tiers-XXXXXX");
  if (!mkdtemp(tmp))
    return 2;
  host_cache();
  ssd_replica();
  schedule_with_cache();
  char *out;
  run_cmd(&out, "rm -rf %s", tmp);
  free(out);
  return CHECK_DONE();
}
