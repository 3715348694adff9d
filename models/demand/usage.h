/* Usage data: one row per (date, hour) with the forecaster's calendar
 * features and the number of desktops needed, and the two CSV files such rows
 * are read from. See docs/FORECAST.md. */
#ifndef VS_USAGE_H
#define VS_USAGE_H

#include <stddef.h>
#include <stdint.h>

#include "demand/calendar.h"

/* One (date, hour) row: the model's features and its target. */
typedef struct {
  int year, month, day;
  int wday;               /* 0 = Monday ... 6 = Sunday (calendar.h) */
  int hour;               /* 0..23: the hour by which desktops must be ready */
  int holiday;            /* 1 on a South Korean public holiday */
  int lmonth, lday;       /* Korean lunar month (1..12, leap months carry the
                             number of the month before) and day (1..30) */
  double attendance;      /* target: desktops needed for that hour's arrivals */
} vs_usage_row;

/* Number of features, their names (CSV column names, in model order). */
#define VS_USAGE_FEATURES 8
extern const char *const vs_usage_feature_names[VS_USAGE_FEATURES];
/* The CSV header line, without newline. */
#define VS_USAGE_CSV_HEADER "Year,Month,Day,Wday,Hour,Holiday,Lmonth,Lday,attendance"
/* The largest attendance accepted (people arriving in one hour): the largest
 * synthetic company, and below 2^24, so that every count is exact as the
 * float label XGBoost learns from. */
#define VS_USAGE_ATTENDANCE_MAX 10000000

/* Fill the feature fields of *out for date d at `hour` (attendance = 0).
 * A holiday is a regular public holiday or a designated one-off day
 * (elections), as both close the office. Returns 0 or VS_EINPUT (date
 * outside the calendar's range 1990..2050, bad hour). */
int vs_usage_features(vs_date d, int hour, vs_usage_row *out);
/* Feature vector of a row, in vs_usage_feature_names order. */
void vs_usage_row_vector(const vs_usage_row *r, float out[VS_USAGE_FEATURES]);
/* 1 if the row's date is a working day (neither weekend nor holiday). */
int vs_usage_row_workday(const vs_usage_row *r);
/* Date of a row as days since 1970-01-01. */
int64_t vs_usage_row_days(const vs_usage_row *r);
/* Indices [*begin, *end) of the rows (sorted by date) whose date lies in
 * [from, to] (days since 1970-01-01). */
void vs_usage_rows_range(const vs_usage_row *rows, size_t n, int64_t from, int64_t to, size_t *begin,
                         size_t *end);

/* Read a CSV of either kind, told apart by its header:
 *  - usage rows: VS_USAGE_CSV_HEADER (the columns must agree with the
 *    calendar: Wday, Lmonth and Lday are checked, so a data set built with
 *    another calendar is caught; attendance is 0..VS_USAGE_ATTENDANCE_MAX);
 *  - login log: "user,timestamp" with timestamps "YYYY-MM-DD HH:MM[:SS]" (or
 *    'T' instead of the blank). Each user counts once per day, at the hour
 *    of their first login; every date from the first to the last logged one
 *    gets a row per hour from the earliest to the latest hour seen (zero
 *    where nobody logged in), with the calendar's features.
 * The file is read by the core CSV reader (quotes, BOM, CRLF, '#' lines).
 * Rows are returned sorted by (date, hour); *rows is malloc'ed. On malformed
 * input returns VS_EINPUT with "FILE:LINE: what is wrong"; VS_EIO if
 * unreadable. */
int vs_usage_read_csv(const char *path, vs_usage_row **rows, size_t *n);

#endif
