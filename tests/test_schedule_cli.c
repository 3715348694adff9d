/* Issue targets for schedules, through the CLI and its JSON contract:
 * the paper's table, jit vs braids-waves, the storm of all-at-once, the
 * 1,000-employee morning, CSV round trip, bad CSV, infeasibility, and the
 * regression gate.  usage: test_schedule_cli VDISTORM SOURCE_DIR */
#include <unistd.h>

#include "check.h"
#include "run_cmd.h"

static const char *bin, *src;
static char tmp[] = "/tmp/vdistorm-test-sched-XXXXXX";

static cJSON *sched(const char *scenario, const char *args)
{
  return run_json("cd %s && %s schedule scenarios/%s.yaml %s --validate --json --no-save -q", src, bin, scenario,
                  args);
}

static const cJSON *val(const cJSON *j) { return cJSON_GetObjectItem(j, "validation"); }

static double clock_s(const char *hhmmss)
{
  int h, m, s;
  return sscanf(hhmmss, "%d:%d:%d", &h, &m, &s) == 3 ? h * 3600 + m * 60 + s : NAN;
}

static void case_study(void)
{
  cJSON *waves = sched("braids-case-study", "--policy braids-waves"), *jit = sched("braids-case-study", "--policy jit"),
        *once = sched("braids-case-study", "--policy all-at-once --start 07:53");
  CHECK(waves && jit && once);
  if (!waves || !jit || !once)
    goto cleanup;
  /* braids-waves: exactly the paper's 7 x 10 table, all ready, no storm. */
  int per_minute[60] = {0}, rows = 0;
  const cJSON *e;
  cJSON_ArrayForEach(e, cJSON_GetObjectItem(waves, "schedule"))
  {
    const char *start = cJSON_GetObjectItem(e, "start")->valuestring;
    int h, m, s;
    rows++;
    if (sscanf(start, "%d:%d:%d", &h, &m, &s) == 3 && h == 7 && s == 0)
      per_minute[m]++;
  }
  CHECK(rows == 70);
  for (int m = 53; m <= 59; m++)
    CHECK_MSG(per_minute[m] == 10, "07:%02d has %d VMs", m, per_minute[m]);
  CHECK(jnum(val(waves), "ready_fraction") == 1);
  CHECK(cJSON_IsFalse(cJSON_GetObjectItem(val(waves), "storm")));

  /* jit: all ready, no storm, starts later than 07:53, near the bound, less idle. */
  CHECK(jnum(val(jit), "ready_fraction") == 1 && jnum(val(jit), "late_vms") == 0);
  CHECK(cJSON_IsFalse(cJSON_GetObjectItem(val(jit), "storm")));
  double first = clock_s(cJSON_GetObjectItem(val(jit), "first_start")->valuestring);
  CHECK_MSG(first > 7 * 3600 + 53 * 60, "jit first start %.0f", first);
  CHECK_MSG(jnum(val(jit), "storm_free_bound_ratio") <= 1.05, "makespan %.1f s vs bound %.1f s", jnum(val(jit), "makespan_s"),
            jnum(val(jit), "storm_free_bound_s"));
  CHECK_MSG(jnum(val(jit), "idle_vm_minutes") < jnum(val(waves), "idle_vm_minutes"), "idle %.1f vs %.1f",
            jnum(val(jit), "idle_vm_minutes"), jnum(val(waves), "idle_vm_minutes"));
  CHECK(jnum(val(jit), "peak_concurrency") <= 10);
  CHECK(jnum(val(jit), "powered_vm_minutes") < jnum(val(waves), "powered_vm_minutes"));
  CHECK(jnum(val(jit), "powered_vm_minutes") < jnum(val(once), "powered_vm_minutes"));
  CHECK(!isnan(jnum(val(jit), "idle_energy_kWh")));

  /* all-at-once at 07:53: the simulation shows the storm. */
  CHECK(cJSON_IsTrue(cJSON_GetObjectItem(val(once), "storm")) || jnum(val(once), "late_vms") > 0);
  CHECK(jnum(val(once), "peak_concurrency") == 70);
cleanup:
  cJSON_Delete(waves);
  cJSON_Delete(jit);
  cJSON_Delete(once);
}

static void morning(void)
{
  cJSON *j = sched("morning-1000", "--policy jit");
  CHECK(j != NULL);
  if (!j)
    return;
  const cJSON *d;
  int deadlines = 0;
  cJSON_ArrayForEach(d, cJSON_GetObjectItem(val(j), "deadlines"))
  {
    deadlines++;
    CHECK_MSG(jnum(d, "ready_fraction") == 1, "deadline %s", cJSON_GetObjectItem(d, "ready_by")->valuestring);
  }
  CHECK(deadlines == 4);
  CHECK(jnum(val(j), "late_vms") == 0 && cJSON_IsTrue(cJSON_GetObjectItem(j, "feasible")));
  cJSON_Delete(j);
}

