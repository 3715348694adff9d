/* Tests of models/core: the CSV reader, vs_buf and vs_array_reserve, the
 * child-process runner, atomic output files and recursive removal.
 * usage: test_core   (works in a fresh folder under $TMPDIR or /tmp) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "core/buf.h"
#include "core/csv.h"
#include "core/error.h"
#include "core/fsutil.h"
#include "core/spawn.h"

static char dir[512];

static const char *at(const char *name)
{
  static char paths[8][PATH_MAX];
  static int next;
  char *p = paths[next++ % 8];
  snprintf(p, PATH_MAX, "%.512s/%.256s", dir, name);
  return p;
}

static void put(const char *path, const void *data, size_t len)
{
  FILE *f = fopen(path, "wb");
  if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
    fprintf(stderr, "cannot write fixture %s\n", path);
    exit(2);
  }
}
#define PUT(path, lit) put((path), (lit), sizeof(lit) - 1)

static char *slurp(const char *path)
{
  vs_buf b = VS_BUF_INIT;
  if (vs_buf_read_file(&b, path) != VS_OK) {
    vs_buf_clear(&b);
    return NULL;
  }
  return vs_buf_detach(&b);
}

static int file_is(const char *path, const char *want)
{
  char *got = slurp(path);
  int same = got && !strcmp(got, want);
  if (!same)
    fprintf(stderr, "%s holds '%s', expected '%s'\n", path, got ? got : "(unreadable)", want);
  free(got);
  return same;
}

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Entries in `d` other than . and .. whose name starts with `prefix`. */
static int count_entries(const char *d, const char *prefix)
{
  char cmd[PATH_MAX + 64];
  int n = 0;
  snprintf(cmd, sizeof(cmd), "ls -A '%s'", d);
  FILE *p = popen(cmd, "r");
  char line[PATH_MAX];
  while (p && fgets(line, sizeof(line), p))
    n += !strncmp(line, prefix, strlen(prefix));
  if (p)
    pclose(p);
  return n;
}

/* ---- CSV ---- */

typedef struct {
  size_t line;
  size_t n;
  const char *f[6];
} row;

/* Read `path` and compare with the rows expected; returns the final code. */
static int csv_expect(const char *path, const row *rows, size_t n_rows)
{
  vs_csv *c = NULL;
  char **f;
  size_t n, r = 0;
  int got;
  if (vs_csv_open(&c, path) != VS_OK) {
    CHECK_MSG(0, "open %s: %s", path, vs_error_last());
    return VS_ERROR;
  }
  while ((got = vs_csv_next(c, &f, &n)) > 0) {
    if (r >= n_rows) {
      CHECK_MSG(0, "%s: extra row at line %zu ('%s')", path, vs_csv_line(c), f[0]);
      r++;
      continue;
    }
    CHECK_MSG(vs_csv_line(c) == rows[r].line, "row %zu: line %zu, expected %zu", r, vs_csv_line(c), rows[r].line);
    CHECK_MSG(n == rows[r].n, "line %zu: %zu fields, expected %zu", rows[r].line, n, rows[r].n);
    for (size_t i = 0; i < n && i < rows[r].n; i++)
      CHECK_MSG(!strcmp(f[i], rows[r].f[i]), "line %zu field %zu: '%s', expected '%s'", rows[r].line, i, f[i],
                rows[r].f[i]);
    r++;
  }
  if (got == 0)
    CHECK_MSG(r == n_rows, "%s: %zu rows, expected %zu", path, r, n_rows);
  vs_csv_free(c);
  return got;
}

/* The first error reading `path` (after any good rows); the message goes to msg. */
static int csv_error(const char *path, char *msg, size_t len)
{
  vs_csv *c = NULL;
  char **f;
  size_t n;
  int rc = vs_csv_open(&c, path);
  while (rc == VS_OK && (rc = vs_csv_next(c, &f, &n)) > 0)
    rc = VS_OK;
  snprintf(msg, len, "%s", vs_error_last());
  vs_csv_free(c);
  return rc;
}

