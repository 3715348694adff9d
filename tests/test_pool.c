/* The image pool (vdistorm pool): creations from the pool against copying
 * on demand, bursts larger than the pool, background copies during the
 * case study's morning, the pool-size search, bad input and interrupts.
 * usage: test_pool VDISTORM SOURCE_DIR */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "run_cmd.h"

static const char *bin, *src;
static char tmp[256];

/* A small NAS whose copy times are easy to bound: 4 HDDs of 50 MB/s (a flat
 * concurrency curve, so no stream ever reads faster than 50 MB/s), the
 * system image's golden on hdd-0 and pool on hdd-1, the user image's golden
 * on hdd-2 and pool on hdd-3: no copy crosses the network. */
#define HDD_BPS 50e6
#define SYS_B 2e9
#define USR_B 1e9
#define HANDLER_S 2.0
#define POOL_SIZE 4

static void small_pool(const char *path, int burst)
{
  char text[2000];
  snprintf(text, sizeof(text),
           "name: small-pool\n"
           "hosts: {count: 2, cores: 8, core_speed: 3GHz}\n"
           "storage: {type: nas, nas_count: 1, hdds: 4, link_bw: 1Gbps}\n"
           "hdd: {read_bw: %.0fB/s}\n"
           "boot: {read: 500MB}\n"
           "pool:\n"
           "  golden:\n"
           "    - {name: sys, kind: system, size: %.0fB, golden: nas-0-hdd-0, pool: nas-0-hdd-1, count: %d}\n"
           "    - {name: usr, kind: user, size: %.0fB, golden: nas-0-hdd-2, pool: nas-0-hdd-3, count: %d}\n"
           "  handler: %gs\n"
           "  preparer: {parallel: 1, chunks: 8}\n"
           "  requests:\n"
           "    - {at: \"09:00\", system: sys, user: usr, count: %d}\n",
           HDD_BPS, SYS_B, POOL_SIZE, USR_B, POOL_SIZE, HANDLER_S, burst);
  write_file(path, text);
}

/* latency_s of each request from DIR/PREFIXrequests.csv (in request order). */
static int read_latencies(const char *dir, const char *prefix, double *lat, int max)
{
  char path[512], line[512];
  snprintf(path, sizeof(path), "%s/%srequests.csv", dir, prefix);
  FILE *f = fopen(path, "r");
  int n = 0;
  if (!f)
    return -1;
  if (!fgets(line, sizeof(line), f)) { /* header */
    fclose(f);
    return -1;
  }
  while (n < max && fgets(line, sizeof(line), f)) {
    char *comma = strrchr(line, ',');
    lat[n++] = comma && comma[1] != '\n' ? atof(comma + 1) : NAN;
  }
  fclose(f);
  return n;
}

static void burst_within_pool(void)
{
  char scen[300], *out;
  snprintf(scen, sizeof(scen), "%s/within.yaml", tmp);
  small_pool(scen, POOL_SIZE);
  cJSON *j = run_json("%s pool %s --json --no-save -q", bin, scen);
  CHECK_MSG(j, "pool --json failed");
  if (!j)
    return;
  /* The JSON contract. */
  const cJSON *lat = cJSON_GetObjectItem(j, "latency_s"), *np = cJSON_GetObjectItem(j, "no_pool");
  const cJSON *nplat = cJSON_GetObjectItem(np, "latency_s"), *empty = cJSON_GetObjectItem(j, "pool_empty_s");
  CHECK(jnum(j, "requests") == POOL_SIZE);
  CHECK(lat && nplat && empty && cJSON_IsNumber(cJSON_GetObjectItem(empty, "sys")));
  CHECK(!isnan(jnum(j, "copied_bytes")) && !isnan(jnum(j, "copies")));
  /* From the pool every creation waits only for the handler (one at a time):
   * the i-th of a burst is done after i handler times. */
  CHECK_NEAR(jnum(lat, "min"), HANDLER_S, 0.01);
  CHECK_NEAR(jnum(lat, "max"), POOL_SIZE * HANDLER_S, 0.01);
  /* The last creation took the last image: the pool was empty once, until
   * the first refill; the refills copied every image taken. */
  CHECK(jnum(cJSON_GetObjectItem(j, "pool_empty_times"), "sys") == 1);
  CHECK(jnum(empty, "sys") > 0);
  CHECK(jnum(j, "copies") == 2 * POOL_SIZE);
  CHECK_NEAR(jnum(j, "copied_bytes"), POOL_SIZE * (SYS_B + USR_B), 1);
  /* On demand each creation waits at least for its larger image's copy at
   * the copy's bottleneck (the HDD's bandwidth), after the handler. */
  double one_copy_s = SYS_B / HDD_BPS;
  CHECK_MSG(jnum(nplat, "min") >= HANDLER_S + one_copy_s, "no pool: min %.1f s < %.1f s", jnum(nplat, "min"),
            HANDLER_S + one_copy_s);
  CHECK(jnum(nplat, "p95") >= jnum(nplat, "min"));
  cJSON_Delete(j);
  /* --no-pool alone gives the same creations copying on demand. */
  cJSON *n = run_json("%s pool %s --no-pool --json --no-save -q", bin, scen);
  CHECK_MSG(n && cJSON_IsFalse(cJSON_GetObjectItem(n, "pool")), "--no-pool");
  if (n)
    CHECK(jnum(cJSON_GetObjectItem(n, "latency_s"), "min") >= HANDLER_S + one_copy_s);
  cJSON_Delete(n);
  (void)out;
}

