#include "report/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/error.h"
#include "core/fsutil.h"
#include "core/interrupt.h"

struct vs_outdir {
  char *final;
  char *tmp;
  int committed;
};

static char *dup_printf(const char *fmt, const char *a, const char *b)
{
  size_t len = strlen(fmt) + strlen(a) + strlen(b) + 32;
  char *s = malloc(len);
  if (s)
    snprintf(s, len, fmt, a, b);
  return s;
}

int vs_outdir_open(vs_outdir **out, const char *path, const char *name)
{
  vs_outdir *d = calloc(1, sizeof(*d));
  char stamp[32], pid[32];
  time_t now = time(NULL);
  int rc = VS_OK;

  *out = NULL;
  if (!d)
    return vs_error_set(VS_ENOMEM, "out of memory");
  strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));
  d->final = path ? strdup(path) : dup_printf("results/runs/%s-%s", name, stamp);
  snprintf(pid, sizeof(pid), "%ld", (long)getpid());
  d->tmp = d->final ? dup_printf("%s.partial-%s", d->final, pid) : NULL;
  if (!d->final || !d->tmp) {
    rc = vs_error_set(VS_ENOMEM, "out of memory");
    goto fail;
  }
  if ((rc = vs_fs_mkdir_p(d->tmp)) != VS_OK)
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
  DIR *dp;
  struct dirent *e;
  int rc;

  if (vs_interrupted())
    return vs_interrupt_error("before %s was written", d->final);
  /* A fresh folder is renamed whole; into an existing one, file by file. */
  if (rename(d->tmp, d->final) == 0) {
    d->committed = 1;
    return VS_OK;
  }
  if ((rc = vs_fs_mkdir_p(d->final)) != VS_OK)
    return rc;
  if (!(dp = opendir(d->tmp)))
    return vs_error_set(VS_EIO, "%s: cannot read: %s", d->tmp, strerror(errno));
  while ((e = readdir(dp))) {
    char from[PATH_MAX], to[PATH_MAX];
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
      continue;
    snprintf(from, sizeof(from), "%s/%s", d->tmp, e->d_name);
    snprintf(to, sizeof(to), "%s/%s", d->final, e->d_name);
    if (rename(from, to) != 0) {
      closedir(dp);
      return vs_error_set(VS_EIO, "%s: cannot write: %s", to, strerror(errno));
    }
  }
  closedir(dp);
  rmdir(d->tmp);
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
