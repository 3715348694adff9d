/* The usage forecaster (see forecast.h). The only file that includes
 * xgboost's C API: the rest of vdistorm sees plain C types. */
#include "demand/forecast.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xgboost/c_api.h>

#include "core/error.h"
#include "core/fsutil.h"
#include "core/units.h"

/* Written into every model so that a foreign XGBoost file is refused. */
#define FORMAT_TAG "vdistorm-usage-1"

struct vs_forecast_model {
  BoosterHandle booster;
  vs_forecast_params params;
  double p95;
  double floor; /* predictions up to this mean "no demand" */
  int hour_first, hour_last;
  size_t rows;
};

/* Evaluate an xgboost call; on failure record its message and jump. */
#define XGB(call)                                                                   \
  do {                                                                              \
    if ((call) != 0) {                                                              \
      error = vs_error_set(VS_ERROR, "xgboost: %s", XGBGetLastError());             \
      goto cleanup;                                                                 \
    }                                                                               \
  } while (0)

/* ======================================================================== */
/* CSV input                                                                */
/* ======================================================================== */

int64_t vs_usage_row_days(const vs_usage_row *r)
{
  return vs_cal_days_from_civil((vs_date){r->year, r->month, r->day});
}

void vs_usage_rows_range(const vs_usage_row *rows, size_t n, int64_t from, int64_t to, size_t *begin, size_t *end)
{
  size_t b = 0, e;
  while (b < n && vs_usage_row_days(&rows[b]) < from)
    b++;
  e = b;
  while (e < n && vs_usage_row_days(&rows[e]) <= to)
    e++;
  *begin = b;
  *end = e;
}

/* A growable array of rows. */
typedef struct {
  vs_usage_row *v;
  size_t len, cap;
} row_vec;

static int row_push(row_vec *a, const vs_usage_row *r)
{
  if (a->len == a->cap) {
    size_t cap = a->cap ? a->cap * 2 : 1024;
    vs_usage_row *v = realloc(a->v, cap * sizeof(*v));
    if (!v)
      return vs_error_set(VS_ENOMEM, "out of memory");
    a->v = v;
    a->cap = cap;
  }
  a->v[a->len++] = *r;
  return 0;
}

/* Split `line` in place at commas into at most `max` fields; returns the
 * number of fields found (max + 1 if there are more). */
static size_t split_fields(char *line, char **fields, size_t max)
{
  size_t k = 0;
  char *p = line;
  for (;;) {
    if (k == max)
      return max + 1;
    fields[k++] = p;
    p = strchr(p, ',');
    if (!p)
      return k;
    *p++ = '\0';
  }
}

/* Strip the line terminator (LF or CRLF) and surrounding blanks. */
static char *trim(char *s)
{
  size_t n = strlen(s);
  while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
    s[--n] = '\0';
  while (*s == ' ' || *s == '\t')
    s++;
  return s;
}

