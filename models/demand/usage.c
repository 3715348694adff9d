/* Usage rows and the CSV files they are read from (see usage.h). */
#define _XOPEN_SOURCE 700 /* strptime */
#include "demand/usage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/csv.h"
#include "core/error.h"
#include "core/units.h"

const char *const vs_usage_feature_names[VS_USAGE_FEATURES] = {"Year", "Month",   "Day",    "Wday",
                                                                "Hour", "Holiday", "Lmonth", "Lday"};

int vs_usage_features(vs_date d, int hour, vs_usage_row *out)
{
  vs_lunar_date l;
  int hol, des, error;

  if (hour < 0 || hour > 23)
    return vs_error_set(VS_EINPUT, "bad hour %d (expected 0..23)", hour);
  if ((error = vs_cal_to_lunar(d, &l)) < 0)
    return error;
  if ((hol = vs_cal_kr_holiday(d, NULL)) < 0)
    return hol;
  if ((des = vs_cal_kr_designated_holiday(d, NULL)) < 0)
    return des;
  memset(out, 0, sizeof(*out));
  out->year = d.year;
  out->month = d.month;
  out->day = d.day;
  out->wday = vs_cal_weekday(d);
  out->hour = hour;
  out->holiday = hol || des;
  out->lmonth = l.month;
  out->lday = l.day;
  return 0;
}

void vs_usage_row_vector(const vs_usage_row *r, float out[VS_USAGE_FEATURES])
{
  out[0] = (float)r->year;
  out[1] = (float)r->month;
  out[2] = (float)r->day;
  out[3] = (float)r->wday;
  out[4] = (float)r->hour;
  out[5] = (float)r->holiday;
  out[6] = (float)r->lmonth;
  out[7] = (float)r->lday;
}

int vs_usage_row_workday(const vs_usage_row *r)
{
  return r->wday < 5 && !r->holiday;
}

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

/* ---- reading ---- */

enum { USAGE_NO_HEADER, USAGE_ROWS, USAGE_LOGINS };

/* One login: day, second of the day, user (owned). */
typedef struct {
  int64_t day;
  int secs;
  char *user;
} usage_login;

/* What the file has given so far. */
typedef struct {
  int kind;
  vs_usage_row *rows;
  size_t n_rows, cap_rows;
  usage_login *logins;
  size_t n_logins, cap_logins;
} usage_input;

static int usage_header(vs_csv *c, char **f, size_t n, usage_input *in)
{
  char text[256] = "";
  size_t len = 0;
  for (size_t i = 0; i < n && len < sizeof(text); i++)
    len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s", i ? "," : "", f[i]);
  if (!strcmp(text, VS_USAGE_CSV_HEADER))
    in->kind = USAGE_ROWS;
  else if (!strcmp(text, "user,timestamp"))
    in->kind = USAGE_LOGINS;
  else
    return vs_csv_error(c, "unknown header '%.80s' (expected '%s' or 'user,timestamp')", text, VS_USAGE_CSV_HEADER);
  return 0;
}

static int usage_field_long(vs_csv *c, const char *name, const char *text, long lo, long hi, long *out)
{
  if (vs_parse_long(text, out) < 0)
    return vs_csv_error(c, "%s: '%s' is not an integer", name, text);
  if (*out < lo || *out > hi)
    return vs_csv_error(c, "%s: %ld is out of range (expected %ld..%ld)", name, *out, lo, hi);
  return 0;
}

