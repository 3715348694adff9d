/* Calendar support for the demand model: proleptic Gregorian civil dates, the
 * Korean lunisolar calendar (ICU's "dangi" calendar, reckoned at UTC+9, with
 * one month corrected to KASI's almanac) and South Korean public holidays.
 *
 * Conventions
 *   - Day numbers are days since 1970-01-01 (that day is 0), proleptic
 *     Gregorian, as int64_t.
 *   - Weekdays are ISO-like but zero-based: 0 = Monday ... 5 = Saturday,
 *     6 = Sunday.
 *   - Functions that can fail return 0 (or a non-negative answer) on success
 *     and a negative VS_E* code on failure, with vs_error_last() describing it.
 *
 * Supported range of the lunar calendar and of the holiday rules:
 * VS_CAL_FIRST_YEAR-01-01 .. VS_CAL_LAST_YEAR-12-31 (solar dates). Outside it
 * the lunar and holiday functions return VS_EINPUT rather than guess.
 *
 * Thread safety: everything is reentrant. The lunar month starts of a solar
 * year are read from ICU on the first call that needs that year (~0.7 ms),
 * under a mutex, and never change afterwards; they are the module's only
 * mutable static state, and no ICU object outlives that first call. If ICU
 * cannot provide the calendar, the lunar and holiday functions return
 * VS_ERROR with ICU's reason. See docs/CALENDAR.md. */
#ifndef VS_CALENDAR_H
#define VS_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#define VS_CAL_FIRST_YEAR 1990
#define VS_CAL_LAST_YEAR 2050

typedef struct {
  int year, month, day; /* month 1..12, day 1..31 */
} vs_date;

/* A date of the Korean lunisolar calendar. `leap` is 1 for a day of an
 * intercalary month (윤달), which carries the number of the month before it. */
typedef struct {
  int year, month, day; /* month 1..12, day 1..30 */
  int leap;
} vs_lunar_date;

/* ---- Civil (Gregorian) dates ------------------------------------------- */

int vs_cal_is_leap_year(int year);
/* Days in `month` of `year`, or 0 if month is not 1..12. */
int vs_cal_days_in_month(int year, int month);
/* 1 if d is a real Gregorian date with year 1..9999, else 0. */
int vs_cal_date_valid(vs_date d);

/* Days since 1970-01-01. Exact for any date (no validation: out-of-range
 * month/day values are not normalised, so validate first). */
int64_t vs_cal_days_from_civil(vs_date d);
/* Inverse of vs_cal_days_from_civil. */
vs_date vs_cal_civil_from_days(int64_t days);
/* d shifted by n days. */
vs_date vs_cal_add_days(vs_date d, int64_t n);
/* 0 = Monday ... 6 = Sunday. */
int vs_cal_weekday(vs_date d);

/* Strict "YYYY-MM-DD": exactly four, two and two digits, '-' separators,
 * nothing before or after, a real date with year 0001..9999. Returns 0 or
 * VS_EINPUT ("bad date '2023-02-30': February 2023 has 28 days"). */
int vs_cal_parse_date(const char *text, vs_date *out);
/* Writes "YYYY-MM-DD" and a NUL into buf (size >= 11). Returns 0, or
 * VS_EINPUT if d is not a valid date or buf is too small. */
int vs_cal_format_date(vs_date d, char *buf, size_t size);

/* ---- Korean lunisolar calendar ------------------------------------------ */

/* Solar -> lunar. VS_EINPUT if d is invalid or outside the supported range. */
int vs_cal_to_lunar(vs_date d, vs_lunar_date *out);
/* Lunar -> solar. VS_EINPUT if the month does not exist (e.g. leap = 1 in a
 * year without that leap month), the day exceeds the month's length, or the
 * result is outside the supported range. */
int vs_cal_from_lunar(vs_lunar_date l, vs_date *out);
/* The intercalary month of lunar `year` (1..12), 0 if it has none, or
 * VS_EINPUT if no day of that lunar year is in the supported range. */
int vs_cal_lunar_leap_month(int year);
/* Length (29 or 30) of a lunar month, or VS_EINPUT if it does not exist or
 * lies wholly outside the supported range. */
int vs_cal_lunar_month_days(int year, int month, int leap);

/* ---- South Korean public holidays --------------------------------------- */

typedef enum {
  VS_HOLIDAY_FIXED = 0,     /* fixed solar date, e.g. 3/1 */
  VS_HOLIDAY_LUNAR = 1,     /* Seollal, Buddha's Birthday, Chuseok */
  VS_HOLIDAY_SUBSTITUTE = 2,/* 대체공휴일, computed by the rules in force */
  VS_HOLIDAY_DESIGNATED = 3 /* one-off: election days, temporary holidays */
} vs_holiday_kind;

typedef struct {
  vs_date date;
  const char *name; /* static English name, e.g. "Substitute holiday (Chuseok)" */
  vs_holiday_kind kind;
} vs_holiday;

/* 1 if d is a regular public holiday (statutory fixed and lunar days and
 * substitute holidays; NOT Saturdays/Sundays as such, NOT the designated
 * one-off days) and sets *name (if name != NULL) to its name; 0 otherwise
 * (*name = NULL); VS_EINPUT if d is invalid or out of range. When two
 * holidays fall on one day the name of the first listed by
 * vs_cal_kr_holidays is given (fixed days before lunar ones). */
int vs_cal_kr_holiday(vs_date d, const char **name);
/* Like vs_cal_kr_holiday but for the table of designated one-off holidays:
 * election days and temporary public holidays, 1990..2025 (the table ends
 * there: future elections are not predicted). */
int vs_cal_kr_designated_holiday(vs_date d, const char **name);
/* All holidays of `year`, sorted by date (one entry per holiday, so a date
 * shared by two holidays appears twice). Designated days are included when
 * include_designated != 0. Writes at most `cap` entries to `out` (out may be
 * NULL when cap is 0) and returns the total number, or VS_EINPUT. */
int vs_cal_kr_holidays(int year, int include_designated, vs_holiday *out, size_t cap);
/* 1 if d is a working day in South Korea: Monday..Friday and not a holiday
 * (designated one-off days count as holidays when include_designated != 0);
 * 0 if not; VS_EINPUT if d is invalid or out of range. */
int vs_cal_is_workday_kr(vs_date d, int include_designated);

#endif
