#include "study/regress.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/error.h"
#include "core/fsutil.h"
#include "core/spawn.h"

const vs_regress_gate vs_regress_gates[] = {
    {"ready_fraction", VS_REGRESS_HIGHER_IS_BETTER, 0, 0},
    {"late_vms", VS_REGRESS_LOWER_IS_BETTER, 0, 0},
    {"max_lateness_s", VS_REGRESS_LOWER_IS_BETTER, 1.0, 0},
    {"idle_vm_minutes", VS_REGRESS_LOWER_IS_BETTER, 0, 0.02},
    {"powered_vm_minutes", VS_REGRESS_LOWER_IS_BETTER, 0, 0.02},
    {"makespan_s", VS_REGRESS_LOWER_IS_BETTER, 0, 0.02},
    {"physical_bound_ratio", VS_REGRESS_LOWER_IS_BETTER, 0.02, 0},
    {"peak_cpu_util", VS_REGRESS_LOWER_IS_BETTER, 0.02, 0},
    {"storm", VS_REGRESS_VERDICT, 0, 0},
};
const size_t vs_regress_n_gates = sizeof(vs_regress_gates) / sizeof(vs_regress_gates[0]);

static void baseline_path(const char *dir, const char *scenario, const char *policy, char *out, size_t len)
{
  const char *base = strrchr(scenario, '/');
  char name[256];
  size_t n = 0;
  base = base ? base + 1 : scenario;
  for (const char *p = base; *p && *p != '.' && n < 120; p++)
    name[n++] = *p;
  name[n++] = '-';
  name[n++] = '-';
  for (const char *p = policy; *p && n < sizeof(name) - 1; p++)
    name[n++] = (*p == ':' || *p == '/') ? '_' : *p;
  name[n] = '\0';
  snprintf(out, len, "%s/%s.json", dir, name);
}

static double metric_value(const cJSON *o, const char *key)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  if (cJSON_IsBool(v))
    return cJSON_IsTrue(v) ? 1 : 0;
  return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static vs_regress_verdict judge(const vs_regress_gate *g, double old, double now)
{
  double slack = g->abs_tol + g->rel_tol * fabs(old) + 1e-9;
  if (isnan(now))
    return VS_REGRESS_WORSE;
  switch (g->dir) {
  case VS_REGRESS_VERDICT: return now > old ? VS_REGRESS_WORSE : now < old ? VS_REGRESS_BETTER : VS_REGRESS_OK;
  case VS_REGRESS_HIGHER_IS_BETTER:
    return now < old - slack ? VS_REGRESS_WORSE : now > old + 1e-9 ? VS_REGRESS_BETTER : VS_REGRESS_OK;
  default: return now > old + slack ? VS_REGRESS_WORSE : now < old - slack ? VS_REGRESS_BETTER : VS_REGRESS_OK;
  }
}

static int write_baseline(const char *path, const char *scenario, const char *policy, const cJSON *validation)
{
  cJSON *o = cJSON_CreateObject(), *m = cJSON_AddObjectToObject(o, "metrics");
  cJSON_AddStringToObject(o, "scenario", scenario);
  cJSON_AddStringToObject(o, "policy", policy);
  for (size_t i = 0; i < vs_regress_n_gates; i++) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(validation, vs_regress_gates[i].key);
    if (v)
      cJSON_AddItemToObject(m, vs_regress_gates[i].key, cJSON_Duplicate(v, 1));
  }
  char *text = cJSON_Print(o);
  int rc = text ? VS_OK : vs_error_set(VS_ENOMEM, "out of memory");
  if (text) {
    vs_buf b = VS_BUF_INIT;
    if ((rc = vs_buf_printf(&b, "%s\n", text)) == VS_OK)
      rc = vs_fs_write_atomic(path, b.data, b.len);
    vs_buf_clear(&b);
  }
  free(text);
  cJSON_Delete(o);
  return rc;
}

