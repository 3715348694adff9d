#define _GNU_SOURCE /* renameat2 */
#include "report/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "core/fsutil.h"
#include "core/interrupt.h"

struct vs_outdir {
  char *final;
  char *tmp;
  int replace; /* final exists (empty, ours, or forced) and is swapped out at commit */
  int committed;
};

#define NAME_MAX_CHARS 64

/* A scenario name as a folder name: no '/', no "..", no control bytes. */
static void safe_name(const char *name, char *out, size_t len)
{
  size_t n = 0;
  for (const char *p = name ? name : ""; *p && n + 1 < len && n < NAME_MAX_CHARS; p++) {
    unsigned char c = (unsigned char)*p;
    int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
             (c == '.' && n > 0);
    out[n++] = ok ? (char)c : '_';
  }
  out[n] = '\0';
  if (!n)
    snprintf(out, len, "scenario");
}

static char *final_path(const char *path, const char *name)
{
  char buf[PATH_MAX];
  if (path) {
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/') /* "-o DIR/" is DIR */
      len--;
    if (len >= sizeof(buf)) {
      vs_error_set(VS_EINPUT, "%.64s...: path too long", path);
      return NULL;
    }
    memcpy(buf, path, len);
    buf[len] = '\0';
  } else {
    char safe[NAME_MAX_CHARS + 1], stamp[32];
    time_t now = time(NULL);
    safe_name(name, safe, sizeof(safe));
    strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));
    snprintf(buf, sizeof(buf), "results/runs/%s-%s", safe, stamp);
  }
  char *s = strdup(buf);
  if (!s)
    vs_error_set(VS_ENOMEM, "out of memory");
  return s;
}

