/* Tests of models/plan and models/backend without a simulator: vs_validate
 * and vs_boot_result_summarize on hand-built results whose every figure is
 * computed by hand below, and schedule CSVs (reading, errors, round trip).
 * usage: test_plan SCENARIOS_DIR */
#define _GNU_SOURCE
#include <math.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "backend/backend.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/fsutil.h"
#include "core/units.h"
#include "plan/schedule.h"
#include "plan/validate.h"

#ifdef VS_SANITIZE
#define SLOW 5.0 /* sanitizers slow the parser several times */
#else
#define SLOW 1.0
#endif

static char dir[512];

static const char *at(const char *name)
{
  static char paths[8][1024];
  static int next;
  char *p = paths[next++ % 8];
  snprintf(p, sizeof(paths[0]), "%s/%s", dir, name);
  return p;
}

static void put(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
    fprintf(stderr, "cannot write fixture %s\n", path);
    exit(2);
  }
}

static vs_scenario *load(const char *scenarios, const char *name)
{
  char path[1024];
  vs_scenario *sc = NULL;
  snprintf(path, sizeof(path), "%s/%s.yaml", scenarios, name);
  if (vs_scenario_load(&sc, path) != VS_OK) {
    fprintf(stderr, "%s\n", vs_error_last());
    exit(2);
  }
  return sc;
}

#define HM(h, m) ((h) * 3600.0 + (m) * 60.0)

/* ---- vs_validate ----
 *
 * braids-case-study (energy.vm_power 30 W, max_slowdown 1.2, 10 HDDs at
 * 10.9 MB/s storm-free, 1 Gbit/s uplink). The experiment's t = 0 is 07:50.
 *
 *   vm  deadline  start(t)  ready(t)  ready at    late  idle    powered
 *    0  08:10        0        60      07:51:00    0    1140 s  1200 s
 *    1  08:00      100       530      07:58:50    0      70 s   500 s
 *    2  08:00      500       630      08:00:30   30 s     0     130 s
 *    3  08:10      520       NAN      never       late, not ready
 *
 * late 2 (one not ready) -> ready_fraction 0.5; max lateness 30 s, p95 of
 * {0,0,0,30} (index ceil(0.95*4)-1 = 3) = 30 s; idle 1210 s = 20.1667 min;
 * powered 1830 s = 30.5 min; idle energy 20.1667/60 h x 30 W = 0.0100833 kWh;
 * first start 07:50:00, last ready 08:00:30, makespan 630 s; booting at once
 * at t = 520: VMs 1, 2 and 3 -> peak 3; slowest boot 430 s = 7.17 x 60 s ->
 * storm; 08:00: 2 VMs, 1 on time; 08:10: 2 VMs, 1 on time (VM 3 never ready).
 * Bound: 4 x 632 MB over 10 x 10.9 MB/s = 23.1927 s (the HDDs; the uplink
 * needs 20.224 s, the CPUs 0.45 s). */
