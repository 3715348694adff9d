/* Tests of models/scenario.c.
 * usage: test_scenario BAD_DIR GOOD_DIR (tests/bad and tests/good). */
#include "check.h"

#include "core/error.h"
#include "scenario/scenario.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *bad_dir;
static const char *good_dir;

/* One bad input: loading tests/bad/<file> must fail with `code`, and the
 * message must contain each non-NULL fragment. The first fragment is usually
 * "LINE:COL: key.path: reason" so that position, path and reason are checked
 * together. To add a case: drop a file in tests/bad and add a row here (the
 * test fails if a file has no row). */
typedef struct {
  const char *file;
  int code;
  const char *frag[3];
} bad_case;

static const bad_case bad_cases[] = {
  /* not a scenario at all */
  {"empty.yaml", VS_EINPUT, {":1:1: empty scenario (expected a mapping"}},
  {"comments_only.yaml", VS_EINPUT, {":1:1: empty scenario"}},
  {"syntax.yaml", VS_EINPUT, {":3:8: YAML syntax error: did not find expected ',' or ']'",
                              "flow sequence started at 2:8"}},
  {"syntax_indent.yaml", VS_EINPUT, {":3:2: YAML syntax error: did not find expected key",
                                     "block mapping started at 1:1"}},
  {"bad_utf8.yaml", VS_EINPUT, {":3:10: YAML syntax error: invalid leading UTF-8 octet"}},
  {"two_documents.yaml", VS_EINPUT, {":14:1: a second YAML document (expected a single"}},
  {"top_sequence.yaml", VS_EINPUT,
   {":1:1: the top level is a sequence (expected a mapping with keys: name, description"}},
  {"top_scalar.yaml", VS_EINPUT, {":1:1: the top level is the value 'hello'"}},
  /* keys */
  {"unknown_top.yaml", VS_EINPUT,
   {":13:1: host: unknown key (expected one of: name, description, seed, hosts, storage, hdd, "}},
  {"unknown_key.yaml", VS_EINPUT,
   {":6:3: hosts.cpus: unknown key (expected one of: count, cores, core_speed, nic_bw, "}},
  {"duplicate_key.yaml", VS_EINPUT, {":6:3: hosts.count: duplicate key (first given at line 3)"}},
  {"duplicate_top.yaml", VS_EINPUT, {":13:1: hosts: duplicate key (first given at line 2)"}},
  {"key_sequence.yaml", VS_EINPUT, {":1:3: found a sequence as a key (expected one of: name,"}},
  {"missing_required.yaml", VS_EINPUT,
   {":3:3: hosts.core_speed: missing required key (expected a speed such as 3.6GHz"}},
  {"missing_section.yaml", VS_EINPUT,
   {":1:1: boot: missing required section (expected a mapping)"}},
  /* wrong node types */
  {"hosts_sequence.yaml", VS_EINPUT,
   {":2:8: hosts: found a sequence (expected a mapping with keys: count, cores,"}},
  {"count_mapping.yaml", VS_EINPUT,
   {":3:10: hosts.count: found a mapping (expected an integer from 1 to 20000)"}},
  {"concurrency_scalar.yaml", VS_EINPUT,
   {":11:16: hdd.concurrency: found the value '5' (expected a sequence of {readers"}},
  {"storm_null.yaml", VS_EINPUT,
   {":13:7: storm: found an empty value (expected a mapping with keys: max_slowdown, cpu_window)"}},
  {"null_value.yaml", VS_EINPUT, {":4:9: hosts.cores: no value given (expected an integer from 1 to 4096)"}},
  {"name_empty.yaml", VS_EINPUT, {":1:7: name: no value given (expected a non-empty string)"}},
  {"alias_cycle.yaml", VS_EINPUT, {":1:8: hosts.count: found a mapping (expected an integer from 1 to 20000)"}},
  {"nul_in_value.yaml", VS_EINPUT, {":3:10: hosts.count: value contains a NUL character"}},
  /* units */
  {"bad_unit.yaml", VS_EINPUT,
   {":5:15: hosts.core_speed: bad unit 'Gz' in '3Gz' (expected a speed such as 3.6GHz"}},
  {"bad_bandwidth_unit.yaml", VS_EINPUT,
   {":10:12: hdd.read_bw: bad unit 'MBs' in '2MBs' (expected a bandwidth such as 125MB/s or "
    "1Gbps)"}},
  {"missing_unit.yaml", VS_EINPUT,
   {":12:9: boot.read: missing unit in '632' (expected a size such as 632MB"}},
  {"speed_nan.yaml", VS_EINPUT, {":5:15: hosts.core_speed: '.nan' does not start with a number"}},
  {"bad_clock.yaml", VS_EINPUT,
   {":15:13: workload.ready_by: bad clock '25:00' (expected a time of day"}},
  /* ranges */
  {"negative_size.yaml", VS_EINPUT, {":12:9: boot.read: '-5MB' is negative (expected a size from 1kB to 100TB)"}},
  {"negative_latency.yaml", VS_EINPUT,
   {":6:16: hosts.nic_latency: '-1ms' is negative (expected a duration from 0s to 10s)"}},
  /* Every count and quantity has a documented range (docs/SCENARIO.md). */
  {"range_hosts_count.yaml", VS_EINPUT, {":3:10: hosts.count: '1000000000' is too large (expected at most 20000)"}},
  {"range_hdds.yaml", VS_EINPUT, {":11:9: storage.hdds: '2147483647' is too large (expected at most 10000)"}},
  {"range_boot_read.yaml", VS_EINPUT, {":16:9: boot.read: '1e308B' is too large (expected a size from 1kB to 100TB)"}},
  {"range_read_bw_tiny.yaml", VS_EINPUT,
   {":14:12: hdd.read_bw: '1e-300MB/s' is too small (expected a bandwidth from 1kB/s to 1TB/s)"}},
  {"range_latency.yaml", VS_EINPUT,
   {":7:16: hosts.nic_latency: '1000000000s' is too large (expected a duration from 0s to 10s)"}},
  {"range_link_bw_huge.yaml", VS_EINPUT,
   {":12:12: storage.link_bw: '1e20Gbps' is too large (expected a bandwidth from 1kB/s to 1TB/s)"}},
  {"range_cores.yaml", VS_EINPUT, {":4:10: hosts.cores: '100000' is too large (expected at most 4096)"}},
  {"range_core_speed.yaml", VS_EINPUT,
   {":5:15: hosts.core_speed: '1e30Hz' is too large (expected a speed from 1MHz to 1THz)"}},
  {"range_routes.yaml", VS_EINPUT,
   {":10:14: storage.nas_count: 1000 NAS x 20000 hosts is 20000000 routes, too many (expected at most 1000000)"}},
  {"zero_count.yaml", VS_EINPUT, {":3:10: hosts.count: '0' is zero (expected an integer from 1 to 20000)"}},
  {"count_float.yaml", VS_EINPUT,
   {":4:10: hosts.cores: '8.5' is not an integer (expected an integer from 1 to 4096)"}},
  {"count_too_large.yaml", VS_EINPUT,
   {":3:10: hosts.count: '99999999999' is too large (expected at most 20000)"}},
  {"count_overflow.yaml", VS_EINPUT,
   {":3:10: hosts.count: '99999999999999999999999' is too large (expected at most 20000)"}},
  {"seed_negative.yaml", VS_EINPUT, {":1:7: seed: '-1' is negative (expected an integer >= 0)"}},
  {"chunks_range.yaml", VS_EINPUT,
   {":13:11: boot.chunks: '200000' is too large (expected at most 100000)"}},
  {"jitter_range.yaml", VS_EINPUT,
   {":13:11: boot.jitter: '60%' is too large (expected a fraction from 0 to 0.5)"}},
  {"fraction_over_one.yaml", VS_EINPUT,
   {":13:11: boot.jitter: fraction '1.5' is out of range (expected a fraction"}},
  {"slowdown_one.yaml", VS_EINPUT,
   {":14:17: storm.max_slowdown: '1.0' is too small (expected a number above 1, at most 1000)"}},
  {"cpu_window_short.yaml", VS_EINPUT,
   {":14:15: storm.cpu_window: '500ms' is too small (expected a duration from 1s to 1 day)"}},
  {"curve_factor_zero.yaml", VS_EINPUT,
   {":12:28: hdd.concurrency[0].factor: '0' is zero (expected a number above 0, at most 100)"}},
  /* plan: (scenario/purchase.c) */
  {"plan_bad_price.yaml", VS_EINPUT, {":7:27: plan.options[0].price: 'cheap' is not a price >= 0"}},
  {"plan_bad_increment.yaml", VS_EINPUT,
   {":7:60: plan.options[0].set.storage.hdds: '+x' is not an increment (expected +N"}},
  {"plan_max_absolute.yaml", VS_EINPUT,
   {":7:43: plan.options[0].max: 3 units of an option that sets a value ('20MB/s')"}},
  {"plan_goal_storm.yaml", VS_EINPUT, {":6:31: plan.goal.storm: 'maybe' is not true or false"}},
  {"plan_bad_policy.yaml", VS_EINPUT,
   {":6:11: plan.policy: bad value 'fastest' (expected one of: jit, braids-waves, all-at-once)"}},
  {"plan_duplicate_name.yaml", VS_EINPUT, {":8:14: plan.options[1].name: 'disk' is the name of plan.options[0] too"}},
  {"plan_unknown_key.yaml", VS_EINPUT,
   {":7:32: plan.options[0].cost: unknown key (expected one of: name, price, max, set)"}},
  /* storage rules */
  {"bad_enum.yaml", VS_EINPUT,
   {":7:9: storage.type: bad value 'san' (expected one of: local, nas)"}},
  {"local_link_bw.yaml", VS_EINPUT,
   {":9:3: storage.link_bw: not allowed with type local (expected only with type nas)"}},
  {"local_nas_count.yaml", VS_EINPUT, {":9:3: storage.nas_count: not allowed with type local"}},
  {"nas_missing_link.yaml", VS_EINPUT,
   {":7:3: storage.link_bw: missing required key (expected a bandwidth"}},
  {"spread_vms_per_hdd.yaml", VS_EINPUT,
   {":9:3: storage.vms_per_hdd: not allowed with placement spread (expected only with "
    "placement pack)"}},
  /* sequences */
  {"unsorted_curve.yaml", VS_EINPUT,
   {":14:17: hdd.concurrency[2].readers: 4 is not above the previous point's 4 (expected "
    "readers in strictly increasing order)"}},
  {"unsorted_demand.yaml", VS_EINPUT,
   {":17:17: workload.demand[1].ready_by: 07:30:00 is not after the previous point's 08:00:00 "
    "(expected strictly increasing times)"}},
  {"demand_zero_vms.yaml", VS_EINPUT,
   {":16:32: workload.demand[1].vms: '0' is zero (expected an integer from 1 to 10000000)"}},
  {"demand_item_scalar.yaml", VS_EINPUT,
   {":14:12: workload.demand[0]: found the value '5' (expected a mapping with keys: ready_by, "
    "vms)"}},
  {"demand_empty.yaml", VS_EINPUT, {":14:11: workload.demand: empty sequence (expected a sequence"}},
  /* workload forms */
  {"both_workload_forms.yaml", VS_EINPUT,
   {":16:3: workload.demand: more than one workload form (expected either vms + ready_by, "
    "demand, or forecast)"}},
  {"vms_without_ready_by.yaml", VS_EINPUT,
   {":14:3: workload.ready_by: missing required key (expected a time of day"}},
  {"empty_workload.yaml", VS_EINPUT,
   {":13:11: workload: no workload given (expected vms + ready_by, demand, forecast, or classes)"}},
  {"forecast_and_vms.yaml", VS_EINPUT, {":16:3: workload.forecast: more than one workload form"}},
  {"forecast_bad_date.yaml", VS_EINPUT,
   {":16:11: workload.forecast.date: bad date '2024-13-04' (expected YYYY-MM-DD)"}},
  {"forecast_no_model.yaml", VS_EINPUT,
   {":14:13: workload.forecast.model: missing required key (expected the path of a trained model)"}},
  {"forecast_bad_margin.yaml", VS_EINPUT,
   {":17:13: workload.forecast.margin: bad margin 'lots' (expected a number of VMs >= 0, or p95)"}},
  {"earliest_after_deadline.yaml", VS_EINPUT,
   {":16:19: workload.earliest_start: 08:30:00 is not before the first deadline 08:00:00"}},
  /* energy and the live backend */
  {"energy_bad_unit.yaml", VS_EINPUT, {":14:13: energy.vm_power: bad unit 'J' in '30J' (expected a power"}},
  {"real_bad_domain.yaml", VS_EINPUT,
   {":14:16: real.domain_type: bad value 'xen' (expected one of: auto, kvm, qemu)"}},
  {"real_uri_mapping.yaml", VS_EINPUT,
   {":16:7: real.uri[1]: found a mapping (expected a libvirt URI)"}},
  {"real_zero_vcpus.yaml", VS_EINPUT, {":14:10: real.vcpus: "}},
  /* SSD tier, read cache, host memory (issue 12) */
  {"tier_boot_from_bad.yaml", VS_EINPUT, {":8:14: storage.boot_from: bad value 'nvme' (expected one of: hdd, ssd)"}},
  {"tier_boot_from_ssd_none.yaml", VS_EINPUT, {":7:14: storage.boot_from: boots read from SSDs but there are none (exp"}},
  {"tier_cache_bad_at.yaml", VS_EINPUT, {":7:15: storage.cache.at: bad value 'guest' (expected one of: none, hos"}},
  {"tier_cache_bad_clones.yaml", VS_EINPUT, {":7:40: storage.cache.clones: bad value 'thin' (expected one of: linked"}},
  {"tier_cache_bad_warm.yaml", VS_EINPUT, {":7:38: storage.cache.warm: bad value 'yes' (expected one of: false, tr"}},
  {"tier_cache_nas_local.yaml", VS_EINPUT, {":6:15: storage.cache.at: a NAS cache needs NAS storage (expected host "}},
  {"tier_cache_negative.yaml", VS_EINPUT, {":7:27: storage.cache.size: '-1GB' is negative (expected a size from 1M"}},
  {"tier_cache_no_size.yaml", VS_EINPUT, {":7:10: storage.cache.size: missing required key (expected a size such "}},
  {"tier_cache_too_big.yaml", VS_EINPUT, {":7:27: storage.cache.size: 128 GB is more than a host's memory, 64 GB "}},
  {"tier_host_memory_small.yaml", VS_EINPUT, {":2:55: hosts.memory: '1MB' is too small (expected a size from 64MiB to"}},
  {"tier_real_cache_bad.yaml", VS_EINPUT, {":10:10: real.cache: bad value 'writeback' (expected one of: none, host"}},
  {"tier_ssd_bw_zero.yaml", VS_EINPUT, {":10:16: ssd.read_bw: '0MB/s' is zero (expected a bandwidth from 1kB/s "}},
  {"tier_ssd_negative.yaml", VS_EINPUT, {":7:9: storage.ssds: '-1' is negative (expected an integer from 0 to 10"}},
  {"tier_ssd_no_section.yaml", VS_EINPUT, {":1:1: ssd: missing required section: storage.ssds is 1 (expected ssd: "}},
  {"tier_ssd_section_no_ssds.yaml", VS_EINPUT, {":9:1: ssd: the scenario has no SSDs (expected storage.ssds >= 1, or no"}},
  /* the image pool (pool:) */
  {"pool_arrivals_backwards.yaml", VS_EINPUT, {":11:27: pool.requests[0].to: 09:00:00 is not after from 10:00:00"}},
  {"pool_batched_zero.yaml", VS_EINPUT, {":10:29: pool.refill.batched.count: '0' is zero"}},
  {"pool_burst_every.yaml", VS_EINPUT, {":11:21: pool.requests[0].every: not allowed in a burst"}},
  {"pool_count_zero.yaml", VS_EINPUT, {":9:93: pool.golden[1].count: '0' is zero"}},
  {"pool_duplicate_name.yaml", VS_EINPUT, {":9:14: pool.golden[1].name: 'win7-20G' names two image kinds"}},
  {"pool_every_zero.yaml", VS_EINPUT, {":11:43: pool.requests[0].every: '0s' is zero"}},
  {"pool_negative_size.yaml", VS_EINPUT, {":8:44: pool.golden[0].size: '-5GB' is negative"}},
  {"pool_no_device.yaml", VS_EINPUT, {":8:77: pool.golden[0].pool: 'nas-0-hdd-10' is not a disk of this scenario"}},
  {"pool_no_user.yaml", VS_EINPUT, {":8:5: pool.golden: no user image"}},
  {"pool_offpeak_clock.yaml", VS_EINPUT, {":10:42: pool.refill.off_peak.to: bad clock '30:00'"}},
  {"pool_offpeak_empty.yaml", VS_EINPUT, {":10:42: pool.refill.off_peak.to: the window is empty"}},
  {"pool_parallel_zero.yaml", VS_EINPUT, {":10:24: pool.preparer.parallel: '0' is zero"}},
  {"pool_refill_bad.yaml", VS_EINPUT, {":10:11: pool.refill: bad value 'sometimes'"}},
  {"pool_request_before_fill.yaml", VS_EINPUT, {":12:12: pool.requests[0].at: 05:30:00 is before the initial fill starts at 06:00:00"}},
  {"pool_unknown_kind.yaml", VS_EINPUT, {":12:45: pool.requests[1].user: unknown image kind 'data-99G'"}},
  {"pool_wrong_kind.yaml", VS_EINPUT, {":11:29: pool.requests[0].system: 'data-5G' is a user image"}},
};