static void burst_beyond_pool(void)
{
  char scen[300], dir[300], *out;
  double lat[64];
  int burst = 2 * POOL_SIZE;
  snprintf(scen, sizeof(scen), "%s/beyond.yaml", tmp);
  snprintf(dir, sizeof(dir), "%s/beyond-out", tmp);
  small_pool(scen, burst);
  int rc = run_cmd(&out, "%s pool %s -o %s -q", bin, scen, dir);
  CHECK_MSG(rc == 0, "pool -o: exit %d", rc);
  free(out);
  int n = read_latencies(dir, "pool-", lat, 64);
  CHECK_MSG(n == burst, "%d latencies in pool-requests.csv", n);
  if (n != burst)
    return;
  /* The pool serves the first POOL_SIZE at the handler's pace ... */
  for (int i = 0; i < POOL_SIZE; i++)
    CHECK_NEAR(lat[i], (i + 1) * HANDLER_S, 0.01);
  /* ... the excess waits for refills (at least one copy: the preparer copies
   * one image at a time), each longer than the one before: a queue. */
  CHECK_MSG(lat[POOL_SIZE] >= SYS_B / HDD_BPS, "first excess request: %.1f s", lat[POOL_SIZE]);
  for (int i = POOL_SIZE + 1; i < burst; i++)
    CHECK_MSG(lat[i] > lat[i - 1] + 1.0, "request %d: %.1f s after %.1f s", i, lat[i], lat[i - 1]);
  /* The series for vdistorm plot. */
  char path[400];
  struct stat st;
  snprintf(path, sizeof(path), "%s/pool-traffic.csv", dir);
  CHECK(stat(path, &st) == 0 && st.st_size > 30);
  snprintf(path, sizeof(path), "%s/no-pool-timeseries.csv", dir);
  CHECK(stat(path, &st) == 0);
}

/* Background copies during the case study's jit schedule slow it; off-peak
 * refill (no copies during the boots) does not. */
static void morning(void)
{
  cJSON *a = run_json("cd %s && %s pool scenarios/pool-morning.yaml --json --no-save -q", src, bin);
  cJSON *b = run_json("cd %s && %s pool scenarios/pool-morning-offpeak.yaml --json --no-save -q", src, bin);
  const cJSON *sa = cJSON_GetObjectItem(a, "boot_slowdown"), *sb = cJSON_GetObjectItem(b, "boot_slowdown");
  CHECK_MSG(sa && sb, "no boot_slowdown in the morning scenarios");
  if (sa && sb) {
    CHECK_MSG(jnum(sa, "makespan_delta_s") > 30 && jnum(sa, "late_vms_with_pool") > 0,
              "immediate refill: makespan %+.1f s, %g late", jnum(sa, "makespan_delta_s"),
              jnum(sa, "late_vms_with_pool"));
    CHECK(jnum(sa, "late_vms_alone") == 0);
    CHECK_MSG(fabs(jnum(sb, "makespan_delta_s")) < 0.5 && jnum(sb, "late_vms_with_pool") == 0,
              "off-peak refill: makespan %+.1f s, %g late", jnum(sb, "makespan_delta_s"),
              jnum(sb, "late_vms_with_pool"));
    /* Both served the morning's creations from the pool. */
    CHECK(jnum(cJSON_GetObjectItem(cJSON_GetObjectItem(sb, "pool"), "latency_s"), "max") < 30);
  }
  cJSON_Delete(a);
  cJSON_Delete(b);
}

/* --recommend --p95 T: the sizes meet T when re-simulated; one size less for
 * some kind does not. */
static void recommend(void)
{
  const char *target = "10min";
  double target_s = 600;
  cJSON *j = run_json("cd %s && %s pool scenarios/pool-onboarding.yaml --recommend --p95 %s --json --no-save -q", src,
                      bin, target);
  const cJSON *rec = cJSON_GetObjectItem(j, "recommended");
  CHECK_MSG(cJSON_IsObject(rec), "no recommended sizes");
  if (!cJSON_IsObject(rec)) {
    cJSON_Delete(j);
    return;
  }
  char sizes[1024] = "";
  size_t len = 0;
  for (const cJSON *k = rec->child; k; k = k->next)
    len += (size_t)snprintf(sizes + len, sizeof(sizes) - len, " --size %s=%d", k->string, k->valueint);
  cJSON *again = run_json("cd %s && %s pool scenarios/pool-onboarding.yaml%s --json --no-save -q", src, bin, sizes);
  double p95 = jnum(cJSON_GetObjectItem(again, "latency_s"), "p95");
  CHECK_MSG(p95 <= target_s, "recommended sizes give p95 %.1f s > %.1f s", p95, target_s);
  cJSON_Delete(again);
  int tight = 0;
  for (const cJSON *k = rec->child; k; k = k->next) {
    if (k->valueint <= 1)
      continue;
    cJSON *less = run_json("cd %s && %s pool scenarios/pool-onboarding.yaml%s --size %s=%d --json --no-save -q", src,
                           bin, sizes, k->string, k->valueint - 1);
    if (jnum(cJSON_GetObjectItem(less, "latency_s"), "p95") > target_s)
      tight++;
    cJSON_Delete(less);
  }
  CHECK_MSG(tight >= 1, "no kind's size - 1 misses the target");
  cJSON_Delete(j);
}