static void validation(const vs_scenario *case_study)
{
  const double origin = HM(7, 50), d1 = HM(8, 0), d2 = HM(8, 10);
  /* The case study's hardware with a workload the hand-made schedules
   * cover exactly (validation counts the workload's VMs they leave out). */
  vs_scenario local = *case_study, *sc = &local;
  vs_demand_point four[2] = {{.ready_by_s = d1, .vms = 2}, {.ready_by_s = d2, .vms = 2}};
  vs_demand_point twenty[1] = {{.ready_by_s = d1, .vms = 20}};
  local.workload.points = four;
  local.workload.len = 2;
  vs_schedule_entry entries[4] = {
    {.vm = 0, .host = 0, .disk = 0, .point = 1, .lane = -1, .start_s = origin + 0, .ready_by_s = d2},
    {.vm = 1, .host = 1, .disk = 1, .point = 0, .lane = -1, .start_s = origin + 100, .ready_by_s = d1},
    {.vm = 2, .host = 2, .disk = 2, .point = 0, .lane = -1, .start_s = origin + 500, .ready_by_s = d1},
    {.vm = 3, .host = 3, .disk = 3, .point = 1, .lane = -1, .start_s = origin + 520, .ready_by_s = d2},
  };
  vs_schedule s = {.policy = VS_POLICY_INIT, .entries = entries, .n = 4};
  double plan_origin = 0;
  vs_boot_req *plan = vs_schedule_plan(&s, &plan_origin);
  CHECK(plan && plan_origin == origin && plan[3].start_s == 520 && plan[2].vm == 2 && plan[3].disk == 3);
  vs_boot_result *r = vs_boot_result_new(plan, 4);
  free(plan);
  if (!r) {
    CHECK(0);
    return;
  }
  const double started[4] = {0, 100, 500, 520}, ready[4] = {60, 530, 630, NAN};
  for (int i = 0; i < 4; i++) {
    r->started_s[i] = started[i];
    r->ready_s[i] = ready[i];
    r->read_B[i] = 632e6;
  }
  vs_boot_result_summarize(r, sc);
  CHECK(r->not_ready == 1 && r->peak_concurrency == 3);

  vs_validation v;
  vs_capacity cap = {.threshold = 10, .boot_s = 60.0, .wave_s = 60.0, .class_boot_s = {60.0}};
  CHECK(vs_validate(sc, &s, origin, r, &cap, &v) == VS_OK);
  CHECK_NEAR(v.ready_fraction, 0.5, 1e-12);
  CHECK(v.late_vms == 2 && v.not_ready == 1);
  CHECK_NEAR(v.max_lateness_s, 30, 1e-9);
  CHECK_NEAR(v.p95_lateness_s, 30, 1e-9);
  CHECK_NEAR(v.idle_vm_minutes, 1210.0 / 60, 1e-9);
  CHECK_NEAR(v.powered_vm_minutes, 1830.0 / 60, 1e-9);
  CHECK_NEAR(v.idle_energy_kWh, 1210.0 / 3600 * 0.030, 1e-12);
  CHECK(v.peak_concurrency == 3);
  CHECK_NEAR(v.slowest_boot_ratio, 430.0 / 60, 1e-9);
  CHECK(v.storm == 1);
  CHECK_NEAR(v.first_start_s, origin, 1e-9);
  CHECK_NEAR(v.last_ready_s, d1 + 30, 1e-9);
  CHECK_NEAR(v.makespan_s, 630, 1e-9);
  /* The storm-free bound (one reader per HDD), and the physical one (the
   * HDD curve's best point, x1.167, which the uplink then bounds). The CPU
   * bound takes the fixed work of each class's boot for the bytes read. */
  CHECK_NEAR(v.storm_free.hdd_s, 4 * 632e6 / 109e6, 1e-6);
  CHECK_NEAR(v.storm_free.link_s, 4 * 632e6 / 125e6, 1e-6);
  CHECK(v.storm_free.cpu_s > 0.4 && v.storm_free.cpu_s < 0.5);
  CHECK_NEAR(v.storm_free.bound_s, v.storm_free.hdd_s, 0);
  CHECK_NEAR(v.storm_free_ratio, 630 / (4 * 632e6 / 109e6), 1e-9);
  CHECK_NEAR(v.physical.hdd_s, 4 * 632e6 / (109e6 * 1.167), 1e-6);
  CHECK_NEAR(v.physical.bound_s, v.physical.link_s, 0);
  CHECK(!strcmp(v.physical.by, "uplinks") && !strcmp(v.storm_free.by, "HDDs"));
  CHECK_NEAR(v.physical_ratio, 630 / (4 * 632e6 / 125e6), 1e-9);
  CHECK(v.n_classes == 1 && v.classes[0].vms == 4 && v.classes[0].on_time == 2);
  CHECK(v.n_deadlines == 2);
  if (v.n_deadlines == 2) {
    CHECK(v.deadlines[0].ready_by_s == d1 && v.deadlines[0].vms == 2 && v.deadlines[0].on_time == 1);
    CHECK(v.deadlines[1].ready_by_s == d2 && v.deadlines[1].vms == 2 && v.deadlines[1].on_time == 1);
  }
  vs_validation_clear(&v);
  CHECK(v.deadlines == NULL && v.n_deadlines == 0);

  /* Everyone on time once VM 2 is 30 s quicker and VM 3 becomes ready; 20
   * VMs of 08:00 so that the p95 is not the maximum. */
  r->ready_s[2] = 600;
  r->ready_s[3] = 700;
  CHECK(vs_validate(sc, &s, origin, r, &(vs_capacity){.boot_s = 0}, &v) == VS_OK);
  CHECK(v.late_vms == 0 && v.not_ready == 0 && v.ready_fraction == 1 && v.max_lateness_s == 0);
  CHECK(v.slowest_boot_ratio == 0 && v.storm == 0); /* no unloaded boot time given */
  CHECK(v.deadlines && v.deadlines[0].on_time == 2 && v.deadlines[1].on_time == 2);
  vs_validation_clear(&v);
  vs_boot_result_free(r);

  vs_schedule_entry many[20];
  vs_boot_req reqs[20];
  for (int i = 0; i < 20; i++) {
    many[i] = (vs_schedule_entry){.vm = i, .lane = -1, .start_s = origin, .ready_by_s = d1};
    reqs[i] = (vs_boot_req){.vm = i, .host = 0, .disk = i % 10, .start_s = 0};
  }
  vs_schedule s20 = {.policy = VS_POLICY_INIT, .entries = many, .n = 20};
  vs_boot_result *r20 = vs_boot_result_new(reqs, 20);
  /* lateness i seconds for VM i: p95 = index ceil(19) - 1 = 18 -> 18 s; max 19 s. */
  for (int i = 0; r20 && i < 20; i++) {
    r20->started_s[i] = 0;
    r20->ready_s[i] = d1 - origin + i;
  }
  local.workload.points = twenty;
  local.workload.len = 1;
  CHECK(r20 && vs_validate(sc, &s20, origin, r20, &(vs_capacity){.boot_s = 0}, &v) == VS_OK);
  CHECK(v.late_vms == 19 && v.max_lateness_s == 19 && v.p95_lateness_s == 18);
  CHECK_NEAR(v.ready_fraction, 1.0 / 20, 1e-12);
  vs_validation_clear(&v);
  /* The same 20 VMs against a workload of 25: the 5 it forgot are late,
   * in their deadline and class. */
  twenty[0].vms = 25;
  CHECK(vs_validate(sc, &s20, origin, r20, &(vs_capacity){.boot_s = 0}, &v) == VS_OK);
  CHECK(v.missing_vms == 5 && v.late_vms == 19 + 5);
  CHECK_NEAR(v.ready_fraction, 1.0 / 25, 1e-12);
  CHECK(v.n_deadlines == 1 && v.deadlines[0].vms == 25 && v.deadlines[0].on_time == 1);
  CHECK(v.classes[0].vms == 25 && v.classes[0].on_time == 1);
  vs_validation_clear(&v);
  twenty[0].vms = 20;
  /* A result of another size is refused. */
  r20->n_vms = 19;
  CHECK(vs_validate(sc, &s20, origin, r20, &(vs_capacity){.boot_s = 0}, &v) == VS_ESIM);
  CHECK_STR_CONTAINS(vs_error_last(), "19 VMs for a schedule of 20");
  r20->n_vms = 20;
  vs_boot_result_free(r20);
}