#define N_BAD_CASES (sizeof(bad_cases) / sizeof(bad_cases[0]))

static char *join(const char *dir, const char *file)
{
  static char buf[PATH_MAX];
  snprintf(buf, sizeof(buf), "%s/%s", dir, file);
  return buf;
}

/* The common shape of every message: one line, starting with the file. */
static void check_message_shape(const char *file)
{
  const char *msg = vs_error_last();

  CHECK_MSG(strncmp(msg, file, strlen(file)) == 0 && msg[strlen(file)] == ':',
            "'%s' does not start with '%s:'", msg, file);
  CHECK_MSG(strchr(msg, '\n') == NULL, "multi-line message '%s'", msg);
}

static void test_bad_files(void)
{
  size_t i, k;

  for (i = 0; i < N_BAD_CASES; i++) {
    const bad_case *c = &bad_cases[i];
    char *path = join(bad_dir, c->file);
    vs_scenario *sc = (vs_scenario *)1;
    int rc;

    vs_error_clear();
    rc = vs_scenario_load(&sc, path);
    CHECK_MSG(rc == c->code, "%s: returned %d, want %d (message: %s)", c->file, rc, c->code,
              vs_error_last());
    CHECK_MSG(sc == NULL, "%s: *out not NULL on failure", c->file);
    if (rc == 0)
      vs_scenario_free(sc);
    check_message_shape(path);
    for (k = 0; k < 3 && c->frag[k]; k++)
      CHECK_STR_CONTAINS(vs_error_last(), c->frag[k]);
  }
}

