/* Synthetic usage data (see dataset.h). */
#include "demand/dataset.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/fsutil.h"

/* The paper's arrival pattern: hour and share of the staff arriving then. */
static const struct {
  int hour;
  int percent;
} arrivals[] = {{7, 10}, {8, 40}, {9, 30}, {10, 10}};
#define N_ARRIVALS (sizeof(arrivals) / sizeof(arrivals[0]))

uint64_t vs_splitmix64(uint64_t *state)
{
  uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

int vs_rand_range(uint64_t *state, int lo, int hi)
{
  /* Rejection sampling: a plain modulo would favour small values slightly. */
  uint64_t span = (uint64_t)((int64_t)hi - lo) + 1;
  uint64_t limit = UINT64_MAX - UINT64_MAX % span;
  uint64_t x;
  do
    x = vs_splitmix64(state);
  while (x >= limit);
  return (int)((int64_t)lo + (int64_t)(x % span));
}

int vs_dataset_generate(const vs_dataset_options *opts, vs_usage_row **rows, size_t *n)
{
  vs_dataset_options o = opts ? *opts : (vs_dataset_options)VS_DATASET_OPTIONS_INIT;
  int64_t first, last, days;
  vs_usage_row *r = NULL;
  uint64_t state = o.seed;
  size_t k = 0;
  int error;

  *rows = NULL;
  *n = 0;
  if (!vs_cal_date_valid(o.from) || !vs_cal_date_valid(o.to))
    return vs_error_set(VS_EINPUT, "bad date range");
  first = vs_cal_days_from_civil(o.from);
  last = vs_cal_days_from_civil(o.to);
  if (last < first)
    return vs_error_set(VS_EINPUT, "the range ends before it starts");
  if (o.employees < 1 || o.employees > 10000000)
    return vs_error_set(VS_EINPUT, "bad number of employees %d (expected 1..10000000)", o.employees);
  if (o.noise < 0 || o.noise > o.employees)
    return vs_error_set(VS_EINPUT, "bad noise %d (expected 0..employees)", o.noise);
  days = last - first + 1;
  if (!(r = calloc((size_t)days * N_ARRIVALS, sizeof(*r))))
    return vs_error_set(VS_ENOMEM, "out of memory");

  for (int64_t day = first; day <= last; day++) {
    vs_date d = vs_cal_civil_from_days(day);
    for (size_t h = 0; h < N_ARRIVALS; h++, k++) {
      if ((error = vs_usage_features(d, arrivals[h].hour, &r[k])) < 0)
        goto fail;
      /* Noise is drawn for every row, working day or not, so that the
       * value of one day does not depend on whether earlier days were
       * holidays under a newer calendar table. */
      int noise = vs_rand_range(&state, -o.noise, o.noise);
      if (vs_usage_row_workday(&r[k])) {
        /* Integer share of the staff, rounded half up. */
        long base = ((long)o.employees * arrivals[h].percent + 50) / 100;
        long v = base + noise;
        r[k].attendance = (double)(v < 0 ? 0 : v);
      }
    }
  }
  *rows = r;
  *n = k;
  return 0;
fail:
  free(r);
  return error;
}

int vs_dataset_write_stream(FILE *f, const vs_usage_row *rows, size_t n)
{
  fprintf(f, "%s\n", VS_USAGE_CSV_HEADER);
  for (size_t i = 0; i < n; i++) {
    const vs_usage_row *r = &rows[i];
    fprintf(f, "%d,%d,%d,%d,%d,%d,%d,%d,%.0f\n", r->year, r->month, r->day, r->wday, r->hour, r->holiday,
            r->lmonth, r->lday, r->attendance);
  }
  if (ferror(f))
    return vs_error_set(VS_EIO, "write error: %s", strerror(errno));
  return 0;
}

int vs_dataset_write_csv(const char *path, const vs_usage_row *rows, size_t n)
{
  vs_atomic *a;
  int error;

  if ((error = vs_fs_mkdir_parent(path)) < 0 || (error = vs_atomic_open(&a, path)) < 0)
    return error;
  /* The commit checks every write and names the path in its message. */
  vs_dataset_write_stream(vs_atomic_file(a), rows, n);
  return vs_atomic_commit(a);
}