/* ---- vs_boot_result_summarize ----
 *
 * 4 VMs on disks 0, 1, 1, 3 (3 used), 100 MB each; started 0, 0, 50, 60,
 * ready 50, 60, 70, never. Ready: 3, not ready 1; all ready 70 - 0 = 70 s;
 * mean (50 + 60 + 20) / 3; max 60 s. Booting at once: 2 -- at t = 50 and
 * t = 60 one boot ends exactly as another starts, which frees its place
 * first. 400 MB / 70 s = 5.714 MB/s over 3 disks.
 * Two hosts, 12 samples, cpu_window 5 s: host 0 runs 0,0,0,.9,.9,.9,.9,.4,0...
 * whose best 5-s mean is (4 x .9 + .4) / 5 = 0.8 (its peak sample .9 is not
 * the answer); host 1 runs at .5. Uplink 62.5 MB/s of 125 MB/s: 0.5. */
static void summarize(const vs_scenario *sc)
{
  vs_boot_req plan[4] = {
    {.vm = 10, .host = 0, .disk = 0}, {.vm = 11, .host = 1, .disk = 1},
    {.vm = 12, .host = 0, .disk = 1, .start_s = 50}, {.vm = 13, .host = 1, .disk = 3, .start_s = 60}};
  vs_boot_result *r = vs_boot_result_new(plan, 4);
  if (!r) {
    CHECK(0);
    return;
  }
  CHECK(r->n_vms == 4 && r->peak_concurrency == -1 && r->boots[2].vm == 12 && r->boots[3].start_s == 60);
  const double started[4] = {0, 0, 50, 60}, ready[4] = {50, 60, 70, NAN};
  for (int i = 0; i < 4; i++) {
    r->started_s[i] = started[i];
    r->ready_s[i] = ready[i];
    r->read_B[i] = 100e6;
  }
  const size_t n = 12;
  const double host0[12] = {0, 0, 0, .9, .9, .9, .9, .4, 0, 0, 0, 0};
  r->n_samples = n;
  r->n_hosts = 2;
  r->n_links = 1;
  r->samples = calloc(n, sizeof(*r->samples));
  r->host_util = calloc(n * 2, sizeof(double));
  r->link_MBps = calloc(n, sizeof(double));
  for (size_t i = 0; i < n; i++) {
    r->samples[i].t_s = (double)i + 1;
    r->host_util[i * 2 + 0] = host0[i];
    r->host_util[i * 2 + 1] = 0.5;
    r->link_MBps[i] = 62.5;
  }
  r->samples[4].host_overhead_cpu_util = 0.3;
  vs_boot_result_summarize(r, sc);
  CHECK(r->not_ready == 1);
  CHECK_NEAR(r->all_ready_s, 70, 1e-12);
  CHECK_NEAR(r->mean_ready_s, 130.0 / 3, 1e-12);
  CHECK_NEAR(r->max_boot_s, 60, 1e-12);
  CHECK(r->disks_used == 3);
  CHECK_NEAR(r->total_read_B, 400e6, 1e-3);
  CHECK_NEAR(r->total_disk_MBps, 400.0 / 70, 1e-9);
  CHECK_NEAR(r->mean_disk_MBps, 400.0 / 70 / 3, 1e-9);
  CHECK_MSG(r->peak_concurrency == 2, "peak concurrency %d", r->peak_concurrency);
  CHECK_NEAR(r->peak_cpu_util, 0.8, 1e-12);
  CHECK_NEAR(r->peak_link_util, 0.5, 1e-12);
  CHECK_NEAR(r->host_overhead_cpu_util, 0.3 / 12, 1e-12);
  CHECK_NEAR(r->peak_host_overhead_cpu_util, 0.3, 1e-12);

  /* A peak concurrency the backend measured is kept; an overloaded uplink
   * counts as 1. */
  r->peak_concurrency = 4;
  for (size_t i = 0; i < n; i++)
    r->link_MBps[i] = 500;
  vs_boot_result_summarize(r, sc);
  CHECK(r->peak_concurrency == 4);
  CHECK_NEAR(r->peak_link_util, 1.0, 0);

  /* The peak is the largest mean over whole storm.cpu_window windows (5 s):
   * host 0 at 1.0 for the first second and idle for the next 11 has a 5-s
   * mean of at most 0.2, not a saturated CPU. */
  for (size_t i = 0; i < n; i++) {
    r->host_util[i * 2 + 0] = i == 0 ? 1.0 : 0.0;
    r->host_util[i * 2 + 1] = 0.0;
  }
  vs_boot_result_summarize(r, sc);
  CHECK_MSG(r->peak_cpu_util <= 0.2 + 1e-12, "peak CPU %g from one busy second", r->peak_cpu_util);
  vs_boot_result_free(r);

  /* Nobody ready: zeros, not NANs or negative times. */
  vs_boot_result *none = vs_boot_result_new(plan, 2);
  if (none) {
    none->ready_s[0] = none->ready_s[1] = NAN;
    vs_boot_result_summarize(none, sc);
    CHECK(none->not_ready == 2 && none->all_ready_s == 0 && none->mean_ready_s == 0);
    CHECK(none->total_disk_MBps == 0 && none->peak_concurrency == 2);
    vs_boot_result_free(none);
  }
}

