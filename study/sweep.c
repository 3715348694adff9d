#include "study/sweep.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "core/buf.h"
#include "core/error.h"
#include "core/interrupt.h"
#include "core/spawn.h"
#include "core/units.h"
#include "scenario/override.h"

const char *const vs_sweep_policies[VS_SWEEP_N_POLICIES] = {"jit", "braids-waves", "all-at-once"};

typedef struct {
  char *arg;     /* the --vary argument, for messages */
  char *key;
  char **values;
  size_t n;
} vs_sweep_axis;

struct vs_sweep {
  vs_sweep_axis axes[VS_SWEEP_MAX_AXES];
  size_t n_axes;
};

int vs_sweep_create(vs_sweep **out)
{
  if (!(*out = calloc(1, sizeof(**out))))
    return vs_error_set(VS_ENOMEM, "out of memory");
  return VS_OK;
}

static void axis_clear(vs_sweep_axis *a)
{
  for (size_t i = 0; i < a->n; i++)
    free(a->values[i]);
  free(a->values);
  free(a->key);
  free(a->arg);
  memset(a, 0, sizeof(*a));
}

void vs_sweep_free(vs_sweep *s)
{
  if (!s)
    return;
  for (size_t i = 0; i < s->n_axes; i++)
    axis_clear(&s->axes[i]);
  free(s);
}

static int axis_add(vs_sweep_axis *a, const char *text, size_t len)
{
  size_t cap = a->n; /* grown one at a time: grids are small */
  if (vs_array_reserve(&a->values, &cap, a->n + 1, sizeof(*a->values)) != VS_OK)
    return VS_ENOMEM;
  if (!(a->values[a->n] = strndup(text, len)))
    return vs_error_set(VS_ENOMEM, "out of memory");
  a->n++;
  return VS_OK;
}

/* "12.5Gbps" -> 12.5 and "Gbps"; the unit may be empty. */
static int split_quantity(const char *text, double *x, const char **unit)
{
  char *end;
  errno = 0;
  *x = strtod(text, &end);
  if (end == text || errno || !isfinite(*x))
    return -1;
  while (*end == ' ')
    end++;
  *unit = end;
  return 0;
}

/* A..B[:STEP] into values "A", "A+STEP", ... "B" (B included when hit). */
static int axis_range(vs_sweep_axis *a, const char *spec, const char *dots)
{
  char q[VS_QUOTE_MAX + 8], lo_t[64], hi_t[64], step_t[64] = "";
  const char *colon = strchr(dots + 2, ':'), *ua, *ub, *us = "";
  double lo, hi, step = 1;

  snprintf(lo_t, sizeof(lo_t), "%.*s", (int)(dots - spec), spec);
  snprintf(hi_t, sizeof(hi_t), "%.*s", (int)(colon ? (size_t)(colon - dots - 2) : strlen(dots + 2)), dots + 2);
  if (colon)
    snprintf(step_t, sizeof(step_t), "%s", colon + 1);
  if (split_quantity(lo_t, &lo, &ua) || split_quantity(hi_t, &hi, &ub))
    return vs_error_set(VS_EINPUT, "--vary %s: '%s' is not a range (expected A..B[:STEP], e.g. 4..20 or "
                        "1Gbps..4Gbps:1Gbps)", a->arg, vs_quote(spec, q, sizeof(q)));
  if (strcmp(ua, ub))
    return vs_error_set(VS_EINPUT, "--vary %s: the range's ends have different units ('%s', '%s')", a->arg,
                        ua, ub);
  if (*step_t && (split_quantity(step_t, &step, &us) || (*us && strcmp(us, ua))))
    return vs_error_set(VS_EINPUT, "--vary %s: '%s' is not a step in %s (expected a number%s%s)", a->arg,
                        vs_quote(step_t, q, sizeof(q)), *ua ? ua : "whole numbers", *ua ? " with unit " : "", ua);
  if (!(step > 0))
    return vs_error_set(VS_EINPUT, "--vary %s: the step must be above 0", a->arg);
  if (hi < lo)
    return vs_error_set(VS_EINPUT, "--vary %s: the range ends below its start", a->arg);
  if ((hi - lo) / step + 1 > VS_SWEEP_MAX_POINTS)
    return vs_error_set(VS_EINPUT, "--vary %s: more than %d values", a->arg, VS_SWEEP_MAX_POINTS);
  /* Count steps rather than add them up, so no rounding drifts past B. */
  size_t n = (size_t)floor((hi - lo) / step * (1 + 1e-12) + 1e-9) + 1;
  for (size_t i = 0; i < n; i++) {
    char v[96];
    int len = snprintf(v, sizeof(v), "%.12g%s", lo + (double)i * step, ua);
    if (axis_add(a, v, (size_t)len) != VS_OK)
      return VS_ENOMEM;
  }
  return VS_OK;
}