/* Every fixture in tests/bad has a row, so none is silently left untested. */
static void test_bad_dir_covered(void)
{
  DIR *dir = opendir(bad_dir);
  struct dirent *e;
  size_t i, files = 0;

  CHECK_MSG(dir != NULL, "cannot open %s", bad_dir);
  if (!dir)
    return;
  while ((e = readdir(dir))) {
    int found = 0;
    if (e->d_name[0] == '.')
      continue;
    files++;
    for (i = 0; i < N_BAD_CASES; i++)
      found |= strcmp(bad_cases[i].file, e->d_name) == 0;
    CHECK_MSG(found, "tests/bad/%s has no row in bad_cases[]", e->d_name);
  }
  closedir(dir);
  CHECK_MSG(files == N_BAD_CASES, "%zu files in %s, %zu rows", files, bad_dir,
            (size_t)N_BAD_CASES);
}

static void test_io_errors(void)
{
  vs_scenario *sc = (vs_scenario *)1;
  char *path;

  path = join(bad_dir, "no-such-file.yaml");
  CHECK(vs_scenario_load(&sc, path) == VS_EIO);
  CHECK(sc == NULL);
  CHECK_STR_CONTAINS(vs_error_last(), "no-such-file.yaml: cannot read: No such file or directory");
  check_message_shape(path);

  CHECK(vs_scenario_load(&sc, bad_dir) == VS_EIO);
  CHECK_STR_CONTAINS(vs_error_last(), "tests/bad: not a regular file");

  /* Permissions do not stop root, so this case only runs for other users. */
  if (geteuid() != 0) {
    char tmp[] = "/tmp/vs_unreadableXXXXXX";
    int fd = mkstemp(tmp);
    CHECK(fd >= 0);
    if (fd >= 0) {
      close(fd);
      chmod(tmp, 0);
      CHECK(vs_scenario_load(&sc, tmp) == VS_EIO);
      CHECK_STR_CONTAINS(vs_error_last(), "cannot read: Permission denied");
      unlink(tmp);
    }
  }

  /* A device is not read at all (endless, or blocking like a FIFO). */
  CHECK(vs_scenario_load(&sc, "/dev/zero") == VS_EIO);
  CHECK_STR_CONTAINS(vs_error_last(), "/dev/zero: not a regular file");
  /* A regular file past the size cap stops there instead of exhausting memory. */
  {
    char big[] = "/tmp/vs_bigXXXXXX";
    int fd = mkstemp(big);
    CHECK(fd >= 0 && ftruncate(fd, 17L << 20) == 0);
    if (fd >= 0)
      close(fd);
    CHECK(vs_scenario_load(&sc, big) == VS_EINPUT);
    CHECK_STR_CONTAINS(vs_error_last(), ": file is too large (expected a scenario under 16 MiB)");
    unlink(big);
  }

  CHECK(vs_scenario_load(NULL, path) == VS_ERROR);
  CHECK(vs_scenario_load(&sc, NULL) == VS_ERROR);
}