/* ---- schedule CSVs ---- */

static int read_err(const char *name, const char *text, const vs_scenario *sc, char *msg, size_t len)
{
  vs_schedule *s = NULL;
  put(at(name), text);
  int rc = vs_schedule_read_csv(at(name), sc, &s);
  snprintf(msg, len, "%s", vs_error_last());
  CHECK_MSG(rc != VS_OK || s, "%s", name);
  if (rc != VS_OK)
    CHECK_MSG(s == NULL, "%s: a schedule handed out with an error", name);
  vs_schedule_free(s);
  return rc;
}

static void schedule_csv_read(const vs_scenario *sc)
{
  vs_schedule *s = NULL;
  /* BOM, CRLF, header, names and plain indices, 5 and 6 fields, an empty
   * expected_ready, a comment and a blank line; rows out of start order. */
  put(at("good.csv"), "\xEF\xBB\xBFvm,host,disk,start,ready_by,expected_ready\r\n"
                      "2,host-3,nas-0-hdd-9,07:55:00,08:00,07:56:00\r\n"
                      "# a comment\r\n"
                      "\r\n"
                      "0,1,7,07:53,08:00:00\r\n"
                      " 5 , host-0 , nas-0-hdd-0 , 07:54:30 , 08:00 , \r\n");
  CHECK_MSG(vs_schedule_read_csv(at("good.csv"), sc, &s) == VS_OK, "%s", vs_error_last());
  if (s) {
    CHECK(s->n == 3);
    /* sorted by start */
    CHECK(s->entries[0].vm == 0 && s->entries[0].host == 1 && s->entries[0].disk == 7);
    CHECK(s->entries[0].start_s == HM(7, 53) && s->entries[0].ready_by_s == HM(8, 0));
    CHECK(s->entries[0].expected_ready_s == HM(8, 0)); /* not given: the deadline */
    CHECK(s->entries[1].vm == 5 && s->entries[1].host == 0 && s->entries[1].disk == 0);
    CHECK(s->entries[1].start_s == HM(7, 54) + 30 && s->entries[1].expected_ready_s == HM(8, 0));
    CHECK(s->entries[2].vm == 2 && s->entries[2].host == 3 && s->entries[2].disk == 9);
    CHECK(s->entries[2].expected_ready_s == HM(7, 56));
    for (size_t i = 0; i < s->n; i++)
      CHECK(s->entries[i].point == 0 && s->entries[i].lane == -1);
    CHECK(s->policy.kind == VS_POLICY_JIT && s->n_shortfalls == 0);
  }
  vs_schedule_free(s);

  /* Every error names FILE:LINE. */
  char msgbuf[1024], *msg = msgbuf, want[1200];
  const struct {
    const char *name, *text;
    int line;
    const char *what;
  } bad[] = {
    {"fields.csv", "vm,host,disk,start,ready_by\n1,host-0,0,07:00\n", 2, "4 fields"},
    {"fields8.csv", "1,host-0,0,07:00,08:00,08:00,default,x\n", 1, "8 fields"},
    {"badclass.csv", "1,host-0,0,07:00,08:00,08:00,x\n", 1, "class 'x' is not a desktop class"},
    {"vm.csv", "vm,host,disk,start,ready_by\n\n# c\nx1,host-0,0,07:00,08:00\n", 4, "vm 'x1' is not a VM number"},
    {"vmneg.csv", "-1,host-0,0,07:00,08:00\n", 1, "vm '-1' is not a VM number"},
    {"host.csv", "1,host-4,0,07:00,08:00\n", 1, "'host-4' is not a host of this scenario"},
    {"hostname.csv", "1,server-1,0,07:00,08:00\n", 1, "'server-1' is not a host"},
    {"nas.csv", "1,host-0,nas-1-hdd-0,07:00,08:00\n", 1, "'nas-1-hdd-0' is not an HDD of this scenario"},
    {"hdd.csv", "1,host-0,nas-0-hdd-10,07:00,08:00\n", 1, "'nas-0-hdd-10' is not an HDD"},
    {"hddidx.csv", "1,host-0,10,07:00,08:00\n", 1, "'10' is not an HDD"},
    {"start.csv", "1,host-0,0,7am,08:00\n", 1, "start: bad clock '7am'"},
    {"ready.csv", "1,host-0,0,07:00,25:00\n", 1, "ready_by: bad clock"},
    {"expected.csv", "1,host-0,0,07:00,08:00,soon\n", 1, "expected_ready: bad clock 'soon'"},
    {"quote.csv", "1,\"host-0,0,07:00,08:00\n", 1, "a quoted field is not closed"},
    {"dup.csv", "vm,host,disk,start,ready_by\n3,0,0,07:00,08:00\n4,0,1,07:00,08:00\n3,0,2,07:01,08:00\n", 4,
     "vm 3 appears twice (first at line 2)"},
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    CHECK_MSG(read_err(bad[i].name, bad[i].text, sc, msg, sizeof(msgbuf)) == VS_EINPUT, "%s accepted", bad[i].name);
    snprintf(want, sizeof(want), "%s:%d: %s", at(bad[i].name), bad[i].line, bad[i].what);
    CHECK_MSG(strstr(msg, want) != NULL, "'%s' does not contain '%s'", msg, want);
  }
  char nul[] = "1,host-0,0,07:00,08:00\n2,host-0\0,1,07:00,08:00\n";
  FILE *f = fopen(at("nul.csv"), "wb");
  fwrite(nul, 1, sizeof(nul) - 1, f);
  fclose(f);
  CHECK(vs_schedule_read_csv(at("nul.csv"), sc, &s) == VS_EINPUT && !s);
  snprintf(want, sizeof(want), "%s:2: NUL byte", at("nul.csv"));
  CHECK_STR_CONTAINS(vs_error_last(), want);
  /* No rows at all; not there. */
  CHECK(read_err("header.csv", "vm,host,disk,start,ready_by,expected_ready\n", sc, msg, sizeof(msgbuf)) == VS_EINPUT);
  CHECK_STR_CONTAINS(msg, "no schedule rows");
  CHECK(vs_schedule_read_csv(at("absent.csv"), sc, &s) == VS_EIO && !s);
  CHECK_STR_CONTAINS(vs_error_last(), "absent.csv");

  /* A schedule that begins with a comment (which the CSV reader skips,
   * csv.h) may still have its header on the first row. */
  put(at("commented.csv"), "# exported by hand\nvm,host,disk,start,ready_by\n1,host-0,0,07:00,08:00\n");
  int commented_rc = vs_schedule_read_csv(at("commented.csv"), sc, &s);
  vs_schedule_free(s);
  s = NULL;
  CHECK_MSG(commented_rc == VS_OK, "%s", vs_error_last());
}

