/* The figures the simulator must reproduce from the BRAIDS paper [BRAIDS 2024]
 * (docs/REFERENCES.md),
 * on scenarios/braids-single-hdd.yaml and scenarios/braids-case-study.yaml.
 * usage: test_paper VDISTORM SCENARIOS_DIR */
#include <math.h>

#include "check.h"
#include "run_cmd.h"

static const char *bin, *dir;

static cJSON *boot(const char *scenario, int k)
{
  return run_json("%s boot %s/%s.yaml --vms %d --json --no-save -q", bin, dir, scenario, k);
}

static void single_hdd(void)
{
  double t[13] = {0}, cpu[13] = {0}, disk[13] = {0};
  for (int k = 1; k <= 12; k++) {
    cJSON *j = boot("braids-single-hdd", k);
    CHECK_MSG(j != NULL, "k=%d", k);
    if (!j)
      return;
    t[k] = jnum(j, "all_ready_s");
    cpu[k] = jnum(j, "peak_cpu_util");
    disk[k] = jnum(j, "mean_disk_MBps");
    CHECK_MSG(cJSON_GetArraySize(cJSON_GetObjectItem(j, "ready_s")) == k, "k=%d: one ready time per VM", k);
    CHECK_NEAR(jnum(j, "vms"), k, 0);
    cJSON_Delete(j);
  }
  /* Paper: one VM 58 s; 6 VMs 298 s; 8 VMs 445 s (each +-10 %). */
  CHECK_MSG(fabs(t[1] - 58) <= 5.8, "1 VM: %.1f s, paper 58 s", t[1]);
  CHECK_MSG(fabs(t[6] - 298) <= 29.8, "6 VMs: %.1f s, paper 298 s", t[6]);
  CHECK_MSG(fabs(t[8] - 445) <= 44.5, "8 VMs: %.1f s, paper 445 s", t[8]);
  /* Disk I/O stays between 10.9 and 12.7 MB/s for k = 1..10 (asserted: 10..13.5). */
  for (int k = 1; k <= 10; k++)
    CHECK_MSG(disk[k] >= 10 && disk[k] <= 13.5, "k=%d: mean disk %.2f MB/s", k, disk[k]);
  /* CPU below 100 % up to 10 VMs, at 100 % with 12. */
  for (int k = 1; k <= 10; k++)
    CHECK_MSG(cpu[k] < 0.999, "k=%d: peak CPU %.3f", k, cpu[k]);
  CHECK_MSG(cpu[12] >= 0.999, "k=12: peak CPU %.3f, paper: 100 %%", cpu[12]);
  /* Total time grows about linearly for 1..10; 12 is clearly above that trend. */
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (int k = 1; k <= 10; k++) {
    sx += k;
    sy += t[k];
    sxx += k * k;
    sxy += k * t[k];
  }
  double slope = (10 * sxy - sx * sy) / (10 * sxx - sx * sx), icpt = (sy - slope * sx) / 10;
  double trend12 = icpt + slope * 12;
  double ss_res = 0, ss_tot = 0, mean = sy / 10;
  for (int k = 1; k <= 10; k++) {
    ss_res += pow(t[k] - (icpt + slope * k), 2);
    ss_tot += pow(t[k] - mean, 2);
  }
  CHECK_MSG(1 - ss_res / ss_tot > 0.98, "k=1..10 is not close to linear: R2 %.4f", 1 - ss_res / ss_tot);
  CHECK_MSG(t[12] > 1.10 * trend12, "k=12: %.1f s is not clearly above the linear trend %.1f s", t[12], trend12);
  /* The storm shows in the disk too: throughput drops at 12. */
  CHECK_MSG(disk[12] < disk[10], "disk at 12 (%.2f) should drop below 10's (%.2f)", disk[12], disk[10]);
}

static int has_limit(const cJSON *j, const char *name)
{
  const cJSON *l;
  cJSON_ArrayForEach(l, cJSON_GetObjectItem(j, "limits")) if (cJSON_IsString(l) && !strcmp(l->valuestring, name)) return 1;
  return 0;
}

static void threshold(const char *scenario, const char *limit, const char *search)
{
  cJSON *j = run_json("%s threshold %s/%s.yaml --search %s --json --no-save -q", bin, dir, scenario, search);
  CHECK_MSG(j != NULL, "%s", scenario);
  if (!j)
    return;
  CHECK_MSG(jnum(j, "threshold") == 10, "%s (%s search): threshold %g, paper 10", scenario, search,
            jnum(j, "threshold"));
  CHECK_MSG(has_limit(j, limit), "%s: the limit '%s' is named", scenario, limit);
  /* Steps carry the contract's fields, sorted by k. */
  const cJSON *s;
  int last = 0;
  cJSON_ArrayForEach(s, cJSON_GetObjectItem(j, "steps"))
  {
    CHECK(jnum(s, "k") > last);
    last = (int)jnum(s, "k");
    CHECK(!isnan(jnum(s, "all_ready_s")) && !isnan(jnum(s, "peak_cpu_util")) && !isnan(jnum(s, "io_MBps")));
  }
  CHECK_MSG(last >= 11, "%s: the step past the threshold is in the table", scenario);
  cJSON_Delete(j);
}

static void case_study(void)
{
  /* One wave of 10 (one VM per HDD) boots in about one VM's time... */
  cJSON *one = boot("braids-case-study", 1), *wave = boot("braids-case-study", 10), *all = boot("braids-case-study", 70);
  CHECK(one && wave && all);
  if (one && wave && all) {
    double t1 = jnum(one, "all_ready_s");
    CHECK_MSG(fabs(t1 - 58) <= 5.8, "one VM from the NAS: %.1f s", t1);
    CHECK_MSG(jnum(wave, "all_ready_s") < 1.2 * t1, "a wave of 10: %.1f s", jnum(wave, "all_ready_s"));
    /* ...while 70 at once put 7 VMs on each HDD and ~7x the uplink's
     * bandwidth on the link: the paper's point -- more than 6x one wave, the
     * link saturated. (Its ~370 s is a disk-only estimate it expects CPU and
     * network to exceed; here the 16-core hosts do not bind and the link paces
     * the HDDs, so no agreement with that figure is asserted, only that no
     * schedule beats the uplink: 70 x read / 125 MB/s.) */
    double t70 = jnum(all, "all_ready_s");
    CHECK_MSG(t70 > 6 * t1, "70 at once: %.1f s vs one wave %.1f s", t70, t1);
    CHECK_MSG(t70 >= jnum(all, "read_MB") / 125.0, "70 at once: %.1f s, below the uplink's %.1f s", t70,
              jnum(all, "read_MB") / 125.0);
    CHECK_MSG(jnum(all, "peak_link_util") >= 0.99, "the 1 Gbit/s link saturates: %.3f", jnum(all, "peak_link_util"));
  }
  cJSON_Delete(one);
  cJSON_Delete(wave);
  cJSON_Delete(all);
}

int main(int argc, char **argv)
{
  if (argc < 3) {
    fprintf(stderr, "usage: %s VDISTORM SCENARIOS_DIR\n", argv[0]);
    return 2;
  }
  bin = argv[1];
  dir = argv[2];
  single_hdd();
  case_study();
  threshold("braids-single-hdd", "cpu", "linear");
  threshold("braids-single-hdd", "cpu", "fast");
  threshold("braids-single-hdd", "cpu", "auto");
  threshold("braids-case-study", "hdd", "linear");
  threshold("braids-case-study", "hdd", "fast");
  return CHECK_DONE();
}