static void test_full(void)
{
  vs_scenario *sc = NULL;
  char *path = join(good_dir, "full.yaml");
  int rc = vs_scenario_load(&sc, path);

  CHECK_MSG(rc == 0, "%s", vs_error_last());
  if (rc != 0)
    return;
  CHECK(strcmp(sc->path, path) == 0);
  CHECK(strcmp(sc->name, "full-nas") == 0);
  CHECK(sc->description && strcmp(sc->description, "Two NAS, pack placement") == 0);
  CHECK(sc->seed == 42);

  CHECK(sc->hosts.count == 4);
  CHECK(sc->hosts.cores == 16);
  CHECK(sc->hosts.core_fps == 2.5e9);
  CHECK(sc->hosts.nic_Bps == 25e9 / 8);
  CHECK_NEAR(sc->hosts.nic_latency_s, 20e-6, 1e-18);

  CHECK(sc->storage.kind == VS_STORAGE_NAS);
  CHECK(sc->storage.hdds == 12);
  CHECK(sc->storage.nas_count == 2);
  CHECK(sc->storage.link_Bps == 1250e6);
  CHECK_NEAR(sc->storage.link_latency_s, 200e-6, 1e-18);
  CHECK(sc->storage.placement == VS_PLACE_PACK);
  CHECK(sc->storage.vms_per_hdd == 5);

  CHECK(sc->hdd.read_Bps == 2e6);
  CHECK(sc->hdd.curve_len == 3);
  if (sc->hdd.curve_len == 3) {
    CHECK(sc->hdd.curve[0].readers == 1 && sc->hdd.curve[0].factor == 1.0);
    CHECK(sc->hdd.curve[1].readers == 4 && sc->hdd.curve[1].factor == 1.6);
    CHECK(sc->hdd.curve[2].readers == 16 && sc->hdd.curve[2].factor == 2.2);
  }

  CHECK(sc->boot.read_B == 632e6);
  CHECK(sc->boot.cpu_work_f == 40e9);
  CHECK(sc->boot.io_cpu_fpB == 100);
  CHECK(sc->boot.busy_cpu_fps == 0.5e9);
  CHECK(sc->boot.chunks == 128);
  CHECK_NEAR(sc->boot.jitter, 0.10, 1e-15);

  CHECK(sc->storm.max_slowdown == 1.5);
  CHECK(sc->storm.cpu_window_s == 10);

  CHECK(sc->workload.len == 2);
  if (sc->workload.len == 2) {
    CHECK(sc->workload.points[0].ready_by_s == 7.5 * 3600);
    CHECK(sc->workload.points[0].vms == 40);
    CHECK(sc->workload.points[0].line == 38);
    CHECK(sc->workload.points[1].ready_by_s == 8 * 3600);
    CHECK(sc->workload.points[1].vms == 60);
    CHECK(sc->workload.points[1].line == 40);
  }

  CHECK(vs_scenario_total_hdds(sc) == 24);
  CHECK(vs_scenario_total_vms(sc) == 100);

  /* Interpolation on the loaded curve: flat before 1 and after 16. */
  CHECK_NEAR(vs_scenario_hdd_factor(&sc->hdd, 0), 1.0, 1e-12);
  CHECK_NEAR(vs_scenario_hdd_factor(&sc->hdd, 1), 1.0, 1e-12);
  CHECK_NEAR(vs_scenario_hdd_factor(&sc->hdd, 2), 1.2, 1e-12);
  CHECK_NEAR(vs_scenario_hdd_factor(&sc->hdd, 4), 1.6, 1e-12);
  CHECK_NEAR(vs_scenario_hdd_factor(&sc->hdd, 10), 1.9, 1e-12);
  CHECK_NEAR(vs_scenario_hdd_factor(&sc->hdd, 16), 2.2, 1e-12);
  CHECK_NEAR(vs_scenario_hdd_factor(&sc->hdd, 1000), 2.2, 1e-12);
  vs_scenario_free(sc);
}

