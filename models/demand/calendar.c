/* Civil dates, the Korean lunisolar calendar (computed by ICU) and South
 * Korean holidays. Method, range and verification: docs/CALENDAR.md. */
#include "demand/calendar.h"

#include "core/error.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unicode/ucal.h>
#include <unicode/ustring.h>
#include <unicode/utypes.h>

/* ======================================================================
 * Civil dates
 * ====================================================================== */

int vs_cal_is_leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int vs_cal_days_in_month(int y, int m)
{
  static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12)
    return 0;
  return len[m - 1] + (m == 2 && vs_cal_is_leap_year(y));
}

int vs_cal_date_valid(vs_date d)
{
  return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
         d.day <= vs_cal_days_in_month(d.year, d.month);
}

/* H. Hinnant's days_from_civil: counts in 400-year eras starting on March 1st
 * so that the leap day is the last day of a year and needs no special case. */
int64_t vs_cal_days_from_civil(vs_date d)
{
  int64_t y = (int64_t)d.year - (d.month <= 2);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;                                            /* [0, 399] */
  int64_t doy = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1; /* [0, 365] */
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                    /* [0, 146096] */
  return era * 146097 + doe - 719468;
}

vs_date vs_cal_civil_from_days(int64_t z)
{
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  vs_date d;
  d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
  d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
  d.year = (int)(yoe + era * 400 + (d.month <= 2));
  return d;
}

vs_date vs_cal_add_days(vs_date d, int64_t n)
{
  return vs_cal_civil_from_days(vs_cal_days_from_civil(d) + n);
}

static int weekday_of_days(int64_t days)
{
  /* 1970-01-01 was a Thursday (3 with Monday = 0). */
  int64_t w = (days + 3) % 7;
  return (int)(w < 0 ? w + 7 : w);
}

int vs_cal_weekday(vs_date d) { return weekday_of_days(vs_cal_days_from_civil(d)); }

static int parse_digits(const char *s, int n, int *out)
{
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 0;
}

int vs_cal_parse_date(const char *text, vs_date *out)
{
  static const char *month_names[12] = {"January", "February", "March",     "April",
                                        "May",     "June",     "July",      "August",
                                        "September", "October", "November", "December"};
  vs_date d;
  if (!text)
    return vs_error_set(VS_EINPUT, "bad date: none given (expected YYYY-MM-DD)");
  /* Check the shape before the values so that "2023-1-05" or "2023-01-05x"
   * are rejected as malformed rather than half-parsed. */
  if (strlen(text) != 10 || text[4] != '-' || text[7] != '-' ||
      parse_digits(text, 4, &d.year) || parse_digits(text + 5, 2, &d.month) ||
      parse_digits(text + 8, 2, &d.day))
    return vs_error_set(VS_EINPUT, "bad date '%.40s' (expected YYYY-MM-DD, e.g. 2023-09-29)",
                        text);
  if (d.year < 1)
    return vs_error_set(VS_EINPUT, "bad date '%s': year must be 0001..9999", text);
  if (d.month < 1 || d.month > 12)
    return vs_error_set(VS_EINPUT, "bad date '%s': month must be 01..12", text);
  int dim = vs_cal_days_in_month(d.year, d.month);
  if (d.day < 1 || d.day > dim)
    return vs_error_set(VS_EINPUT, "bad date '%s': %s %d has %d days", text,
                        month_names[d.month - 1], d.year, dim);
  if (out)
    *out = d;
  return VS_OK;
}

int vs_cal_format_date(vs_date d, char *buf, size_t size)
{
  if (!vs_cal_date_valid(d))
    return vs_error_set(VS_EINPUT, "cannot format invalid date %d-%d-%d", d.year, d.month,
                        d.day);
  if (!buf || size < 11)
    return vs_error_set(VS_EINPUT, "date buffer too small (%zu bytes, need 11)", size);
  snprintf(buf, size, "%04d-%02d-%02d", d.year, d.month, d.day);
  return VS_OK;
}

