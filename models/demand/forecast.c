/* The usage forecaster (see forecast.h). The only file that includes
 * xgboost's C API: the rest of vdistorm sees plain C types. */
#include "demand/forecast.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <xgboost/c_api.h>

#include "core/buf.h"
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

/* XGBoost's last error as one line. Its messages read "[12:00:00]
 * ./src/file.cc:123: what went wrong" and go on with a stack trace: only
 * what went wrong is kept, at most 300 bytes, control characters (a model's
 * text quoted back) as '?'. */
static const char *xgb_message(char *buf, size_t size)
{
  const char *s = XGBGetLastError(), *p;
  size_t len;

  if (s[0] == '[' && (p = strstr(s, "] ")) != NULL)
    s = p + 2;
  len = strcspn(s, " \r\n"); /* the source location, "./src/file.cc:123:" */
  if (len > 2 && s[len] == ' ' && s[len - 1] == ':' && isdigit((unsigned char)s[len - 2]))
    s += len + 1;
  len = strcspn(s, "\r\n");
  while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == ':'))
    len--;
  len = len > 300 ? 300 : len;
  len = len < size ? len : size - 1;
  for (size_t i = 0; i < len; i++)
    buf[i] = iscntrl((unsigned char)s[i]) ? '?' : s[i];
  buf[len] = '\0';
  return buf;
}

/* XGBoost's last error, as "PATH: WHAT (xgboost: ...)" for a file. */
static int xgb_error(int code, const char *path, const char *what)
{
  char msg[304];
  xgb_message(msg, sizeof(msg));
  if (!path)
    return vs_error_set(code, "xgboost: %s", msg);
  return vs_error_set(code, "%s: %s (xgboost: %s)", path, what, msg);
}

/* Evaluate an xgboost call; on failure record its message and jump. */
#define XGB(call)                                                                   \
  do {                                                                              \
    if ((call) != 0) {                                                              \
      error = xgb_error(VS_ERROR, NULL, NULL);                             \
      goto cleanup;                                                                 \
    }                                                                               \
  } while (0)

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