static void csv_good(void)
{
  /* BOM before a comment (the BOM must not hide the '#'), CRLF everywhere,
   * blank and blank-looking lines, trimming, quotes with "" and commas. */
  const char text[] = "\xEF\xBB\xBF# a comment on line 1\r\n"
                      "\r\n"
                      "  a , \"b \"\"q\"\" c\" ,\td\t\r\n"
                      "   \t \r\n"
                      "x,\"\",  ,\"with, comma\",\" keep \"\r\n"
                      "# another comment, with, commas\n"
                      "trailing,\n"
                      "last,row";
  put(at("good.csv"), text, sizeof(text) - 1);
  const row rows[] = {
    {3, 3, {"a", "b \"q\" c", "d"}},
    {5, 5, {"x", "", "", "with, comma", " keep "}},
    {7, 2, {"trailing", ""}},
    {8, 2, {"last", "row"}},
  };
  CHECK(csv_expect(at("good.csv"), rows, 4) == 0);

  /* A BOM before a header: the first field is "vm", not BOM + "vm". */
  PUT(at("bom.csv"), "\xEF\xBB\xBFvm,host\n1,2\n");
  const row bom[] = {{1, 2, {"vm", "host"}}, {2, 2, {"1", "2"}}};
  CHECK(csv_expect(at("bom.csv"), bom, 2) == 0);

  /* An empty file and a file of comments: no rows, no error. */
  PUT(at("empty.csv"), "");
  CHECK(csv_expect(at("empty.csv"), NULL, 0) == 0);
  PUT(at("comments.csv"), "# only\n\n#comments\n");
  CHECK(csv_expect(at("comments.csv"), NULL, 0) == 0);

  /* A line of exactly 64 KiB is still a line. */
  size_t len = 65536;
  char *big = malloc(len + 2);
  memset(big, 'x', len);
  big[len] = '\n';
  put(at("exact.csv"), big, len + 1);
  vs_csv *c = NULL;
  char **f;
  size_t n;
  CHECK(vs_csv_open(&c, at("exact.csv")) == VS_OK);
  CHECK_MSG(c && vs_csv_next(c, &f, &n) == 1 && n == 1 && strlen(f[0]) == len, "64 KiB line: %s", vs_error_last());
  vs_csv_free(c);
  free(big);
}

