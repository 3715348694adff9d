#include "report/sweepcsv.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/error.h"
#include "core/fsutil.h"
#include "core/units.h"

static const char *const metric_names[] = {"on_time", "makespan_s", "idle_vm_min", "storm"};
#define N_METRICS 4

/* A field, quoted when it holds a comma, a quote or a line break. */
static int add_field(vs_buf *b, const char *text, int first)
{
  int rc = first ? VS_OK : vs_buf_add(b, ",", 1);
  if (rc != VS_OK)
    return rc;
  if (!text[strcspn(text, ",\"\r\n")])
    return vs_buf_add(b, text, strlen(text));
  rc = vs_buf_add(b, "\"", 1);
  for (const char *p = text; rc == VS_OK && *p; p++)
    rc = *p == '"' ? vs_buf_add(b, "\"\"", 2) : vs_buf_add(b, p, 1);
  return rc == VS_OK ? vs_buf_add(b, "\"", 1) : rc;
}

static int add_number(vs_buf *b, double x)
{
  return isnan(x) ? vs_buf_add(b, ",", 1) : vs_buf_printf(b, ",%.6g", x);
}

static int header(vs_buf *b, const vs_sweep *s)
{
  char col[128];
  int rc = VS_OK;
  for (size_t a = 0; rc == VS_OK && a < vs_sweep_n_axes(s); a++)
    rc = add_field(b, vs_sweep_axis_key(s, a), a == 0);
  if (rc == VS_OK)
    rc = vs_buf_printf(b, ",threshold,limit");
  for (int p = 0; rc == VS_OK && p < VS_SWEEP_N_POLICIES; p++)
    for (int m = 0; rc == VS_OK && m < N_METRICS; m++) {
      snprintf(col, sizeof(col), "%s.%s", vs_sweep_policies[p], metric_names[m]);
      rc = add_field(b, col, 0);
    }
  return rc == VS_OK ? vs_buf_add(b, "\n", 1) : rc;
}

int vs_sweepcsv_write(const char *path, const vs_sweep *s, const vs_sweep_job *jobs)
{
  vs_buf b = VS_BUF_INIT;
  size_t n = vs_sweep_n_points(s);
  int rc;

  b.max = (size_t)1 << 30;
  rc = header(&b, s);
  for (size_t i = 0; rc == VS_OK && i < n; i++) {
    const vs_sweep_result *r = &jobs[i].result;
    if (!r->done)
      continue;
    for (size_t a = 0; rc == VS_OK && a < vs_sweep_n_axes(s); a++)
      rc = add_field(&b, vs_sweep_value(s, i, a), a == 0);
    if (rc == VS_OK)
      rc = vs_buf_printf(&b, ",%d,%s", r->threshold, r->limit);
    for (int p = 0; rc == VS_OK && p < VS_SWEEP_N_POLICIES; p++) {
      const vs_sweep_policy_result *x = &r->pol[p];
      if ((rc = add_number(&b, x->on_time)) == VS_OK && (rc = add_number(&b, x->makespan_s)) == VS_OK &&
          (rc = add_number(&b, x->idle_vm_min)) == VS_OK)
        rc = vs_buf_printf(&b, ",%s", isnan(x->on_time) ? "" : x->storm ? "true" : "false");
    }
    if (rc == VS_OK)
      rc = vs_buf_add(&b, "\n", 1);
  }
  if (rc == VS_OK)
    rc = vs_fs_write_atomic(path, b.data, b.len);
  vs_buf_clear(&b);
  return rc;
}

/* The grid point with these values, or -1 (the last axis varies fastest). */
static long find_point(const vs_sweep *s, char **f)
{
  size_t index = 0;
  for (size_t a = 0; a < vs_sweep_n_axes(s); a++) {
    size_t k = 0, len = vs_sweep_axis_len(s, a);
    while (k < len && strcmp(vs_sweep_axis_value(s, a, k), f[a]))
      k++;
    if (k == len)
      return -1;
    index = index * len + k;
  }
  return (long)index;
}

static int parse_number(const char *t, double *x)
{
  if (!*t) {
    *x = NAN;
    return VS_OK;
  }
  return vs_parse_double(t, x);
}

int vs_sweepcsv_read(const char *path, const vs_sweep *s, vs_sweep_job *jobs)
{
  vs_buf want = VS_BUF_INIT;
  vs_csv *csv = NULL;
  size_t axes = vs_sweep_n_axes(s), cols = axes + 2 + VS_SWEEP_N_POLICIES * N_METRICS, n;
  char **f;
  int rc, got;

  if (access(path, F_OK) != 0)
    return VS_OK;
  if ((rc = header(&want, s)) != VS_OK || (rc = vs_csv_open(&csv, path)) != VS_OK)
    goto cleanup;
  if ((got = vs_csv_next(csv, &f, &n)) <= 0) {
    rc = got;
    goto cleanup;
  }
  vs_buf have = VS_BUF_INIT;
  for (size_t i = 0; rc == VS_OK && i < n; i++)
    rc = add_field(&have, f[i], i == 0);
  if (rc == VS_OK)
    rc = vs_buf_add(&have, "\n", 1);
  if (rc == VS_OK && strcmp(have.data, want.data)) {
    want.data[want.len - 1] = '\0';
    rc = vs_csv_error(csv, "its columns are not this sweep's (expected %s); use another -o or leave out --resume",
                      want.data);
  }
  vs_buf_clear(&have);
  while (rc == VS_OK && (got = vs_csv_next(csv, &f, &n)) > 0) {
    long point;
    vs_sweep_result r = {.done = 1};
    long th;
    if (n != cols)
      rc = vs_csv_error(csv, "%zu fields (expected %zu)", n, cols);
    else if ((point = find_point(s, f)) < 0)
      continue;
    else if (vs_parse_long(f[axes], &th) != VS_OK || strlen(f[axes + 1]) >= sizeof(r.limit))
      rc = vs_csv_error(csv, "bad threshold or limit");
    else {
      r.threshold = (int)th;
      snprintf(r.limit, sizeof(r.limit), "%s", f[axes + 1]);
      for (int p = 0; rc == VS_OK && p < VS_SWEEP_N_POLICIES; p++) {
        char **m = f + axes + 2 + p * N_METRICS;
        vs_sweep_policy_result *x = &r.pol[p];
        x->latest_ready_s = x->margin_s = NAN;
        if (parse_number(m[0], &x->on_time) || parse_number(m[1], &x->makespan_s) ||
            parse_number(m[2], &x->idle_vm_min) || (*m[3] && strcmp(m[3], "true") && strcmp(m[3], "false")))
          rc = vs_csv_error(csv, "bad %s figures", vs_sweep_policies[p]);
        x->storm = !strcmp(m[3], "true");
      }
      if (rc == VS_OK)
        jobs[point].result = r;
    }
  }
  if (rc == VS_OK && got < 0)
    rc = got;

cleanup:
  vs_csv_free(csv);
  vs_buf_clear(&want);
  return rc;
}
