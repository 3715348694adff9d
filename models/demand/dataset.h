/* The synthetic usage data set of the BRAIDS paper (brief, sec. 1) and the
 * per-(date, hour) feature rows shared with the forecaster.
 *
 * A company of `employees` people arrives at 07, 08, 09 and 10 o'clock with
 * shares 10 %, 40 %, 30 % and 10 %; each hour's count gets uniform integer
 * noise in [-noise, +noise]; nobody works on Saturdays, Sundays and South
 * Korean public holidays. Every calendar day has one row per arrival hour, so
 * 2013-01-01 .. 2023-12-31 gives 4,017 days x 4 hours = 16,068 rows.
 *
 * The generator uses its own explicitly seeded PRNG (splitmix64), never
 * rand(): the same options give a byte-identical CSV on every platform. */
#ifndef VS_DATASET_H
#define VS_DATASET_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

/* Fill the feature fields of *out for date d at `hour` (attendance = 0).
 * A holiday is a regular public holiday or a designated one-off day
 * (elections), as both close the office. Returns 0 or VS_EINPUT (date
 * outside the calendar's range 1990..2050, bad hour). */
int vs_usage_features(vs_date d, int hour, vs_usage_row *out);
/* Feature vector of a row, in vs_usage_feature_names order. */
void vs_usage_row_vector(const vs_usage_row *r, float out[VS_USAGE_FEATURES]);
/* 1 if the row's date is a working day (neither weekend nor holiday). */
int vs_usage_row_workday(const vs_usage_row *r);

typedef struct {
  vs_date from, to;       /* inclusive */
  uint64_t seed;
  int employees;          /* default 1000 */
  int noise;              /* max |noise| per hour, default 50 */
} vs_dataset_options;
#define VS_DATASET_OPTIONS_INIT \
  {.from = {2013, 1, 1}, .to = {2023, 12, 31}, .seed = 42, .employees = 1000, .noise = 50}

/* Generate the rows of the synthetic data set, date by date, hours 7..10.
 * *rows is malloc'ed (caller frees). Returns 0 or a negative VS_E* code. */
int vs_dataset_generate(const vs_dataset_options *opts, vs_usage_row **rows, size_t *n);

/* Write rows as CSV (header first) to an open stream. */
int vs_dataset_write_stream(FILE *f, const vs_usage_row *rows, size_t n);
/* Write rows as CSV to `path` atomically (a temporary sibling renamed into
 * place), creating missing parent directories. */
int vs_dataset_write_csv(const char *path, const vs_usage_row *rows, size_t n);
/* The PRNG (exposed for tests): splitmix64 and an unbiased integer in
 * [lo, hi] by rejection. *state is advanced. */
uint64_t vs_splitmix64(uint64_t *state);
int vs_rand_range(uint64_t *state, int lo, int hi);

#endif
