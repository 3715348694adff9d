/* The synthetic usage data set: row count, calendar columns, arrival shares
 * and noise, seeded reproducibility (byte-identical CSVs), atomic writes, and
 * reading it back (spreadsheet CSVs; FILE:LINE errors for malformed rows). */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "run_cmd.h"
#include "demand/dataset.h"
#include "core/error.h"
#include "demand/usage.h"

static char tmp[] = "/tmp/vdistorm-test-dataset-XXXXXX";

static const vs_usage_row *find(const vs_usage_row *r, size_t n, int y, int m, int d, int h)
{
  for (size_t i = 0; i < n; i++)
    if (r[i].year == y && r[i].month == m && r[i].day == d && r[i].hour == h)
      return &r[i];
  return NULL;
}

static void prng(void)
{
  /* Reference value of splitmix64 (Vigna's splitmix64.c) from state 0. */
  uint64_t s = 0;
  CHECK(vs_splitmix64(&s) == 0xE220A8397B1DCDAFull);
  int lo = 0, hi = 0, out = 0;
  s = 7;
  for (int i = 0; i < 100000; i++) {
    int v = vs_rand_range(&s, -50, 50);
    out += v < -50 || v > 50;
    lo += v == -50;
    hi += v == 50;
  }
  CHECK_MSG(out == 0, "%d values outside -50..50", out);
  /* Both ends are reachable (about 990 hits each expected). */
  CHECK_MSG(lo > 800 && hi > 800, "ends hit %d and %d times", lo, hi);
}

static void paper_dataset(void)
{
  vs_dataset_options o = VS_DATASET_OPTIONS_INIT;
  vs_usage_row *r = NULL;
  size_t n = 0;
  CHECK(vs_dataset_generate(&o, &r, &n) == 0);
  /* 2013-01-01 .. 2023-12-31: 4,017 days x 4 hours. */
  CHECK_MSG(n == 16068, "%zu rows", n);
  if (n != 16068) {
    free(r);
    return;
  }
  /* Every day has hours 7, 8, 9, 10 in order. */
  int ordered = 1;
  for (size_t i = 0; i < n; i++)
    ordered &= r[i].hour == 7 + (int)(i % 4);
  CHECK(ordered);

  /* Calendar columns. 2023-01-23 (Mon) is the 2nd day of Seollal. */
  const vs_usage_row *x = find(r, n, 2023, 1, 23, 8);
  CHECK(x && x->holiday == 1 && x->wday == 0 && x->lmonth == 1 && x->lday == 2 && x->attendance == 0);
  /* 2013-01-05 is a Saturday: no use, not a holiday. */
  x = find(r, n, 2013, 1, 5, 9);
  CHECK(x && x->wday == 5 && x->holiday == 0 && x->attendance == 0);
  /* 2023-05-29: substitute holiday for Buddha's Birthday (Sat 05-27). */
  x = find(r, n, 2023, 5, 29, 7);
  CHECK(x && x->holiday == 1 && x->attendance == 0);
  /* 2023-05-27 itself: a Saturday that is also a holiday. */
  x = find(r, n, 2023, 5, 27, 7);
  CHECK(x && x->holiday == 1 && x->wday == 5);

  /* Working days: each hour within share +- 50, mean close to the share. */
  static const int share[4] = {100, 400, 300, 100};
  double sum[4] = {0}, min[4] = {1e9, 1e9, 1e9, 1e9}, max[4] = {0};
  long days = 0, rest = 0;
  for (size_t i = 0; i < n; i++) {
    int h = r[i].hour - 7;
    if (!vs_usage_row_workday(&r[i])) {
      rest += r[i].attendance != 0;
      continue;
    }
    days += h == 0;
    sum[h] += r[i].attendance;
    min[h] = r[i].attendance < min[h] ? r[i].attendance : min[h];
    max[h] = r[i].attendance > max[h] ? r[i].attendance : max[h];
  }
  CHECK_MSG(rest == 0, "%ld weekend/holiday rows with attendance", rest);
  CHECK_MSG(days > 2600 && days < 2800, "%ld working days", days);
  for (int h = 0; h < 4; h++) {
    CHECK_MSG(min[h] >= share[h] - 50 && max[h] <= share[h] + 50, "hour %d: %g..%g", h + 7, min[h], max[h]);
    /* Uniform noise: the extremes are reached over ~2,700 days. */
    CHECK_MSG(max[h] - min[h] >= 95, "hour %d: spread %g", h + 7, max[h] - min[h]);
    CHECK_NEAR(sum[h] / (double)days, share[h], 3.0);
  }
  free(r);
}

