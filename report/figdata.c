#include "report/figdata.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/error.h"
#include "core/units.h"

static int has_k(const int *ks, size_t n, int k)
{
  for (size_t i = 0; i < n; i++)
    if (ks[i] == k)
      return 1;
  return 0;
}

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

size_t vs_figdata_cpu_ks(const vs_study_threshold *t, int ks[5])
{
  const vs_threshold_result *res = &t->res;
  int thr = res->threshold, last = res->n_steps ? res->steps[res->n_steps - 1].k : 0;
  int want[5] = {1, thr / 2, thr, thr + 1, last};
  size_t n = 0;
  for (size_t i = 0; i < 5; i++)
    if (want[i] > 0 && !has_k(ks, n, want[i]) && vs_study_threshold_result(t, want[i]))
      ks[n++] = want[i];
  qsort(ks, n, sizeof(int), cmp_int);
  return n;
}

int vs_figdata_cpu_by_k(vs_outdir *d, const char *name, const vs_study_threshold *t)
{
  int ks[5];
  size_t n = vs_figdata_cpu_ks(t, ks), rows = 0, longest = 0;
  const vs_boot_result *r[5];
  FILE *f;
  if (n == 0)
    return vs_error_set(VS_EINPUT, "the threshold search kept no experiment to plot");
  for (size_t i = 0; i < n; i++) {
    r[i] = vs_study_threshold_result(t, ks[i]);
    if (r[i]->n_samples > rows) {
      rows = r[i]->n_samples;
      longest = i;
    }
  }
  if (!(f = vs_outdir_file(d, name)))
    return VS_EIO;
  fputs("t_s", f);
  for (size_t i = 0; i < n; i++)
    fprintf(f, ",k=%d", ks[i]);
  fputc('\n', f);
  /* Rows by sample index: every threshold step is sampled once per
   * simulated second from its first power-on, so index i is the same time
   * in each; a shorter experiment's cells end empty. */
  for (size_t s = 0; s < rows; s++) {
    fprintf(f, "%.3f", r[longest]->samples[s].t_s);
    for (size_t i = 0; i < n; i++)
      if (s < r[i]->n_samples)
        fprintf(f, ",%.4f", r[i]->samples[s].cpu_util_max);
      else
        fputc(',', f);
    fputc('\n', f);
  }
  return vs_outdir_close_file(d, f, name);
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Sorted clock times (s since midnight) of one run's power-ons or readiness;
 * VMs never ready are left out. */
static double *clock_times(const vs_study_schedule *run, int ready, size_t *n)
{
  const vs_boot_result *r = run->result;
  double *v = malloc((r->n_vms ? r->n_vms : 1) * sizeof(double));
  *n = 0;
  if (!v)
    return NULL;
  for (size_t i = 0; i < r->n_vms; i++) {
    double t = ready ? r->ready_s[i] : r->started_s[i];
    if (!isnan(t))
      v[(*n)++] = run->origin_s + t;
  }
  qsort(v, *n, sizeof(double), cmp_double);
  return v;
}

/* How many of the sorted v[0..n) are <= t, advancing *at. */
static size_t count_upto(const double *v, size_t n, size_t *at, double t)
{
  while (*at < n && v[*at] <= t)
    (*at)++;
  return *at;
}

int vs_figdata_ready(vs_outdir *d, const char *name, const vs_scenario *sc, const vs_study_schedule *runs,
                     const char *const *policies, size_t n)
{
  size_t cols = n + 1, len[8] = {0}, at[8] = {0}, due_at = 0;
  double *v[8] = {0}, t0 = INFINITY, t1 = -INFINITY;
  FILE *f = NULL;
  int rc = VS_OK;
  if (n == 0 || cols > 8)
    return vs_error_set(VS_EINPUT, "the ready figure takes 1 to 7 policies");
  /* Column 0: the recommended policy's power-ons; then each one's readiness. */
  for (size_t c = 0; c < cols; c++) {
    if (!(v[c] = clock_times(&runs[c ? c - 1 : 0], c > 0, &len[c]))) {
      rc = vs_error_set(VS_ENOMEM, "out of memory");
      goto cleanup;
    }
    if (len[c]) {
      t0 = fmin(t0, v[c][0]);
      t1 = fmax(t1, v[c][len[c] - 1]);
    }
  }
  for (size_t i = 0; i < sc->workload.len; i++)
    t1 = fmax(t1, sc->workload.points[i].ready_by_s);
  if (!isfinite(t0) || !isfinite(t1)) {
    rc = vs_error_set(VS_EINPUT, "no VM was powered on: nothing to draw");
    goto cleanup;
  }
  t0 = floor(t0 / 60) * 60 - 60;
  t1 = ceil(t1 / 60) * 60 + 60;
  /* At most ~2,000 rows whatever the morning's length: enough for a figure. */
  double step = fmax(1, ceil((t1 - t0) / 2000));
  if (!(f = vs_outdir_file(d, name))) {
    rc = VS_EIO;
    goto cleanup;
  }
  fprintf(f, "t_s,required,%s powered on", policies[0]);
  for (size_t i = 0; i < n; i++)
    fprintf(f, ",%s ready", policies[i]);
  fputc('\n', f);
  for (double t = t0; t <= t1; t += step) {
    int due = 0;
    while (due_at < sc->workload.len && sc->workload.points[due_at].ready_by_s <= t)
      due_at++;
    for (size_t i = 0; i < due_at; i++)
      due += sc->workload.points[i].vms;
    fprintf(f, "%.0f,%d", t, due);
    for (size_t c = 0; c < cols; c++)
      fprintf(f, ",%zu", count_upto(v[c], len[c], &at[c], t));
    fputc('\n', f);
  }
  rc = vs_outdir_close_file(d, f, name);
cleanup:
  for (size_t c = 0; c < cols; c++)
    free(v[c]);
  return rc;
}

/* "nas_hdds+2 link_10g+1": a plan's options, for a label (no commas: CSV). */
static void options_label(const cJSON *plan, char *buf, size_t len)
{
  const cJSON *opt, *opts = cJSON_GetObjectItemCaseSensitive(plan, "options");
  size_t at = 0;
  buf[0] = '\0';
  cJSON_ArrayForEach(opt, opts)
  {
    if (!cJSON_IsNumber(opt) || opt->valuedouble == 0 || at + 1 >= len)
      continue;
    int w = snprintf(buf + at, len - at, "%s%s+%g", at ? " " : "", opt->string, opt->valuedouble);
    at = w < 0 ? at : at + (size_t)w >= len ? len - 1 : at + (size_t)w;
  }
  for (char *p = buf; *p; p++)
    if (*p == ',' || *p == '"' || *p == '\'')
      *p = ' ';
  if (!*buf)
    snprintf(buf, len, "as is");
}

int vs_figdata_plan(vs_outdir *d, const char *name, const cJSON *plan, double deadline_s, int *rows)
{
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(plan, "frontier"), *p;
  char label[256];
  int n = 0;
  FILE *f;
  if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0)
    list = cJSON_GetObjectItemCaseSensitive(plan, "cheapest");
  if (rows)
    *rows = 0;
  if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0)
    return VS_OK;
  if (!(f = vs_outdir_file(d, name)))
    return VS_EIO;
  fputs("cost,latest_ready_s,deadline_s,meets,label\n", f);
  cJSON_ArrayForEach(p, list)
  {
    const cJSON *cost = cJSON_GetObjectItemCaseSensitive(p, "cost"),
                *latest = cJSON_GetObjectItemCaseSensitive(p, "latest_ready_s");
    if (!cJSON_IsNumber(cost) || !cJSON_IsNumber(latest))
      continue;
    options_label(p, label, sizeof(label));
    fprintf(f, "%g,%.3f,%.3f,%d,%s\n", cost->valuedouble, latest->valuedouble, deadline_s,
            cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "meets")), label);
    n++;
  }
  if (rows)
    *rows = n;
  return vs_outdir_close_file(d, f, name);
}