static int usage_parse_row(vs_csv *c, char **f, size_t n, vs_usage_row *out)
{
  static const struct {
    const char *name;
    long lo, hi;
  } cols[8] = {{"Year", 1, 9999}, {"Month", 1, 12}, {"Day", 1, 31},   {"Wday", 0, 6},
               {"Hour", 0, 23},   {"Holiday", 0, 1}, {"Lmonth", 1, 12}, {"Lday", 1, 30}};
  long v[8];
  double att;
  vs_usage_row cal;
  int error;

  if (n != 9)
    return vs_csv_error(c, "%s%zu fields (expected 9: %s)", n < 9 ? "only " : "", n, VS_USAGE_CSV_HEADER);
  for (int i = 0; i < 8; i++)
    if ((error = usage_field_long(c, cols[i].name, f[i], cols[i].lo, cols[i].hi, &v[i])) < 0)
      return error;
  if (vs_parse_double(f[8], &att) < 0)
    return vs_csv_error(c, "attendance: '%s' is not a count (expected 0..%d)", f[8], VS_USAGE_ATTENDANCE_MAX);
  /* A huge label makes XGBoost fail deep inside training; say where it is. */
  if (!(att >= 0 && att <= VS_USAGE_ATTENDANCE_MAX))
    return vs_csv_error(c, "attendance: %s is out of range (expected 0..%d)", f[8], VS_USAGE_ATTENDANCE_MAX);
  vs_date d = {(int)v[0], (int)v[1], (int)v[2]};
  if (!vs_cal_date_valid(d))
    return vs_csv_error(c, "%04ld-%02ld-%02ld is not a date", v[0], v[1], v[2]);
  if (vs_usage_features(d, (int)v[4], &cal) < 0)
    return vs_csv_error(c, "%s", vs_error_last());
  /* Derived columns must agree with the calendar the forecaster predicts
   * with: a data set with Sunday = 0 or another lunar table would otherwise
   * train a model that is silently wrong at prediction time. Holiday is
   * taken as given (a site may close on extra days). */
  if (v[3] != cal.wday)
    return vs_csv_error(c, "Wday: %ld, but %04d-%02d-%02d is weekday %d (expected 0 = Monday ... 6 = Sunday)", v[3],
                        d.year, d.month, d.day, cal.wday);
  if (v[6] != cal.lmonth || v[7] != cal.lday)
    return vs_csv_error(c, "Lmonth/Lday: %ld/%ld, but %04d-%02d-%02d is lunar %d/%d", v[6], v[7], d.year, d.month,
                        d.day, cal.lmonth, cal.lday);
  cal.holiday = (int)v[5];
  cal.attendance = att;
  *out = cal;
  return 0;
}

static int usage_add_row(vs_csv *c, char **f, size_t n, usage_input *in)
{
  vs_usage_row r;
  int error;

  if ((error = usage_parse_row(c, f, n, &r)) < 0)
    return error;
  if (in->n_rows) {
    const vs_usage_row *p = &in->rows[in->n_rows - 1];
    int64_t dp = vs_usage_row_days(p), dr = vs_usage_row_days(&r);
    if (dr < dp || (dr == dp && r.hour <= p->hour))
      return vs_csv_error(c, "row %04d-%02d-%02d hour %d is not after the previous row (expected rows sorted by date "
                             "and hour, each once)", r.year, r.month, r.day, r.hour);
  }
  if ((error = vs_array_reserve(&in->rows, &in->cap_rows, in->n_rows + 1, sizeof(*in->rows))) < 0)
    return error;
  in->rows[in->n_rows++] = r;
  return 0;
}

/* "YYYY-MM-DD HH:MM[:SS]", or 'T' for the blank. The date goes through the
 * calendar's parser, whose messages name the month's length. */
static int usage_parse_timestamp(const char *t, vs_date *d, int *secs)
{
  char date[11], back[16];
  struct tm tm = {0};
  const char *fmt, *end;

  if (strlen(t) < 11 || (t[10] != ' ' && t[10] != 'T'))
    goto bad;
  memcpy(date, t, 10);
  date[10] = '\0';
  if (vs_cal_parse_date(date, d) < 0)
    return vs_error_set(VS_EINPUT, "timestamp '%s': %s", t, vs_error_last());
  fmt = strlen(t + 11) > 5 ? "%H:%M:%S" : "%H:%M";
  /* strptime also takes one-digit fields and blanks before a number: the
   * time must print back as it was written. It allows leap seconds too. */
  end = strptime(t + 11, fmt, &tm);
  if (!end || *end || !strftime(back, sizeof(back), fmt, &tm) || strcmp(back, t + 11) != 0 || tm.tm_sec > 59)
    goto bad;
  *secs = tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
  return 0;
bad:
  return vs_error_set(VS_EINPUT, "bad timestamp '%s' (expected YYYY-MM-DD HH:MM[:SS], local time)", t);
}

static int usage_add_login(vs_csv *c, char **f, size_t n, usage_input *in)
{
  usage_login l;
  vs_date d;

  if (n != 2)
    return vs_csv_error(c, "%s%zu fields (expected 2: user,timestamp)", n < 2 ? "only " : "", n);
  if (!*f[0])
    return vs_csv_error(c, "empty user (expected user,timestamp)");
  if (usage_parse_timestamp(f[1], &d, &l.secs) < 0)
    return vs_csv_error(c, "%s", vs_error_last());
  if (d.year < VS_CAL_FIRST_YEAR || d.year > VS_CAL_LAST_YEAR)
    return vs_csv_error(c, "%s is outside the calendar's years %d..%d", f[1], VS_CAL_FIRST_YEAR, VS_CAL_LAST_YEAR);
  l.day = vs_cal_days_from_civil(d);
  if (vs_array_reserve(&in->logins, &in->cap_logins, in->n_logins + 1, sizeof(*in->logins)) < 0 ||
      !(l.user = strdup(f[0])))
    return vs_error_set(VS_ENOMEM, "out of memory");
  in->logins[in->n_logins++] = l;
  return 0;
}