static void test_defaults(void)
{
  vs_scenario *sc = NULL;
  int rc = vs_scenario_load(&sc, join(good_dir, "minimal.yaml"));

  CHECK_MSG(rc == 0, "%s", vs_error_last());
  if (rc != 0)
    return;
  CHECK(strcmp(sc->name, "minimal") == 0);
  CHECK(sc->description == NULL);
  CHECK(sc->seed == 1);
  CHECK(sc->hosts.count == 10 && sc->hosts.cores == 8);
  CHECK(sc->hosts.core_fps == 3.6e9);
  CHECK(sc->hosts.nic_Bps == 1.25e9);
  CHECK_NEAR(sc->hosts.nic_latency_s, 50e-6, 1e-18);
  CHECK(sc->storage.kind == VS_STORAGE_LOCAL);
  CHECK(sc->storage.hdds == 2);
  CHECK(sc->storage.nas_count == 1);
  CHECK_NEAR(sc->storage.link_latency_s, 100e-6, 1e-18);
  CHECK(sc->storage.placement == VS_PLACE_SPREAD);
  CHECK(sc->storage.vms_per_hdd == 0);
  CHECK(sc->hdd.read_Bps == 1.5e6);
  CHECK(sc->hdd.curve == NULL && sc->hdd.curve_len == 0);
  CHECK(sc->boot.read_B == 500e6);
  CHECK(sc->boot.cpu_work_f == 0 && sc->boot.io_cpu_fpB == 0 && sc->boot.busy_cpu_fps == 0);
  CHECK(sc->boot.chunks == 64);
  CHECK(sc->boot.jitter == 0);
  CHECK(sc->storm.max_slowdown == 1.2);
  CHECK(sc->storm.cpu_window_s == 5);
  CHECK(sc->workload.points == NULL && sc->workload.len == 0);
  CHECK(vs_scenario_total_hdds(sc) == 20);
  CHECK(vs_scenario_total_vms(sc) == 0);
  CHECK(vs_scenario_hdd_factor(&sc->hdd, 7) == 1.0);
  CHECK(sc->workload.earliest_start_s == 0 && sc->workload.forecast == NULL);
  CHECK(sc->energy.vm_power_W == 0);
  CHECK(!sc->real.present && sc->real.n_uris == 0);
  vs_scenario_free(sc);
}

