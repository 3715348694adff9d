/* libFuzzer target for vs_usage_read_csv, the reader of both usage CSVs (the
 * data set's rows and login logs, told apart by the header). Besides the
 * sanitizers' findings it traps when the reader breaks its contract
 * (usage.h): a failure hands nothing out and says one line "FILE:LINE: ..."
 * (or "FILE: ..." for what is wrong with the file as a whole); the rows it
 * returns are sorted by (date, hour), each once, inside the calendar, with
 * features that agree with it and an attendance in range. */
#include "core/error.h"
#include "demand/calendar.h"
#include "demand/usage.h"

#include "fuzz_file.h"

static void check_rows(const vs_usage_row *r, size_t n)
{
  FUZZ_ASSERT(n >= 1 && r != NULL);
  for (size_t i = 0; i < n; i++) {
    vs_usage_row cal;
    FUZZ_ASSERT(r[i].year >= VS_CAL_FIRST_YEAR && r[i].year <= VS_CAL_LAST_YEAR);
    FUZZ_ASSERT(r[i].hour >= 0 && r[i].hour <= 23 && (r[i].holiday == 0 || r[i].holiday == 1));
    FUZZ_ASSERT(r[i].attendance >= 0 && r[i].attendance <= VS_USAGE_ATTENDANCE_MAX);
    if (i > 0) {
      int64_t d0 = vs_usage_row_days(&r[i - 1]), d1 = vs_usage_row_days(&r[i]);
      FUZZ_ASSERT(d1 > d0 || (d1 == d0 && r[i].hour > r[i - 1].hour));
    }
    /* The calendar's own features for the row's date: the first and the
     * last row only, a log's rows are many and computed the same way. */
    if (i == 0 || i == n - 1) {
      FUZZ_ASSERT(vs_usage_features((vs_date){r[i].year, r[i].month, r[i].day}, r[i].hour, &cal) == 0);
      FUZZ_ASSERT(cal.wday == r[i].wday && cal.lmonth == r[i].lmonth && cal.lday == r[i].lday);
    }
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  vs_usage_row *rows = (vs_usage_row *)1; /* the reader must reset both */
  size_t n = 1;
  const char *path = fuzz_file(0, data, size);
  int rc;

  vs_error_clear();
  rc = vs_usage_read_csv(path, &rows, &n);
  if (rc != 0) {
    FUZZ_ASSERT(rows == NULL && n == 0);
    fuzz_check_error(rc, path);
    return 0;
  }
  check_rows(rows, n);
  free(rows);
  return 0;
}
