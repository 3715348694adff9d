/* The studies called directly, without the CLI: the generated SimGrid
 * platform, then one simulation session (SimGrid allows one per process)
 * that runs the threshold search and the jit schedule on the BRAIDS case
 * study, and their JSON renderings.
 * usage: test_study SCENARIOS_DIR */
#define _GNU_SOURCE
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/fsutil.h"
#include "report/json.h"
#include "sim/sim.h"
#include "study/schedule.h"
#include "study/threshold.h"

static char dir[512];

static int count(const char *hay, const char *needle)
{
  int n = 0;
  for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
    n++;
  return n;
}

/* The value of attribute `attr` of the element whose id is `id`; NAN if absent. */
static double attr_of(const char *xml, const char *id, const char *attr)
{
  char key[128];
  snprintf(key, sizeof(key), "id=\"%s\"", id);
  const char *e = strstr(xml, key), *end;
  if (!e || !(end = strchr(e, '>')))
    return NAN;
  snprintf(key, sizeof(key), " %s=\"", attr);
  const char *a = strstr(e, key);
  if (!a || a > end)
    return NAN;
  return strtod(a + strlen(key), NULL);
}

static void platform(const vs_scenario *sc)
{
  char path[600];
  vs_buf b = VS_BUF_INIT;
  snprintf(path, sizeof(path), "%s/platform.xml", dir);
  CHECK_MSG(vs_platform_write(sc, path) == VS_OK, "%s", vs_error_last());
  CHECK(vs_buf_read_file(&b, path) == VS_OK && b.data);
  const char *x = b.data ? b.data : "";
  /* 10 HDD hosts + 4 compute hosts + 1 NAS; 1 uplink + 4 NICs; NAS -> each host. */
  CHECK_MSG(count(x, "<host ") == 15, "%d hosts", count(x, "<host "));
  CHECK_MSG(count(x, "<link ") == 5, "%d links", count(x, "<link "));
  CHECK_MSG(count(x, "<route ") == 4, "%d routes", count(x, "<route "));
  CHECK(count(x, "<link_ctn ") == 8);
  CHECK(count(x, "<zone ") == count(x, "</zone>") && count(x, "<zone ") == 3);
  CHECK(count(x, "<platform ") == 1 && count(x, "</platform>") == 1);
  /* An HDD is a host whose speed is its best throughput: read_bw 10.9 MB/s x
   * the curve's best factor 1.167 (at 6 readers). */
  CHECK_NEAR(attr_of(x, "nas-0-hdd-0", "speed"), 10.9e6 * 1.167, 1e-3);
  CHECK_NEAR(attr_of(x, "nas-0-hdd-9", "speed"), 10.9e6 * 1.167, 1e-3);
  CHECK(isnan(attr_of(x, "nas-0-hdd-10", "speed")) && isnan(attr_of(x, "nas-1", "speed")));
  CHECK_NEAR(attr_of(x, "host-3", "speed"), 3.6e9, 1);
  CHECK_NEAR(attr_of(x, "host-3", "core"), 16, 0);
  CHECK_NEAR(attr_of(x, "nas-0-uplink", "bandwidth"), 125e6, 1e-3);
  CHECK_NEAR(attr_of(x, "nas-0-uplink", "latency"), 100e-6, 1e-12);
  CHECK_NEAR(attr_of(x, "host-0-nic", "bandwidth"), 1.25e9, 1e-3);
  CHECK(strstr(x, "<route src=\"nas-0\" dst=\"host-2\"><link_ctn id=\"nas-0-uplink\"/><link_ctn id=\"host-2-nic\"/>"));
  vs_buf_clear(&b);

  /* An unwritable path: an error naming it. */
  snprintf(path, sizeof(path), "%s/no/such/dir/platform.xml", dir);
  CHECK(vs_platform_write(sc, path) == VS_EIO);
  CHECK_STR_CONTAINS(vs_error_last(), path);
}

/* The platform file holds no user text: a scenario at a path with "-->"
 * (which used to end the XML comment early and make SimGrid's parser abort
 * the process) gives well-formed XML. */
static void platform_comment(const char *scenarios)
{
  char src[600], odd[600], out[600];
  vs_buf b = VS_BUF_INIT;
  vs_scenario *sc = NULL;
  snprintf(src, sizeof(src), "%s/braids-case-study.yaml", scenarios);
  snprintf(odd, sizeof(odd), "%s/a-->b.yaml", dir);
  snprintf(out, sizeof(out), "%s/odd.xml", dir);
  CHECK(vs_buf_read_file(&b, src) == VS_OK && vs_fs_write_atomic(odd, b.data, b.len) == VS_OK);
  vs_buf_clear(&b);
  CHECK_MSG(vs_scenario_load(&sc, odd) == VS_OK, "%s", vs_error_last());
  if (sc && vs_platform_write(sc, out) == VS_OK && vs_buf_read_file(&b, out) == VS_OK) {
    /* Inside every comment: no "--" but for its delimiters. */
    int bad = 0;
    for (const char *c = b.data; (c = strstr(c, "<!--"));) {
      const char *end = strstr(c + 4, "-->");
      if (!end) {
        bad = 1;
        break;
      }
      for (const char *p = c + 4; p < end; p++)
        bad |= p[0] == '-' && p[1] == '-';
      c = end + 3;
    }
    /* and nothing but markup and blanks outside elements */
    for (const char *p = strstr(b.data, "?>"); p && *p; p++) {
      if (*p == '<')
        p = strchr(p, '>');
      else if (*p != '\n' && *p != ' ' && *p != '>' && *p != '?')
        bad = 1;
      if (!p)
        break;
    }
    CHECK_MSG(!bad, "the platform of a scenario at '%s' is not well-formed XML", odd);
  }
  vs_buf_clear(&b);
  vs_scenario_free(sc);
}