static const char live_form[] =
    "hosts: {count: 1, cores: 2, core_speed: 2GHz}\n"
    "storage: {type: local, hdds: 1}\n"
    "hdd: {read_bw: 50MB/s}\n"
    "boot: {read: 64MB, cpu_work: 0}\n"
    "workload:\n"
    "  earliest_start: \"06:30\"\n"
    "  forecast: {model: models/usage.json, date: \"2024-03-04\", margin: p95}\n"
    "energy: {vm_power: 1.5kW}\n"
    "real:\n"
    "  uri: [qemu:///system, \"qemu+ssh://b/system\"]\n"
    "  domain_type: qemu\n"
    "  memory: 128MiB\n"
    "  disk: full-copy\n"
    "  working_set: 32MB\n"
    "  boot_timeout: 2min\n";

/* The keys later issues rely on: a forecast workload, energy, the live backend. */
static void test_live_and_forecast(void)
{
  vs_scenario *sc = NULL;
  int rc = vs_scenario_load_buffer(&sc, live_form, sizeof(live_form) - 1, "live");
  CHECK_MSG(rc == 0, "%s", vs_error_last());
  if (rc != 0)
    return;
  CHECK(sc->workload.len == 0 && sc->workload.forecast != NULL);
  CHECK(sc->workload.earliest_start_s == 6.5 * 3600);
  CHECK(!strcmp(sc->workload.forecast->model, "models/usage.json"));
  CHECK(!strcmp(sc->workload.forecast->date, "2024-03-04"));
  CHECK(sc->workload.forecast->margin < 0);
  CHECK(sc->energy.vm_power_W == 1500);
  CHECK(sc->real.present && sc->real.n_uris == 2);
  CHECK(!strcmp(sc->real.uris[1], "qemu+ssh://b/system"));
  CHECK(sc->real.domain_type == VS_DOMAIN_QEMU && sc->real.disk == VS_DISK_FULL_COPY);
  CHECK(sc->real.memory_B == 128.0 * 1024 * 1024 && sc->real.vcpus == 1);
  CHECK(sc->real.working_set_B == 32e6 && sc->real.boot_timeout_s == 120);
  CHECK(!strcmp(sc->real.image_dir, "real/guest"));
  vs_scenario_free(sc);
}