static void reproducible(void)
{
  vs_dataset_options o = VS_DATASET_OPTIONS_INIT;
  vs_usage_row *r = NULL;
  size_t n = 0, la = 0, lb = 0, lc = 0;
  char a[128], b[128], c[128];
  snprintf(a, sizeof(a), "%s/sub/a.csv", tmp); /* parent directory created on the way */
  snprintf(b, sizeof(b), "%s/b.csv", tmp);
  snprintf(c, sizeof(c), "%s/c.csv", tmp);

  CHECK(vs_dataset_generate(&o, &r, &n) == 0 && vs_dataset_write_csv(a, r, n) == 0);
  free(r);
  CHECK(vs_dataset_generate(&o, &r, &n) == 0 && vs_dataset_write_csv(b, r, n) == 0);
  free(r);
  o.seed = 43;
  CHECK(vs_dataset_generate(&o, &r, &n) == 0 && vs_dataset_write_csv(c, r, n) == 0);
  free(r);
  char *sa = slurp_file(a, &la), *sb = slurp_file(b, &lb), *sc = slurp_file(c, &lc);
  CHECK(sa && sb && sc);
  CHECK_MSG(la == lb && sa && sb && memcmp(sa, sb, la) == 0, "same seed, different files");
  CHECK_MSG(!(la == lc && sa && sc && memcmp(sa, sc, la) == 0), "different seeds, same file");
  CHECK(sa && strncmp(sa, VS_USAGE_CSV_HEADER "\n", strlen(VS_USAGE_CSV_HEADER) + 1) == 0);

  /* Read back: the same rows. */
  vs_usage_row *back = NULL;
  size_t nb = 0;
  o.seed = 42;
  CHECK(vs_dataset_generate(&o, &r, &n) == 0);
  CHECK_MSG(vs_usage_read_csv(a, &back, &nb) == 0, "%s", vs_error_last());
  CHECK(nb == n);
  int same = nb == n;
  for (size_t i = 0; same && i < n; i++)
    same = memcmp(&r[i], &back[i], sizeof(r[i])) == 0;
  CHECK(same);
  free(r);
  free(back);
  free(sa);
  free(sb);
  free(sc);
}

/* A malformed file must fail with "FILE:LINE: <what>" naming the line. */
static void bad_csv(const char *body, int line, const char *what)
{
  char path[128], want[160];
  vs_usage_row *r = NULL;
  size_t n = 0;
  snprintf(path, sizeof(path), "%s/bad.csv", tmp);
  write_file(path, body);
  int rc = vs_usage_read_csv(path, &r, &n);
  snprintf(want, sizeof(want), "%s:%d: ", path, line);
  CHECK_MSG(rc == VS_EINPUT, "rc %d for %s", rc, what);
  CHECK_STR_CONTAINS(vs_error_last(), want);
  CHECK_STR_CONTAINS(vs_error_last(), what);
  CHECK(r == NULL);
  free(r);
}