/* What the study measured, checked after the session (the study itself may
 * run on SimGrid's thread, where vs_error_last() is not the test's). */
typedef struct {
  int rc;
  char err[1024];
  int threshold;
  unsigned limits;
  int capped;
  double unloaded_boot_s;
  vs_capacity cap;
  int kept_threshold, kept_next, kept_other;
  double wave_all_ready, one_all_ready;
  size_t n_vms;
  int n_deadlines, on_time, late, not_ready, storm, rounds, peak_concurrency, n_shortfalls;
  double ready_fraction, slowest_ratio, first_start, last_ready, idle_min, max_lateness;
  int all_started_after_window, all_hosts_valid;
  cJSON *jthreshold, *jvalidation, *jboot;
  int second_session_rc;
} outcome;

static int study(vs_backend *b, void *payload)
{
  outcome *o = payload;
  vs_study_threshold t;
  vs_study_schedule run;
  vs_threshold_options topts = VS_THRESHOLD_OPTIONS_INIT;
  vs_policy jit = VS_POLICY_INIT;
  int rc;

  if ((rc = vs_study_threshold_run(&t, b, &topts, NULL)) != VS_OK)
    goto fail_t;
  o->threshold = t.res.threshold;
  o->limits = t.res.limits;
  o->capped = t.res.capped;
  o->unloaded_boot_s = t.res.unloaded_boot_s;
  vs_study_threshold_capacity(&t, &o->cap);
  const vs_boot_result *wave = vs_study_threshold_result(&t, t.res.threshold);
  const vs_boot_result *one = vs_study_threshold_result(&t, 1);
  o->kept_threshold = wave != NULL;
  o->kept_next = vs_study_threshold_result(&t, t.res.threshold + 1) != NULL;
  o->kept_other = vs_study_threshold_result(&t, 100000) != NULL || vs_study_threshold_result(&t, -1) != NULL;
  o->wave_all_ready = wave ? wave->all_ready_s : NAN;
  o->one_all_ready = one ? one->all_ready_s : NAN;
  o->jthreshold = vs_json_threshold(&t, b->sc->name);
  o->jboot = wave ? vs_json_boot(wave) : NULL;

  if ((rc = vs_study_schedule_policy(&run, b, &o->cap, &jit)) != VS_OK)
    goto fail_s;
  const vs_validation *v = &run.v;
  o->n_vms = run.result->n_vms;
  o->n_deadlines = (int)v->n_deadlines;
  o->on_time = v->n_deadlines ? v->deadlines[0].on_time : -1;
  o->late = v->late_vms;
  o->not_ready = v->not_ready;
  o->storm = v->storm;
  o->rounds = run.rounds;
  o->peak_concurrency = v->peak_concurrency;
  o->n_shortfalls = (int)run.sched->n_shortfalls;
  o->ready_fraction = v->ready_fraction;
  o->slowest_ratio = v->slowest_boot_ratio;
  o->first_start = v->first_start_s;
  o->last_ready = v->last_ready_s;
  o->idle_min = v->idle_vm_minutes;
  o->max_lateness = v->max_lateness_s;
  o->all_started_after_window = 1;
  o->all_hosts_valid = 1;
  for (size_t i = 0; i < run.sched->n; i++) {
    /* no power-on before it was planned, no ready after its deadline */
    o->all_started_after_window &= run.result->started_s[i] + run.origin_s >= run.sched->entries[i].start_s - 1e-6;
    o->all_hosts_valid &= run.sched->entries[i].host >= 0 && run.sched->entries[i].host < 4 &&
                          run.sched->entries[i].disk >= 0 && run.sched->entries[i].disk < 10;
  }
  o->jvalidation = vs_json_validation(b->sc, v);
  vs_study_schedule_clear(&run);
  vs_study_threshold_clear(&t);
  return VS_OK;
fail_s:
  vs_study_schedule_clear(&run);
fail_t:
  snprintf(o->err, sizeof(o->err), "%s", vs_error_last());
  vs_study_threshold_clear(&t);
  return rc;
}

static const cJSON *get(const cJSON *o, const char *key) { return cJSON_GetObjectItemCaseSensitive(o, key); }