static const char single_form[] =
    "hosts: {count: 3, cores: 4, core_speed: 2Gf}\n"
    "storage: {type: local, hdds: 1, placement: pack}\n"
    "hdd: {read_bw: 150MBps}\n"
    "boot: {read: 1GiB, jitter: 0.25}\n"
    "workload:\n"
    "  vms: 30\n"
    "  ready_by: 7:45\n";

static void test_buffer(void)
{
  vs_scenario *sc = NULL;
  int rc = vs_scenario_load_buffer(&sc, single_form, strlen(single_form), "some/dir/storm.yml");

  CHECK_MSG(rc == 0, "%s", vs_error_last());
  if (rc != 0)
    return;
  CHECK(strcmp(sc->name, "storm") == 0);
  CHECK(strcmp(sc->path, "some/dir/storm.yml") == 0);
  CHECK(sc->storage.placement == VS_PLACE_PACK && sc->storage.vms_per_hdd == 0);
  CHECK(sc->hosts.core_fps == 2e9);
  CHECK(sc->hdd.read_Bps == 150e6);
  CHECK(sc->boot.read_B == 1073741824.0);
  CHECK(sc->boot.jitter == 0.25);
  CHECK(sc->workload.len == 1);
  CHECK(sc->workload.points[0].vms == 30);
  CHECK(sc->workload.points[0].ready_by_s == 7 * 3600 + 45 * 60);
  CHECK(sc->workload.points[0].line == 6);
  CHECK(vs_scenario_total_vms(sc) == 30);
  CHECK(vs_scenario_total_hdds(sc) == 3);
  vs_scenario_free(sc);

  /* Only `len` bytes count: the rest of the string is not part of the input. */
  rc = vs_scenario_load_buffer(&sc, single_form, 10, "cut");
  CHECK(rc == VS_EINPUT && sc == NULL);
  CHECK_STR_CONTAINS(vs_error_last(), "cut:");

  /* A name without a .yaml extension is kept whole; NULL stands for a buffer. */
  rc = vs_scenario_load_buffer(&sc, single_form, strlen(single_form), "plain");
  CHECK(rc == 0 && sc && strcmp(sc->name, "plain") == 0);
  vs_scenario_free(sc);
  rc = vs_scenario_load_buffer(&sc, single_form, strlen(single_form), NULL);
  CHECK(rc == 0 && sc && sc->name && sc->path);
  vs_scenario_free(sc);
  rc = vs_scenario_load_buffer(&sc, NULL, 0, "nothing");
  CHECK(rc == VS_EINPUT);
  CHECK_STR_CONTAINS(vs_error_last(), "nothing:1:1: empty scenario");
  CHECK(vs_scenario_load_buffer(NULL, "a", 1, "x") == VS_ERROR);
  vs_scenario_free(NULL);
}

/* User text in keys and values never breaks the one-line rule or the
 * message size. */