/* XGBoosterSetParam or XGBoosterSetAttr with a formatted value. */
typedef int (*xgb_setter)(BoosterHandle, const char *, const char *);
static int xgb_set(xgb_setter set, BoosterHandle b, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int xgb_set(xgb_setter set, BoosterHandle b, const char *key, const char *fmt, ...)
{
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  return set(b, key, buf);
}
#define set_param(b, key, ...) xgb_set(XGBoosterSetParam, b, key, __VA_ARGS__)
#define set_attr(b, key, ...) xgb_set(XGBoosterSetAttr, b, key, __VA_ARGS__)

/* Threads are a run-time setting that XGBoost does not save, so it is set
 * again after loading a model. */
static int set_runtime_params(BoosterHandle b, const vs_forecast_params *p)
{
  int error = 0;
  XGB(set_param(b, "nthread", "%d", p->nthread));
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

/* XGBoost refuses labels a float cannot hold, with a stack trace. */
static int check_labels(const vs_usage_row *rows, size_t n)
{
  if (n == 0)
    return vs_error_set(VS_EINPUT, "no training rows");
  for (size_t i = 0; i < n; i++)
    if (!(rows[i].attendance >= 0 && rows[i].attendance <= VS_USAGE_ATTENDANCE_MAX))
      return vs_error_set(VS_EINPUT, "row %zu (%04d-%02d-%02d %02d:00): attendance %g is out of range (expected 0..%d)",
                          i + 1, rows[i].year, rows[i].month, rows[i].day, rows[i].hour, rows[i].attendance,
                          VS_USAGE_ATTENDANCE_MAX);
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
  XGB(set_param(b, "seed", "%lld", (long long)(p->seed & 0x7fffffff)));
  XGB(set_param(b, "max_depth", "%d", p->max_depth));
  XGB(set_param(b, "eta", "%.17g", p->eta));
  XGB(set_param(b, "subsample", "%.17g", p->subsample));
  XGB(set_param(b, "colsample_bytree", "%.17g", p->colsample));
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

static int store_metadata(vs_forecast_model *m)
{
  const vs_forecast_params *p = &m->params;
  BoosterHandle b = m->booster;
  char features[256] = "";
  int error = 0;

  for (int i = 0; i < VS_USAGE_FEATURES; i++)
    strcat(strcat(features, i ? "," : ""), vs_usage_feature_names[i]);
  XGB(set_attr(b, "vdistorm_format", "%s", FORMAT_TAG));
  XGB(set_attr(b, "vdistorm_nthread", "%d", p->nthread));
  XGB(set_attr(b, "vdistorm_seed", "%llu", (unsigned long long)p->seed));
  XGB(set_attr(b, "vdistorm_n_trees", "%d", p->n_trees));
  XGB(set_attr(b, "vdistorm_max_depth", "%d", p->max_depth));
  XGB(set_attr(b, "vdistorm_eta", "%.17g", p->eta));
  XGB(set_attr(b, "vdistorm_subsample", "%.17g", p->subsample));
  XGB(set_attr(b, "vdistorm_colsample", "%.17g", p->colsample));
  XGB(set_attr(b, "vdistorm_holdout_days", "%d", p->holdout_days));
  XGB(set_attr(b, "vdistorm_tree_method", "%s", "hist"));
  XGB(set_attr(b, "vdistorm_p95_residual", "%.17g", m->p95));
  XGB(set_attr(b, "vdistorm_zero_floor", "%.17g", m->floor));
  XGB(set_attr(b, "vdistorm_hours", "%d-%d", m->hour_first, m->hour_last));
  XGB(set_attr(b, "vdistorm_train_rows", "%zu", m->rows));
  XGB(set_attr(b, "vdistorm_features", "%s", features));
cleanup:
  return error;
}

int vs_forecast_train(const vs_usage_row *rows, size_t n, const vs_forecast_params *params,
                      vs_forecast_model **out)
{
  vs_forecast_params p = params ? *params : (vs_forecast_params)VS_FORECAST_PARAMS_INIT;
  vs_forecast_model *m = NULL;
  int error;

  *out = NULL;
  if ((error = check_params(&p)) < 0 || (error = check_labels(rows, n)) < 0)
    return error;
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
  const char *json = NULL;
  bst_ulong len = 0;
  int error;

  /* XGBoosterSaveModel picks the format from the file name, which a
   * temporary name does not keep: serialise in memory, write atomically. */
  if (XGBoosterSaveModelToBuffer(m->booster, "{\"format\": \"json\"}", &len, &json) != 0)
    return xgb_error(VS_ERROR, path, "cannot save the model");
  if ((error = vs_fs_mkdir_parent(path)) < 0)
    return error;
  return vs_fs_write_atomic(path, json, (size_t)len);
}

/* Read attribute `key` as text; VS_EINPUT naming the file if absent. */
static int get_attr(BoosterHandle b, const char *path, const char *key, const char **out)
{
  int ok = 0;
  if (XGBoosterGetAttr(b, key, out, &ok) != 0)
    return xgb_error(VS_EINPUT, path, "not an xgboost model");
  if (!ok)
    return vs_error_set(VS_EINPUT, "%s: not a vdistorm usage model (attribute '%s' missing; train one with: "
                                   "vdistorm forecast train)", path, key);
  return 0;
}

/* The numeric attributes, each in its range. Only the p95 may be "nan" (not
 * measured); whether it makes a sane margin is checked where it is used. */
static int load_numbers(vs_forecast_model *m, const char *path)
{
  vs_forecast_params *p = &m->params;
  double nthread, trees, depth, holdout, rows;
  const struct {
    const char *key;
    double lo, hi, *out;
  } attrs[] = {
      {"vdistorm_nthread", 1, 256, &nthread},          {"vdistorm_n_trees", 1, 100000, &trees},
      {"vdistorm_max_depth", 1, 30, &depth},           {"vdistorm_holdout_days", 0, INT_MAX, &holdout},
      {"vdistorm_train_rows", 0, 1e15, &rows},         {"vdistorm_eta", 0, 1, &p->eta},
      {"vdistorm_subsample", 0, 1, &p->subsample},     {"vdistorm_colsample", 0, 1, &p->colsample},
      {"vdistorm_zero_floor", 0, HUGE_VAL, &m->floor}, {"vdistorm_p95_residual", -HUGE_VAL, HUGE_VAL, &m->p95},
  };
  for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
    char q[VS_QUOTE_MAX + 8];
    const char *s;
    int error = get_attr(m->booster, path, attrs[i].key, &s);
    if (error < 0)
      return error;
    if (attrs[i].out == &m->p95 && (!strcmp(s, "nan") || !strcmp(s, "-nan")))
      m->p95 = NAN;
    else if (vs_parse_double(s, attrs[i].out) < 0 || !(*attrs[i].out >= attrs[i].lo && *attrs[i].out <= attrs[i].hi))
      return vs_error_set(VS_EINPUT, "%s: bad attribute %s = '%s' (expected %g..%g)", path, attrs[i].key,
                          vs_quote(s, q, sizeof(q)), attrs[i].lo, attrs[i].hi);
  }
  p->nthread = (int)nthread;
  p->n_trees = (int)trees;
  p->max_depth = (int)depth;
  p->holdout_days = (int)holdout;
  m->rows = (size_t)rows;
  return 0;
}

/* ---- Loading: the file is checked before XGBoost reads it ----
 *
 * XGBoost trusts a model file: its binary format takes lengths from the
 * file and allocates them, and its JSON loader indexes its arrays with the
 * node and tree numbers the file gives, unchecked (a stray parent or child
 * number reads or writes outside them, in load or in prediction). vdistorm
 * writes JSON models only, so a model is read here first: a regular file
 * of bounded size, strict JSON (cJSON) of bounded depth, and every number
 * XGBoost would index with in range. Only then does XGBoost get the same
 * bytes, from memory. What XGBoost refuses cleanly by itself (a missing
 * section, a wrong type, arrays of unequal length) is left to it, so that
 * its messages stay the ones users know. */

/* A default model (200 trees of depth 6) is about 1 MB; the most trees
 * vs_forecast_train grows (100000) make a few hundred. Parsed, a model takes
 * several times its size, twice (cJSON, then XGBoost). */
#define MODEL_FILE_MAX ((size_t)1 << 30)
/* A model is 6 levels deep; XGBoost's parser recurses once per level. */
#define MODEL_DEPTH_MAX 64
/* Where an XGBoost parse error says where it is. */
#define XGB_POSITION ", around character position: "

/* Readable, a regular file, not empty and not too large: XGBoost's messages
 * for these are C++ context, and it would wait for ever on a FIFO. */
static int check_model_file(const char *path)
{
  struct stat st;
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK), ok;
  if (fd < 0)
    return vs_error_set(VS_EIO, "cannot read %s: %s", path, strerror(errno));
  ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  close(fd);
  if (!ok)
    return vs_error_set(VS_EIO, "%s: not a regular file", path);
  if (st.st_size == 0)
    return vs_error_set(VS_EINPUT, "%s: not an xgboost model (empty file)", path);
  if ((unsigned long long)st.st_size > MODEL_FILE_MAX)
    return vs_error_set(VS_EINPUT, "%s: not a vdistorm usage model (%lld bytes, more than the %zu MiB a model may have)",
                        path, (long long)st.st_size, MODEL_FILE_MAX >> 20);
  return 0;
}

/* Line (1-based) of byte `at` of text. */
static size_t line_of(const char *text, const char *at)
{
  size_t line = 1;
  for (const char *p = text; p < at; p++)
    line += *p == '\n';
  return line;
}

/* JSON text, not XGBoost's binary format; no NUL (cJSON and XGBoost would
 * stop at different places); nested at most MODEL_DEPTH_MAX levels, counted
 * outside strings as both parsers count them. */
static int check_model_text(const char *path, const char *text, size_t len)
{
  const char *nul = memchr(text, '\0', len);
  int depth = 0, in_string = 0;

  if (text[0] != '{')
    return vs_error_set(VS_EINPUT, "%s: not an xgboost JSON model (vdistorm writes JSON, starting with '{'; retrain "
                                   "it with: vdistorm forecast train)", path);
  if (nul)
    return vs_error_set(VS_EINPUT, "%s:%zu: not an xgboost model (NUL byte: not a text file)", path,
                        line_of(text, nul));
  for (const char *p = text; p < text + len; p++) {
    if (in_string) {
      if (*p == '\\' && p + 1 < text + len)
        p++;
      else if (*p == '"')
        in_string = 0;
    } else if (*p == '"') {
      in_string = 1;
    } else if (*p == '{' || *p == '[') {
      if (++depth > MODEL_DEPTH_MAX)
        return vs_error_set(VS_EINPUT, "%s:%zu: not an xgboost model (JSON nested more than %d levels deep)", path,
                            line_of(text, p), MODEL_DEPTH_MAX);
    } else if ((*p == '}' || *p == ']') && depth > 0) {
      depth--; /* a closer too many is a syntax error the parsers stop at */
    }
  }
  return 0;
}

/* Text cJSON refuses never reaches XGBoost's model loader: XGBoost's parser
 * is more lenient (NaN, for one) and its loader would go on to index with
 * what it parsed. Its parser alone still says what is wrong, as it always
 * has: the text goes to XGBoosterLoadJsonConfig inside [ ], which parses as
 * an array that the configuration loader refuses before reading anything,
 * and the position it gives is moved back by the one '['. If XGBoost's
 * parser takes the text, the message is cJSON's place. */
static int syntax_error(const char *path, const char *text, size_t len, const char *stop)
{
  BoosterHandle b = NULL;
  char *wrapped = malloc(len + 3), msg[304], q[VS_QUOTE_MAX + 8];
  const char *pos;
  int error;

  if (!wrapped)
    return vs_error_set(VS_ENOMEM, "out of memory");
  wrapped[0] = '[';
  memcpy(wrapped + 1, text, len);
  memcpy(wrapped + len + 1, "]", 2);
  if (XGBoosterCreate(NULL, 0, &b) == 0 && XGBoosterLoadJsonConfig(b, wrapped) != 0 &&
      (pos = strstr(xgb_message(msg, sizeof(msg)), XGB_POSITION)) != NULL) {
    unsigned long long at = strtoull(pos + strlen(XGB_POSITION), NULL, 10);
    error = vs_error_set(VS_EINPUT, "%s: not an xgboost model (xgboost: %.*s%llu)", path,
                         (int)(pos - msg + strlen(XGB_POSITION)), msg, at > 0 ? at - 1 : 0);
  } else {
    if (!stop || stop < text || stop > text + len)
      stop = text;
    error = vs_error_set(VS_EINPUT, "%s:%zu: not a vdistorm usage model (not strict JSON at '%s')", path,
                         line_of(text, stop), vs_quote(stop, q, sizeof(q)));
  }
  if (b)
    XGBoosterFree(b);
  free(wrapped);
  return error;
}

/* Objects with a key twice: cJSON reads the first, XGBoost the last, so
 * the model checked would not be the model loaded. */
static int cmp_key(const void *a, const void *b)
{
  return strcmp((*(const cJSON *const *)a)->string, (*(const cJSON *const *)b)->string);
}

static int check_unique_keys(const char *path, const cJSON *v)
{
  const cJSON *c;
  size_t n = 0, i = 0;
  int error = 0;

  cJSON_ArrayForEach(c, v)
    if ((error = check_unique_keys(path, c)) < 0) /* depth is bounded (check_model_text) */
      return error;
  if (!cJSON_IsObject(v))
    return 0;
  cJSON_ArrayForEach(c, v)
    n++;
  const cJSON **keys = malloc((n ? n : 1) * sizeof(*keys));
  if (!keys)
    return vs_error_set(VS_ENOMEM, "out of memory");
  cJSON_ArrayForEach(c, v)
    keys[i++] = c;
  qsort(keys, n, sizeof(*keys), cmp_key);
  for (i = 1; i < n && !error; i++)
    if (!strcmp(keys[i]->string, keys[i - 1]->string)) {
      char q[VS_QUOTE_MAX + 8];
      error = vs_error_set(VS_EINPUT, "%s: not a vdistorm usage model (key '%s' twice in one object)", path,
                           vs_quote(keys[i]->string, q, sizeof(q)));
    }
  free(keys);
  return error;
}

static const cJSON *member(const cJSON *obj, const char *key)
{
  return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

/* A parameter as XGBoost stores it, a decimal integer in a string (blanks
 * around it allowed, as XGBoost's parameter parser allows them). Absent:
 * `dflt`. 0, or -1 if it is there but no such integer. */
static int param_long(const cJSON *obj, const char *key, long dflt, long *out)
{
  const cJSON *v = member(obj, key);
  char *end;
  const char *s;

  *out = dflt;
  if (!v)
    return 0;
  if (!cJSON_IsString(v))
    return -1;
  for (s = v->valuestring; *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'; s++)
    ;
  if (!*s)
    return -1;
  errno = 0;
  *out = strtol(s, &end, 10);
  while (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r')
    end++;
  return errno || end == s || *end ? -1 : 0;
}

/* An array of n integers, each in [lo, hi], into out (walked once: cJSON's
 * arrays are lists, and a tree may have many thousand nodes). */
static int read_ints(const cJSON *arr, long n, long lo, long hi, long *out)
{
  const cJSON *v;
  long i = 0;
  if (!cJSON_IsArray(arr))
    return -1;
  cJSON_ArrayForEach(v, arr) {
    if (i == n || !cJSON_IsNumber(v) || !(v->valuedouble >= (double)lo && v->valuedouble <= (double)hi) ||
        v->valuedouble != floor(v->valuedouble))
      return -1;
    out[i++] = (long)v->valuedouble;
  }
  return i == n ? 0 : -1;
}

#define MODEL_REFUSE(...)                                                                       \
  do {                                                                                          \
    char why_[200];                                                                             \
    snprintf(why_, sizeof(why_), __VA_ARGS__);                                                  \
    error = vs_error_set(VS_EINPUT, "%s: not a vdistorm usage model (%s)", path, why_);         \
    goto cleanup;                                                                               \
  } while (0)

/* One tree, as RegTree::LoadModel and prediction use it: every parent in
 * range (load), and from the root a tree -- each child in range, reached
 * once -- whose splits read one of the usage features (prediction). No
 * categorical splits: vdistorm's features are numbers, and XGBoost reads
 * split_type and the categories' arrays unchecked. */
static int check_tree(const char *path, const cJSON *tree, int t)
{
  const cJSON *types = member(tree, "split_type"), *cat_nodes = member(tree, "categories_nodes");
  const cJSON *id = member(tree, "id");
  long n, *left = NULL, *right = NULL, *parent = NULL, *feature = NULL, *type = NULL;
  unsigned char *seen = NULL;
  int *stack = NULL, top = 0, error = 0;

  /* XGBoost puts tree `id` at that place: a number twice leaves a hole. */
  if (!cJSON_IsNumber(id) || id->valuedouble != (double)t)
    MODEL_REFUSE("tree %d is not numbered %d", t, t);
  if (param_long(member(tree, "tree_param"), "num_nodes", -1, &n) < 0 || n < 1 || n > INT_MAX)
    MODEL_REFUSE("tree %d: no number of nodes", t);
  /* n is at most the length of the arrays below, so bounded by the file. */
  if (cJSON_GetArraySize(member(tree, "left_children")) != n)
    MODEL_REFUSE("tree %d: left_children is not num_nodes = %ld long", t, n);
  if (!(left = malloc((size_t)n * sizeof(long))) || !(right = malloc((size_t)n * sizeof(long))) ||
      !(parent = malloc((size_t)n * sizeof(long))) || !(feature = malloc((size_t)n * sizeof(long))) ||
      !(type = calloc((size_t)n, sizeof(long))) || !(seen = calloc((size_t)n, 1)) ||
      !(stack = malloc((size_t)n * sizeof(*stack)))) {
    error = vs_error_set(VS_ENOMEM, "out of memory");
    goto cleanup;
  }
  /* Numbers are read as XGBoost stores them (32 bits); their ranges below. */
  if (read_ints(member(tree, "left_children"), n, INT32_MIN, INT32_MAX, left) < 0 ||
      read_ints(member(tree, "right_children"), n, INT32_MIN, INT32_MAX, right) < 0 ||
      read_ints(member(tree, "parents"), n, INT32_MIN, UINT32_MAX, parent) < 0 ||
      read_ints(member(tree, "split_indices"), n, INT32_MIN, UINT32_MAX, feature) < 0)
    MODEL_REFUSE("tree %d: left_children, right_children, parents or split_indices is not %ld node numbers", t, n);
  if (types && (read_ints(types, n, 0, 0, type) < 0 ||
                (cat_nodes && (!cJSON_IsArray(cat_nodes) || cJSON_GetArraySize(cat_nodes) != 0))))
    MODEL_REFUSE("tree %d: categorical splits, or a split_type that is not num_nodes = %ld zeros", t, n);
  for (long i = 1; i < n; i++)
    if (parent[i] < 0 || parent[i] >= n)
      MODEL_REFUSE("tree %d: node %ld has no parent among its %ld nodes", t, i, n);
  seen[0] = 1;
  stack[top++] = 0;
  while (top > 0) {
    int i = stack[--top];
    long l = left[i], r = right[i];
    if (l == -1 && r == -1)
      continue; /* a leaf */
    if (l < 0 || l >= n || r < 0 || r >= n)
      MODEL_REFUSE("tree %d: node %d has a child outside its %ld nodes", t, i, n);
    if (seen[l] || seen[r] || l == r)
      MODEL_REFUSE("tree %d: node %d does not split into two new nodes", t, i);
    if (feature[i] < 0 || feature[i] >= VS_USAGE_FEATURES)
      MODEL_REFUSE("tree %d: node %d splits on no feature of 0..%d", t, i, VS_USAGE_FEATURES - 1);
    seen[l] = seen[r] = 1;
    stack[top++] = (int)l;
    stack[top++] = (int)r;
  }
cleanup:
  free(left);
  free(right);
  free(parent);
  free(feature);
  free(type);
  free(seen);
  free(stack);
  return error;
}

/* The learner, as XGBoost's loader and predictor use it: one output, a
 * gbtree booster (XGBoost indexes dart's weights and gblinear's by tree
 * and feature, unchecked), trees numbered 0..n-1 as many as num_trees and
 * tree_info say, every tree's output the one output. */
static int check_model_json(const char *path, const cJSON *doc)
{
  const cJSON *learner = member(doc, "learner"), *lp = member(learner, "learner_model_param");
  const cJSON *gb = member(learner, "gradient_booster"), *name = member(gb, "name"), *model = member(gb, "model");
  const cJSON *trees = member(model, "trees"), *info = member(model, "tree_info"), *tree;
  long classes, targets, n_trees, parallel;
  int error, t = 0;

  if ((error = check_unique_keys(path, doc)) < 0)
    return error;
  if (param_long(lp, "num_class", 0, &classes) < 0 || param_long(lp, "num_target", 1, &targets) < 0 || classes < 0 ||
      classes > 1 || targets < 0 || targets > 1)
    MODEL_REFUSE("num_class and num_target do not make one output");
  if (cJSON_IsString(name) && strcmp(name->valuestring, "gbtree") != 0) {
    char q[VS_QUOTE_MAX + 8];
    MODEL_REFUSE("booster '%s', expected gbtree", vs_quote(name->valuestring, q, sizeof(q)));
  }
  if (!cJSON_IsArray(trees))
    return 0; /* XGBoost says what is missing */
  if (param_long(member(model, "gbtree_model_param"), "num_trees", 0, &n_trees) < 0 ||
      param_long(member(model, "gbtree_model_param"), "num_parallel_tree", 1, &parallel) < 0 ||
      n_trees != cJSON_GetArraySize(trees) || parallel != 1)
    MODEL_REFUSE("num_trees and num_parallel_tree do not describe its %d trees", cJSON_GetArraySize(trees));
  if (info && (!cJSON_IsArray(info) || cJSON_GetArraySize(info) != n_trees))
    MODEL_REFUSE("tree_info does not describe its %ld trees", n_trees);
  cJSON_ArrayForEach(tree, info)
    if (!cJSON_IsNumber(tree) || tree->valuedouble != 0)
      MODEL_REFUSE("tree %d is not for the one output", t);
    else
      t++;
  t = 0;
  cJSON_ArrayForEach(tree, trees)
    if ((error = check_tree(path, tree, t++)) < 0)
      return error;
cleanup:
  return error;
}

/* Read, check and hand to XGBoost. */
static int load_model_file(BoosterHandle b, const char *path)
{
  vs_buf text = VS_BUF_INIT;
  cJSON *doc = NULL;
  const char *stop = NULL;
  int error;

  text.max = MODEL_FILE_MAX;
  if ((error = check_model_file(path)) < 0 || (error = vs_buf_read_file(&text, path)) < 0 ||
      (error = check_model_text(path, text.data, text.len)) < 0)
    goto cleanup;
  /* The length with the NUL vs_buf keeps after the text: cJSON wants one there. */
  if (!(doc = cJSON_ParseWithLengthOpts(text.data, text.len + 1, &stop, 1))) {
    error = syntax_error(path, text.data, text.len, stop);
    goto cleanup;
  }
  if ((error = check_model_json(path, doc)) < 0)
    goto cleanup;
  if (XGBoosterLoadModelFromBuffer(b, text.data, (bst_ulong)text.len) != 0)
    error = xgb_error(VS_EINPUT, path, "not an xgboost model");
cleanup:
  cJSON_Delete(doc);
  vs_buf_clear(&text);
  return error;
}

/* XGBoost predicts from fewer columns than a model was trained on without
 * a word: the count must be this build's. */
static int check_features(BoosterHandle b, const char *path)
{
  bst_ulong n = 0;
  if (XGBoosterGetNumFeature(b, &n) != 0)
    return xgb_error(VS_EINPUT, path, "not an xgboost model");
  if (n != VS_USAGE_FEATURES)
    return vs_error_set(VS_EINPUT, "%s: the model has %llu features (expected %d: Year, Month, Day, Wday, Hour, "
                                   "Holiday, Lmonth, Lday; retrain it with: vdistorm forecast train)",
                        path, (unsigned long long)n, VS_USAGE_FEATURES);
  return 0;
}

/* "H-H", the hours the model was trained for. */
static int parse_hours(const char *s, int *first, int *last)
{
  char a[8], *dash = strchr(s, '-');
  long f, l;
  if (!dash || dash == s || (size_t)(dash - s) >= sizeof(a))
    return -1;
  memcpy(a, s, (size_t)(dash - s));
  a[dash - s] = '\0';
  if (vs_parse_long(a, &f) < 0 || vs_parse_long(dash + 1, &l) < 0 || f < 0 || l > 23 || f > l)
    return -1;
  *first = (int)f;
  *last = (int)l;
  return 0;
}

int vs_forecast_load(const char *path, vs_forecast_model **out)
{
  vs_forecast_model *m = NULL;
  const char *s;
  char q[VS_QUOTE_MAX + 8];
  int error = 0;

  *out = NULL;
  if (!(m = calloc(1, sizeof(*m))))
    return vs_error_set(VS_ENOMEM, "out of memory");
  XGB(XGBoosterCreate(NULL, 0, &m->booster));
  if ((error = load_model_file(m->booster, path)) < 0)
    goto cleanup;
  if ((error = get_attr(m->booster, path, "vdistorm_format", &s)) < 0)
    goto cleanup;
  if (strcmp(s, FORMAT_TAG) != 0) {
    error = vs_error_set(VS_EINPUT, "%s: model format '%s' (expected %s)", path, vs_quote(s, q, sizeof(q)), FORMAT_TAG);
    goto cleanup;
  }
  if ((error = load_numbers(m, path)) < 0 || (error = get_attr(m->booster, path, "vdistorm_seed", &s)) < 0)
    goto cleanup;
  {
    char *end;
    errno = 0;
    unsigned long long u = strtoull(s, &end, 10); /* full uint64 range; vs_parse_long stops at LONG_MAX */
    if (errno || end == s || *end || !isdigit((unsigned char)*s)) {
      error = vs_error_set(VS_EINPUT, "%s: bad attribute vdistorm_seed = '%s'", path, vs_quote(s, q, sizeof(q)));
      goto cleanup;
    }
    m->params.seed = u;
  }
  if ((error = get_attr(m->booster, path, "vdistorm_hours", &s)) < 0)
    goto cleanup;
  if (parse_hours(s, &m->hour_first, &m->hour_last) < 0) {
    error = vs_error_set(VS_EINPUT, "%s: bad attribute vdistorm_hours = '%s' (expected H-H)", path,
                         vs_quote(s, q, sizeof(q)));
    goto cleanup;
  }
  if ((error = check_features(m->booster, path)) < 0 || (error = set_runtime_params(m->booster, &m->params)) < 0)
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

const vs_forecast_params *vs_forecast_model_params(const vs_forecast_model *m) { return &m->params; }
double vs_forecast_model_p95(const vs_forecast_model *m) { return m->p95; }
double vs_forecast_model_floor(const vs_forecast_model *m) { return m->floor; }
size_t vs_forecast_model_rows(const vs_forecast_model *m) { return m->rows; }

void vs_forecast_model_hours(const vs_forecast_model *m, int *first, int *last)
{
  *first = m->hour_first;
  *last = m->hour_last;
}

int vs_forecast_predict_rows(const vs_forecast_model *m, const vs_usage_row *rows, size_t n, float *out)
{
  return predict(m->booster, rows, n, out);
}

/* Margins come from the command line and from model files: refuse what
 * would overflow the counts of desktops rather than clamp it. */
static int check_margin(double margin)
{
  if (!(margin >= 0 && margin <= VS_FORECAST_MARGIN_MAX))
    return vs_error_set(VS_EINPUT, "margin %g VMs is out of range (expected 0..%d)", margin, VS_FORECAST_MARGIN_MAX);
  return 0;
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
  if ((error = check_margin(margin)) < 0)
    goto cleanup;
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
  if ((error = check_margin(margin)) < 0)
    return error;
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