/* One line, exit 2, nothing on stdout. */
static void bad_cli(const char *what, const char *args, const char *needle)
{
  char *out, err[400], cmd[1200];
  snprintf(err, sizeof(err), "%s/bad.err", tmp);
  snprintf(cmd, sizeof(cmd), "cd %s && %s pool %s --no-save -q 2>%s", src, bin, args, err);
  int rc = run_cmd(&out, "%s", cmd);
  char *e = slurp_file(err, NULL);
  int lines = 0;
  for (char *p = e; p && *p; p++)
    lines += *p == '\n';
  CHECK_MSG(rc == 2, "%s: exit %d", what, rc);
  CHECK_MSG(lines == 1, "%s: %d lines on stderr", what, lines);
  CHECK_MSG(out && !*out, "%s: printed '%s'", what, out ? out : "");
  CHECK_STR_CONTAINS(e, needle);
  free(e);
  free(out);
}

static void bad_input(void)
{
  bad_cli("--p95 alone", "scenarios/pool-onboarding.yaml --p95 60s", "--recommend and --p95");
  bad_cli("--size unknown kind", "scenarios/pool-onboarding.yaml --size win9-1G=2", "'win9-1G' is not an image kind");
  bad_cli("--size negative", "scenarios/pool-onboarding.yaml --size data-5G=-1", "--size");
  bad_cli("no pool section", "scenarios/braids-case-study.yaml", "no pool section");
  bad_cli("a bad pool key", "tests/bad/pool_unknown_kind.yaml", "pool.requests[1].user");
}

/* SIGINT ends a pool run with 130, one line, and no result folder. */
static void interrupt(void)
{
  char scen[300], dir[300], err[300], *out, text[1200];
  snprintf(scen, sizeof(scen), "%s/long.yaml", tmp);
  snprintf(dir, sizeof(dir), "%s/long-out", tmp);
  snprintf(err, sizeof(err), "%s/long.err", tmp);
  /* Many small copies in many chunks: a long simulation. */
  snprintf(text, sizeof(text),
           "name: long\n"
           "hosts: {count: 2, cores: 8, core_speed: 3GHz}\n"
           "storage: {type: nas, nas_count: 1, hdds: 4, link_bw: 1Gbps}\n"
           "hdd: {read_bw: 50MB/s}\n"
           "boot: {read: 500MB}\n"
           "pool:\n"
           "  golden:\n"
           "    - {name: sys, kind: system, size: 2GB, golden: nas-0-hdd-0, pool: nas-0-hdd-1, count: 1}\n"
           "    - {name: usr, kind: user, size: 1GB, golden: nas-0-hdd-2, pool: nas-0-hdd-3, count: 1}\n"
           "  preparer: {parallel: 1, chunks: 1024}\n"
           "  requests:\n"
           "    - {from: \"00:00\", to: \"23:59\", every: 10s, system: sys, user: usr}\n");
  write_file(scen, text);
  int rc = run_cmd(&out, "%s pool %s -o %s -q 2>%s & pid=$!; sleep 2; kill -INT $pid; wait $pid; echo $?", bin, scen,
                   dir, err);
  int code = out ? atoi(out) : -1;
  char *e = slurp_file(err, NULL);
  int lines = 0;
  for (char *p = e; p && *p; p++)
    lines += *p == '\n';
  CHECK_MSG(rc == 0 && code == 130, "SIGINT: exit %d", code);
  CHECK_MSG(lines == 1, "SIGINT: %d lines on stderr", lines);
  CHECK_STR_CONTAINS(e, "interrupted by SIGINT");
  struct stat st;
  CHECK_MSG(stat(dir, &st) != 0, "SIGINT left %s", dir);
  free(e);
  free(out);
}

int main(int argc, char **argv)
{
  if (argc < 3) {
    fprintf(stderr, "usage: test_pool VDISTORM SOURCE_DIR\n");
    return 2;
  }
  bin = argv[1];
  src = argv[2];
  snprintf(tmp, sizeof(tmp), "/tmp/vdistorm-test-pool-XXXXXX");
  if (!mkdtemp(tmp))
    return 2;
  burst_within_pool();
  burst_beyond_pool();
  morning();
  recommend();
  bad_input();
  interrupt();
  char *out;
  run_cmd(&out, "rm -rf %s", tmp);
  free(out);
  return CHECK_DONE();
}