/* 200,000 rows: read in well under two seconds of CPU; a repeated VM on the last row
 * is found (sorting, not a quadratic scan) and named with both lines. */
static void schedule_csv_big(const vs_scenario *sc)
{
  const int rows = 200000;
  FILE *f = fopen(at("big.csv"), "w");
  fprintf(f, "vm,host,disk,start,ready_by,expected_ready\n");
  for (int i = 0; i < rows; i++)
    fprintf(f, "%d,host-%d,nas-0-hdd-%d,07:%02d:%02d,08:00:00,07:59:00\n", i, i % 4, i % 10, 30 + i % 29, i % 60);
  fclose(f);
  vs_schedule *s = NULL;
  /* CPU time, not wall time: other jobs on the machine do not count, and a
   * quadratic check (2e10 comparisons) would take minutes, not 2 s. */
  clock_t c0 = clock();
  CHECK_MSG(vs_schedule_read_csv(at("big.csv"), sc, &s) == VS_OK, "%s", vs_error_last());
  double dt = (double)(clock() - c0) / CLOCKS_PER_SEC;
  CHECK_MSG(dt < 2.0 * SLOW, "200,000 rows read in %.2f s of CPU", dt);
  CHECK(s && s->n == (size_t)rows);
  for (size_t i = 1; s && i < s->n; i++)
    if (s->entries[i].start_s < s->entries[i - 1].start_s) {
      CHECK_MSG(0, "not sorted by start at %zu", i);
      break;
    }
  vs_schedule_free(s);
  s = NULL;

  f = fopen(at("big.csv"), "a");
  fprintf(f, "123456,host-1,nas-0-hdd-3,07:40:00,08:00:00,07:59:00\n");
  fclose(f);
  c0 = clock();
  CHECK(vs_schedule_read_csv(at("big.csv"), sc, &s) == VS_EINPUT && !s);
  dt = (double)(clock() - c0) / CLOCKS_PER_SEC;
  char want[1200];
  /* vm i is on line i + 2; the repeat on line rows + 2. */
  snprintf(want, sizeof(want), "%s:%d: vm 123456 appears twice (first at line %d)", at("big.csv"), rows + 2,
           123456 + 2);
  CHECK_STR_CONTAINS(vs_error_last(), want);
  CHECK_MSG(dt < 2.0 * SLOW, "duplicate found in %.2f s of CPU", dt);
}