static void csv_errors(void)
{
  char msgbuf[1024], *msg = msgbuf, want[PATH_MAX + 64];

  /* NUL byte on line 2, after a good row. */
  put(at("nul.csv"), "a,b\nc\0d,e\n", 10);
  CHECK(csv_error(at("nul.csv"), msg, sizeof(msgbuf)) == VS_EINPUT);
  snprintf(want, sizeof(want), "%s:2: NUL byte", at("nul.csv"));
  CHECK_STR_CONTAINS(msg, want);

  /* Unclosed quote on line 3 (comments count as lines). */
  PUT(at("quote.csv"), "a,b\n# c\n1,\"open\n");
  CHECK(csv_error(at("quote.csv"), msg, sizeof(msgbuf)) == VS_EINPUT);
  snprintf(want, sizeof(want), "%s:3: ", at("quote.csv"));
  CHECK_STR_CONTAINS(msg, want);
  CHECK_STR_CONTAINS(msg, "not closed");

  /* Text after a closing quote. */
  PUT(at("after.csv"), "\"a\"b,c\n");
  CHECK(csv_error(at("after.csv"), msg, sizeof(msgbuf)) == VS_EINPUT);
  snprintf(want, sizeof(want), "%s:1: text after a quoted field", at("after.csv"));
  CHECK_STR_CONTAINS(msg, want);

  /* A line over 64 KiB on line 2. */
  size_t len = 70000;
  char *big = malloc(len + 8);
  memcpy(big, "ok\n", 3);
  memset(big + 3, 'y', len);
  big[3 + len] = '\n';
  put(at("long.csv"), big, len + 4);
  free(big);
  CHECK(csv_error(at("long.csv"), msg, sizeof(msgbuf)) == VS_EINPUT);
  snprintf(want, sizeof(want), "%s:2: line too long", at("long.csv"));
  CHECK_STR_CONTAINS(msg, want);

  /* A 16 GiB single "line" (a sparse file): refused after 64 KiB, fast and
   * without the memory to hold it. Reading it all would take minutes. */
  int fd = open(at("huge.csv"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CHECK(fd >= 0 && ftruncate(fd, (off_t)16 << 30) == 0);
  if (fd >= 0)
    close(fd);
  struct rusage ru0, ru1;
  getrusage(RUSAGE_SELF, &ru0);
  double t0 = now_s();
  CHECK(csv_error(at("huge.csv"), msg, sizeof(msgbuf)) == VS_EINPUT);
  double dt = now_s() - t0;
  getrusage(RUSAGE_SELF, &ru1);
  snprintf(want, sizeof(want), "%s:1: line too long", at("huge.csv"));
  CHECK_STR_CONTAINS(msg, want);
  CHECK_MSG(dt < 1.0, "refusing a 16 GiB line took %.2f s", dt);
  CHECK_MSG(ru1.ru_maxrss - ru0.ru_maxrss < 16 * 1024, "max RSS grew by %ld KiB", ru1.ru_maxrss - ru0.ru_maxrss);
  unlink(at("huge.csv"));

  /* More than 256 fields. */
  char many[1024] = "";
  for (int i = 0; i < 300; i++)
    strcat(many, i ? ",1" : "1");
  strcat(many, "\n");
  put(at("many.csv"), many, strlen(many));
  CHECK(csv_error(at("many.csv"), msg, sizeof(msgbuf)) == VS_EINPUT);
  snprintf(want, sizeof(want), "%s:1: more than", at("many.csv"));
  CHECK_STR_CONTAINS(msg, want);

  /* Not there; a folder; a FIFO (refused without blocking: alarm() would kill
   * the test if open() waited for a writer). */
  CHECK(csv_error(at("missing.csv"), msg, sizeof(msgbuf)) == VS_EIO);
  CHECK_STR_CONTAINS(msg, "missing.csv: cannot read");
  CHECK(csv_error(dir, msg, sizeof(msgbuf)) == VS_EIO);
  CHECK_STR_CONTAINS(msg, "not a regular file");
  CHECK(mkfifo(at("fifo.csv"), 0600) == 0);
  alarm(5);
  double f0 = now_s();
  CHECK(csv_error(at("fifo.csv"), msg, sizeof(msgbuf)) == VS_EIO);
  alarm(0);
  CHECK(now_s() - f0 < 1.0);
  snprintf(want, sizeof(want), "%s: not a regular file", at("fifo.csv"));
  CHECK_STR_CONTAINS(msg, want);
  /* vs_csv_error names the file and the row last read. */
  vs_csv *c = NULL;
  char **f;
  size_t n;
  PUT(at("rows.csv"), "a\n\nb\n");
  CHECK(vs_csv_open(&c, at("rows.csv")) == VS_OK);
  CHECK(c && vs_csv_next(c, &f, &n) == 1 && vs_csv_next(c, &f, &n) == 1);
  CHECK(c && vs_csv_error(c, "bad %s", f[0]) == VS_EINPUT);
  snprintf(want, sizeof(want), "%s:3: bad b", at("rows.csv"));
  CHECK_MSG(!strcmp(vs_error_last(), want), "'%s'", vs_error_last());
  CHECK(c && !strcmp(vs_csv_path(c), at("rows.csv")));
  vs_csv_free(c);
}

/* ---- vs_buf, vs_array_reserve ---- */

static void buffers(void)
{
  vs_buf b = VS_BUF_INIT;
  char want[8000];
  /* Growth: many small appends, always NUL-terminated, content intact. */
  for (int i = 0; i < 1000; i++) {
    CHECK(vs_buf_add(&b, "abcdefg", 7) == VS_OK);
    memcpy(want + 7 * i, "abcdefg", 7);
  }
  want[7000] = '\0';
  CHECK(b.len == 7000 && b.cap > b.len && b.data[b.len] == '\0' && !memcmp(b.data, want, 7001));
  CHECK(vs_buf_printf(&b, "%d-%s", 42, "x") == VS_OK && b.len == 7004 && !strcmp(b.data + 7000, "42-x"));
  CHECK(vs_buf_add(&b, NULL, 0) == VS_OK && b.len == 7004);
  char *d = vs_buf_detach(&b);
  CHECK(d && !strcmp(d + 7000, "42-x") && !b.data && b.len == 0 && b.cap == 0);
  free(d);

  /* The cap: exactly max bytes fit, one more does not, nothing is lost. */
  vs_buf c = VS_BUF_INIT;
  c.max = 16;
  CHECK(vs_buf_add(&c, "0123456789abcdef", 16) == VS_OK && c.len == 16);
  CHECK(vs_buf_add(&c, "!", 1) == VS_ENOMEM);
  CHECK(c.len == 16 && !strcmp(c.data, "0123456789abcdef"));
  CHECK(vs_buf_printf(&c, "%s", "more") == VS_ENOMEM && c.len == 16);
  CHECK(vs_buf_add(&c, "x", (size_t)-1) == VS_ENOMEM); /* a length that would wrap */
  vs_buf_clear(&c);
  CHECK(!c.data && c.len == 0);

  /* read_file: a regular file, an empty one, one past the cap, a FIFO, a device. */
  PUT(at("buf.txt"), "hello\n");
  CHECK(vs_buf_read_file(&c, at("buf.txt")) == VS_OK && c.len == 6 && !strcmp(c.data, "hello\n"));
  vs_buf_clear(&c);
  PUT(at("buf-empty.txt"), "");
  CHECK(vs_buf_read_file(&c, at("buf-empty.txt")) == VS_OK && c.data && c.len == 0 && c.data[0] == '\0');
  vs_buf_clear(&c);
  c.max = 4;
  CHECK(vs_buf_read_file(&c, at("buf.txt")) == VS_EINPUT);
  CHECK_STR_CONTAINS(vs_error_last(), at("buf.txt"));
  vs_buf_clear(&c);
  c.max = 0;
  CHECK(mkfifo(at("buf.fifo"), 0600) == 0);
  alarm(5);
  CHECK(vs_buf_read_file(&c, at("buf.fifo")) == VS_EIO);
  CHECK_STR_CONTAINS(vs_error_last(), "not a regular file");
  CHECK(vs_buf_read_file(&c, "/dev/zero") == VS_EIO);
  CHECK_STR_CONTAINS(vs_error_last(), "/dev/zero: not a regular file");
  alarm(0);
  CHECK(!c.data);

  /* vs_array_reserve: doubling from 16, pointer kept when there is room. */
  int *a = NULL;
  size_t cap = 0;
  CHECK(vs_array_reserve(&a, &cap, 1, sizeof(*a)) == VS_OK && a && cap == 16);
  CHECK(vs_array_reserve(&a, &cap, 17, sizeof(*a)) == VS_OK && cap == 32);
  CHECK(vs_array_reserve(&a, &cap, 1000, sizeof(*a)) == VS_OK && cap == 1024);
  for (int i = 0; i < 1000; i++)
    a[i] = i; /* ASan: all of it is ours */
  int *before = a;
  CHECK(vs_array_reserve(&a, &cap, 1024, sizeof(*a)) == VS_OK && a == before && cap == 1024);
  CHECK(a[999] == 999);
  /* A size that would overflow size_t: refused, array untouched. */
  CHECK(vs_array_reserve(&a, &cap, SIZE_MAX / 4, sizeof(*a)) == VS_ENOMEM);
  CHECK(a == before && cap == 1024 && a[999] == 999);
  CHECK_STR_CONTAINS(vs_error_last(), "out of memory");
  free(a);
}

/* ---- spawn ---- */

static void spawning(void)
{
  vs_buf out = VS_BUF_INIT;
  int code = -1;

  char *echo[] = {"/bin/echo", "hello", "world", NULL};
  CHECK(vs_spawn_run(echo, NULL, &out, &code) == VS_OK && code == 0);
  CHECK_MSG(out.data && !strcmp(out.data, "hello world\n"), "'%s'", out.data ? out.data : "(null)");
  vs_buf_clear(&out);

  char *fals[] = {"/bin/false", NULL};
  CHECK(vs_spawn_run(fals, NULL, &out, &code) == VS_OK && code == 1);
  vs_buf_clear(&out);

  char *exit7[] = {"/bin/sh", "-c", "echo partial; exit 7", NULL};
  CHECK(vs_spawn_run(exit7, NULL, &out, &code) == VS_OK && code == 7 && out.data && !strcmp(out.data, "partial\n"));
  vs_buf_clear(&out);

  char *killed[] = {"/bin/sh", "-c", "kill -9 $$", NULL};
  CHECK(vs_spawn_run(killed, NULL, NULL, &code) == VS_OK);
  CHECK_MSG(code == 128 + SIGKILL, "exit code %d", code);
  char *termed[] = {"/bin/sh", "-c", "kill -TERM $$", NULL};
  CHECK(vs_spawn_run(termed, NULL, NULL, &code) == VS_OK);
  CHECK_MSG(code == 128 + SIGTERM, "exit code %d", code);

  /* A program name: found with search_path, not without (no shell, no PATH). */
  vs_spawn_options po = VS_SPAWN_OPTIONS_INIT;
  po.search_path = 1;
  char *sh[] = {"sh", "-c", "echo found", NULL};
  CHECK(vs_spawn_run(sh, &po, &out, &code) == VS_OK && code == 0 && out.data && !strcmp(out.data, "found\n"));
  vs_buf_clear(&out);
  CHECK(vs_spawn_run(sh, NULL, &out, &code) != VS_OK);
  CHECK_STR_CONTAINS(vs_error_last(), "cannot run sh");
  char *nowhere[] = {"/nonexistent/program", NULL};
  CHECK(vs_spawn_run(nowhere, NULL, &out, &code) != VS_OK);
  CHECK_STR_CONTAINS(vs_error_last(), "/nonexistent/program");
  CHECK(!out.data);

  /* No shell: metacharacters reach the program as they are. */
  char *literal[] = {"/bin/echo", "$HOME;", "`id`", NULL};
  CHECK(vs_spawn_run(literal, NULL, &out, &code) == VS_OK && out.data && !strcmp(out.data, "$HOME; `id`\n"));
  vs_buf_clear(&out);

  /* quiet_stderr: the child's stderr goes nowhere (ours to a file to see). */
  fflush(stderr);
  int saved = dup(2), errfd = open(at("stderr.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  dup2(errfd, 2);
  char *both[] = {"/bin/sh", "-c", "echo to-out; echo to-err >&2", NULL};
  po = (vs_spawn_options)VS_SPAWN_OPTIONS_INIT;
  po.quiet_stderr = 1;
  int rc1 = vs_spawn_run(both, &po, &out, &code);
  char *loud[] = {"/bin/sh", "-c", "echo loud >&2", NULL};
  int rc2 = vs_spawn_run(loud, NULL, NULL, &code);
  dup2(saved, 2);
  close(saved);
  close(errfd);
  CHECK(rc1 == VS_OK && rc2 == VS_OK && out.data && !strcmp(out.data, "to-out\n"));
  CHECK(file_is(at("stderr.txt"), "loud\n"));
  vs_buf_clear(&out);

  /* max_out: a child that writes more than the cap is an error, and neither
   * side blocks for ever (alarm() would end the test). */
  po = (vs_spawn_options)VS_SPAWN_OPTIONS_INIT;
  po.max_out = 1000;
  char *flood[] = {"/bin/sh", "-c", "i=0; while [ $i -lt 2000 ]; do echo 0123456789012345678901234567890123456789; "
                                    "i=$((i+1)); done", NULL};
  alarm(10);
  CHECK(vs_spawn_run(flood, &po, &out, &code) == VS_ENOMEM);
  alarm(0);
  CHECK(!out.data);

  /* Two at once, polled: a slow one started first, a fast one that writes
   * more than a pipe holds. The fast one's output ends first and whole. */
  vs_child *slow = NULL, *fast = NULL;
  char *slow_argv[] = {"/bin/sh", "-c", "sleep 1; echo slow-done", NULL};
  char *fast_argv[] = {"/bin/sh", "-c", "head -c 300000 /dev/zero | tr '\\0' 'z'", NULL};
  double t0 = now_s(), fast_end = 0, slow_end = 0;
  CHECK(vs_spawn_start(&slow, slow_argv, NULL) == VS_OK);
  CHECK(vs_spawn_start(&fast, fast_argv, NULL) == VS_OK);
  if (slow && fast) {
    CHECK(vs_child_pid(slow) > 0 && vs_child_pid(fast) > 0 && vs_child_pid(slow) != vs_child_pid(fast));
    int done[2] = {0, 0};
    vs_child *kids[2] = {slow, fast};
    alarm(10);
    while (!done[0] || !done[1]) {
      struct pollfd pfd[2];
      nfds_t m = 0;
      int idx[2];
      for (int i = 0; i < 2; i++)
        if (!done[i]) {
          pfd[m] = (struct pollfd){.fd = vs_child_fd(kids[i]), .events = POLLIN};
          idx[m++] = i;
        }
      if (poll(pfd, m, 5000) <= 0)
        break;
      for (nfds_t j = 0; j < m; j++)
        if (pfd[j].revents) {
          int r = vs_child_pump(kids[idx[j]]);
          CHECK(r >= 0);
          if (r != 0) {
            done[idx[j]] = 1;
            *(idx[j] ? &fast_end : &slow_end) = now_s() - t0;
          }
        }
    }
    alarm(0);
    CHECK_MSG(done[0] && done[1], "children did not finish");
    /* Pumping one never waits for the other: the fast one's end is seen
     * before the slow one's (which sleeps 1 s). */
    CHECK_MSG(fast_end > 0 && fast_end < slow_end && slow_end >= 0.9, "fast ended at %.2f s, slow at %.2f s",
              fast_end, slow_end);
    vs_buf o1 = VS_BUF_INIT, o2 = VS_BUF_INIT;
    int c1 = -1, c2 = -1;
    CHECK(vs_child_wait(slow, &o1, &c1) == VS_OK && c1 == 0 && o1.data && !strcmp(o1.data, "slow-done\n"));
    CHECK(vs_child_wait(fast, &o2, &c2) == VS_OK && c2 == 0 && o2.len == 300000);
    CHECK(o2.data && o2.data[0] == 'z' && o2.data[299999] == 'z' && strspn(o2.data, "z") == 300000);
    vs_buf_clear(&o1);
    vs_buf_clear(&o2);
  } else {
    vs_child_kill(slow);
    vs_child_kill(fast);
  }

  /* kill: SIGTERM is enough for sleep; well under its 5 s grace. */
  vs_child *sleeper = NULL;
  char *sleep_argv[] = {"/bin/sleep", "30", NULL};
  CHECK(vs_spawn_start(&sleeper, sleep_argv, NULL) == VS_OK);
  double k0 = now_s();
  long pid = sleeper ? vs_child_pid(sleeper) : -1;
  vs_child_kill(sleeper);
  CHECK(now_s() - k0 < 2.0);
  CHECK(pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH); /* reaped: no zombie left */

  CHECK(!strcmp(vs_spawn_self(), "/proc/self/exe"));
}

/* ---- atomic files ---- */

static void atomic_files(void)
{
  vs_atomic *a = NULL;
  char want[PATH_MAX + 64];

  /* Commit replaces; until then the old file is what readers see. */
  PUT(at("out.txt"), "old\n");
  CHECK(vs_atomic_open(&a, at("out.txt")) == VS_OK && a);
  if (a) {
    fputs("new\n", vs_atomic_file(a));
    fflush(vs_atomic_file(a));
    CHECK(file_is(at("out.txt"), "old\n"));
    CHECK(access(vs_atomic_tmp_path(a), F_OK) == 0);
    CHECK(!strncmp(vs_atomic_tmp_path(a), at("out.txt"), strlen(at("out.txt")))); /* a sibling */
    CHECK(vs_atomic_commit(a) == VS_OK);
  }
  CHECK(file_is(at("out.txt"), "new\n"));
  CHECK(count_entries(dir, "out.txt") == 1); /* no temporary left */

  /* Abort: the old file intact, no temporary. */
  a = NULL;
  CHECK(vs_atomic_open(&a, at("out.txt")) == VS_OK && a);
  if (a) {
    fputs("half-written", vs_atomic_file(a));
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof(tmp), "%s", vs_atomic_tmp_path(a));
    vs_atomic_abort(a);
    CHECK(access(tmp, F_OK) != 0 && errno == ENOENT);
  }
  CHECK(file_is(at("out.txt"), "new\n")); /* what the last commit wrote */
  CHECK(count_entries(dir, "out.txt") == 1);
  vs_atomic_abort(NULL);

  /* A new file; the whole-file helper. */
  CHECK(vs_fs_write_atomic(at("fresh.txt"), "abc", 3) == VS_OK && file_is(at("fresh.txt"), "abc"));
  CHECK(vs_fs_write_atomic(at("fresh.txt"), "", 0) == VS_OK && file_is(at("fresh.txt"), ""));

  /* A symlink: its target is replaced, the link stays a link. */
  PUT(at("real.txt"), "before");
  CHECK(symlink("real.txt", at("link.txt")) == 0);
  CHECK(vs_fs_write_atomic(at("link.txt"), "after", 5) == VS_OK);
  struct stat st;
  char target[PATH_MAX] = "";
  CHECK(lstat(at("link.txt"), &st) == 0 && S_ISLNK(st.st_mode));
  ssize_t tl = readlink(at("link.txt"), target, sizeof(target) - 1);
  CHECK(tl > 0 && (target[tl] = '\0', !strcmp(target, "real.txt")));
  CHECK(file_is(at("real.txt"), "after"));
  CHECK(count_entries(dir, "real.txt") == 1 && count_entries(dir, "link.txt") == 1);

  /* Not regular files: refused with the path named, nothing created, no block. */
  alarm(5);
  CHECK(vs_fs_write_atomic("/dev/null", "x", 1) == VS_EIO);
  CHECK_STR_CONTAINS(vs_error_last(), "/dev/null");
  CHECK_STR_CONTAINS(vs_error_last(), "refusing");
  CHECK(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode));
  CHECK(mkfifo(at("out.fifo"), 0600) == 0);
  CHECK(vs_fs_write_atomic(at("out.fifo"), "x", 1) == VS_EIO);
  CHECK_STR_CONTAINS(vs_error_last(), at("out.fifo"));
  CHECK(lstat(at("out.fifo"), &st) == 0 && S_ISFIFO(st.st_mode) && count_entries(dir, "out.fifo") == 1);
  CHECK(symlink("/dev/null", at("null-link")) == 0);
  CHECK(vs_fs_write_atomic(at("null-link"), "x", 1) == VS_EIO);
  snprintf(want, sizeof(want), "%s: links to something that is not a regular file", at("null-link"));
  CHECK_STR_CONTAINS(vs_error_last(), want);
  CHECK(symlink("nowhere.txt", at("dangling")) == 0);
  CHECK(vs_fs_write_atomic(at("dangling"), "x", 1) == VS_EIO);
  CHECK_STR_CONTAINS(vs_error_last(), at("dangling"));
  CHECK(access(at("nowhere.txt"), F_OK) != 0);
  CHECK(vs_fs_write_atomic(dir, "x", 1) == VS_EIO);
  CHECK_STR_CONTAINS(vs_error_last(), "not a regular file");
  alarm(0);
  CHECK(vs_fs_write_atomic(at("no/such/dir/f.txt"), "x", 1) == VS_EIO);
  CHECK_STR_CONTAINS(vs_error_last(), "no/such/dir/f.txt: cannot write");

  /* A write error (file-size limit: the /dev/full of a regular file), in a
   * child so that the limit stays there: commit fails naming the file, the
   * old content survives, the temporary is gone. */
  PUT(at("big.txt"), "old\n");
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    struct rlimit rl = {4096, 4096};
    signal(SIGXFSZ, SIG_IGN);
    if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
      _exit(3);
    vs_atomic *w = NULL;
    if (vs_atomic_open(&w, at("big.txt")) != VS_OK)
      _exit(4);
    char block[1024];
    memset(block, 'b', sizeof(block));
    for (int i = 0; i < 64; i++)
      fwrite(block, 1, sizeof(block), vs_atomic_file(w));
    int rc = vs_atomic_commit(w);
    const char *m = vs_error_last();
    _exit(rc == VS_EIO && strstr(m, "big.txt: write failed") && strstr(m, "too large") ? 0 : 5);
  }
  int status = 0;
  CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
  CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "write-error child: status %d", status);
  CHECK(file_is(at("big.txt"), "old\n"));
  CHECK(count_entries(dir, "big.txt") == 1);
}