int vs_sweep_vary(vs_sweep *s, const char *arg)
{
  char q[VS_QUOTE_MAX + 8];
  const char *eq = strchr(arg, '=');
  vs_sweep_axis a = {0};
  int rc = VS_OK;

  if (!(a.arg = strdup(arg)))
    return vs_error_set(VS_ENOMEM, "out of memory");
  if (s->n_axes >= VS_SWEEP_MAX_AXES) {
    rc = vs_error_set(VS_EINPUT, "--vary %s: at most %d keys vary at once", arg, VS_SWEEP_MAX_AXES);
    goto fail;
  }
  if (!eq || eq == arg || !eq[1]) {
    rc = vs_error_set(VS_EINPUT, "--vary %s: expected KEY=V1,V2,... or KEY=A..B[:STEP]",
                      vs_quote(arg, q, sizeof(q)));
    goto fail;
  }
  if (!(a.key = strndup(arg, (size_t)(eq - arg)))) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto fail;
  }
  for (size_t i = 0; i < s->n_axes; i++)
    if (!strcmp(s->axes[i].key, a.key)) {
      rc = vs_error_set(VS_EINPUT, "--vary %s: %s is already varied", arg, a.key);
      goto fail;
    }
  const char *list = eq + 1, *dots = strstr(list, "..");
  if (dots && !strchr(list, ','))
    rc = axis_range(&a, list, dots);
  else
    for (const char *p = list; rc == VS_OK;) {
      size_t n = strcspn(p, ",");
      if (n == 0) {
        rc = vs_error_set(VS_EINPUT, "--vary %s: an empty value in the list", arg);
        break;
      }
      rc = axis_add(&a, p, n);
      if (!p[n])
        break;
      p += n + 1;
    }
  for (size_t i = 0; rc == VS_OK && i < a.n; i++)
    for (size_t k = 0; k < i; k++)
      if (!strcmp(a.values[i], a.values[k])) {
        rc = vs_error_set(VS_EINPUT, "--vary %s: the value '%s' is given twice", arg,
                          vs_quote(a.values[i], q, sizeof(q)));
        break;
      }
  if (rc != VS_OK)
    goto fail;
  size_t points = vs_sweep_n_points(s);
  if (points * a.n > VS_SWEEP_MAX_POINTS) {
    rc = vs_error_set(VS_EINPUT, "--vary %s: the grid would have more than %d points", arg, VS_SWEEP_MAX_POINTS);
    goto fail;
  }
  s->axes[s->n_axes++] = a;
  return VS_OK;

fail:
  axis_clear(&a);
  return rc;
}

size_t vs_sweep_n_axes(const vs_sweep *s) { return s->n_axes; }
const char *vs_sweep_axis_key(const vs_sweep *s, size_t axis) { return s->axes[axis].key; }
size_t vs_sweep_axis_len(const vs_sweep *s, size_t axis) { return s->axes[axis].n; }
const char *vs_sweep_axis_value(const vs_sweep *s, size_t axis, size_t k) { return s->axes[axis].values[k]; }

size_t vs_sweep_n_points(const vs_sweep *s)
{
  size_t n = 1;
  for (size_t i = 0; i < s->n_axes; i++)
    n *= s->axes[i].n;
  return s->n_axes ? n : 0;
}

const char *vs_sweep_value(const vs_sweep *s, size_t point, size_t axis)
{
  /* Mixed radix, the last axis fastest. */
  for (size_t i = s->n_axes; i-- > axis + 1;)
    point /= s->axes[i].n;
  return s->axes[axis].values[point % s->axes[axis].n];
}