/* jit plans each boot as its class alone times the lanes' slowdown (the
 * slowest of `lanes` VMs booted together, over its class alone) plus a
 * quarter-second guard; unmeasured, as the class alone. */
static void jit_lanes_slowdown(const vs_scenario *sc)
{
  vs_capacity cap = {.threshold = 10, .boot_s = 58.0, .wave_s = 59.2, .class_boot_s = {58.0}};
  vs_boot_req plan[3] = {{.vm = 0}, {.vm = 1}, {.vm = 2}};
  vs_boot_result *r = vs_boot_result_new(plan, 3);
  CHECK(r != NULL);
  if (!r)
    return;
  const double ready[3] = {58.0, 59.74, 58.5};
  for (int i = 0; i < 3; i++) {
    r->started_s[i] = 0;
    r->ready_s[i] = ready[i];
  }
  CHECK_NEAR(vs_capacity_lanes_slowdown(&cap, r), 59.74 / 58.0, 1e-12);
  r->ready_s[2] = NAN;
  r->not_ready = 1;
  CHECK(vs_capacity_lanes_slowdown(&cap, r) == 0.0); /* a failed VM measures nothing */
  vs_boot_result_free(r);

  vs_policy p;
  CHECK(vs_policy_parse("jit", &p) == VS_OK);
  for (int measured = 0; measured < 2; measured++) {
    vs_schedule *s = NULL;
    cap.lanes_slowdown = measured ? 1.03 : 0.0;
    CHECK(vs_schedule_build(sc, &cap, &p, &s) == VS_OK);
    if (!s)
      continue;
    double want = measured ? 58.0 * 1.03 + 0.25 : 58.0, worst = 0;
    for (size_t i = 0; i < s->n; i++)
      worst = fmax(worst, fabs(s->entries[i].expected_ready_s - s->entries[i].start_s - want));
    CHECK_MSG(worst <= 0.001, "measured %d: planned boots off by %.4f s", measured, worst);
    vs_schedule_free(s);
  }
}