/* Prefix the last error message: "<prefix>: <message>". */
static int prefix_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int prefix_error(int code, const char *fmt, ...)
{
  char pre[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(pre, sizeof(pre), fmt, ap);
  va_end(ap);
  return vs_error_set(code, "%s: %s", pre, vs_error_last());
}

/* "FILE:LINE: <message>". */
static int at_line(const char *path, size_t line, int code)
{
  return prefix_error(code, "%s:%zu", path, line);
}

static int field_long(const char *name, const char *text, long lo, long hi, long *out)
{
  if (vs_parse_long(text, out) < 0)
    return vs_error_set(VS_EINPUT, "%s: '%s' is not an integer", name, text);
  if (*out < lo || *out > hi)
    return vs_error_set(VS_EINPUT, "%s: %ld is out of range (expected %ld..%ld)", name, *out, lo, hi);
  return 0;
}

static int usage_line(char *line, vs_usage_row *out)
{
  static const struct {
    const char *name;
    long lo, hi;
  } cols[8] = {{"Year", 1, 9999}, {"Month", 1, 12}, {"Day", 1, 31},   {"Wday", 0, 6},
               {"Hour", 0, 23},   {"Holiday", 0, 1}, {"Lmonth", 1, 12}, {"Lday", 1, 30}};
  char *f[10];
  long v[8];
  double att;
  vs_usage_row cal;
  size_t nf = split_fields(line, f, 9);
  int error;

  if (nf != 9)
    return vs_error_set(VS_EINPUT, "%s %zu fields (expected 9: %s)", nf > 9 ? "more than" : "only", nf > 9 ? (size_t)9 : nf,
                        VS_USAGE_CSV_HEADER);
  for (int i = 0; i < 8; i++)
    if ((error = field_long(cols[i].name, trim(f[i]), cols[i].lo, cols[i].hi, &v[i])) < 0)
      return error;
  if (vs_parse_double(trim(f[8]), &att) < 0 || att < 0)
    return vs_error_set(VS_EINPUT, "attendance: '%s' is not a count (expected a number >= 0)", trim(f[8]));
  vs_date d = {(int)v[0], (int)v[1], (int)v[2]};
  if (!vs_cal_date_valid(d))
    return vs_error_set(VS_EINPUT, "%04ld-%02ld-%02ld is not a date", v[0], v[1], v[2]);
  if ((error = vs_usage_features(d, (int)v[4], &cal)) < 0)
    return error;
  /* Derived columns must agree with the calendar the forecaster predicts
   * with: a data set with Sunday = 0 or another lunar table would otherwise
   * train a model that is silently wrong at prediction time. Holiday is
   * taken as given (a site may close on extra days). */
  if (v[3] != cal.wday)
    return vs_error_set(VS_EINPUT, "Wday: %ld, but %04d-%02d-%02d is weekday %d (expected 0 = Monday ... 6 = Sunday)",
                        v[3], d.year, d.month, d.day, cal.wday);
  if (v[6] != cal.lmonth || v[7] != cal.lday)
    return vs_error_set(VS_EINPUT, "Lmonth/Lday: %ld/%ld, but %04d-%02d-%02d is lunar %d/%d", v[6], v[7], d.year, d.month,
                        d.day, cal.lmonth, cal.lday);
  cal.holiday = (int)v[5];
  cal.attendance = att;
  *out = cal;
  return 0;
}

/* One login: day, hour, seconds of the day, user (owned). */
typedef struct {
  int64_t day;
  int secs;
  char *user;
} login;

static int parse_timestamp(const char *t, int64_t *day, int *secs)
{
  char date[11];
  vs_date d;
  int h, m, s = 0;
  size_t n = strlen(t);

  if (n != 16 && n != 19)
    goto bad;
  memcpy(date, t, 10);
  date[10] = '\0';
  if (vs_cal_parse_date(date, &d) < 0)
    return prefix_error(VS_EINPUT, "timestamp '%s'", t);
  if (t[10] != ' ' && t[10] != 'T')
    goto bad;
  for (size_t i = 11; i < n; i++)
    if ((i == 13 || i == 16) ? t[i] != ':' : !isdigit((unsigned char)t[i]))
      goto bad;
  h = (t[11] - '0') * 10 + (t[12] - '0');
  m = (t[14] - '0') * 10 + (t[15] - '0');
  if (n == 19)
    s = (t[17] - '0') * 10 + (t[18] - '0');
  if (h > 23 || m > 59 || s > 59)
    goto bad;
  *day = vs_cal_days_from_civil(d);
  *secs = h * 3600 + m * 60 + s;
  return 0;
bad:
  return vs_error_set(VS_EINPUT, "bad timestamp '%s' (expected YYYY-MM-DD HH:MM[:SS], local time)", t);
}

static int login_cmp(const void *a, const void *b)
{
  const login *x = a, *y = b;
  int c;
  if (x->day != y->day)
    return x->day < y->day ? -1 : 1;
  if ((c = strcmp(x->user, y->user)) != 0)
    return c;
  return (x->secs > y->secs) - (x->secs < y->secs);
}

/* Turn logins into usage rows: first login of each user and day counts. */
static int logins_to_rows(const char *path, login *l, size_t n, row_vec *out)
{
  int hmin = 24, hmax = -1, error = 0;
  int64_t dmin = INT64_MAX, dmax = INT64_MIN;
  long *count = NULL;

  if (n == 0)
    return vs_error_set(VS_EINPUT, "%s: no logins (expected rows of user,timestamp)", path);
  qsort(l, n, sizeof(*l), login_cmp);
  for (size_t i = 0; i < n; i++) {
    int h = l[i].secs / 3600;
    hmin = h < hmin ? h : hmin;
    hmax = h > hmax ? h : hmax;
    dmin = l[i].day < dmin ? l[i].day : dmin;
    dmax = l[i].day > dmax ? l[i].day : dmax;
  }
  size_t days = (size_t)(dmax - dmin + 1), hours = (size_t)(hmax - hmin + 1);
  if (!(count = calloc(days * hours, sizeof(*count))))
    return vs_error_set(VS_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++)
    if (i == 0 || l[i].day != l[i - 1].day || strcmp(l[i].user, l[i - 1].user) != 0)
      count[(size_t)(l[i].day - dmin) * hours + (size_t)(l[i].secs / 3600 - hmin)]++;
  for (size_t d = 0; d < days; d++)
    for (size_t h = 0; h < hours; h++) {
      vs_usage_row r;
      vs_date date = vs_cal_civil_from_days(dmin + (int64_t)d);
      if ((error = vs_usage_features(date, hmin + (int)h, &r)) < 0) {
        error = prefix_error(error, "%s", path);
        goto cleanup;
      }
      r.attendance = (double)count[d * hours + h];
      if ((error = row_push(out, &r)) < 0)
        goto cleanup;
    }
cleanup:
  free(count);
  return error;
}

int vs_forecast_read_csv(const char *path, vs_usage_row **rows, size_t *n)
{
  FILE *f = NULL;
  char *buf = NULL, *line;
  size_t cap = 0, lineno = 0;
  ssize_t got;
  row_vec out = {0};
  login *logins = NULL;
  size_t n_logins = 0, cap_logins = 0;
  int error = 0, kind = 0; /* 1 usage, 2 logins */

  *rows = NULL;
  *n = 0;
  if (!(f = fopen(path, "r")))
    return vs_error_set(VS_EIO, "%s: cannot read: %s", path, strerror(errno));
  while ((got = getline(&buf, &cap, f)) >= 0) {
    lineno++;
    if ((size_t)got != strlen(buf)) {
      error = vs_error_set(VS_EINPUT, "%s:%zu: NUL byte in line (expected a text CSV)", path, lineno);
      goto cleanup;
    }
    line = trim(buf);
    if (kind == 0) {
      if (lineno == 1 && (unsigned char)line[0] == 0xEF && (unsigned char)line[1] == 0xBB &&
          (unsigned char)line[2] == 0xBF)
        line += 3; /* UTF-8 byte-order mark from spreadsheet exports */
      if (!strcmp(line, VS_USAGE_CSV_HEADER))
        kind = 1;
      else if (!strcmp(line, "user,timestamp"))
        kind = 2;
      else {
        error = vs_error_set(VS_EINPUT, "%s:%zu: unknown header '%.80s' (expected '%s' or 'user,timestamp')", path,
                             lineno, line, VS_USAGE_CSV_HEADER);
        goto cleanup;
      }
      continue;
    }
    if (!*line)
      continue; /* blank lines, e.g. a trailing one */
    if (kind == 1) {
      vs_usage_row r;
      if ((error = usage_line(line, &r)) < 0) {
        error = at_line(path, lineno, error);
        goto cleanup;
      }
      if (out.len) {
        const vs_usage_row *p = &out.v[out.len - 1];
        int64_t dp = vs_usage_row_days(p), dr = vs_usage_row_days(&r);
        if (dr < dp || (dr == dp && r.hour <= p->hour)) {
          error = vs_error_set(VS_EINPUT,
                               "%s:%zu: row %04d-%02d-%02d hour %d is not after the previous row (expected rows "
                               "sorted by date and hour, each once)",
                               path, lineno, r.year, r.month, r.day, r.hour);
          goto cleanup;
        }
      }
      if ((error = row_push(&out, &r)) < 0)
        goto cleanup;
    } else {
      char *fl[3];
      login l;
      size_t nf = split_fields(line, fl, 2);
      if (nf != 2) {
        error = vs_error_set(VS_EINPUT, "%s:%zu: %s fields (expected 2: user,timestamp)", path, lineno,
                             nf > 2 ? "more than 2" : "only 1");
        goto cleanup;
      }
      char *user = trim(fl[0]), *ts = trim(fl[1]);
      if (!*user) {
        error = vs_error_set(VS_EINPUT, "%s:%zu: empty user (expected user,timestamp)", path, lineno);
        goto cleanup;
      }
      if ((error = parse_timestamp(ts, &l.day, &l.secs)) < 0) {
        error = at_line(path, lineno, error);
        goto cleanup;
      }
      vs_date d = vs_cal_civil_from_days(l.day);
      if (d.year < VS_CAL_FIRST_YEAR || d.year > VS_CAL_LAST_YEAR) {
        error = vs_error_set(VS_EINPUT, "%s:%zu: %s is outside the calendar's years %d..%d", path, lineno, ts,
                             VS_CAL_FIRST_YEAR, VS_CAL_LAST_YEAR);
        goto cleanup;
      }
      if (n_logins == cap_logins) {
        size_t c = cap_logins ? cap_logins * 2 : 1024;
        login *p = realloc(logins, c * sizeof(*p));
        if (!p) {
          error = vs_error_set(VS_ENOMEM, "out of memory");
          goto cleanup;
        }
        logins = p;
        cap_logins = c;
      }
      if (!(l.user = strdup(user))) {
        error = vs_error_set(VS_ENOMEM, "out of memory");
        goto cleanup;
      }
      logins[n_logins++] = l;
    }
  }
  if (ferror(f)) {
    error = vs_error_set(VS_EIO, "%s: read error: %s", path, strerror(errno));
    goto cleanup;
  }
  if (kind == 0) {
    error = vs_error_set(VS_EINPUT, "%s:1: empty file (expected a header '%s' or 'user,timestamp')", path,
                         VS_USAGE_CSV_HEADER);
    goto cleanup;
  }
  if (kind == 2) {
    if ((error = logins_to_rows(path, logins, n_logins, &out)) < 0)
      goto cleanup;
  } else if (out.len == 0) {
    error = vs_error_set(VS_EINPUT, "%s: no data rows", path);
    goto cleanup;
  }
  *rows = out.v;
  *n = out.len;
  out.v = NULL;
cleanup:
  for (size_t i = 0; i < n_logins; i++)
    free(logins[i].user);
  free(logins);
  free(out.v);
  free(buf);
  fclose(f);
  return error;
}

/* ======================================================================== */
/* XGBoost                                                                  */
/* ======================================================================== */

static int make_dmatrix(const vs_usage_row *rows, size_t n, int with_labels, DMatrixHandle *out)
{
  float *x = NULL, *y = NULL;
  int error = 0;

  *out = NULL;
  if (n == 0)
    return vs_error_set(VS_EINPUT, "no rows");
  x = malloc(n * VS_USAGE_FEATURES * sizeof(*x));
  y = malloc(n * sizeof(*y));
  if (!x || !y) {
    error = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < n; i++) {
    vs_usage_row_vector(&rows[i], &x[i * VS_USAGE_FEATURES]);
    y[i] = (float)rows[i].attendance;
  }
  /* NAN as "missing": no feature is ever missing, so nothing is lost. */
  XGB(XGDMatrixCreateFromMat(x, (bst_ulong)n, VS_USAGE_FEATURES, NAN, out));
  XGB(XGDMatrixSetStrFeatureInfo(*out, "feature_name", (const char **)vs_usage_feature_names, VS_USAGE_FEATURES));
  if (with_labels)
    XGB(XGDMatrixSetFloatInfo(*out, "label", y, (bst_ulong)n));
cleanup:
  if (error < 0 && *out) {
    XGDMatrixFree(*out);
    *out = NULL;
  }
  free(x);
  free(y);
  return error;
}

static int set_param_d(BoosterHandle b, const char *name, double v)
{
  char buf[64];
  snprintf(buf, sizeof(buf), "%.17g", v);
  return XGBoosterSetParam(b, name, buf);
}

static int set_param_l(BoosterHandle b, const char *name, long long v)
{
  char buf[64];
  snprintf(buf, sizeof(buf), "%lld", v);
  return XGBoosterSetParam(b, name, buf);
}

/* Threads are a run-time setting that XGBoost does not save, so it is set
 * again after loading a model. */
static int set_runtime_params(BoosterHandle b, const vs_forecast_params *p)
{
  int error = 0;
  XGB(set_param_l(b, "nthread", p->nthread));
  XGB(XGBoosterSetParam(b, "verbosity", "0"));
cleanup:
  return error;
}

static int check_params(const vs_forecast_params *p)
{
  if (p->n_trees < 1 || p->n_trees > 100000)
    return vs_error_set(VS_EINPUT, "bad number of trees %d (expected 1..100000)", p->n_trees);
  if (p->max_depth < 1 || p->max_depth > 30)
    return vs_error_set(VS_EINPUT, "bad depth %d (expected 1..30)", p->max_depth);
  if (!(p->eta > 0 && p->eta <= 1))
    return vs_error_set(VS_EINPUT, "bad learning rate %g (expected 0 < eta <= 1)", p->eta);
  if (!(p->subsample > 0 && p->subsample <= 1))
    return vs_error_set(VS_EINPUT, "bad subsample %g (expected 0 < subsample <= 1)", p->subsample);
  if (!(p->colsample > 0 && p->colsample <= 1))
    return vs_error_set(VS_EINPUT, "bad column subsample %g (expected 0 < colsample <= 1)", p->colsample);
  if (p->nthread < 1 || p->nthread > 256)
    return vs_error_set(VS_EINPUT, "bad nthread %d (expected 1..256)", p->nthread);
  if (p->holdout_days < 0)
    return vs_error_set(VS_EINPUT, "bad holdout %d days (expected >= 0)", p->holdout_days);
  return 0;
}

/* Fit a booster on rows with params p. */
static int fit(const vs_usage_row *rows, size_t n, const vs_forecast_params *p, BoosterHandle *out)
{
  DMatrixHandle d = NULL;
  BoosterHandle b = NULL;
  int error;

  *out = NULL;
  if ((error = make_dmatrix(rows, n, 1, &d)) < 0)
    return error;
  XGB(XGBoosterCreate(&d, 1, &b));
  if ((error = set_runtime_params(b, p)) < 0)
    goto cleanup;
  XGB(XGBoosterSetParam(b, "objective", "reg:squarederror"));
  /* hist is exact enough for 8 small-integer features and deterministic for
   * a given nthread and seed (the seed drives row and column sampling). */
  XGB(XGBoosterSetParam(b, "tree_method", "hist"));
  XGB(set_param_l(b, "seed", (long long)(p->seed & 0x7fffffff)));
  XGB(set_param_l(b, "max_depth", p->max_depth));
  XGB(set_param_d(b, "eta", p->eta));
  XGB(set_param_d(b, "subsample", p->subsample));
  XGB(set_param_d(b, "colsample_bytree", p->colsample));
  for (int i = 0; i < p->n_trees; i++)
    XGB(XGBoosterUpdateOneIter(b, i, d));
  *out = b;
  b = NULL;
cleanup:
  if (b)
    XGBoosterFree(b);
  XGDMatrixFree(d);
  return error;
}

static int predict(BoosterHandle b, const vs_usage_row *rows, size_t n, float *out)
{
  DMatrixHandle d = NULL;
  bst_ulong len = 0;
  const float *res = NULL;
  int error;

  if (n == 0)
    return 0;
  if ((error = make_dmatrix(rows, n, 0, &d)) < 0)
    return error;
  XGB(XGBoosterPredict(b, d, 0, 0, 0, &len, &res));
  if (len != n) {
    error = vs_error_set(VS_ERROR, "xgboost returned %llu predictions for %zu rows", (unsigned long long)len, n);
    goto cleanup;
  }
  memcpy(out, res, n * sizeof(*out));
cleanup:
  XGDMatrixFree(d);
  return error;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Statistics of a model fitted without the last holdout_days days, on those
 * days: *out = 95th percentile of (actual - predicted) over the hours with
 * demand, *floor = the largest prediction for an hour without demand (how far
 * the model's noise reaches where nobody comes). */
static int holdout_stats(const vs_usage_row *rows, size_t n, const vs_forecast_params *p, double *out,
                         double *floor)
{
  int64_t last = vs_usage_row_days(&rows[n - 1]);
  size_t split = n, k = 0;
  BoosterHandle b = NULL;
  float *pred = NULL;
  double *res = NULL;
  int error;

  *out = NAN;
  while (split > 0 && vs_usage_row_days(&rows[split - 1]) > last - p->holdout_days)
    split--;
  /* Too little data to hold a period out and still learn: no margin. */
  if (split < n / 2 || split == n)
    return 0;
  if ((error = fit(rows, split, p, &b)) < 0)
    return error;
  *floor = 0.5;
  pred = malloc((n - split) * sizeof(*pred));
  res = malloc((n - split) * sizeof(*res));
  if (!pred || !res) {
    error = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  if ((error = predict(b, rows + split, n - split, pred)) < 0)
    goto cleanup;
  /* Only hours with demand: the zero hours of weekends are predicted almost
   * exactly and would hide the error that matters. */
  for (size_t i = split; i < n; i++)
    if (rows[i].attendance > 0)
      res[k++] = rows[i].attendance - (double)pred[i - split];
    else if (pred[i - split] > *floor)
      *floor = pred[i - split];
  if (k > 0) {
    qsort(res, k, sizeof(*res), cmp_double);
    size_t rank = (size_t)ceil(0.95 * (double)k); /* nearest-rank percentile */
    *out = res[rank > 0 ? rank - 1 : 0];
  }
cleanup:
  XGBoosterFree(b);
  free(pred);
  free(res);
  return error;
}

static int set_attr(BoosterHandle b, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int set_attr(BoosterHandle b, const char *key, const char *fmt, ...)
{
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  if (XGBoosterSetAttr(b, key, buf) != 0)
    return vs_error_set(VS_ERROR, "xgboost: %s", XGBGetLastError());
  return 0;
}

static int store_metadata(vs_forecast_model *m)
{
  const vs_forecast_params *p = &m->params;
  BoosterHandle b = m->booster;
  char features[256] = "";
  int error;

  for (int i = 0; i < VS_USAGE_FEATURES; i++) {
    strcat(features, vs_usage_feature_names[i]);
    if (i + 1 < VS_USAGE_FEATURES)
      strcat(features, ",");
  }
  if ((error = set_attr(b, "vdistorm_format", "%s", FORMAT_TAG)) < 0 ||
      (error = set_attr(b, "vdistorm_nthread", "%d", p->nthread)) < 0 ||
      (error = set_attr(b, "vdistorm_seed", "%llu", (unsigned long long)p->seed)) < 0 ||
      (error = set_attr(b, "vdistorm_n_trees", "%d", p->n_trees)) < 0 ||
      (error = set_attr(b, "vdistorm_max_depth", "%d", p->max_depth)) < 0 ||
      (error = set_attr(b, "vdistorm_eta", "%.17g", p->eta)) < 0 ||
      (error = set_attr(b, "vdistorm_subsample", "%.17g", p->subsample)) < 0 ||
      (error = set_attr(b, "vdistorm_colsample", "%.17g", p->colsample)) < 0 ||
      (error = set_attr(b, "vdistorm_holdout_days", "%d", p->holdout_days)) < 0 ||
      (error = set_attr(b, "vdistorm_tree_method", "hist")) < 0 ||
      (error = set_attr(b, "vdistorm_p95_residual", "%.17g", m->p95)) < 0 ||
      (error = set_attr(b, "vdistorm_zero_floor", "%.17g", m->floor)) < 0 ||
      (error = set_attr(b, "vdistorm_hours", "%d-%d", m->hour_first, m->hour_last)) < 0 ||
      (error = set_attr(b, "vdistorm_train_rows", "%zu", m->rows)) < 0 ||
      (error = set_attr(b, "vdistorm_features", "%s", features)) < 0)
    return error;
  return 0;
}

int vs_forecast_train(const vs_usage_row *rows, size_t n, const vs_forecast_params *params,
                      vs_forecast_model **out)
{
  vs_forecast_params p = params ? *params : (vs_forecast_params)VS_FORECAST_PARAMS_INIT;
  vs_forecast_model *m = NULL;
  int error;

  *out = NULL;
  if ((error = check_params(&p)) < 0)
    return error;
  if (n == 0)
    return vs_error_set(VS_EINPUT, "no training rows");
  if (!(m = calloc(1, sizeof(*m))))
    return vs_error_set(VS_ENOMEM, "out of memory");
  m->params = p;
  m->rows = n;
  m->p95 = NAN;
  m->hour_first = 23;
  m->hour_last = 0;
  for (size_t i = 0; i < n; i++) {
    m->hour_first = rows[i].hour < m->hour_first ? rows[i].hour : m->hour_first;
    m->hour_last = rows[i].hour > m->hour_last ? rows[i].hour : m->hour_last;
  }
  m->floor = 0.5; /* without a hold-out: round to the nearest VM */
  if (p.holdout_days > 0 && (error = holdout_stats(rows, n, &p, &m->p95, &m->floor)) < 0)
    goto cleanup;
  if ((error = fit(rows, n, &p, &m->booster)) < 0 || (error = store_metadata(m)) < 0)
    goto cleanup;
  *out = m;
  m = NULL;
cleanup:
  vs_forecast_model_free(m);
  return error;
}

int vs_forecast_save(const vs_forecast_model *m, const char *path)
{
  char tmp[PATH_MAX];
  int error = 0;

  if ((error = vs_fs_mkdir_parent(path)) < 0)
    return error;
  /* XGBoost picks the format from the extension: keep ".json" last. */
  if (snprintf(tmp, sizeof(tmp), "%s.tmp-%ld.json", path, (long)getpid()) >= (int)sizeof(tmp))
    return vs_error_set(VS_EIO, "%s: path too long", path);
  if (XGBoosterSaveModel(m->booster, tmp) != 0) {
    error = vs_error_set(VS_EIO, "%s: cannot write the model: %s", path, XGBGetLastError());
    goto cleanup;
  }
  if (rename(tmp, path) != 0)
    error = vs_error_set(VS_EIO, "%s: cannot rename into place: %s", path, strerror(errno));
cleanup:
  if (error < 0)
    unlink(tmp);
  return error;
}

/* Read attribute `key` as text; VS_EINPUT naming the file if absent. */
static int get_attr(BoosterHandle b, const char *path, const char *key, const char **out)
{
  int ok = 0;
  if (XGBoosterGetAttr(b, key, out, &ok) != 0)
    return vs_error_set(VS_ERROR, "xgboost: %s", XGBGetLastError());
  if (!ok)
    return vs_error_set(VS_EINPUT, "%s: not a vdistorm usage model (attribute '%s' missing; train one with: "
                                   "vdistorm forecast train)", path, key);
  return 0;
}

static int attr_long(BoosterHandle b, const char *path, const char *key, long lo, long hi, long *out)
{
  const char *s;
  int error;
  if ((error = get_attr(b, path, key, &s)) < 0)
    return error;
  if (vs_parse_long(s, out) < 0 || *out < lo || *out > hi)
    return vs_error_set(VS_EINPUT, "%s: bad attribute %s = '%s' (expected %ld..%ld)", path, key, s, lo, hi);
  return 0;
}

static int attr_double(BoosterHandle b, const char *path, const char *key, double *out)
{
  const char *s;
  int error;
  if ((error = get_attr(b, path, key, &s)) < 0)
    return error;
  /* "nan" is how an unmeasured p95 is stored. */
  if (!strcmp(s, "nan") || !strcmp(s, "-nan")) {
    *out = NAN;
    return 0;
  }
  if (vs_parse_double(s, out) < 0)
    return vs_error_set(VS_EINPUT, "%s: bad attribute %s = '%s' (expected a number)", path, key, s);
  return 0;
}

int vs_forecast_load(const char *path, vs_forecast_model **out)
{
  vs_forecast_model *m = NULL;
  const char *s;
  long v;
  FILE *f;
  int error = 0;

  *out = NULL;
  /* Check readability first: XGBoost's own message for a missing file is a
   * stack of C++ context, not something to show a user. */
  if (!(f = fopen(path, "r")))
    return vs_error_set(VS_EIO, "cannot read %s: %s", path, strerror(errno));
  fclose(f);
  if (!(m = calloc(1, sizeof(*m))))
    return vs_error_set(VS_ENOMEM, "out of memory");
  XGB(XGBoosterCreate(NULL, 0, &m->booster));
  if (XGBoosterLoadModel(m->booster, path) != 0) {
    const char *why = XGBGetLastError(), *nl = strrchr(why, '\n');
    error = vs_error_set(VS_EINPUT, "%s: not an XGBoost JSON model (%.200s)", path, nl && nl[1] ? nl + 1 : why);
    goto cleanup;
  }
  if ((error = get_attr(m->booster, path, "vdistorm_format", &s)) < 0)
    goto cleanup;
  if (strcmp(s, FORMAT_TAG) != 0) {
    error = vs_error_set(VS_EINPUT, "%s: model format '%s' (expected %s)", path, s, FORMAT_TAG);
    goto cleanup;
  }
  vs_forecast_params *p = &m->params;
  if ((error = attr_long(m->booster, path, "vdistorm_nthread", 1, 256, &v)) < 0)
    goto cleanup;
  p->nthread = (int)v;
  if ((error = attr_long(m->booster, path, "vdistorm_n_trees", 1, 100000, &v)) < 0)
    goto cleanup;
  p->n_trees = (int)v;
  if ((error = attr_long(m->booster, path, "vdistorm_max_depth", 1, 30, &v)) < 0)
    goto cleanup;
  p->max_depth = (int)v;
  if ((error = attr_long(m->booster, path, "vdistorm_holdout_days", 0, LONG_MAX, &v)) < 0)
    goto cleanup;
  p->holdout_days = (int)(v > INT_MAX ? INT_MAX : v);
  if ((error = get_attr(m->booster, path, "vdistorm_seed", &s)) < 0)
    goto cleanup;
  {
    char *end;
    errno = 0;
    unsigned long long u = strtoull(s, &end, 10); /* full uint64 range; vs_parse_long stops at LONG_MAX */
    if (errno || end == s || *end || !isdigit((unsigned char)*s)) {
      error = vs_error_set(VS_EINPUT, "%s: bad attribute vdistorm_seed = '%s'", path, s);
      goto cleanup;
    }
    p->seed = u;
  }
  if ((error = attr_double(m->booster, path, "vdistorm_eta", &p->eta)) < 0 ||
      (error = attr_double(m->booster, path, "vdistorm_subsample", &p->subsample)) < 0 ||
      (error = attr_double(m->booster, path, "vdistorm_colsample", &p->colsample)) < 0 ||
      (error = attr_double(m->booster, path, "vdistorm_p95_residual", &m->p95)) < 0 ||
      (error = attr_double(m->booster, path, "vdistorm_zero_floor", &m->floor)) < 0)
    goto cleanup;
  if ((error = attr_long(m->booster, path, "vdistorm_train_rows", 0, LONG_MAX, &v)) < 0)
    goto cleanup;
  m->rows = (size_t)v;
  if ((error = get_attr(m->booster, path, "vdistorm_hours", &s)) < 0)
    goto cleanup;
  if (sscanf(s, "%d-%d", &m->hour_first, &m->hour_last) != 2 || m->hour_first < 0 || m->hour_last > 23 ||
      m->hour_first > m->hour_last) {
    error = vs_error_set(VS_EINPUT, "%s: bad attribute vdistorm_hours = '%s' (expected H-H)", path, s);
    goto cleanup;
  }
  if ((error = set_runtime_params(m->booster, p)) < 0)
    goto cleanup;
  *out = m;
  m = NULL;
cleanup:
  vs_forecast_model_free(m);
  return error;
}

void vs_forecast_model_free(vs_forecast_model *m)
{
  if (!m)
    return;
  if (m->booster)
    XGBoosterFree(m->booster);
  free(m);
}

const vs_forecast_params *vs_forecast_model_params(const vs_forecast_model *m)
{
  return &m->params;
}

double vs_forecast_model_p95(const vs_forecast_model *m)
{
  return m->p95;
}

void vs_forecast_model_hours(const vs_forecast_model *m, int *first, int *last)
{
  *first = m->hour_first;
  *last = m->hour_last;
}

size_t vs_forecast_model_rows(const vs_forecast_model *m)
{
  return m->rows;
}

int vs_forecast_predict_rows(const vs_forecast_model *m, const vs_usage_row *rows, size_t n, float *out)
{
  return predict(m->booster, rows, n, out);
}

double vs_forecast_model_floor(const vs_forecast_model *m)
{
  return m->floor;
}

int vs_forecast_vms(const vs_forecast_model *m, double pred, double margin)
{
  if (!(pred > m->floor) || !(pred >= 0.5))
    return 0;
  /* The prediction is a float: 3.00002 is 3 VMs, not 4. */
  double v = ceil(pred + (margin > 0 ? margin : 0) - 0.01);
  return v > INT_MAX ? INT_MAX : (int)v;
}

int vs_forecast_predict_date(const vs_forecast_model *m, vs_date d, double margin, vs_forecast_hour **hours,
                             size_t *n)
{
  size_t k = (size_t)(m->hour_last - m->hour_first + 1);
  vs_usage_row *rows = calloc(k, sizeof(*rows));
  vs_forecast_hour *h = calloc(k, sizeof(*h));
  float *pred = calloc(k, sizeof(*pred));
  int error = 0;

  *hours = NULL;
  *n = 0;
  if (!rows || !h || !pred) {
    error = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (size_t i = 0; i < k; i++)
    if ((error = vs_usage_features(d, m->hour_first + (int)i, &rows[i])) < 0)
      goto cleanup;
  if ((error = predict(m->booster, rows, k, pred)) < 0)
    goto cleanup;
  for (size_t i = 0; i < k; i++) {
    h[i].hour = rows[i].hour;
    h[i].forecast = pred[i];
    h[i].vms = vs_forecast_vms(m, pred[i], margin);
  }
  *hours = h;
  *n = k;
  h = NULL;
cleanup:
  free(rows);
  free(h);
  free(pred);
  return error;
}

/* ======================================================================== */
/* Evaluation and tuning                                                    */
/* ======================================================================== */

/* Metrics of predictions against rows. */
static void score(const vs_usage_row *rows, size_t n, const float *pred, double *mse, double *r2)
{
  double mean = 0, ss_res = 0, ss_tot = 0;
  for (size_t i = 0; i < n; i++)
    mean += rows[i].attendance;
  mean /= (double)n;
  for (size_t i = 0; i < n; i++) {
    double e = rows[i].attendance - (double)pred[i], t = rows[i].attendance - mean;
    ss_res += e * e;
    ss_tot += t * t;
  }
  *mse = ss_res / (double)n;
  *r2 = ss_tot > 0 ? 1 - ss_res / ss_tot : NAN;
}

int vs_forecast_evaluate(const vs_forecast_model *m, const vs_usage_row *rows, size_t n, double margin,
                         vs_forecast_eval *out)
{
  float *pred = NULL;
  int error;

  memset(out, 0, sizeof(*out));
  if (n == 0)
    return vs_error_set(VS_EINPUT, "no rows to evaluate on");
  if (!(pred = malloc(n * sizeof(*pred))))
    return vs_error_set(VS_ENOMEM, "out of memory");
  if ((error = predict(m->booster, rows, n, pred)) < 0)
    goto cleanup;
  out->rows = n;
  out->margin = margin;
  score(rows, n, pred, &out->mse, &out->r2);
  out->rmse = sqrt(out->mse);
  for (size_t i = 0; i < n; i++) {
    long actual = (long)ceil(rows[i].attendance);
    long r0 = vs_forecast_vms(m, pred[i], 0), r1 = vs_forecast_vms(m, pred[i], margin);
    out->demand_users += actual;
    out->short_users += actual > r0 ? actual - r0 : 0;
    out->short_users_margin += actual > r1 ? actual - r1 : 0;
    out->idle_vms += r0 > actual ? r0 - actual : 0;
    out->idle_vms_margin += r1 > actual ? r1 - actual : 0;
    out->short_hours += actual > r0;
    out->short_hours_margin += actual > r1;
  }
cleanup:
  free(pred);
  return error;
}

void vs_forecast_fold(const vs_usage_row *rows, size_t n, int k, int f, size_t *begin, size_t *end)
{
  size_t days = 0, lo, hi, d = 0, i;

  for (i = 0; i < n; i++)
    days += i == 0 || vs_usage_row_days(&rows[i]) != vs_usage_row_days(&rows[i - 1]);
  lo = days * (size_t)f / (size_t)k;
  hi = days * (size_t)(f + 1) / (size_t)k;
  *begin = *end = n;
  /* d = index of the day of row i among the distinct days. */
  for (i = 0; i < n; i++) {
    if (i > 0 && vs_usage_row_days(&rows[i]) != vs_usage_row_days(&rows[i - 1]))
      d++;
    if (d == lo && *begin == n)
      *begin = i;
    if (d == hi) {
      *end = i;
      break;
    }
  }
}

static int cross_validate(const vs_usage_row *rows, size_t n, int folds, const vs_forecast_params *p,
                          vs_usage_row *train, float *pred, double *mse, double *r2)
{
  double sum_mse = 0, sum_r2 = 0;
  int error = 0;

  for (int f = 0; f < folds; f++) {
    size_t b, e;
    BoosterHandle bst = NULL;
    double m, r;
    vs_forecast_fold(rows, n, folds, f, &b, &e);
    if (e <= b || e - b == n)
      return vs_error_set(VS_EINPUT, "fold %d of %d is empty (too few days for %d folds)", f + 1, folds, folds);
    memcpy(train, rows, b * sizeof(*train));
    memcpy(train + b, rows + e, (n - e) * sizeof(*train));
    if ((error = fit(train, n - (e - b), p, &bst)) < 0)
      return error;
    error = predict(bst, rows + b, e - b, pred);
    XGBoosterFree(bst);
    if (error < 0)
      return error;
    score(rows + b, e - b, pred, &m, &r);
    sum_mse += m;
    sum_r2 += r;
  }
  *mse = sum_mse / folds;
  *r2 = sum_r2 / folds;
  return 0;
}

int vs_forecast_tune(const vs_usage_row *rows, size_t n, const vs_forecast_grid *g, int folds,
                     const vs_forecast_params *base, vs_forecast_progress_fn progress, void *payload,
                     vs_forecast_tune_result *best, vs_forecast_tune_result **all, size_t *n_all)
{
  vs_forecast_params p = base ? *base : (vs_forecast_params)VS_FORECAST_PARAMS_INIT;
  size_t total = g->n_n_trees * g->n_max_depth * g->n_eta * g->n_subsample * g->n_colsample, k = 0;
  vs_forecast_tune_result *res = NULL;
  vs_usage_row *train = NULL;
  float *pred = NULL;
  int error = 0;

  if (all)
    *all = NULL;
  if (n_all)
    *n_all = 0;
  if (total == 0)
    return vs_error_set(VS_EINPUT, "empty grid");
  if (folds < 2 || folds > 100)
    return vs_error_set(VS_EINPUT, "bad number of folds %d (expected 2..100)", folds);
  p.holdout_days = 0;
  res = calloc(total, sizeof(*res));
  train = malloc(n * sizeof(*train));
  pred = malloc(n * sizeof(*pred));
  if (!res || !train || !pred) {
    error = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  for (size_t a = 0; a < g->n_n_trees; a++)
    for (size_t b = 0; b < g->n_max_depth; b++)
      for (size_t c = 0; c < g->n_eta; c++)
        for (size_t d = 0; d < g->n_subsample; d++)
          for (size_t e = 0; e < g->n_colsample; e++, k++) {
            p.n_trees = g->n_trees[a];
            p.max_depth = g->max_depth[b];
            p.eta = g->eta[c];
            p.subsample = g->subsample[d];
            p.colsample = g->colsample[e];
            if ((error = check_params(&p)) < 0)
              goto cleanup;
            res[k].params = p;
            if ((error = cross_validate(rows, n, folds, &p, train, pred, &res[k].cv_mse, &res[k].cv_r2)) < 0)
              goto cleanup;
            if (progress)
              progress(k + 1, total, &res[k], payload);
          }
  size_t ib = 0;
  for (size_t i = 1; i < total; i++)
    if (res[i].cv_mse < res[ib].cv_mse)
      ib = i;
  *best = res[ib];
  if (all) {
    *all = res;
    *n_all = total;
    res = NULL;
  }
cleanup:
  free(res);
  free(train);
  free(pred);
  return error;
}