void vs_sweep_point_name(const vs_sweep *s, size_t point, char *buf, size_t len)
{
  size_t n = (size_t)snprintf(buf, len, "p%04zu", point);
  for (size_t a = 0; a < s->n_axes && n + 1 < len; a++) {
    buf[n++] = '-';
    for (const char *v = vs_sweep_value(s, point, a); *v && n + 1 < len; v++)
      buf[n++] = (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._", *v) ? *v : '_');
  }
  buf[n < len ? n : len - 1] = '\0';
}

static int point_overrides(const vs_sweep *s, char *const *fixed, size_t n_fixed, size_t point, vs_overrides *l)
{
  char set[512], label[600];
  for (size_t i = 0; i < n_fixed; i++) {
    int rc = vs_overrides_add(l, fixed[i], NULL);
    if (rc != VS_OK)
      return rc;
  }
  for (size_t a = 0; a < s->n_axes; a++) {
    snprintf(set, sizeof(set), "%s=%s", s->axes[a].key, vs_sweep_value(s, point, a));
    snprintf(label, sizeof(label), "--vary %s", s->axes[a].arg);
    int rc = vs_overrides_add(l, set, label);
    if (rc != VS_OK)
      return rc;
  }
  return VS_OK;
}

int vs_sweep_check(const vs_sweep *s, const char *scenario, char *const *fixed, size_t n_fixed)
{
  size_t n = vs_sweep_n_points(s);
  int rc = VS_OK;
  if (!n)
    return vs_error_set(VS_EINPUT, "sweep: nothing varies (give --vary KEY=VALUES)");
  for (size_t p = 0; p < n && rc == VS_OK; p++) {
    vs_overrides l = VS_OVERRIDES_INIT;
    vs_scenario *sc = NULL;
    if ((rc = point_overrides(s, fixed, n_fixed, p, &l)) == VS_OK)
      rc = vs_override_scenario_load(&sc, scenario, &l);
    vs_scenario_free(sc);
    vs_overrides_clear(&l);
  }
  return rc;
}

int vs_sweep_jobs(const vs_sweep *s, char *const *fixed, size_t n_fixed, const char *dir, vs_sweep_job **out)
{
  size_t n = vs_sweep_n_points(s);
  vs_sweep_job *jobs = calloc(n ? n : 1, sizeof(*jobs));
  char name[256], set[512];
  vs_buf b = VS_BUF_INIT;

  *out = NULL;
  if (!jobs)
    return vs_error_set(VS_ENOMEM, "out of memory");
  for (size_t p = 0; p < n; p++) {
    if (!(jobs[p].sets = calloc(n_fixed + s->n_axes, sizeof(char *))))
      goto nomem;
    for (size_t i = 0; i < n_fixed; i++)
      if (!(jobs[p].sets[jobs[p].n_sets++] = strdup(fixed[i])))
        goto nomem;
    for (size_t a = 0; a < s->n_axes; a++) {
      snprintf(set, sizeof(set), "%s=%s", s->axes[a].key, vs_sweep_value(s, p, a));
      if (!(jobs[p].sets[jobs[p].n_sets++] = strdup(set)))
        goto nomem;
    }
    if (dir) {
      vs_sweep_point_name(s, p, name, sizeof(name));
      if (vs_buf_printf(&b, "%s/points/%s", dir, name) != VS_OK)
        goto nomem;
      jobs[p].dir = vs_buf_detach(&b);
    }
  }
  *out = jobs;
  return VS_OK;

nomem:
  vs_sweep_jobs_free(jobs, n);
  return vs_error_set(VS_ENOMEM, "out of memory");
}

void vs_sweep_jobs_free(vs_sweep_job *jobs, size_t n)
{
  for (size_t i = 0; jobs && i < n; i++) {
    for (size_t k = 0; k < jobs[i].n_sets; k++)
      free(jobs[i].sets[k]);
    free(jobs[i].sets);
    free(jobs[i].dir);
  }
  free(jobs);
}

/* ---- Children ------------------------------------------------------------ */

static double num(const cJSON *o, const char *key)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

int vs_sweep_parse_run(const char *json, vs_sweep_result *r)
{
  cJSON *root = json ? cJSON_Parse(json) : NULL;
  const cJSON *th = cJSON_GetObjectItemCaseSensitive(root, "threshold");
  const cJSON *pols = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "workload"), "policies");
  const cJSON *limits = cJSON_GetObjectItemCaseSensitive(th, "limits"), *l;
  size_t n = 0;

  memset(r, 0, sizeof(*r));
  if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(th, "threshold"))) {
    cJSON_Delete(root);
    return vs_error_set(VS_ERROR, "no threshold in its summary");
  }
  r->threshold = (int)num(th, "threshold");
  cJSON_ArrayForEach(l, limits)
  {
    if (cJSON_IsString(l) && n + strlen(l->valuestring) + 2 < sizeof(r->limit))
      n += (size_t)snprintf(r->limit + n, sizeof(r->limit) - n, "%s%s", n ? "+" : "", l->valuestring);
  }
  if (!n)
    snprintf(r->limit, sizeof(r->limit), "none");
  for (int i = 0; i < VS_SWEEP_N_POLICIES; i++) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(pols, vs_sweep_policies[i]),
                                                      "validation");
    vs_sweep_policy_result *p = &r->pol[i];
    /* A scenario without a workload has a threshold and no policies. */
    *p = (vs_sweep_policy_result){NAN, NAN, NAN, NAN, NAN, 0};
    if (!v)
      continue;
    p->on_time = num(v, "ready_fraction");
    p->makespan_s = num(v, "makespan_s");
    p->idle_vm_min = num(v, "idle_vm_minutes");
    p->latest_ready_s = num(v, "last_ready_s");
    p->margin_s = num(v, "min_slack_s");
    p->storm = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "storm"));
  }
  r->done = 1;
  cJSON_Delete(root);
  return VS_OK;
}

