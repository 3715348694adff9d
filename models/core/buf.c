#include "core/buf.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fcntl.h>

#include "core/error.h"

#define VS_BUF_DEFAULT_MAX ((size_t)64 << 20)

static int grow(vs_buf *b, size_t extra)
{
  size_t max = b->max ? b->max : VS_BUF_DEFAULT_MAX, need;
  if (extra > max || b->len > max - extra)
    return vs_error_set(VS_ENOMEM, "more than %zu bytes (the limit for this input)", max);
  need = b->len + extra + 1;
  if (need <= b->cap)
    return VS_OK;
  size_t cap = b->cap ? b->cap : 256;
  while (cap < need)
    cap *= 2;
  char *data = realloc(b->data, cap);
  if (!data)
    return vs_error_set(VS_ENOMEM, "out of memory");
  b->data = data;
  b->cap = cap;
  return VS_OK;
}

int vs_buf_add(vs_buf *b, const void *bytes, size_t len)
{
  int rc = grow(b, len);
  if (rc != VS_OK)
    return rc;
  if (len)
    memcpy(b->data + b->len, bytes, len);
  b->len += len;
  b->data[b->len] = '\0';
  return VS_OK;
}

int vs_buf_printf(vs_buf *b, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return vs_error_set(VS_ERROR, "bad format");
  int rc = grow(b, (size_t)n);
  if (rc != VS_OK)
    return rc;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return VS_OK;
}

int vs_buf_read_fd(vs_buf *b, int fd)
{
  char chunk[65536];
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return vs_error_set(VS_EIO, "read failed: %s", strerror(errno));
    if (n == 0)
      return VS_OK;
    int rc = vs_buf_add(b, chunk, (size_t)n);
    if (rc != VS_OK)
      return rc;
  }
}

int vs_buf_read_file(vs_buf *b, const char *path)
{
  struct stat st;
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return vs_error_set(VS_EIO, "%s: cannot read: %s", path, strerror(errno));
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return vs_error_set(VS_EIO, "%s: not a regular file", path);
  }
  /* Regular files never block; clear O_NONBLOCK only for tidiness. */
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  int rc = vs_buf_read_fd(b, fd);
  close(fd);
  if (rc == VS_ENOMEM)
    return vs_error_set(VS_EINPUT, "%s: %s", path, vs_error_last());
  if (rc != VS_OK)
    return vs_error_set(rc, "%s: %s", path, vs_error_last());
  if (!b->data)
    return vs_buf_add(b, "", 0);
  return VS_OK;
}

char *vs_buf_detach(vs_buf *b)
{
  char *d = b->data;
  b->data = NULL;
  b->len = b->cap = 0;
  return d;
}

void vs_buf_clear(vs_buf *b)
{
  free(b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

int vs_array_reserve(void *items, size_t *cap, size_t need, size_t elem)
{
  void **p = items;
  if (need <= *cap)
    return VS_OK;
  size_t c = *cap ? *cap : 16;
  while (c < need) {
    if (c > SIZE_MAX / 2 / elem)
      return vs_error_set(VS_ENOMEM, "out of memory");
    c *= 2;
  }
  void *grown = realloc(*p, c * elem);
  if (!grown)
    return vs_error_set(VS_ENOMEM, "out of memory");
  *p = grown;
  *cap = c;
  return VS_OK;
}