static int has_marker(const char *dir)
{
  char p[PATH_MAX + 300];
  struct stat st;
  snprintf(p, sizeof(p), "%s/%s", dir, VS_OUTDIR_MARKER);
  return lstat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_empty_dir(const char *dir)
{
  DIR *dp = opendir(dir);
  struct dirent *e;
  int empty = 1;
  if (!dp)
    return 0;
  while (empty && (e = readdir(dp)))
    empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
  closedir(dp);
  return empty;
}

/* 0: free to create; 1: exists and may be replaced; < 0: refused. */
static int target_state(const char *final, int force)
{
  struct stat st;
  if (lstat(final, &st) != 0)
    return errno == ENOENT ? 0 : vs_error_set(VS_EIO, "%s: %s", final, strerror(errno));
  if (S_ISLNK(st.st_mode))
    return vs_error_set(VS_EINPUT, "%s is a symbolic link (expected a new path or a folder vdistorm wrote)", final);
  if (!S_ISDIR(st.st_mode))
    return vs_error_set(VS_EINPUT, "%s exists and is not a folder (expected a new path or a folder vdistorm wrote)",
                        final);
  if (has_marker(final) || is_empty_dir(final) || force)
    return 1;
  return vs_error_set(VS_EINPUT,
                      "%s exists and was not written by vdistorm (choose another -o, or --force to replace it)", final);
}

int vs_outdir_check(const char *path, const char *name, int force, char **final_out)
{
  char *final = final_path(path, name);
  int rc;
  if (final_out)
    *final_out = NULL;
  if (!final)
    return vs_error_set(VS_ENOMEM, "out of memory");
  rc = target_state(final, force);
  if (rc >= 0 && final_out)
    *final_out = final;
  else
    free(final);
  return rc < 0 ? rc : VS_OK;
}

/* FINAL.partial-PID folders next to `final` whose process is gone: what a
 * SIGKILL or a power cut left. Only folders that carry our marker. */
static void remove_stale_partials(const char *final)
{
  char parent[PATH_MAX], prefix[PATH_MAX];
  const char *slash = strrchr(final, '/'), *base = slash ? slash + 1 : final;
  if (!slash)
    snprintf(parent, sizeof(parent), ".");
  else if (slash == final)
    snprintf(parent, sizeof(parent), "/");
  else
    snprintf(parent, sizeof(parent), "%.*s", (int)(slash - final), final);
  snprintf(prefix, sizeof(prefix), "%s.partial-", base);
  DIR *dp = opendir(parent);
  struct dirent *e;
  if (!dp)
    return;
  while ((e = readdir(dp))) {
    char *end;
    if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
      continue;
    long pid = strtol(e->d_name + strlen(prefix), &end, 10);
    if (*end || pid <= 0 || pid == (long)getpid() || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
      continue;
    char path[PATH_MAX + 260];
    snprintf(path, sizeof(path), "%s/%s", parent, e->d_name);
    if (has_marker(path))
      vs_fs_remove_tree(path);
  }
  closedir(dp);
}

static int write_marker(const char *dir)
{
  char p[PATH_MAX + sizeof(VS_OUTDIR_MARKER) + 1];
  snprintf(p, sizeof(p), "%s/%s", dir, VS_OUTDIR_MARKER);
  FILE *f = fopen(p, "w");
  if (!f || fputs("written by vdistorm; a later run may replace this folder\n", f) < 0 || fclose(f) != 0)
    return vs_error_set(VS_EIO, "%s: cannot write: %s", p, strerror(errno));
  return VS_OK;
}

int vs_outdir_open(vs_outdir **out, const char *path, const char *name, int force)
{
  vs_outdir *d = calloc(1, sizeof(*d));
  int rc = VS_OK, state;

  *out = NULL;
  if (!d)
    return vs_error_set(VS_ENOMEM, "out of memory");
  if (!(d->final = final_path(path, name))) {
    rc = VS_ENOMEM;
    goto fail;
  }
  if ((state = target_state(d->final, force)) < 0) {
    rc = state;
    goto fail;
  }
  d->replace = state == 1;
  size_t len = strlen(d->final) + 32;
  if (!(d->tmp = malloc(len))) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto fail;
  }
  snprintf(d->tmp, len, "%s.partial-%ld", d->final, (long)getpid());
  remove_stale_partials(d->final);
  if ((rc = vs_fs_mkdir_p(d->tmp)) != VS_OK || (rc = write_marker(d->tmp)) != VS_OK)
    goto fail;
  *out = d;
  return VS_OK;
fail:
  vs_outdir_free(d);
  return rc;
}

const char *vs_outdir_path(const vs_outdir *d) { return d->final; }
const char *vs_outdir_tmp_path(const vs_outdir *d) { return d->tmp; }

FILE *vs_outdir_file(vs_outdir *d, const char *name)
{
  char path[PATH_MAX];
  snprintf(path, sizeof(path), "%s/%s", d->tmp, name);
  FILE *f = fopen(path, "w");
  if (!f)
    vs_error_set(VS_EIO, "%s: cannot write: %s", path, strerror(errno));
  return f;
}

int vs_outdir_close_file(vs_outdir *d, FILE *f, const char *name)
{
  int bad = ferror(f);
  if (fclose(f) != 0 || bad)
    return vs_error_set(VS_EIO, "%s/%s: write failed", d->final, name);
  return VS_OK;
}

int vs_outdir_commit(vs_outdir *d)
{
  if (vs_interrupted())
    return vs_interrupt_error("before %s was written", d->final);
  if (!d->replace) {
    if (rename(d->tmp, d->final) != 0)
      return vs_error_set(VS_EIO, "%s: cannot move the results into place: %s", d->final, strerror(errno));
  } else {
    /* One atomic exchange: readers see the old folder or the new one,
     * never a mix; the old one then goes with the temporary name. */
    if (renameat2(AT_FDCWD, d->tmp, AT_FDCWD, d->final, RENAME_EXCHANGE) != 0)
      return vs_error_set(VS_EIO, "%s: cannot replace it: %s", d->final, strerror(errno));
    vs_fs_remove_tree(d->tmp);
  }
  d->committed = 1;
  return VS_OK;
}

void vs_outdir_free(vs_outdir *d)
{
  if (!d)
    return;
  if (!d->committed && d->tmp)
    vs_fs_remove_tree(d->tmp);
  free(d->final);
  free(d->tmp);
  free(d);
}