typedef struct {
  vs_child *child;
  size_t job;
} running;

static int start_job(const vs_sweep_run_options *o, vs_sweep_job *j, vs_child **c)
{
  char **argv = calloc(2 * j->n_sets + 12, sizeof(char *));
  size_t n = 0;
  int rc;
  if (!argv)
    return vs_error_set(VS_ENOMEM, "out of memory");
  argv[n++] = (char *)vs_spawn_self();
  argv[n++] = "run";
  argv[n++] = (char *)o->scenario;
  for (size_t i = 0; i < j->n_sets; i++) {
    argv[n++] = "--set";
    argv[n++] = j->sets[i];
  }
  argv[n++] = "--json";
  argv[n++] = "-q";
  if (j->dir) {
    argv[n++] = "-o";
    argv[n++] = j->dir;
  } else
    argv[n++] = "--no-save";
  argv[n] = NULL;
  vs_spawn_options so = VS_SPAWN_OPTIONS_INIT;
  so.quiet_stderr = 1; /* its --json carries any error */
  rc = vs_spawn_start(c, argv, &so);
  free(argv);
  return rc;
}

/* A finished child: its result, or why it has none. */
static int finish_job(vs_child *c, vs_sweep_job *j)
{
  vs_buf out = VS_BUF_INIT;
  int status = -1, rc = vs_child_wait(c, &out, &status);
  if (rc == VS_OK && (status == 0 || status == 1))
    rc = vs_sweep_parse_run(out.data, &j->result);
  else if (rc == VS_OK) {
    cJSON *err = out.data ? cJSON_Parse(out.data) : NULL;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(err, "error"), "message");
    rc = vs_error_set(VS_ERROR, "exit %d%s%s", status, cJSON_IsString(m) ? ": " : "",
                      cJSON_IsString(m) ? m->valuestring : "");
    cJSON_Delete(err);
  }
  vs_buf_clear(&out);
  if (rc != VS_OK) {
    char why[768];
    snprintf(why, sizeof(why), "%s", vs_error_last());
    const char *what = j->dir ? j->dir : j->n_sets ? j->sets[0] : "(no overrides)";
    rc = vs_error_set(VS_ERROR, "point %s: %s", what, why);
  }
  return rc;
}

static int processors(void)
{
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int)n : 1;
}

int vs_sweep_run_jobs(vs_sweep_job *jobs, size_t n, const vs_sweep_run_options *o_in, size_t *ran)
{
  vs_sweep_run_options o = VS_SWEEP_RUN_OPTIONS_INIT;
  int width, rc = VS_OK;
  size_t next = 0, active = 0;
  running *run = NULL;
  struct pollfd *fds = NULL;

  if (o_in)
    o = *o_in;
  if (ran)
    *ran = 0;
  width = o.jobs > 0 ? o.jobs : processors();
  if (!(run = calloc((size_t)width, sizeof(*run))) || !(fds = calloc((size_t)width, sizeof(*fds)))) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (;;) {
    if (vs_interrupted()) {
      rc = vs_interrupt_error(NULL);
      break;
    }
    while (active < (size_t)width && next < n) {
      if (jobs[next].result.done) {
        next++;
        continue;
      }
      if ((rc = start_job(&o, &jobs[next], &run[active].child)) != VS_OK)
        goto cleanup;
      run[active++].job = next++;
      if (ran)
        ++*ran;
    }
    if (!active)
      break;
    for (size_t i = 0; i < active; i++)
      fds[i] = (struct pollfd){.fd = vs_child_fd(run[i].child), .events = POLLIN};
    /* A short timeout: signals are polled here too. */
    if (poll(fds, active, 200) < 0 && errno != EINTR) {
      rc = vs_error_set(VS_EIO, "poll: %s", strerror(errno));
      break;
    }
    for (size_t i = 0; i < active;) {
      int ended = vs_child_pump(run[i].child);
      if (ended == 0) {
        i++;
        continue;
      }
      size_t job = run[i].job;
      vs_child *c = run[i].child;
      run[i] = run[--active];
      if (ended < 0) {
        vs_child_kill(c);
        rc = ended;
        goto cleanup;
      }
      rc = finish_job(c, &jobs[job]);
      /* A child that a signal ended is the sweep's interruption, not its failure. */
      if (rc != VS_OK && vs_interrupted())
        rc = vs_interrupt_error(NULL);
      if (rc != VS_OK)
        goto cleanup;
      if (o.on_done)
        o.on_done(o.ctx, job);
    }
  }

cleanup:
  for (size_t i = 0; i < active; i++)
    vs_child_kill(run[i].child);
  free(run);
  free(fds);
  return rc;
}