static cJSON *read_json(const char *path)
{
  vs_buf b = VS_BUF_INIT;
  cJSON *o = NULL;
  b.max = 16 << 20;
  if (vs_buf_read_file(&b, path) == VS_OK)
    o = cJSON_Parse(b.data);
  vs_buf_clear(&b);
  return o;
}

/* One pair: run it and compare (or write its baseline). */
static void check_pair(const vs_regress_options *o, vs_regress_pair *p)
{
  char *argv[] = {(char *)vs_spawn_self(), "schedule", (char *)p->scenario, "--policy", (char *)p->policy,
                  "--validate", "--json", "--no-save", "-q", NULL};
  vs_buf out = VS_BUF_INIT;
  cJSON *run = NULL, *old = NULL;

  if (vs_spawn_run(argv, NULL, &out, &p->exit_status) == VS_OK && out.data)
    run = cJSON_Parse(out.data);
  vs_buf_clear(&out);
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(run, "validation");
  baseline_path(o->dir, p->scenario, p->policy, p->baseline, sizeof(p->baseline));
  if (!v) {
    p->state = VS_REGRESS_RUN_FAILED;
    goto done;
  }
  if (o->update) {
    p->state = write_baseline(p->baseline, p->scenario, p->policy, v) == VS_OK ? VS_REGRESS_WROTE
                                                                             : VS_REGRESS_WRITE_FAILED;
    goto done;
  }
  old = read_json(p->baseline);
  const cJSON *om = cJSON_GetObjectItemCaseSensitive(old, "metrics");
  if (!om) {
    p->state = VS_REGRESS_NO_BASELINE;
    goto done;
  }
  p->state = VS_REGRESS_COMPARED;
  for (size_t i = 0; i < vs_regress_n_gates && p->n_metrics < sizeof(p->metrics) / sizeof(p->metrics[0]); i++) {
    const vs_regress_gate *g = &vs_regress_gates[i];
    double was = metric_value(om, g->key);
    if (isnan(was))
      continue;
    vs_regress_metric *m = &p->metrics[p->n_metrics++];
    *m = (vs_regress_metric){.gate = g, .was = was, .now = metric_value(v, g->key)};
    m->verdict = judge(g, was, m->now);
    p->regressions += m->verdict == VS_REGRESS_WORSE;
  }
  if (!strcmp(p->policy, VS_REGRESS_RECOMMENDED) &&
      (metric_value(v, "storm") != 0 || metric_value(om, "storm") != 0)) {
    p->recommended_storm = 1;
    p->regressions++;
  }
done:
  cJSON_Delete(run);
  cJSON_Delete(old);
}

int vs_regress_run(const vs_regress_options *o_in, int *passed, int *failed)
{
  vs_regress_options o = VS_REGRESS_OPTIONS_INIT;
  char path[1024];
  vs_csv *csv = NULL;
  int rc, got;
  size_t n;
  char **f;

  if (o_in)
    o = *o_in;
  *passed = *failed = 0;
  snprintf(path, sizeof(path), "%s/suite.txt", o.dir);
  /* One pair per line: the CSV reader gives lines, '#' comments and blank
   * lines skipped; fields are separated by blanks, not commas. */
  if ((rc = vs_csv_open(&csv, path)) != VS_OK)
    return rc;
  while ((got = vs_csv_next(csv, &f, &n)) > 0) {
    char scenario[512], policy[128], extra[2];
    if (n != 1 || sscanf(f[0], "%511s %127s %1s", scenario, policy, extra) != 2) {
      rc = vs_csv_error(csv, "expected 'SCENARIO POLICY'");
      break;
    }
    vs_regress_pair p = {.scenario = scenario, .policy = policy, .line = (int)vs_csv_line(csv)};
    check_pair(&o, &p);
    if (p.state == VS_REGRESS_COMPARED && !p.regressions)
      ++*passed;
    else if (p.state == VS_REGRESS_WROTE)
      ++*passed;
    else
      ++*failed;
    if (o.on_pair)
      o.on_pair(o.ctx, &p);
  }
  if (got < 0)
    rc = got;
  vs_csv_free(csv);
  return rc;
}