/* ---- folders ---- */

static void folders(void)
{
  char outside[600], tree[600], p[PATH_MAX];
  snprintf(outside, sizeof(outside), "%s/outside", dir);
  snprintf(tree, sizeof(tree), "%s/tree", dir);

  snprintf(p, sizeof(p), "%s/a/b/c/d", tree);
  CHECK(vs_fs_mkdir_p(p) == VS_OK);
  CHECK(vs_fs_mkdir_p(p) == VS_OK); /* exists: fine */
  struct stat st;
  CHECK(stat(p, &st) == 0 && S_ISDIR(st.st_mode));
  snprintf(p, sizeof(p), "%s/x/y/file.txt", tree);
  CHECK(vs_fs_mkdir_parent(p) == VS_OK);
  PUT(p, "leaf");
  snprintf(p, sizeof(p), "%s/a/b/c/d/deep.txt", tree);
  PUT(p, "deep");
  /* A file where a folder should be. */
  snprintf(p, sizeof(p), "%s/x/y/file.txt/sub", tree);
  CHECK(vs_fs_mkdir_p(p) == VS_EIO);
  CHECK_STR_CONTAINS(vs_error_last(), "cannot create directory");

  /* Links out of the tree, to a folder and to a file. */
  CHECK(vs_fs_mkdir_p(outside) == VS_OK);
  snprintf(p, sizeof(p), "%s/keep.txt", outside);
  PUT(p, "keep");
  snprintf(p, sizeof(p), "%s/a/to-outside", tree);
  CHECK(symlink(outside, p) == 0);
  snprintf(p, sizeof(p), "%s/a/b/to-file", tree);
  char keep[700];
  snprintf(keep, sizeof(keep), "%s/keep.txt", outside);
  CHECK(symlink(keep, p) == 0);

  vs_fs_remove_tree(tree);
  CHECK(lstat(tree, &st) != 0 && errno == ENOENT);
  CHECK(file_is(keep, "keep"));
  CHECK(stat(outside, &st) == 0 && S_ISDIR(st.st_mode));
  vs_fs_remove_tree(tree); /* already gone: harmless */
}

static void errors(void)
{
  CHECK(vs_error_set(VS_EINPUT, "inner %d", 1) == VS_EINPUT);
  vs_error_set(VS_EIO, "outer: %s", vs_error_last()); /* may quote itself */
  CHECK(!strcmp(vs_error_last(), "outer: inner 1"));
  vs_error_clear();
  CHECK(!strcmp(vs_error_last(), ""));
}

int main(void)
{
  const char *tmp = getenv("TMPDIR");
  snprintf(dir, sizeof(dir), "%s/vs-test-core-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(dir)) {
    perror("mkdtemp");
    return 2;
  }
  csv_good();
  csv_errors();
  buffers();
  spawning();
  atomic_files();
  folders();
  errors();
  vs_fs_remove_tree(dir);
  CHECK(access(dir, F_OK) != 0);
  return CHECK_DONE();
}
