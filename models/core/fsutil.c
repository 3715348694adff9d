#include "core/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.h"

static int make_dir(const char *dir)
{
  if (mkdir(dir, 0777) != 0 && errno != EEXIST)
    return vs_error_set(VS_EIO, "%s: cannot create directory: %s", dir, strerror(errno));
  return VS_OK;
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

void vs_fs_remove_tree(const char *dir)
{
  DIR *dp = opendir(dir);
  struct dirent *e;
  if (!dp)
    return;
  while ((e = readdir(dp))) {
    char path[PATH_MAX];
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
      continue;
    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
    unlink(path);
  }
  closedir(dp);
  rmdir(dir);
}
