/* The inputs under tests/fuzz-crashes/ that crashed, hung or misled a
 * reader: found by the fuzzers (fuzz/, docs/FUZZING.md) or written to show
 * a gap a finding pointed at. Each is read again by its reader, which must
 * now refuse it with one line naming the file (and the line, for CSV) or,
 * where only speed was wrong, read it. Every file there has a row below.
 * usage: test_fuzzfix SOURCE_DIR */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "core/error.h"
#include "demand/forecast.h"
#include "demand/usage.h"
#include "plan/schedule.h"
#include "scenario/scenario.h"

static const char *src;
static vs_scenario *two_classes; /* the hardware and classes of fuzz_schedule's scenario */

enum { SCHEDULE, USAGE, FORECAST };
static const char *const dirs[] = {"schedule", "usage", "forecast"};

typedef struct {
  int reader;
  const char *file;
  int code;         /* what the reader returns now */
  const char *frag; /* in its message (after "PATH"), or NULL */
  size_t rows;      /* on success: rows read */
} fix_case;

static const fix_case cases[] = {
    /* Read and written back, a start 404 days out lost its milliseconds. */
    {SCHEDULE, "year-away.csv", VS_EINPUT, ":2: start: '404d 23:59:59.999' is a year or more from midnight", 0},
    /* Two logins 61 years apart: 534,720 hourly rows, the calendar computed
     * for each (21 s under the fuzzer's sanitizers, over its 10 s limit;
     * fuzz/run.sh mutates from this file, so a slow reader fails there). */
    {USAGE, "span-61-years.csv", 0, NULL, 534720},
    /* XGBoost's binary format: a string length from the file, allocated. */
    {FORECAST, "binary-string-length.bin", VS_EINPUT, ": not an xgboost JSON model (vdistorm writes JSON", 0},
    /* Each below crashed (or hung in) XGBoost 1.7 loading or predicting. */
    {FORECAST, "parent.json", VS_EINPUT, ": not a vdistorm usage model (tree 0: node 1 has no parent among its 5 nodes)", 0},
    {FORECAST, "child.json", VS_EINPUT, "(tree 0: node 0 has a child outside its 5 nodes)", 0},
    {FORECAST, "cycle.json", VS_EINPUT, "(tree 0: node 0 does not split into two new nodes)", 0},
    {FORECAST, "feature.json", VS_EINPUT, "(tree 0: node 0 splits on no feature of 0..7)", 0},
    {FORECAST, "duplicate-tree-id.json", VS_EINPUT, "(tree 1 is not numbered 1)", 0},
    {FORECAST, "tree-info.json", VS_EINPUT, "(tree_info does not describe its 2 trees)", 0},
    {FORECAST, "tree-info-group.json", VS_EINPUT, "(tree 1 is not for the one output)", 0},
    {FORECAST, "categorical.json", VS_EINPUT, "(tree 0: categorical splits, or a split_type that is not", 0},
    {FORECAST, "classes.json", VS_EINPUT, "(num_class and num_target do not make one output)", 0},
    /* These loaded, but not as checked: XGBoost reads past tree_info, or
     * takes the last of two keys where cJSON takes the first. */
    {FORECAST, "num-trees.json", VS_EINPUT, "(num_trees and num_parallel_tree do not describe its 2 trees)", 0},
    {FORECAST, "duplicate-key.json", VS_EINPUT, "(key 'parents' twice in one object)", 0},
};
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

static const char *fixture(int reader, const char *file)
{
  static char buf[PATH_MAX];
  snprintf(buf, sizeof(buf), "%s/tests/fuzz-crashes/%s/%s", src, dirs[reader], file);
  return buf;
}