static void test_hostile_text(void)
{
  char buf[2048];
  vs_scenario *sc = NULL;
  int rc;

  snprintf(buf, sizeof(buf), "\"a\\nb\": 1\n");
  rc = vs_scenario_load_buffer(&sc, buf, strlen(buf), "nl");
  CHECK(rc == VS_EINPUT);
  CHECK_STR_CONTAINS(vs_error_last(), "nl:1:1: a?b: unknown key");
  CHECK(strchr(vs_error_last(), '\n') == NULL);

  memset(buf, 'k', 600);
  strcpy(buf + 600, ": 1\n");
  rc = vs_scenario_load_buffer(&sc, buf, strlen(buf), "long");
  CHECK(rc == VS_EINPUT);
  CHECK_STR_CONTAINS(vs_error_last(), "kkk...: unknown key (expected one of: name,");
  CHECK_STR_CONTAINS(vs_error_last(), "workload, energy, dpm, real, pool, plan)");

  snprintf(buf, sizeof(buf), "hosts: {count: 1, cores: 1, core_speed: \"3\\tGHz\\r\\n\"}\n");
  rc = vs_scenario_load_buffer(&sc, buf, strlen(buf), "ctl");
  CHECK(rc == VS_EINPUT);
  CHECK_STR_CONTAINS(vs_error_last(), "ctl:1:41: hosts.core_speed: bad unit");
  CHECK(strchr(vs_error_last(), '\n') == NULL && strchr(vs_error_last(), '\r') == NULL);
}

/* The HDD total must fit an int; this is checked at load time. */
static void test_overflowing_totals(void)
{
  static const char hdds[] = "hosts: {count: 20000, cores: 1, core_speed: 1GHz}\n"
                             "storage: {type: local, hdds: 10000}\n"
                             "hdd: {read_bw: 1MB/s}\n"
                             "boot: {read: 1MB}\n";
  static const char vms[] = "hosts: {count: 1, cores: 1, core_speed: 1GHz}\n"
                            "storage: {type: local, hdds: 1}\n"
                            "hdd: {read_bw: 1MB/s}\n"
                            "boot: {read: 1MB}\n"
                            "workload:\n"
                            "  demand:\n"
                            "    - {ready_by: \"07:00\", vms: 6000000}\n"
                            "    - {ready_by: \"08:00\", vms: 6000000}\n";
  vs_scenario *sc = NULL;

  CHECK(vs_scenario_load_buffer(&sc, hdds, strlen(hdds), "h") == VS_EINPUT);
  CHECK_STR_CONTAINS(vs_error_last(), "h:2:30: storage.hdds: 200000000 HDDs in total is too many (expected at most 200000)");
  CHECK(vs_scenario_load_buffer(&sc, vms, strlen(vms), "v") == VS_EINPUT);
  CHECK_STR_CONTAINS(vs_error_last(), "v:8:32: workload.demand[1].vms: 12000000 VMs in total is too many (expected at most 10000000)");
}

static void test_hdd_factor(void)
{
  vs_hdd_point pts[] = {{2, 0.5}, {4, 1.5}, {8, 1.0}};
  vs_hdd_model m = {1e6, pts, 3};
  vs_hdd_model one = {1e6, pts, 1};
  vs_hdd_model none = {1e6, NULL, 0};

  CHECK(vs_scenario_hdd_factor(&m, -5) == 0.5);
  CHECK(vs_scenario_hdd_factor(&m, 1) == 0.5);
  CHECK(vs_scenario_hdd_factor(&m, 2) == 0.5);
  CHECK_NEAR(vs_scenario_hdd_factor(&m, 3), 1.0, 1e-12);
  CHECK(vs_scenario_hdd_factor(&m, 4) == 1.5);
  CHECK_NEAR(vs_scenario_hdd_factor(&m, 6), 1.25, 1e-12);
  CHECK_NEAR(vs_scenario_hdd_factor(&m, 7), 1.125, 1e-12);
  CHECK(vs_scenario_hdd_factor(&m, 8) == 1.0);
  CHECK(vs_scenario_hdd_factor(&m, INT_MAX) == 1.0);
  CHECK(vs_scenario_hdd_factor(&one, 100) == 0.5);
  CHECK(vs_scenario_hdd_factor(&none, 3) == 1.0);
  CHECK(vs_scenario_hdd_factor(NULL, 3) == 1.0);
}

int main(int argc, char **argv)
{
  if (argc != 3) {
    fprintf(stderr, "usage: %s BAD_DIR GOOD_DIR\n", argv[0]);
    return 2;
  }
  bad_dir = argv[1];
  good_dir = argv[2];
  test_bad_files();
  test_bad_dir_covered();
  test_io_errors();
  test_full();
  test_defaults();
  test_live_and_forecast();
  test_buffer();
  test_hostile_text();
  test_overflowing_totals();
  test_hdd_factor();
  return CHECK_DONE();
}