static void malformed(void)
{
  const char *h = VS_USAGE_CSV_HEADER "\n";
  char buf[512];
  bad_csv("Year,Month\n1,2\n", 1, "unknown header");
  snprintf(buf, sizeof(buf), "%s2013,1,2,2,7,0,11,21,90\n2013,1,2,2,8,0,11,21\n", h);
  bad_csv(buf, 3, "only 8 fields");
  /* 2013-01-02 is a Wednesday (2), not a Sunday-based 3. */
  snprintf(buf, sizeof(buf), "%s2013,1,2,3,7,0,11,21,90\n", h);
  bad_csv(buf, 2, "Wday");
  snprintf(buf, sizeof(buf), "%s2013,1,2,2,7,0,11,22,90\n", h);
  bad_csv(buf, 2, "Lmonth/Lday");
  snprintf(buf, sizeof(buf), "%s2013,2,30,2,7,0,11,21,90\n", h);
  bad_csv(buf, 2, "not a date");
  snprintf(buf, sizeof(buf), "%s2013,1,2,2,7,0,11,21,-5\n", h);
  bad_csv(buf, 2, "attendance");
  snprintf(buf, sizeof(buf), "%s2013,1,2,2,7,0,11,21,x\n", h);
  bad_csv(buf, 2, "attendance");
  snprintf(buf, sizeof(buf), "%s2013,1,2,2,8,0,11,21,90\n2013,1,2,2,7,0,11,21,90\n", h);
  bad_csv(buf, 3, "not after the previous row");
  snprintf(buf, sizeof(buf), "%s2013,1,2,2,25,0,11,21,90\n", h);
  bad_csv(buf, 2, "Hour");
  bad_csv("", 1, "empty file");
  /* XGBoost refuses such a label deep inside training: caught here. */
  snprintf(buf, sizeof(buf), "%s2013,1,2,2,7,0,11,21,90\n2013,1,2,2,8,0,11,21,1e300\n", h);
  bad_csv(buf, 3, "attendance: 1e300 is out of range (expected 0..10000000)");
  snprintf(buf, sizeof(buf), "%s2013,1,2,2,7,0,11,21,\"90\n", h);
  bad_csv(buf, 2, "quoted field is not closed");
}

/* What spreadsheets write: a byte-order mark, CRLF, quoted fields; and
 * comment lines. */
static void spreadsheet_csv(void)
{
  char path[128];
  vs_usage_row *r = NULL;
  size_t n = 0;
  snprintf(path, sizeof(path), "%s/sheet.csv", tmp);
  write_file(path, "\xEF\xBB\xBF" VS_USAGE_CSV_HEADER "\r\n"
                   "# exported\r\n"
                   "2013,1,2,2,7,0,11,21,90\r\n"
                   "2013,1,2,2,8,\"0\",11,21,\"412\"\r\n");
  CHECK_MSG(vs_usage_read_csv(path, &r, &n) == 0, "%s", vs_error_last());
  CHECK(r && n == 2 && r[0].attendance == 90 && r[1].hour == 8 && r[1].attendance == 412 && r[1].wday == 2);
  free(r);
}

/* The CSV is written atomically: a failure names the path and the reason
 * and leaves nothing behind. */
static void write_errors(void)
{
  vs_usage_row row;
  char dir[128], cmd[256];
  CHECK(vs_usage_features((vs_date){2013, 1, 2}, 7, &row) == 0);
  snprintf(dir, sizeof(dir), "%s/folder.csv", tmp);
  CHECK(mkdir(dir, 0777) == 0);
  CHECK(vs_dataset_write_csv(dir, &row, 1) == VS_EIO);
  CHECK_STR_CONTAINS(vs_error_last(), dir);
  CHECK_STR_CONTAINS(vs_error_last(), "not a regular file");
  /* A file where a folder should be: the OS's reason. */
  snprintf(dir, sizeof(dir), "%s/b.csv/x.csv", tmp);
  CHECK(vs_dataset_write_csv(dir, &row, 1) == VS_EIO);
  CHECK_STR_CONTAINS(vs_error_last(), dir);
  CHECK_STR_CONTAINS(vs_error_last(), "Not a directory");
  snprintf(cmd, sizeof(cmd), "test -z \"$(ls %s | grep tmp)\"", tmp);
  CHECK_MSG(system(cmd) == 0, "a temporary file was left in %s", tmp);
}

int main(void)
{
  if (!mkdtemp(tmp)) {
    perror("mkdtemp");
    return 1;
  }
  prng();
  paper_dataset();
  reproducible();
  malformed();
  spreadsheet_csv();
  write_errors();
  char cmd[256];
  snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
  if (system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", tmp);
  return CHECK_DONE();
}