void vs_figdata_sweep_clear(vs_figdata_sweep *s)
{
  free(s->x_key);
  free(s->y_key);
  free(s->value_key);
  for (size_t i = 0; i < s->n_x; i++)
    free(s->x_vals[i]);
  for (size_t i = 0; i < s->n_y; i++)
    free(s->y_vals[i]);
  free(s->x_vals);
  free(s->y_vals);
  free(s->xi);
  free(s->yi);
  free(s->value);
  memset(s, 0, sizeof(*s));
}

/* The index of `val` among vals[0..*n), appended when new. */
static int intern(char ***vals, size_t *n, size_t *cap, const char *val, size_t *index)
{
  for (size_t i = 0; i < *n; i++)
    if (!strcmp((*vals)[i], val)) {
      *index = i;
      return VS_OK;
    }
  if (vs_array_reserve(vals, cap, *n + 1, sizeof(char *)) != VS_OK || !((*vals)[*n] = strdup(val)))
    return vs_error_set(VS_ENOMEM, "out of memory");
  *index = (*n)++;
  return VS_OK;
}

/* The header: varied keys up to "threshold"; the value column. */
static int sweep_header(vs_csv *c, char **h, size_t n, vs_figdata_sweep *s, size_t *value_col, size_t *keys)
{
  size_t k = 0;
  while (k < n && strcmp(h[k], "threshold"))
    k++;
  if (k == n || k == 0)
    return vs_csv_error(c, "not a sweep.csv: expected the varied keys, then 'threshold'");
  *value_col = n;
  for (size_t i = k; i < n; i++)
    if (!strcmp(h[i], "jit.makespan_s"))
      *value_col = i;
  for (size_t i = k; i < n && *value_col == n; i++)
    if (strlen(h[i]) > 11 && !strcmp(h[i] + strlen(h[i]) - 11, ".makespan_s"))
      *value_col = i;
  if (*value_col == n)
    return vs_csv_error(c, "not a sweep.csv: no POLICY.makespan_s column");
  *keys = k;
  if (!(s->x_key = strdup(h[0])) || (k > 1 && !(s->y_key = strdup(h[1]))) || !(s->value_key = strdup(h[*value_col])))
    return vs_error_set(VS_ENOMEM, "out of memory");
  return VS_OK;
}