static void simulate(const vs_scenario *sc)
{
  outcome o = {0};
  int rc = vs_sim_run(sc, NULL, study, &o);
  CHECK_MSG(rc == VS_OK, "vs_sim_run: %d %s", rc, o.err);
  /* The BRAIDS case study: one VM per HDD, the 11th shares one. */
  CHECK_MSG(o.threshold == 10, "threshold %d", o.threshold);
  CHECK(o.limits & VS_LIMIT_HDD);
  CHECK(!o.capped);
  CHECK_MSG(o.unloaded_boot_s > 55 && o.unloaded_boot_s < 61, "one VM alone: %g s", o.unloaded_boot_s);
  CHECK_NEAR(o.one_all_ready, o.unloaded_boot_s, 1e-9);
  CHECK(o.kept_threshold && o.kept_next && !o.kept_other);
  CHECK(o.cap.threshold == 10 && o.cap.boot_s == o.unloaded_boot_s && o.cap.wave_s == o.wave_all_ready);
  CHECK_MSG(o.cap.wave_s >= o.cap.boot_s && o.cap.wave_s < 1.2 * o.cap.boot_s, "wave %g s", o.cap.wave_s);
  CHECK_NEAR(o.cap.vm_io_Bps, 632e6 / o.unloaded_boot_s, 632e6 / o.unloaded_boot_s * 0.02);
  /* jit: 70/70 ready by 08:00, no storm. */
  CHECK(o.n_vms == 70);
  CHECK(o.n_shortfalls == 0);
  CHECK(o.n_deadlines == 1);
  CHECK_MSG(o.on_time == 70, "%d of 70 on time", o.on_time);
  CHECK(o.late == 0 && o.not_ready == 0 && o.max_lateness == 0);
  CHECK_NEAR(o.ready_fraction, 1.0, 0);
  CHECK_MSG(!o.storm && o.slowest_ratio > 0.9 && o.slowest_ratio <= 1.2, "slowest boot ratio %g", o.slowest_ratio);
  CHECK(o.rounds >= 1 && o.rounds <= 6);
  CHECK_MSG(o.peak_concurrency >= 1 && o.peak_concurrency <= 10, "peak %d booting", o.peak_concurrency);
  CHECK(o.last_ready <= 8 * 3600 + 1e-6 && o.first_start >= 7 * 3600 + 50 * 60); /* jit starts late, ends on time */
  CHECK(o.idle_min >= 0 && o.idle_min < 70 * 7.0); /* under 7 idle minutes per VM on average */
  CHECK(o.all_started_after_window && o.all_hosts_valid);

  /* The JSON renderings say the same. */
  CHECK(o.jthreshold && cJSON_IsNumber(get(o.jthreshold, "threshold")) &&
        get(o.jthreshold, "threshold")->valueint == 10);
  CHECK(o.jthreshold && cJSON_IsArray(get(o.jthreshold, "steps")) &&
        cJSON_GetArraySize(get(o.jthreshold, "steps")) >= 11);
  const cJSON *d = o.jvalidation ? get(o.jvalidation, "deadlines") : NULL;
  CHECK(cJSON_IsArray(d) && cJSON_GetArraySize(d) == 1);
  const cJSON *d0 = cJSON_IsArray(d) ? cJSON_GetArrayItem(d, 0) : NULL;
  CHECK(d0 && cJSON_IsNumber(get(d0, "on_time")) && get(d0, "on_time")->valueint == 70);
  CHECK(o.jvalidation && cJSON_IsFalse(get(o.jvalidation, "storm")));
  CHECK(o.jboot && cJSON_IsNumber(get(o.jboot, "vms")) && get(o.jboot, "vms")->valueint == 10);
  CHECK(o.jboot && cJSON_IsNumber(get(o.jboot, "all_ready_s")) &&
        fabs(get(o.jboot, "all_ready_s")->valuedouble - o.wave_all_ready) < 1e-9);
  cJSON_Delete(o.jthreshold);
  cJSON_Delete(o.jvalidation);
  cJSON_Delete(o.jboot);

  /* Once per process: a second session is refused, not crashed into. */
  outcome again = {0};
  CHECK(vs_sim_run(sc, NULL, study, &again) == VS_ESIM);
  CHECK_STR_CONTAINS(vs_error_last(), "only one simulation session per process");
  CHECK(again.threshold == 0);
}

int main(int argc, char **argv)
{
  char path[1024];
  vs_scenario *sc = NULL;
  if (argc < 2) {
    fprintf(stderr, "usage: test_study SCENARIOS_DIR\n");
    return 2;
  }
  const char *tmp = getenv("TMPDIR");
  snprintf(dir, sizeof(dir), "%s/vs-test-study-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 2;
  }
  snprintf(path, sizeof(path), "%s/braids-case-study.yaml", argv[1]);
  if (vs_scenario_load(&sc, path) != VS_OK) {
    fprintf(stderr, "%s\n", vs_error_last());
    return 2;
  }
  /* The platform first: vs_sim_run may run once per process. */
  platform(sc);
  platform_comment(argv[1]);
  simulate(sc);
  vs_scenario_free(sc);
  vs_fs_remove_tree(dir);
  return CHECK_DONE();
}
