/* The schedulers on a known capacity, without simulation.
 * usage: test_sched SCENARIOS_DIR */
#include <math.h>

#include <string.h>

#include "check.h"
#include "core/error.h"
#include "scenario/placement.h"
#include "plan/schedule.h"
#include "core/units.h"

static vs_scenario *load(const char *dir, const char *name)
{
  char path[1024];
  vs_scenario *sc = NULL;
  snprintf(path, sizeof(path), "%s/%s.yaml", dir, name);
  if (vs_scenario_load(&sc, path) != VS_OK)
    fprintf(stderr, "%s\n", vs_error_last());
  return sc;
}

static void policies(void)
{
  vs_policy p;
  char buf[48];
  CHECK(vs_policy_parse("jit", &p) == VS_OK && p.kind == VS_POLICY_JIT);
  CHECK(vs_policy_parse("braids-waves", &p) == VS_OK && p.kind == VS_POLICY_BRAIDS_WAVES);
  CHECK(vs_policy_parse("fixed-concurrency:50", &p) == VS_OK && p.kind == VS_POLICY_FIXED_CONCURRENCY && p.n == 50);
  CHECK(vs_policy_parse("fixed-concurrency=20", &p) == VS_OK && p.n == 20);
  CHECK(vs_policy_parse("rate:12/min", &p) == VS_OK && p.kind == VS_POLICY_RATE && p.n == 12);
  CHECK(!strcmp(vs_policy_format(&p, buf, sizeof(buf)), "rate:12/min"));
  const char *bad[] = {"jitt", "fixed-concurrency", "fixed-concurrency:0", "fixed-concurrency:x", "rate:5/h",
                       "rate:", "all-at-once:3"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    CHECK_MSG(vs_policy_parse(bad[i], &p) == VS_EINPUT, "'%s' accepted", bad[i]);
  CHECK(vs_policy_is_dynamic(&p) && vs_policy_parse("jit", &p) == VS_OK && !vs_policy_is_dynamic(&p));
}

static int count_at(const vs_schedule *s, double t)
{
  int n = 0;
  for (size_t i = 0; i < s->n; i++)
    n += fabs(s->entries[i].start_s - t) < 1e-6;
  return n;
}

static void case_study(const vs_scenario *sc)
{
  vs_capacity cap = {.threshold = 10, .boot_s = 58.0, .wave_s = 59.2, .vm_io_Bps = 632e6 / 58.0};
  vs_policy waves = VS_POLICY_INIT, jit = VS_POLICY_INIT, once = VS_POLICY_INIT;
  vs_schedule *s = NULL;

  CHECK(vs_capacity_lanes(sc, &cap) == 10);
  /* The paper's table: 10 VMs at each of 07:53 ... 07:59, one per HDD. */
  waves.kind = VS_POLICY_BRAIDS_WAVES;
  CHECK(vs_schedule_build(sc, &cap, &waves, &s) == VS_OK);
  CHECK(s->n == 70 && s->n_shortfalls == 0);
  for (int m = 53; m <= 59; m++)
    CHECK_MSG(count_at(s, 7 * 3600 + m * 60) == 10, "07:%d", m);
  int used[10] = {0};
  for (size_t i = 0; i < 10; i++)
    used[s->entries[i].disk]++;
  for (int d = 0; d < 10; d++)
    CHECK_MSG(used[d] == 1, "wave 1 puts one VM on HDD %d", d);
  vs_schedule_free(s);

  /* jit: 7 back-to-back boots per HDD lane ending at 08:00. */
  CHECK(vs_schedule_build(sc, &cap, &jit, &s) == VS_OK);
  CHECK(s->lanes == 10);
  CHECK_NEAR(s->entries[0].start_s, 8 * 3600 - 7 * 58.0, 1e-6);
  CHECK_NEAR(s->entries[s->n - 1].expected_ready_s, 8 * 3600, 1e-6);
  vs_schedule_free(s);

  /* Baselines share the paper's window unless told otherwise. */
  once.kind = VS_POLICY_ALL_AT_ONCE;
  CHECK(vs_schedule_build(sc, &cap, &once, &s) == VS_OK);
  CHECK(count_at(s, 7 * 3600 + 53 * 60) == 70);
  vs_schedule_free(s);
  once.start_s = 7 * 3600 + 30 * 60;
  CHECK(vs_schedule_build(sc, &cap, &once, &s) == VS_OK);
  CHECK(count_at(s, 7 * 3600 + 30 * 60) == 70);
  vs_schedule_free(s);

  /* The storm-free bound: 70 x 632 MB over 10 HDDs at 10.9 MB/s (one reader
   * each: two already slow a boot beyond max_slowdown). */
  vs_capacity_bound lb;
  vs_capacity_storm_free_bound(sc, 70 * 632e6, 70 * vs_capacity_fixed_cpu_f(sc, 0, 632e6), &lb);
  CHECK_NEAR(lb.hdd_s, 70 * 632e6 / (10 * 10.9e6), 1e-6);
  CHECK_NEAR(lb.link_s, 70 * 632e6 / 125e6, 1e-6);
  CHECK(lb.bound_s == lb.hdd_s && !strcmp(lb.by, "HDDs"));
  /* The physical bound: the HDDs at their best point (x1.167 at 6 readers)
   * would outrun the 1 Gbit/s uplink, which then bounds. */
  vs_capacity_bound pb;
  vs_capacity_physical_bound(sc, 70 * 632e6, 70 * vs_capacity_fixed_cpu_f(sc, 0, 632e6), &pb);
  CHECK_NEAR(pb.hdd_s, 70 * 632e6 / (10 * 10.9e6 * 1.167), 1e-6);
  CHECK(pb.bound_s == pb.link_s && !strcmp(pb.by, "uplinks"));
  CHECK(pb.bound_s < lb.bound_s);
}

/* Hosts up too late: the shortfall is named, with the capacity that fixes it. */
static void infeasible(vs_scenario *sc)
{
  vs_capacity cap = {.threshold = 6, .boot_s = 58.0, .wave_s = 59.0, .vm_io_Bps = 632e6 / 58.0};
  vs_policy jit = VS_POLICY_INIT;
  vs_schedule *s = NULL;
  sc->workload.earliest_start_s = 6 * 3600 + 45 * 60;
  CHECK(vs_schedule_build(sc, &cap, &jit, &s) == VS_OK);
  CHECK(s->n_shortfalls >= 1 && s->shortfalls[0].late_vms > 0);
  CHECK(s->shortfalls[0].needed_start_s < sc->workload.earliest_start_s);
  CHECK(s->extra_lanes >= 1);
  for (size_t i = 0; i < s->n; i++)
    CHECK(s->entries[i].start_s >= sc->workload.earliest_start_s);
  /* Pushed, not piled up: no lane boots two VMs at once. */
  for (size_t i = 0; i < s->n; i++)
    for (size_t j = i + 1; j < s->n && s->entries[j].start_s < s->entries[i].expected_ready_s - 1e-6; j++)
      CHECK_MSG(s->entries[j].lane != s->entries[i].lane, "lane %d overlaps", s->entries[i].lane);
  vs_schedule_free(s);
  /* From 06:30 (the scenario's own hosts-up time) it is feasible. */
  sc->workload.earliest_start_s = 6 * 3600 + 30 * 60;
  CHECK(vs_schedule_build(sc, &cap, &jit, &s) == VS_OK);
  CHECK(s->n_shortfalls == 0 && s->extra_lanes == 0);
  vs_schedule_free(s);
}

int main(int argc, char **argv)
{
  if (argc < 2)
    return 2;
  vs_scenario *cs = load(argv[1], "braids-case-study"), *m = load(argv[1], "morning-1000");
  CHECK(cs && m);
  if (cs && m) {
    policies();
    case_study(cs);
    infeasible(m);
  }
  vs_scenario_free(cs);
  vs_scenario_free(m);
  return CHECK_DONE();
}
