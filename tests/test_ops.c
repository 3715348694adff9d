/* Storms that operations cause: HA restarts after a host failure
 * (vdistorm failover) and DPM host power-on in schedules.
 * usage: test_ops VDISTORM SOURCE_DIR */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "run_cmd.h"

static const char *bin, *src;
static char tmp[256];

/* A small site whose placement is easy to follow: 4 hosts, one NAS with 4
 * HDDs, 40 desktops by 08:00: VM i runs on host i mod 4, so host-0 runs
 * VMs 0, 4, ..., 36 and every survivor runs 10. */
static void small_site(const char *path, int vm_slots)
{
  char text[1600];
  snprintf(text, sizeof(text),
           "name: small\n"
           "hosts: {count: 4, cores: 16, core_speed: 2.6GHz%s%.0d}\n"
           "storage: {type: nas, nas_count: 1, hdds: 4, link_bw: 10Gbps}\n"
           "hdd: {read_bw: 10.9MB/s}\n"
           "boot: {read: 623MB, cpu_work: 10Gcycles, chunks: 16, steady_cpu: 100MHz, steady_read: 20kB/s}\n"
           "workload: {vms: 40, ready_by: \"08:00\"}\n",
           vm_slots ? ", vm_slots: " : "", vm_slots);
  write_file(path, text);
}

static void rack_failover(void)
{
  cJSON *j = run_json("cd %s && %s failover scenarios/rack-future.yaml --fail 1 --at 10:00 --json --no-save -q", src,
                      bin);
  const cJSON *pol = cJSON_GetObjectItem(j, "policies");
  const cJSON *all = cJSON_GetObjectItem(pol, "all-at-once"), *thr = cJSON_GetObjectItem(pol, "throttled");
  CHECK_MSG(j && all && thr, "failover printed no policies");
  if (!all || !thr) {
    cJSON_Delete(j);
    return;
  }
  CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "failed_hosts")) == 1);
  CHECK(jnum(j, "restarted") > 100 && jnum(j, "not_admitted") == 0);
  CHECK_MSG(cJSON_IsTrue(cJSON_GetObjectItem(all, "storm")), "all-at-once: no storm (slowest %.2fx)",
            jnum(all, "slowest_ratio"));
  CHECK_MSG(cJSON_IsFalse(cJSON_GetObjectItem(thr, "storm")), "throttled: a storm (slowest %.2fx)",
            jnum(thr, "slowest_ratio"));
  /* Throttled restores everything later than all-at-once here, but by less
   * than the tolerated slowdown: on this rack it is the better policy. */
  double ratio = jnum(thr, "restore_max_s") / jnum(all, "restore_max_s");
  CHECK_MSG(ratio > 1.0 && ratio <= 1.2, "throttled / all-at-once restore max: %.3f", ratio);
  /* The restart storm slows the survivors' reads more than throttled does. */
  CHECK_MSG(jnum(all, "survivor_read_slowdown") > jnum(thr, "survivor_read_slowdown") &&
                jnum(thr, "survivor_read_slowdown") >= 1.0,
            "survivor reads slowed %.2fx (all-at-once) vs %.2fx (throttled)", jnum(all, "survivor_read_slowdown"),
            jnum(thr, "survivor_read_slowdown"));
  CHECK(jnum(all, "restore_p95_s") <= jnum(all, "restore_max_s"));
  cJSON_Delete(j);
}

static void admission(void)
{
  char path[400];
  snprintf(path, sizeof(path), "%s/small-13.yaml", tmp);
  small_site(path, 13);
  /* Survivors run 10 each and have 3 slots free: 9 of host-0's 10 restart,
   * in id order; VM 36 does not, and the command says so (exit 1). */
  char *out = NULL;
  int code = run_cmd(&out, "%s failover %s --fail 1 --at 09:00 --policy throttled --json --no-save -q", bin, path);
  cJSON *j = out ? cJSON_Parse(out) : NULL;
  const cJSON *na = cJSON_GetObjectItem(j, "not_admitted_vms");
  CHECK_MSG(code == 1, "exit %d with a desktop left out", code);
  CHECK(jnum(j, "restarted") == 9 && jnum(j, "not_admitted") == 1);
  CHECK(cJSON_GetArraySize(na) == 1 && cJSON_GetArrayItem(na, 0)->valuedouble == 36);
  cJSON_Delete(j);
  free(out);

  snprintf(path, sizeof(path), "%s/small-20.yaml", tmp);
  small_site(path, 20);
  out = NULL;
  code = run_cmd(&out, "%s failover %s --fail 1 --at 09:00 --json --no-save -q", bin, path);
  j = out ? cJSON_Parse(out) : NULL;
  CHECK_MSG(code == 0, "exit %d with room for all", code);
  CHECK(jnum(j, "restarted") == 10 && jnum(j, "not_admitted") == 0);
  CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "not_admitted_vms")) == 0);
  CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "policies"), "priority")) > 0);
  cJSON_Delete(j);
  free(out);
}

static int code_of(const char *fmt, const char *arg)
{
  char *out = NULL;
  int code = run_cmd(&out, fmt, bin, arg);
  free(out);
  return code;
}