/* Read `path` with `reader`: its code, and what it handed out checked. */
static int replay(int reader, const char *path, size_t *rows)
{
  int rc;
  *rows = 0;
  vs_error_clear();
  if (reader == SCHEDULE) {
    vs_schedule *s = (vs_schedule *)1;
    rc = vs_schedule_read_csv(path, two_classes, &s);
    CHECK_MSG(rc == VS_OK ? s != NULL : s == NULL, "%s: a schedule with code %d", path, rc);
    if (rc == VS_OK)
      *rows = s->n;
    vs_schedule_free(rc == VS_OK ? s : NULL);
  } else if (reader == USAGE) {
    vs_usage_row *r = (vs_usage_row *)1;
    rc = vs_usage_read_csv(path, &r, rows);
    CHECK_MSG(rc == 0 ? r != NULL : r == NULL && *rows == 0, "%s: rows with code %d", path, rc);
    free(rc == 0 ? r : NULL);
  } else {
    vs_forecast_model *m = (vs_forecast_model *)1;
    rc = vs_forecast_load(path, &m);
    CHECK_MSG(rc == 0 ? m != NULL : m == NULL, "%s: a model with code %d", path, rc);
    vs_forecast_model_free(rc == 0 ? m : NULL);
  }
  return rc;
}

static void check_error(const char *path, const char *frag)
{
  const char *msg = vs_error_last();
  CHECK_MSG(strncmp(msg, path, strlen(path)) == 0 && msg[strlen(path)] == ':', "'%s' does not start with '%s:'", msg,
            path);
  CHECK_MSG(!strpbrk(msg, "\r\n"), "multi-line message '%s'", msg);
  if (frag)
    CHECK_STR_CONTAINS(msg, frag);
}

static void test_cases(void)
{
  for (size_t i = 0; i < N_CASES; i++) {
    const fix_case *c = &cases[i];
    const char *path = fixture(c->reader, c->file);
    size_t rows;
    int rc = replay(c->reader, path, &rows);
    CHECK_MSG(rc == c->code, "%s: returned %d, want %d (%s)", c->file, rc, c->code, vs_error_last());
    if (rc != 0)
      check_error(path, c->frag);
    else
      CHECK_MSG(rows == c->rows, "%s: %zu rows, want %zu", c->file, rows, c->rows);
  }
}

/* Every fixture has a row, so that none is silently left unreplayed. */
static void test_dirs_covered(void)
{
  for (int d = 0; d < 3; d++) {
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/tests/fuzz-crashes/%s", src, dirs[d]);
    DIR *dir = opendir(path);
    struct dirent *e;
    CHECK_MSG(dir != NULL, "cannot open %s", path);
    while (dir && (e = readdir(dir))) {
      int found = 0;
      if (e->d_name[0] == '.')
        continue;
      for (size_t i = 0; i < N_CASES; i++)
        found |= cases[i].reader == d && !strcmp(cases[i].file, e->d_name);
      CHECK_MSG(found, "tests/fuzz-crashes/%s/%s has no row in cases[]", dirs[d], e->d_name);
    }
    if (dir)
      closedir(dir);
  }
}

/* Nesting too deep for a file in the repository: 200,000 levels overflowed
 * XGBoost's recursive parser's stack; a model is 6 deep, 64 are allowed. */
static void test_deep_json(void)
{
  char path[] = "/tmp/vdistorm-test-fuzzfix-XXXXXX";
  int fd = mkstemp(path), levels = 200000;
  FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
  size_t rows;

  CHECK(f != NULL);
  if (!f)
    return;
  fputs("{\"learner\":", f);
  for (int i = 0; i < levels; i++)
    fputc('[', f);
  for (int i = 0; i < levels; i++)
    fputc(']', f);
  fputs("}\n", f);
  fclose(f);
  CHECK(replay(FORECAST, path, &rows) == VS_EINPUT);
  check_error(path, ":1: not an xgboost model (JSON nested more than 64 levels deep)");
  unlink(path);
}

int main(int argc, char **argv)
{
  char sc_path[PATH_MAX];
  if (argc != 2) {
    fprintf(stderr, "usage: test_fuzzfix SOURCE_DIR\n");
    return 2;
  }
  src = argv[1];
  snprintf(sc_path, sizeof(sc_path), "%s/scenarios/two-classes.yaml", src);
  if (vs_scenario_load(&two_classes, sc_path) != VS_OK) {
    fprintf(stderr, "%s\n", vs_error_last());
    return 1;
  }
  test_cases();
  test_dirs_covered();
  test_deep_json();
  vs_scenario_free(two_classes);
  return CHECK_DONE();
}