static int usage_login_cmp(const void *a, const void *b)
{
  const usage_login *x = a, *y = b;
  int c;
  if (x->day != y->day)
    return x->day < y->day ? -1 : 1;
  if ((c = strcmp(x->user, y->user)) != 0)
    return c;
  return (x->secs > y->secs) - (x->secs < y->secs);
}

/* Hourly rows from the logins: the first login of each user and day counts. */
static int usage_logins_to_rows(const char *path, usage_input *in)
{
  usage_login *l = in->logins;
  size_t n = in->n_logins;
  int hmin = 24, hmax = -1, error = 0;
  int64_t dmin = INT64_MAX, dmax = INT64_MIN;
  long *count = NULL;

  if (n == 0)
    return vs_error_set(VS_EINPUT, "%s: no logins (expected rows of user,timestamp)", path);
  qsort(l, n, sizeof(*l), usage_login_cmp);
  for (size_t i = 0; i < n; i++) {
    int h = l[i].secs / 3600;
    hmin = h < hmin ? h : hmin;
    hmax = h > hmax ? h : hmax;
    dmin = l[i].day < dmin ? l[i].day : dmin;
    dmax = l[i].day > dmax ? l[i].day : dmax;
  }
  size_t days = (size_t)(dmax - dmin + 1), hours = (size_t)(hmax - hmin + 1);
  if ((error = vs_array_reserve(&in->rows, &in->cap_rows, days * hours, sizeof(*in->rows))) < 0)
    return error;
  if (!(count = calloc(days * hours, sizeof(*count))))
    return vs_error_set(VS_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++)
    if (i == 0 || l[i].day != l[i - 1].day || strcmp(l[i].user, l[i - 1].user) != 0)
      count[(size_t)(l[i].day - dmin) * hours + (size_t)(l[i].secs / 3600 - hmin)]++;
  /* The calendar once per day, not per hour: a log of two lines can span
   * the calendar's 61 years, half a million rows. */
  for (size_t d = 0; d < days; d++) {
    vs_usage_row day;
    if ((error = vs_usage_features(vs_cal_civil_from_days(dmin + (int64_t)d), hmin, &day)) < 0) {
      error = vs_error_set(error, "%s: %s", path, vs_error_last());
      goto cleanup;
    }
    for (size_t h = 0; h < hours; h++) {
      vs_usage_row *r = &in->rows[in->n_rows++];
      *r = day;
      r->hour = hmin + (int)h;
      r->attendance = (double)count[d * hours + h];
    }
  }
cleanup:
  free(count);
  return error;
}

/* After the last line: the rows, or why there are none. */
static int usage_finish(vs_csv *c, usage_input *in)
{
  if (in->kind == USAGE_LOGINS)
    return usage_logins_to_rows(vs_csv_path(c), in);
  if (in->kind == USAGE_NO_HEADER)
    return vs_error_set(VS_EINPUT, "%s:%zu: empty file (expected a header '%s' or 'user,timestamp')", vs_csv_path(c),
                        vs_csv_line(c) + 1, VS_USAGE_CSV_HEADER);
  if (in->n_rows == 0)
    return vs_error_set(VS_EINPUT, "%s: no data rows", vs_csv_path(c));
  return 0;
}

int vs_usage_read_csv(const char *path, vs_usage_row **rows, size_t *n)
{
  usage_input in = {0};
  vs_csv *c = NULL;
  char **f;
  size_t nf;
  int error;

  *rows = NULL;
  *n = 0;
  if ((error = vs_csv_open(&c, path)) < 0)
    return error;
  while ((error = vs_csv_next(c, &f, &nf)) > 0) {
    if (in.kind == USAGE_NO_HEADER)
      error = usage_header(c, f, nf, &in);
    else if (in.kind == USAGE_ROWS)
      error = usage_add_row(c, f, nf, &in);
    else
      error = usage_add_login(c, f, nf, &in);
    if (error < 0)
      goto cleanup;
  }
  if (error < 0 || (error = usage_finish(c, &in)) < 0)
    goto cleanup;
  *rows = in.rows;
  *n = in.n_rows;
  in.rows = NULL;
cleanup:
  for (size_t i = 0; i < in.n_logins; i++)
    free(in.logins[i].user);
  free(in.logins);
  free(in.rows);
  vs_csv_free(c);
  return error;
}