static void bad_input(void)
{
  char path[400], dir[500], cmd[900];
  snprintf(path, sizeof(path), "%s/small-20.yaml", tmp);
  snprintf(dir, sizeof(dir), "%s/never", tmp);
  snprintf(cmd, sizeof(cmd), "%%s failover %%s --fail 4 --at 09:00 -o %s -q 2>/dev/null", dir);
  CHECK_MSG(code_of(cmd, path) == 2, "failing every host is bad input");
  snprintf(cmd, sizeof(cmd), "%%s failover %%s --fail 1 --at 25:00 -o %s -q 2>/dev/null", dir);
  CHECK_MSG(code_of(cmd, path) == 2, "--at 25:00 is bad input");
  snprintf(cmd, sizeof(cmd), "%%s failover %%s --fail 1 --at 07:00 -o %s -q 2>/dev/null", dir);
  CHECK_MSG(code_of(cmd, path) == 2, "--at before any deadline: nothing runs");
  snprintf(cmd, sizeof(cmd), "%%s failover %%s --fail 1 --at 09:00 --priority nope -o %s -q 2>/dev/null", dir);
  CHECK_MSG(code_of(cmd, path) == 2, "an unknown priority class is bad input");
  snprintf(cmd, sizeof(cmd), "%%s failover %%s --fail 1 --at 09:00 --policy sometimes -o %s -q 2>/dev/null", dir);
  CHECK_MSG(code_of(cmd, path) == 2, "an unknown policy is bad input");
  CHECK_MSG(access(dir, F_OK) != 0, "bad input wrote %s", dir);

  char neg[400], *out = NULL;
  snprintf(neg, sizeof(neg), "%s/neg.yaml", tmp);
  write_file(neg, "hosts: {count: 2, cores: 1, core_speed: 1GHz, power: {idle: -5W}}\n"
                  "storage: {type: local, hdds: 1}\nhdd: {read_bw: 1MB/s}\nboot: {read: 1MB}\n");
  int code = run_cmd(&out, "%s boot %s --no-save -q 2>&1", bin, neg);
  CHECK_MSG(code == 2 && out && strstr(out, "hosts.power.idle: '-5W' is negative"), "negative power: %s", out);
  free(out);
}

/* morning-1000 with its hosts off overnight (scenarios/morning-1000-dpm.yaml:
 * 150 desktops a host, 5 minutes to power one on): every desktop on time,
 * each host powered on at least 5 minutes before its first desktop starts,
 * fewer host-hours and less energy than all hosts on. */
static void dpm(void)
{
  const char *path = "scenarios/morning-1000-dpm.yaml";
  cJSON *j = run_json("cd %s && %s schedule %s --validate --json --no-save -q", src, bin, path);
  const cJSON *v = cJSON_GetObjectItem(j, "validation"), *hosts = cJSON_GetObjectItem(j, "hosts");
  CHECK_MSG(v && jnum(v, "late_vms") == 0, "late with DPM: %g", v ? jnum(v, "late_vms") : NAN);
  CHECK(cJSON_IsTrue(cJSON_GetObjectItem(j, "feasible")) && jnum(j, "hosts_late") == 0);
  CHECK_MSG(cJSON_GetArraySize(hosts) == 6, "%d hosts used (900 desktops / 150 slots)", cJSON_GetArraySize(hosts));
  CHECK_MSG(jnum(j, "host_hours") < jnum(j, "host_hours_all_on"), "host-hours %.1f vs %.1f all on",
            jnum(j, "host_hours"), jnum(j, "host_hours_all_on"));
  CHECK(jnum(j, "host_energy_kWh") < jnum(j, "host_energy_all_on_kWh"));
  /* Each host on at least power_on before the first desktop it runs. */
  const cJSON *sched = cJSON_GetObjectItem(j, "schedule"), *h;
  int bad = 0, seen = 0;
  cJSON_ArrayForEach(h, hosts)
  {
    int hh, mm, ss;
    const char *name = cJSON_GetObjectItem(h, "host")->valuestring;
    sscanf(cJSON_GetObjectItem(h, "power_on")->valuestring, "%d:%d:%d", &hh, &mm, &ss);
    double on = hh * 3600 + mm * 60 + ss, first = INFINITY;
    const cJSON *e;
    cJSON_ArrayForEach(e, sched)
    {
      if (strcmp(cJSON_GetObjectItem(e, "host")->valuestring, name))
        continue;
      double sh, sm, s_s;
      sscanf(cJSON_GetObjectItem(e, "start")->valuestring, "%lf:%lf:%lf", &sh, &sm, &s_s);
      first = fmin(first, sh * 3600 + sm * 60 + s_s);
      seen++;
    }
    bad += first - on < 300 - 1e-6;
  }
  CHECK_MSG(bad == 0 && seen == 900, "%d hosts powered on too late; %d desktops seen", bad, seen);
  cJSON_Delete(j);
}

int main(int argc, char **argv)
{
  if (argc < 3) {
    fprintf(stderr, "usage: test_ops VDISTORM SOURCE_DIR\n");
    return 2;
  }
  bin = argv[1];
  src = argv[2];
  snprintf(tmp, sizeof(tmp), "/tmp/vdistorm-test-ops-XXXXXX");
  if (!mkdtemp(tmp))
    return 2;
  rack_failover();
  admission();
  bad_input();
  dpm();
  char *out;
  run_cmd(&out, "rm -rf %s", tmp);
  free(out);
  return CHECK_DONE();
}