/* ======================================================================
 * The Korean lunisolar calendar, from ICU's "dangi" calendar
 *
 * ICU computes it astronomically: the rules of the Chinese calendar
 * (month 11 holds the winter solstice; in a 13-month year the first month
 * without a principal term is intercalary) applied to new moons and solar
 * terms reckoned at UTC+9, which ICU uses for Korea from 1912 on.
 *
 * One ICU conversion costs ~50 us because ICU recomputes several new moons
 * and solar terms every time: ~0.8 s for the 16k rows of the synthetic data
 * set, even with a cloned UCalendar, and vs_cal_kr_holiday needs three
 * lunar->solar conversions per call. So ICU is only asked for the first day
 * and the name of each lunar month, one conversion per month, and the
 * answers are kept: for each solar year, the ~13 months that overlap it,
 * built on first use (~0.7 ms a year, ~40 ms for all 61) under a mutex and
 * read-only afterwards. A caller that needs 2013..2023 pays for 11 years,
 * not 61, and every later call is a search among 14 months. No UCalendar is
 * shared between threads (they are not thread-safe) or outlives the build
 * of a year.
 * ====================================================================== */

typedef struct {
  int32_t start; /* days since 1970-01-01 of day 1 */
  int16_t year;
  int8_t month;
  int8_t leap;
} lunar_month;

#define N_YEARS (VS_CAL_LAST_YEAR - VS_CAL_FIRST_YEAR + 1)
/* A solar year holds at most 12 whole lunar months (13 take at least 377
 * days) and two partial ones. */
#define MAX_YEAR_MONTHS 14

enum { YEAR_EMPTY, YEAR_READY, YEAR_FAILED };

/* The lunar months with at least one day in one solar year, in order, and
 * the month after them as a sentinel (m[n]) that gives the last one's end. */
typedef struct {
  lunar_month m[MAX_YEAR_MONTHS + 1];
  int n;
  char err[200]; /* YEAR_FAILED: why, as one line */
  atomic_int state;
} year_months;

static year_months lunar_years[N_YEARS];
static pthread_mutex_t lunar_build_lock = PTHREAD_MUTEX_INITIALIZER;

#define MS_PER_DAY 86400000.0
#define MS_PER_HOUR 3600000.0
/* ICU's dangi calendar does its astronomy in its own Korean zone; the
 * UCalendar's zone only decides which civil day an instant belongs to. A
 * fixed UTC+9 zone has no daylight-saving history to trip over (Seoul had
 * DST in 1987-88), and asking at local noon rather than midnight leaves
 * ±12 h of slack, so an instant can never land on a neighbouring day. */
#define ICU_ZONE "GMT+09:00"
#define ICU_ZONE_OFFSET_MS (9 * MS_PER_HOUR)
/* UCAL_EXTENDED_YEAR of the dangi calendar counts from Dangun's founding,
 * 2333 BCE: lunar year 2023 is 4356. */
#define DANGI_YEAR_OFFSET 2333

/* Where ICU disagrees with KASI (Korea Astronomy and Space Science
 * Institute), which publishes Korea's official almanac. ICU's astronomy is
 * coarser than KASI's, so they can differ when a new moon falls close to
 * midnight KST; comparing every day 1990..2050 with a KASI-derived table
 * (docs/CALENDAR.md) found one such month. An entry gives the true first
 * day, so it changes nothing if a later ICU gets the month right. */
static const struct {
  int year, month, leap; /* the lunar month */
  int y, m, d;           /* its first day according to KASI */
} kasi_month_starts[] = {
    /* New moon 2017-02-26 14:58 UT, 23:58 KST: ICU 72 starts the month
     * on 02-27, so its new moon falls after midnight. */
    {2017, 2, 0, 2017, 2, 26},
};

#define NTERMS(a) (sizeof(a) / sizeof((a)[0]))