/* A schedule written as CSV validates to the same figures. */
static void csv_round_trip(void)
{
  char csv[600], *out;
  snprintf(csv, sizeof(csv), "%s/waves.csv", tmp);
  cJSON *a = run_json("cd %s && %s schedule --policy braids-waves --validate --csv %s --json --no-save -q", src, bin,
                      csv);
  cJSON *b = run_json("cd %s && %s validate --schedule %s --json --no-save -q", src, bin, csv);
  CHECK(a && b);
  if (a && b) {
    CHECK_NEAR(jnum(val(a), "makespan_s"), jnum(val(b), "makespan_s"), 1e-6);
    CHECK_NEAR(jnum(val(a), "idle_vm_minutes"), jnum(val(b), "idle_vm_minutes"), 1e-6);
  }
  cJSON_Delete(a);
  cJSON_Delete(b);
  /* Malformed rows: FILE:LINE: what is wrong, exit 2. */
  const char *bad[][2] = {{"vm,host,disk,start,ready_by\n0,host-0,nas-0-hdd-0,7:53,08:00\n1,host-9,nas-0-hdd-0,07:53,08:00\n",
                           "bad.csv:3: 'host-9' is not a host"},
                          {"0,host-0,nas-0-hdd-12,07:53,08:00\n", "bad.csv:1: 'nas-0-hdd-12' is not an HDD"},
                          {"0,host-0,nas-0-hdd-0,25:00,08:00\n", "bad.csv:1: start:"},
                          {"0,host-0,nas-0-hdd-0,07:53\n", "bad.csv:1: 4 fields"},
                          {"0,host-0,nas-0-hdd-0,07:53,08:00\n0,host-1,nas-0-hdd-1,07:53,08:00\n",
                           "bad.csv:2: vm 0 appears twice"},
                          {"x,host-0,nas-0-hdd-0,07:53,08:00\n", "bad.csv:1: vm 'x'"}};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    snprintf(csv, sizeof(csv), "%s/bad.csv", tmp);
    FILE *f = fopen(csv, "w");
    fputs(bad[i][0], f);
    fclose(f);
    int rc = run_cmd(&out, "cd %s && %s validate --schedule %s --no-save -q 2>&1", src, bin, csv);
    CHECK_MSG(rc == 2, "case %zu: exit %d", i, rc);
    CHECK_STR_CONTAINS(out, bad[i][1]);
    free(out);
  }
}

static void infeasible(void)
{
  char path[600], *out;
  snprintf(path, sizeof(path), "%s/late.yaml", tmp);
  run_cmd(&out, "sed 's/earliest_start: \"06:30\"/earliest_start: \"06:45\"/' %s/scenarios/morning-1000.yaml > %s",
          src, path);
  free(out);
  int rc = run_cmd(&out, "%s schedule %s --policy jit --no-save -q", bin, path);
  CHECK(rc == 1);
  CHECK_STR_CONTAINS(out, "INFEASIBLE: deadline 07:00:00:");
  CHECK_STR_CONTAINS(out, "before earliest_start 06:45:00");
  CHECK_STR_CONTAINS(out, "more concurrent storm-free boot");
  free(out);
}

/* The gate fails when a metric gets worse than its baseline. */
static void regress_gate(void)
{
  char dir[600], *out;
  snprintf(dir, sizeof(dir), "%s/baselines", tmp);
  run_cmd(&out, "mkdir -p %s && printf 'scenarios/braids-case-study.yaml jit\\n' > %s/suite.txt", dir, dir);
  free(out);
  CHECK(run_cmd(&out, "cd %s && %s regress --dir %s", src, bin, dir) == 1);
  CHECK_STR_CONTAINS(out, "NO BASELINE");
  free(out);
  CHECK(run_cmd(&out, "cd %s && %s regress --dir %s --update", src, bin, dir) == 0);
  free(out);
  CHECK(run_cmd(&out, "cd %s && %s regress --dir %s", src, bin, dir) == 0);
  CHECK_STR_CONTAINS(out, "1 passed, 0 failed");
  free(out);
  /* Pretend the baseline was 10 % shorter: now it is a regression. */
  run_cmd(&out, "cd %s && python3 -c \"import json,sys; p='%s/braids-case-study--jit.json'; d=json.load(open(p)); "
                "d['metrics']['makespan_s']*=0.9; json.dump(d,open(p,'w'))\"", src, dir);
  free(out);
  CHECK(run_cmd(&out, "cd %s && %s regress --dir %s", src, bin, dir) == 1);
  CHECK_STR_CONTAINS(out, "REGRESSION");
  free(out);
}

int main(int argc, char **argv)
{
  if (argc < 3 || !mkdtemp(tmp))
    return 2;
  bin = argv[1];
  src = argv[2];
  case_study();
  morning();
  csv_round_trip();
  infeasible();
  regress_gate();
  char *out;
  run_cmd(&out, "rm -rf %s", tmp);
  free(out);
  return CHECK_DONE();
}
