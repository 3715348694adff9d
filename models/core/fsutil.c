#define _XOPEN_SOURCE 700 /* nftw */
#include "core/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"
#include "core/interrupt.h"

static int make_dir(const char *dir)
{
  if (mkdir(dir, 0777) != 0 && errno != EEXIST)
    return vs_error_set(VS_EIO, "%s: cannot create directory: %s", dir, strerror(errno));
  return VS_OK;
}

FILE *vs_fs_open_regular(const char *path)
{
  struct stat st;
  /* O_NONBLOCK: opening a FIFO must not wait for a writer. */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  FILE *f;
  if (fd < 0) {
    vs_error_set(VS_EIO, "%s: cannot read: %s", path, strerror(errno));
    return NULL;
  }
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    vs_error_set(VS_EIO, "%s: not a regular file", path);
    return NULL;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  if (!(f = fdopen(fd, "rb"))) {
    close(fd);
    vs_error_set(VS_ENOMEM, "out of memory");
  }
  return f;
}

int vs_fs_mkdir_p(const char *dir)
{
  char buf[PATH_MAX];
  int rc;
  if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
    return vs_error_set(VS_EIO, "%s: path too long", dir);
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if ((rc = make_dir(buf)) != VS_OK)
      return rc;
    *p = '/';
  }
  return make_dir(buf);
}

int vs_fs_mkdir_parent(const char *path)
{
  char buf[PATH_MAX];
  char *slash;
  if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
    return vs_error_set(VS_EIO, "%s: path too long", path);
  if (!(slash = strrchr(buf, '/')) || slash == buf)
    return VS_OK;
  *slash = '\0';
  return vs_fs_mkdir_p(buf);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void)st, (void)ftw;
  if (flag == FTW_DP)
    rmdir(path);
  else
    unlink(path);
  return 0;
}

void vs_fs_remove_tree(const char *dir)
{
  /* FTW_DEPTH: children before their folder; FTW_PHYS: never follow a link out. */
  nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- atomic files ---- */

struct vs_atomic {
  char *target; /* the path renamed onto (a symlink's target, resolved) */
  char *tmp;
  FILE *f;
};

/* Where to write: `path` itself, or the file a symlink points to. */
static int resolve_target(const char *path, char **out)
{
  struct stat st;
  if (lstat(path, &st) != 0) {
    if (errno != ENOENT)
      return vs_error_set(VS_EIO, "%s: cannot write: %s", path, strerror(errno));
    return (*out = strdup(path)) ? VS_OK : vs_error_set(VS_ENOMEM, "out of memory");
  }
  if (S_ISLNK(st.st_mode)) {
    char *real = realpath(path, NULL);
    if (!real)
      return vs_error_set(VS_EIO, "%s: a symlink to nowhere (%s); refusing to replace it", path, strerror(errno));
    if (stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
      free(real);
      return vs_error_set(VS_EIO, "%s: links to something that is not a regular file; refusing to replace it", path);
    }
    *out = real;
    return VS_OK;
  }
  if (!S_ISREG(st.st_mode))
    return vs_error_set(VS_EIO, "%s: not a regular file (a device, FIFO or folder); refusing to replace it", path);
  return (*out = strdup(path)) ? VS_OK : vs_error_set(VS_ENOMEM, "out of memory");
}

int vs_atomic_open(vs_atomic **out, const char *path)
{
  vs_atomic *a = calloc(1, sizeof(*a));
  int rc;
  *out = NULL;
  if (!a)
    return vs_error_set(VS_ENOMEM, "out of memory");
  if ((rc = resolve_target(path, &a->target)) != VS_OK)
    goto fail;
  size_t len = strlen(a->target) + 32;
  if (!(a->tmp = malloc(len))) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto fail;
  }
  /* Beside the target: rename() only works within one file system. The
   * name keeps the pid so that a crashed run's leftovers can be told apart. */
  snprintf(a->tmp, len, "%s.tmp-%ld", a->target, (long)getpid());
  if (!(a->f = fopen(a->tmp, "w"))) {
    rc = vs_error_set(VS_EIO, "%s: cannot write: %s", path, strerror(errno));
    goto fail;
  }
  *out = a;
  return VS_OK;
fail:
  vs_atomic_abort(a);
  return rc;
}

FILE *vs_atomic_file(vs_atomic *a) { return a->f; }
const char *vs_atomic_tmp_path(const vs_atomic *a) { return a->tmp; }

int vs_atomic_commit(vs_atomic *a)
{
  /* A write that failed earlier set the stream's error flag; its errno may
   * be long gone, so the reason comes from the flush and close that follow
   * (a full disk shows there again), else it is named generically. */
  const char *why = NULL;
  int early = errno; /* most likely the failed write's, when the stream's error flag is set */
  int bad = ferror(a->f), rc = VS_OK;
  if (fflush(a->f) != 0 || fsync(fileno(a->f)) != 0)
    why = strerror(errno);
  if (fclose(a->f) != 0 && !why)
    why = strerror(errno);
  a->f = NULL;
  if (bad || why)
    rc = vs_error_set(VS_EIO, "%s: write failed: %s", a->target,
                      why ? why : early ? strerror(early) : "disk full or I/O error");
  else if (vs_interrupted()) /* asked to stop: the old file stays as it was */
    rc = vs_interrupt_error("before %s was replaced", a->target);
  else if (rename(a->tmp, a->target) != 0)
    rc = vs_error_set(VS_EIO, "%s: cannot rename into place: %s", a->target, strerror(errno));
  vs_atomic_abort(a); /* removes the temporary file if it is still there */
  return rc;
}

void vs_atomic_abort(vs_atomic *a)
{
  if (!a)
    return;
  if (a->f)
    fclose(a->f);
  if (a->tmp)
    unlink(a->tmp);
  free(a->tmp);
  free(a->target);
  free(a);
}

int vs_fs_write_atomic(const char *path, const void *data, size_t len)
{
  vs_atomic *a;
  int rc = vs_atomic_open(&a, path);
  if (rc != VS_OK)
    return rc;
  fwrite(data, 1, len, vs_atomic_file(a));
  return vs_atomic_commit(a);
}