static void year_fail(year_months *ym, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void year_fail(year_months *ym, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(ym->err, sizeof ym->err, fmt, ap);
  va_end(ap);
}

/* The lunar date of civil day `day` according to ICU. */
static int icu_lunar_of_day(UCalendar *cal, int64_t day, vs_lunar_date *out, year_months *ym)
{
  UErrorCode st = U_ZERO_ERROR;
  ucal_setMillis(cal, (double)day * MS_PER_DAY + 12 * MS_PER_HOUR - ICU_ZONE_OFFSET_MS, &st);
  out->year = ucal_get(cal, UCAL_EXTENDED_YEAR, &st) - DANGI_YEAR_OFFSET;
  out->month = ucal_get(cal, UCAL_MONTH, &st) + 1; /* ICU months are 0-based */
  out->day = ucal_get(cal, UCAL_DATE, &st);
  out->leap = ucal_get(cal, UCAL_IS_LEAP_MONTH, &st);
  if (U_FAILURE(st)) {
    vs_date d = vs_cal_civil_from_days(day);
    year_fail(ym, "ICU dangi calendar failed on %04d-%02d-%02d: %s", d.year, d.month, d.day,
              u_errorName(st));
    return -1;
  }
  return 0;
}

/* Opens the dangi calendar and checks that ICU gave what was asked for: a
 * build of ICU without the calendar or zone data would silently fall back
 * to the Gregorian calendar or to GMT. */
static UCalendar *icu_open_dangi(year_months *ym)
{
  UErrorCode st = U_ZERO_ERROR;
  UChar zone[16];
  u_uastrcpy(zone, ICU_ZONE);
  UCalendar *cal = ucal_open(zone, -1, "@calendar=dangi", UCAL_DEFAULT, &st);
  if (U_FAILURE(st)) {
    year_fail(ym, "ICU dangi calendar could not be opened: %s", u_errorName(st));
    ucal_close(cal); /* NULL-safe */
    return NULL;
  }
  const char *type = ucal_getType(cal, &st);
  int32_t offset = ucal_get(cal, UCAL_ZONE_OFFSET, &st);
  int32_t dst = ucal_get(cal, UCAL_DST_OFFSET, &st);
  if (U_FAILURE(st)) {
    year_fail(ym, "ICU dangi calendar could not be queried: %s", u_errorName(st));
    ucal_close(cal);
    return NULL;
  }
  if (strcmp(type, "dangi") != 0 || offset != ICU_ZONE_OFFSET_MS || dst != 0) {
    year_fail(ym, "ICU has no dangi calendar at UTC+9 (it gave '%s' at UTC%+.1f)", type,
              (offset + dst) / MS_PER_HOUR);
    ucal_close(cal);
    return NULL;
  }
  return cal;
}

/* Whether lunar month b can follow month a: a's leap month, the next month
 * or the next year's first month. */
static int month_follows(const lunar_month *a, const lunar_month *b)
{
  return (b->leap && !a->leap && b->month == a->month && b->year == a->year) ||
         (!b->leap && b->month == a->month + 1 && b->year == a->year) ||
         (!b->leap && b->month == 1 && a->month == 12 && b->year == a->year + 1);
}

/* Fills ym with the lunar months overlapping solar year y. 0, or -1 with
 * ym->err set. */
static int year_months_build(int y, year_months *ym)
{
  int64_t jan1 = vs_cal_days_from_civil((vs_date){y, 1, 1});
  int64_t dec31 = vs_cal_days_from_civil((vs_date){y, 12, 31});
  int rc = -1, n = 0;
  UCalendar *cal = icu_open_dangi(ym);
  if (!cal)
    return -1;

  /* One conversion per month: day 30 after a month's first day is day 1
   * of the next month if it had 30 days, day 2 if it had 29, and either
   * way it names the next month. */
  vs_lunar_date l;
  if (icu_lunar_of_day(cal, jan1, &l, ym) < 0)
    goto done;
  int64_t start = jan1 - (l.day - 1);
  for (;;) {
    ym->m[n] = (lunar_month){(int32_t)start, (int16_t)l.year, (int8_t)l.month, (int8_t)l.leap};
    if (start > dec31)
      break; /* the sentinel */
    if (++n > MAX_YEAR_MONTHS) {
      year_fail(ym, "ICU dangi calendar: more than %d lunar months overlap %d", MAX_YEAR_MONTHS,
                y);
      goto done;
    }
    if (icu_lunar_of_day(cal, start + 30, &l, ym) < 0)
      goto done;
    if (l.day != 1 && l.day != 2) {
      vs_date d = vs_cal_civil_from_days(start);
      year_fail(ym, "ICU dangi calendar: the lunar month from %04d-%02d-%02d has %d days",
                d.year, d.month, d.day, 31 - l.day);
      goto done;
    }
    start += 31 - l.day;
  }

  for (size_t k = 0; k < NTERMS(kasi_month_starts); k++)
    for (int i = 0; i <= n; i++)
      if (ym->m[i].year == kasi_month_starts[k].year &&
          ym->m[i].month == kasi_month_starts[k].month &&
          ym->m[i].leap == kasi_month_starts[k].leap)
        ym->m[i].start = (int32_t)vs_cal_days_from_civil(
            (vs_date){kasi_month_starts[k].y, kasi_month_starts[k].m, kasi_month_starts[k].d});

  /* The lookups below rely on this: the year covered, months in order, 29
   * or 30 days each. */
  if (ym->m[0].start > jan1 || ym->m[n - 1].start > dec31 || ym->m[n].start <= dec31) {
    year_fail(ym, "ICU dangi calendar: the lunar months found do not cover %d", y);
    goto done;
  }
  for (int i = 0; i < n; i++) {
    int32_t len = ym->m[i + 1].start - ym->m[i].start;
    if ((len != 29 && len != 30) || !month_follows(&ym->m[i], &ym->m[i + 1])) {
      vs_date d = vs_cal_civil_from_days(ym->m[i].start);
      year_fail(ym, "ICU dangi calendar: inconsistent lunar month %d-%02d%s from %04d-%02d-%02d",
                ym->m[i].year, ym->m[i].month, ym->m[i].leap ? " (leap)" : "", d.year, d.month,
                d.day);
      goto done;
    }
  }
  ym->n = n;
  rc = 0;
done:
  ucal_close(cal);
  return rc;
}

/* The months overlapping solar year y (in range), built on first use. The
 * acquire/release pair publishes a finished year to threads that skip the
 * lock; the lock makes one thread build it while the others wait. */
static int year_months_get(int y, const year_months **out)
{
  year_months *ym = &lunar_years[y - VS_CAL_FIRST_YEAR];
  int state = atomic_load_explicit(&ym->state, memory_order_acquire);
  if (state == YEAR_EMPTY) {
    pthread_mutex_lock(&lunar_build_lock);
    state = atomic_load_explicit(&ym->state, memory_order_relaxed);
    if (state == YEAR_EMPTY) {
      state = year_months_build(y, ym) == 0 ? YEAR_READY : YEAR_FAILED;
      atomic_store_explicit(&ym->state, state, memory_order_release);
    }
    pthread_mutex_unlock(&lunar_build_lock);
  }
  if (state == YEAR_FAILED)
    return vs_error_set(VS_ERROR, "%s", ym->err);
  *out = ym;
  return VS_OK;
}

static int out_of_range(const char *what, vs_date d)
{
  return vs_error_set(VS_EINPUT, "%s %04d-%02d-%02d is outside the supported range %d-01-01..%d-12-31",
                      what, d.year, d.month, d.day, VS_CAL_FIRST_YEAR, VS_CAL_LAST_YEAR);
}

static int check_solar(vs_date d, const char *what)
{
  if (!vs_cal_date_valid(d))
    return vs_error_set(VS_EINPUT, "invalid date %d-%d-%d", d.year, d.month, d.day);
  if (d.year < VS_CAL_FIRST_YEAR || d.year > VS_CAL_LAST_YEAR)
    return out_of_range(what, d);
  return VS_OK;
}

int vs_cal_to_lunar(vs_date d, vs_lunar_date *out)
{
  const year_months *ym;
  int rc;
  if ((rc = check_solar(d, "date")) < 0 || (rc = year_months_get(d.year, &ym)) < 0)
    return rc;
  int32_t day = (int32_t)vs_cal_days_from_civil(d);
  int i = 0;
  while (ym->m[i + 1].start <= day)
    i++;
  if (out) {
    out->year = ym->m[i].year;
    out->month = ym->m[i].month;
    out->leap = ym->m[i].leap;
    out->day = day - ym->m[i].start + 1;
  }
  return VS_OK;
}

/* A lunar month and its length. */
typedef struct {
  lunar_month m;
  int length;
} month_span;

#define MAX_LUNAR_YEAR_MONTHS 13

/* The months of lunar `year` that have a day in the supported range, in
 * order. Lunar year Y runs from late January or February of solar year Y
 * into solar year Y+1, so the tables of those two solar years hold all its
 * months (one spanning New Year's Day is in both). Returns how many, or a
 * negative error if ICU failed. */
static int lunar_year_months(int year, month_span out[MAX_LUNAR_YEAR_MONTHS])
{
  int n = 0;
  if (year < VS_CAL_FIRST_YEAR - 1 || year > VS_CAL_LAST_YEAR)
    return 0;
  for (int y = year; y <= year + 1; y++) {
    const year_months *ym;
    int rc;
    if (y < VS_CAL_FIRST_YEAR || y > VS_CAL_LAST_YEAR)
      continue;
    if ((rc = year_months_get(y, &ym)) < 0)
      return rc;
    for (int i = 0; i < ym->n; i++) {
      if (ym->m[i].year != year || (n > 0 && out[n - 1].m.start == ym->m[i].start))
        continue;
      if (n == MAX_LUNAR_YEAR_MONTHS)
        return vs_error_set(VS_ERROR, "ICU dangi calendar: lunar year %d has over %d months", year,
                            MAX_LUNAR_YEAR_MONTHS);
      out[n].m = ym->m[i];
      out[n++].length = ym->m[i + 1].start - ym->m[i].start;
    }
  }
  return n;
}

/* 1 and *out set if lunar month (year, month, leap) has a day in the
 * supported range, 0 if not, or a negative error. */
static int find_month(int year, int month, int leap, month_span *out)
{
  month_span months[MAX_LUNAR_YEAR_MONTHS];
  int n = lunar_year_months(year, months);
  for (int i = 0; i < n; i++)
    if (months[i].m.month == month && months[i].m.leap == leap) {
      *out = months[i];
      return 1;
    }
  return n < 0 ? n : 0;
}

int vs_cal_from_lunar(vs_lunar_date l, vs_date *out)
{
  month_span found, regular;
  int rc;
  if (l.month < 1 || l.month > 12 || l.day < 1 || l.day > 30 || (l.leap != 0 && l.leap != 1))
    return vs_error_set(VS_EINPUT, "invalid lunar date %d-%d-%d%s", l.year, l.month, l.day,
                        l.leap ? " (leap)" : "");
  if ((rc = find_month(l.year, l.month, l.leap, &found)) < 0)
    return rc;
  if (rc == 0) {
    if (l.leap && (rc = find_month(l.year, l.month, 0, &regular)) < 0)
      return rc;
    if (l.leap && rc == 1)
      return vs_error_set(VS_EINPUT, "lunar year %d has no leap month %d", l.year, l.month);
    return vs_error_set(VS_EINPUT, "lunar date %d-%02d-%02d%s is outside the supported range",
                        l.year, l.month, l.day, l.leap ? " (leap)" : "");
  }
  if (l.day > found.length)
    return vs_error_set(VS_EINPUT, "lunar %smonth %d of %d has only %d days", l.leap ? "leap " : "",
                        l.month, l.year, found.length);
  vs_date d = vs_cal_civil_from_days(found.m.start + (l.day - 1));
  if (d.year < VS_CAL_FIRST_YEAR || d.year > VS_CAL_LAST_YEAR)
    return vs_error_set(VS_EINPUT, "lunar date %d-%02d-%02d%s is outside the supported range",
                        l.year, l.month, l.day, l.leap ? " (leap)" : "");
  if (out)
    *out = d;
  return VS_OK;
}

int vs_cal_lunar_leap_month(int year)
{
  month_span months[MAX_LUNAR_YEAR_MONTHS];
  int n = lunar_year_months(year, months);
  if (n < 0)
    return n;
  if (n == 0)
    return vs_error_set(VS_EINPUT, "lunar year %d is outside the supported range", year);
  for (int i = 0; i < n; i++)
    if (months[i].m.leap)
      return months[i].m.month;
  return 0;
}

int vs_cal_lunar_month_days(int year, int month, int leap)
{
  month_span found;
  int rc = find_month(year, month, leap ? 1 : 0, &found);
  if (rc < 0)
    return rc;
  if (rc == 0)
    return vs_error_set(VS_EINPUT, "lunar %smonth %d of %d does not exist in the supported range",
                        leap ? "leap " : "", month, year);
  return found.length;
}

/* ======================================================================
 * South Korean public holidays
 *
 * Source of the rules: 관공서의 공휴일에 관한 규정 (Regulations on Holidays of
 * Government Offices) and, from 2022, 공휴일에 관한 법률, as amended:
 *   - 1990..1998 New Year is two days (1/1-1/2), one day from 1999;
 *   - Armed Forces Day (10/1) and Hangul Day (10/9) stop being holidays
 *     after 1990; Hangul Day is one again from 2013;
 *   - Arbor Day (4/5) is a holiday until 2005, Constitution Day (7/17)
 *     until 2007 and again from 2026 (2025/26 amendment);
 *   - substitute holidays (대체공휴일): none before 2014; from 2014 for a
 *     Seollal/Chuseok day on a Sunday or on another holiday and for
 *     Children's Day on a weekend or another holiday; from 2021 (Liberation
 *     Day 2021 was the first) also for 3/1, 8/15, 10/3, 10/9, and from 2023
 *     (Buddha's Birthday 2023 first) for Buddha's Birthday and Christmas.
 *     Each such date yields one substitute: the next day that is not a
 *     Saturday, Sunday, holiday or earlier substitute. Designated one-off
 *     days are ignored here (so the result does not depend on the caller's
 *     include_designated choice; no substitute 1990..2025 lands on one).
 * ====================================================================== */

enum { SUB_NONE, SUB_SUNDAY_OR_OVERLAP, SUB_WEEKEND_OR_OVERLAP };

typedef struct {
  int64_t day;
  vs_holiday h;
  const char *sub_name; /* name of the substitute it may trigger */
  int sub_rule;
} hol_entry;

/* At most ~21 statutory entries, one substitute per triggering date and a
 * few designated days: 64 is ample. */
#define MAX_HOLIDAYS 64

static void hol_add(hol_entry *e, int *n, int64_t day, const char *name, vs_holiday_kind kind,
                    int rule, const char *sub_name)
{
  hol_entry *x = &e[(*n)++];
  x->day = day;
  x->h.date = vs_cal_civil_from_days(day);
  x->h.name = name;
  x->h.kind = kind;
  x->sub_rule = rule;
  x->sub_name = sub_name;
}

static int hol_count_on(const hol_entry *e, int n, int64_t day)
{
  int c = 0;
  for (int i = 0; i < n; i++)
    c += e[i].day == day;
  return c;
}

typedef struct {
  int y, m, d;
  const char *name;
} designated_day;

/* Election days (a public holiday by law, but irregular) and temporary
 * public holidays proclaimed by the government, 1990..2025. */
static const designated_day designated_days[] = {
    {1991, 3, 26, "Local election day"},
    {1991, 6, 20, "Local election day"},
    {1992, 3, 24, "National Assembly election day"},
    {1992, 12, 18, "Presidential election day"},
    {1995, 6, 27, "Local election day"},
    {1996, 4, 11, "National Assembly election day"},
    {1997, 12, 18, "Presidential election day"},
    {1998, 6, 4, "Local election day"},
    {2000, 4, 13, "National Assembly election day"},
    {2002, 6, 13, "Local election day"},
    {2002, 7, 1, "Temporary holiday (World Cup)"},
    {2002, 12, 19, "Presidential election day"},
    {2004, 4, 15, "National Assembly election day"},
    {2006, 5, 31, "Local election day"},
    {2007, 12, 19, "Presidential election day"},
    {2008, 4, 9, "National Assembly election day"},
    {2010, 6, 2, "Local election day"},
    {2012, 4, 11, "National Assembly election day"},
    {2012, 12, 19, "Presidential election day"},
    {2014, 6, 4, "Local election day"},
    {2015, 8, 14, "Temporary holiday"},
    {2016, 4, 13, "National Assembly election day"},
    {2016, 5, 6, "Temporary holiday"},
    {2017, 5, 9, "Presidential election day"},
    {2017, 10, 2, "Temporary holiday"},
    {2018, 6, 13, "Local election day"},
    {2020, 4, 15, "National Assembly election day"},
    {2020, 8, 17, "Temporary holiday"},
    {2022, 3, 9, "Presidential election day"},
    {2022, 6, 1, "Local election day"},
    {2023, 10, 2, "Temporary holiday"},
    {2024, 4, 10, "National Assembly election day"},
    {2024, 10, 1, "Temporary holiday (Armed Forces Day)"},
    {2025, 1, 27, "Temporary holiday"},
    {2025, 6, 3, "Presidential election day"},
};

static int64_t days_of(int y, int m, int d) { return vs_cal_days_from_civil((vs_date){y, m, d}); }

static int lunar_day_of(int y, int m, int d, int64_t *out)
{
  vs_date s;
  int rc = vs_cal_from_lunar((vs_lunar_date){y, m, d, 0}, &s);
  if (rc < 0)
    return rc;
  *out = vs_cal_days_from_civil(s);
  return VS_OK;
}

/* Regular holidays of `year` (statutory + substitutes), unsorted, fixed
 * ones first. Returns the count or a negative error. */
static int hol_build_year(int year, hol_entry *e)
{
  int n = 0, rc;
  int64_t seollal, buddha, chuseok;
  if ((rc = lunar_day_of(year, 1, 1, &seollal)) < 0 ||
      (rc = lunar_day_of(year, 4, 8, &buddha)) < 0 ||
      (rc = lunar_day_of(year, 8, 15, &chuseok)) < 0)
    return rc;
  const int r_block = year >= 2014 ? SUB_SUNDAY_OR_OVERLAP : SUB_NONE;
  const int r_child = year >= 2014 ? SUB_WEEKEND_OR_OVERLAP : SUB_NONE;
  const int r_national = year >= 2021 ? SUB_WEEKEND_OR_OVERLAP : SUB_NONE;
  const int r_2023 = year >= 2023 ? SUB_WEEKEND_OR_OVERLAP : SUB_NONE;
  const vs_holiday_kind F = VS_HOLIDAY_FIXED, L = VS_HOLIDAY_LUNAR;

  hol_add(e, &n, days_of(year, 1, 1), "New Year's Day", F, SUB_NONE, NULL);
  if (year <= 1998)
    hol_add(e, &n, days_of(year, 1, 2), "New Year holiday", F, SUB_NONE, NULL);
  hol_add(e, &n, days_of(year, 3, 1), "Independence Movement Day", F, r_national,
          "Substitute holiday (Independence Movement Day)");
  if (year <= 2005)
    hol_add(e, &n, days_of(year, 4, 5), "Arbor Day", F, SUB_NONE, NULL);
  hol_add(e, &n, days_of(year, 5, 5), "Children's Day", F, r_child,
          "Substitute holiday (Children's Day)");
  hol_add(e, &n, days_of(year, 6, 6), "Memorial Day", F, SUB_NONE, NULL);
  if (year <= 2007 || year >= 2026)
    hol_add(e, &n, days_of(year, 7, 17), "Constitution Day", F, SUB_NONE, NULL);
  hol_add(e, &n, days_of(year, 8, 15), "Liberation Day", F, r_national,
          "Substitute holiday (Liberation Day)");
  if (year <= 1990)
    hol_add(e, &n, days_of(year, 10, 1), "Armed Forces Day", F, SUB_NONE, NULL);
  hol_add(e, &n, days_of(year, 10, 3), "National Foundation Day", F, r_national,
          "Substitute holiday (National Foundation Day)");
  if (year <= 1990 || year >= 2013)
    hol_add(e, &n, days_of(year, 10, 9), "Hangul Day", F, r_national,
            "Substitute holiday (Hangul Day)");
  hol_add(e, &n, days_of(year, 12, 25), "Christmas Day", F, r_2023,
          "Substitute holiday (Christmas Day)");

  hol_add(e, &n, seollal - 1, "Seollal (day before)", L, r_block, "Substitute holiday (Seollal)");
  hol_add(e, &n, seollal, "Seollal", L, r_block, "Substitute holiday (Seollal)");
  hol_add(e, &n, seollal + 1, "Seollal (day after)", L, r_block, "Substitute holiday (Seollal)");
  hol_add(e, &n, buddha, "Buddha's Birthday", L, r_2023, "Substitute holiday (Buddha's Birthday)");
  hol_add(e, &n, chuseok - 1, "Chuseok (day before)", L, r_block, "Substitute holiday (Chuseok)");
  hol_add(e, &n, chuseok, "Chuseok", L, r_block, "Substitute holiday (Chuseok)");
  hol_add(e, &n, chuseok + 1, "Chuseok (day after)", L, r_block, "Substitute holiday (Chuseok)");

  /* Substitutes, in date order of the day that triggers them. */
  int n_base = n;
  int64_t done[MAX_HOLIDAYS];
  int n_done = 0;
  for (;;) {
    int best = -1;
    for (int i = 0; i < n_base; i++) {
      const hol_entry *x = &e[i];
      if (x->sub_rule == SUB_NONE)
        continue;
      int wd = weekday_of_days(x->day);
      int trig = hol_count_on(e, n_base, x->day) > 1 ||
                 (x->sub_rule == SUB_SUNDAY_OR_OVERLAP ? wd == 6 : wd >= 5);
      int seen = 0;
      for (int j = 0; j < n_done; j++)
        seen |= done[j] == x->day;
      if (trig && !seen && (best < 0 || x->day < e[best].day))
        best = i;
    }
    if (best < 0)
      break;
    done[n_done++] = e[best].day;
    int64_t s = e[best].day + 1;
    while (weekday_of_days(s) >= 5 || hol_count_on(e, n, s) > 0)
      s++;
    hol_add(e, &n, s, e[best].sub_name, VS_HOLIDAY_SUBSTITUTE, SUB_NONE, NULL);
  }
  return n;
}

static int hol_add_designated(int year, hol_entry *e, int n)
{
  for (size_t i = 0; i < NTERMS(designated_days); i++)
    if (designated_days[i].y == year)
      hol_add(e, &n, days_of(year, designated_days[i].m, designated_days[i].d),
              designated_days[i].name, VS_HOLIDAY_DESIGNATED, SUB_NONE, NULL);
  return n;
}

/* Stable insertion sort by date: ties keep fixed-before-lunar order. */
static void hol_sort(hol_entry *e, int n)
{
  for (int i = 1; i < n; i++) {
    hol_entry x = e[i];
    int j = i - 1;
    while (j >= 0 && e[j].day > x.day) {
      e[j + 1] = e[j];
      j--;
    }
    e[j + 1] = x;
  }
}

int vs_cal_kr_holidays(int year, int include_designated, vs_holiday *out, size_t cap)
{
  hol_entry e[MAX_HOLIDAYS];
  if (year < VS_CAL_FIRST_YEAR || year > VS_CAL_LAST_YEAR)
    return vs_error_set(VS_EINPUT, "year %d is outside the supported range %d..%d", year,
                        VS_CAL_FIRST_YEAR, VS_CAL_LAST_YEAR);
  int n = hol_build_year(year, e);
  if (n < 0)
    return n;
  if (include_designated)
    n = hol_add_designated(year, e, n);
  hol_sort(e, n);
  for (int i = 0; i < n && (size_t)i < cap; i++)
    out[i] = e[i].h;
  return n;
}

int vs_cal_kr_holiday(vs_date d, const char **name)
{
  hol_entry e[MAX_HOLIDAYS];
  int rc;
  if (name)
    *name = NULL;
  if ((rc = check_solar(d, "date")) < 0)
    return rc;
  int n = hol_build_year(d.year, e);
  if (n < 0)
    return n;
  hol_sort(e, n);
  int64_t day = vs_cal_days_from_civil(d);
  for (int i = 0; i < n; i++)
    if (e[i].day == day) {
      if (name)
        *name = e[i].h.name;
      return 1;
    }
  return 0;
}

int vs_cal_kr_designated_holiday(vs_date d, const char **name)
{
  int rc;
  if (name)
    *name = NULL;
  if ((rc = check_solar(d, "date")) < 0)
    return rc;
  for (size_t i = 0; i < NTERMS(designated_days); i++)
    if (designated_days[i].y == d.year && designated_days[i].m == d.month &&
        designated_days[i].d == d.day) {
      if (name)
        *name = designated_days[i].name;
      return 1;
    }
  return 0;
}

int vs_cal_is_workday_kr(vs_date d, int include_designated)
{
  int rc;
  if ((rc = vs_cal_kr_holiday(d, NULL)) < 0)
    return rc;
  if (rc == 1 || vs_cal_weekday(d) >= 5)
    return 0;
  if (include_designated && vs_cal_kr_designated_holiday(d, NULL) == 1)
    return 0;
  return 1;
}