/* Build -> write -> read: the same VMs, hosts, disks and times (to the
 * second the CSV keeps). */
static void schedule_round_trip(const vs_scenario *sc)
{
  vs_capacity cap = {.threshold = 10, .boot_s = 58.0, .wave_s = 59.2, .vm_io_Bps = 632e6 / 58.0};
  const char *policies[] = {"jit", "braids-waves", "all-at-once"};
  for (size_t p_i = 0; p_i < 3; p_i++) {
    vs_policy p;
    vs_schedule *built = NULL, *back = NULL;
    CHECK(vs_policy_parse(policies[p_i], &p) == VS_OK);
    CHECK_MSG(vs_schedule_build(sc, &cap, &p, &built) == VS_OK, "%s: %s", policies[p_i], vs_error_last());
    if (!built)
      continue;
    CHECK(built->n == 70 && built->n_shortfalls == 0);
    vs_atomic *a = NULL;
    CHECK(vs_atomic_open(&a, at("round.csv")) == VS_OK);
    CHECK(vs_schedule_write_csv(built, sc, vs_atomic_file(a)) == VS_OK);
    CHECK(vs_atomic_commit(a) == VS_OK);
    CHECK_MSG(vs_schedule_read_csv(at("round.csv"), sc, &back) == VS_OK, "%s", vs_error_last());
    if (back) {
      CHECK(back->n == built->n);
      int used[70] = {0}, bad = 0;
      for (size_t i = 0; i < back->n && i < built->n; i++) {
        const vs_schedule_entry *b = &back->entries[i];
        const vs_schedule_entry *o = NULL;
        for (size_t j = 0; j < built->n; j++)
          if (built->entries[j].vm == b->vm)
            o = &built->entries[j];
        if (!o || b->vm < 0 || b->vm >= 70 || used[b->vm]++) {
          bad++;
          continue;
        }
        bad += o->host != b->host || o->disk != b->disk || fabs(o->start_s - b->start_s) > 0.5 ||
               fabs(o->ready_by_s - b->ready_by_s) > 0.5 || fabs(o->expected_ready_s - b->expected_ready_s) > 0.5;
      }
      CHECK_MSG(bad == 0, "%s: %d entries differ after a round trip", policies[p_i], bad);
      /* Written again, the file is the same. */
      FILE *f = fopen(at("round2.csv"), "w");
      CHECK(vs_schedule_write_csv(back, sc, f) == VS_OK);
      fclose(f);
      char *one = NULL, *two = NULL;
      vs_buf b1 = VS_BUF_INIT, b2 = VS_BUF_INIT;
      CHECK(vs_buf_read_file(&b1, at("round.csv")) == VS_OK && vs_buf_read_file(&b2, at("round2.csv")) == VS_OK);
      one = b1.data;
      two = b2.data;
      CHECK_MSG(one && two && !strcmp(one, two), "%s: rewritten CSV differs", policies[p_i]);
      vs_buf_clear(&b1);
      vs_buf_clear(&b2);
    }
    vs_schedule_free(back);
    vs_schedule_free(built);
  }

  /* Times past midnight are written as "+1d HH:MM:SS.mmm" and read back
   * exactly: an infeasible late-evening workload pushed past 24:00 (200 VMs
   * due at 23:59 that may not start before 23:50 on this hardware) still
   * round-trips through its CSV. */
  static const char late_yaml[] =
    "hosts: {count: 4, cores: 16, core_speed: 3.6GHz}\n"
    "storage: {type: nas, hdds: 10, link_bw: 1Gbps}\n"
    "hdd: {read_bw: 10.9MB/s}\n"
    "boot: {read: 632MB}\n"
    "workload: {earliest_start: \"23:50\", demand: [{ready_by: \"23:59\", vms: 200}]}\n";
  vs_scenario *late = NULL;
  CHECK_MSG(vs_scenario_load_buffer(&late, late_yaml, sizeof(late_yaml) - 1, "late.yaml") == VS_OK, "%s",
            vs_error_last());
  vs_policy jit = VS_POLICY_INIT;
  vs_schedule *ls = NULL, *lback = NULL;
  if (late && vs_schedule_build(late, &cap, &jit, &ls) == VS_OK) {
    CHECK(ls->n_shortfalls > 0); /* infeasible: pushed past midnight */
    double last = 0;
    for (size_t i = 0; i < ls->n; i++)
      last = fmax(last, ls->entries[i].start_s);
    CHECK_MSG(last > 86400, "last start %g", last);
    FILE *f = fopen(at("late.csv"), "w");
    CHECK(vs_schedule_write_csv(ls, late, f) == VS_OK);
    fclose(f);
    int rc = vs_schedule_read_csv(at("late.csv"), late, &lback);
    CHECK_MSG(rc == VS_OK && lback && lback->n == ls->n, "%s", vs_error_last());
    for (size_t i = 0; rc == VS_OK && lback && i < ls->n; i++)
      CHECK(lback->entries[i].start_s == ls->entries[i].start_s &&
            lback->entries[i].expected_ready_s == ls->entries[i].expected_ready_s);
  }
  vs_schedule_free(lback);
  vs_schedule_free(ls);
  vs_scenario_free(late);
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: test_plan SCENARIOS_DIR\n");
    return 2;
  }
  const char *tmp = getenv("TMPDIR");
  snprintf(dir, sizeof(dir), "%s/vs-test-plan-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 2;
  }
  vs_scenario *sc = load(argv[1], "braids-case-study");
  validation(sc);
  summarize(sc);
  schedule_csv_read(sc);
  schedule_csv_big(sc);
  schedule_round_trip(sc);
  jit_lanes_slowdown(sc);
  vs_scenario_free(sc);
  vs_fs_remove_tree(dir);
  return CHECK_DONE();
}