int vs_figdata_sweep_read(const char *path, vs_figdata_sweep *s)
{
  vs_csv *c = NULL;
  char **row;
  size_t n, value_col = 0, keys = 0, n_cols = 0, cap_x = 0, cap_y = 0, cap_rows = 0;
  int rc;
  memset(s, 0, sizeof(*s));
  if ((rc = vs_csv_open(&c, path)) != VS_OK)
    return rc;
  if ((rc = vs_csv_next(c, &row, &n)) <= 0) {
    rc = rc < 0 ? rc : vs_error_set(VS_EINPUT, "%s: empty (expected a sweep.csv)", path);
    goto cleanup;
  }
  n_cols = n;
  if ((rc = sweep_header(c, row, n, s, &value_col, &keys)) != VS_OK)
    goto cleanup;
  while ((rc = vs_csv_next(c, &row, &n)) > 0) {
    size_t at = s->n_rows;
    if (n != n_cols) {
      rc = vs_csv_error(c, "%zu fields, the header has %zu", n, n_cols);
      goto cleanup;
    }
    if (vs_array_reserve(&s->xi, &cap_rows, at + 1, sizeof(size_t)) != VS_OK ||
        !(s->yi = realloc(s->yi, cap_rows * sizeof(size_t))) || !(s->value = realloc(s->value, cap_rows * sizeof(double)))) {
      rc = VS_ENOMEM;
      goto cleanup;
    }
    s->yi[at] = 0;
    s->value[at] = NAN;
    if ((rc = intern(&s->x_vals, &s->n_x, &cap_x, row[0], &s->xi[at])) != VS_OK ||
        (keys > 1 && (rc = intern(&s->y_vals, &s->n_y, &cap_y, row[1], &s->yi[at])) != VS_OK))
      goto cleanup;
    if (*row[value_col] && vs_parse_double(row[value_col], &s->value[at]) != VS_OK) {
      rc = vs_csv_error(c, "%s: '%s' is not a number", s->value_key, row[value_col]);
      goto cleanup;
    }
    s->n_rows++;
  }
  if (rc == 0 && s->n_rows == 0)
    rc = vs_error_set(VS_EINPUT, "%s: no rows (expected one per sweep point)", path);
cleanup:
  vs_csv_free(c);
  if (rc < 0)
    vs_figdata_sweep_clear(s);
  return rc < 0 ? rc : VS_OK;
}

int vs_figdata_sweep_write(vs_outdir *d, const char *name, const vs_figdata_sweep *s)
{
  FILE *f = vs_outdir_file(d, name);
  if (!f)
    return VS_EIO;
  fprintf(f, "xi,yi,%s,%s,%s\n", s->value_key, s->x_key, s->y_key ? s->y_key : "-");
  for (size_t i = 0; i < s->n_rows; i++) {
    if (isnan(s->value[i]))
      continue;
    /* Values are quoted: a unit such as 1Gbps is a label, never a number. */
    fprintf(f, "%zu,%zu,%.1f,\"%s\",\"%s\"\n", s->xi[i], s->yi[i], s->value[i], s->x_vals[s->xi[i]],
            s->y_key ? s->y_vals[s->yi[i]] : "");
  }
  return vs_outdir_close_file(d, f, name);
}

void vs_figdata_gaussian(const double *v, size_t n, double sigma, double *out)
{
  long reach = (long)ceil(4 * sigma);
  for (size_t i = 0; i < n; i++) {
    double sum = 0, weight = 0;
    for (long j = (long)i - reach; j <= (long)i + reach; j++) {
      if (j < 0 || j >= (long)n)
        continue; /* renormalised at the edges rather than padded with zeros */
      double w = sigma > 0 ? exp(-0.5 * ((double)j - (double)i) * ((double)j - (double)i) / (sigma * sigma)) : j == (long)i;
      sum += w * v[j];
      weight += w;
    }
    out[i] = weight > 0 ? sum / weight : v[i];
  }
}

int vs_figdata_forecast(vs_outdir *d, const char *name, const double *actual, const double *forecast, size_t days,
                        double sigma_days)
{
  double *sa = malloc((days ? days : 1) * sizeof(double)), *sf = malloc((days ? days : 1) * sizeof(double));
  FILE *f = NULL;
  int rc = VS_OK;
  if (!sa || !sf) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  vs_figdata_gaussian(actual, days, sigma_days, sa);
  vs_figdata_gaussian(forecast, days, sigma_days, sf);
  if (!(f = vs_outdir_file(d, name))) {
    rc = VS_EIO;
    goto cleanup;
  }
  fputs("day,actual,forecast,actual_smoothed,forecast_smoothed\n", f);
  for (size_t i = 0; i < days; i++)
    fprintf(f, "%zu,%.0f,%.1f,%.2f,%.2f\n", i + 1, actual[i], forecast[i], sa[i], sf[i]);
  rc = vs_outdir_close_file(d, f, name);
cleanup:
  free(sa);
  free(sf);
  return rc;
}
