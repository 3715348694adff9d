#include "core/csv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/error.h"

/* Longer lines are not CSV we wrote or expect: refuse them early. */
#define VS_CSV_LINE_MAX 65536
#define VS_CSV_FIELDS_MAX 256

struct vs_csv {
  FILE *f;
  char *path;
  char *line;
  size_t line_cap;
  size_t line_no;
  char *fields[VS_CSV_FIELDS_MAX];
};

int vs_csv_open(vs_csv **out, const char *path)
{
  struct stat st;
  vs_csv *c;
  *out = NULL;
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return vs_error_set(VS_EIO, "%s: cannot read: %s", path, strerror(errno));
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return vs_error_set(VS_EIO, "%s: not a regular file", path);
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  if (!(c = calloc(1, sizeof(*c))) || !(c->path = strdup(path)) || !(c->f = fdopen(fd, "r"))) {
    if (c && !c->f)
      close(fd);
    vs_csv_free(c);
    return vs_error_set(VS_ENOMEM, "out of memory");
  }
  *out = c;
  return VS_OK;
}

size_t vs_csv_line(const vs_csv *c) { return c->line_no; }
const char *vs_csv_path(const vs_csv *c) { return c->path; }

int vs_csv_error(const vs_csv *c, const char *fmt, ...)
{
  char msg[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  return vs_error_set(VS_EINPUT, "%s:%zu: %s", c->path, c->line_no, msg);
}

static char *trim(char *s, char **end)
{
  while (*s == ' ' || *s == '\t')
    s++;
  char *e = *end;
  while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
    e--;
  *e = '\0';
  *end = e;
  return s;
}

/* Split in place. Quoted fields are unescaped where they lie. */
static int split(vs_csv *c, char *p, size_t *n)
{
  *n = 0;
  for (;;) {
    if (*n == VS_CSV_FIELDS_MAX)
      return vs_csv_error(c, "more than %d fields", VS_CSV_FIELDS_MAX);
    while (*p == ' ' || *p == '\t')
      p++;
    if (*p == '"') {
      char *w = ++p, *start = w;
      for (;; p++) {
        if (!*p)
          return vs_csv_error(c, "a quoted field is not closed");
        if (*p == '"' && p[1] == '"')
          *w++ = *p++;
        else if (*p == '"')
          break;
        else
          *w++ = *p;
      }
      *w = '\0';
      p++;
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p && *p != ',')
        return vs_csv_error(c, "text after a quoted field");
      c->fields[(*n)++] = start;
    } else {
      char *comma = strchr(p, ','), *end = comma ? comma : p + strlen(p);
      c->fields[(*n)++] = trim(p, &end); /* may overwrite the comma with the field's end */
      if (!comma)
        return VS_OK;
      p = comma + 1;
      continue;
    }
    if (*p != ',')
      return VS_OK;
    *p++ = '\0';
  }
}

/* One line into c->line, never more than VS_CSV_LINE_MAX bytes of memory
 * whatever the file holds. Returns 1, 0 at the end, or an error. */
static int read_line(vs_csv *c)
{
  size_t len = 0;
  int ch, nul = 0;
  if (!c->line) {
    c->line_cap = VS_CSV_LINE_MAX + 1;
    if (!(c->line = malloc(c->line_cap)))
      return vs_error_set(VS_ENOMEM, "out of memory");
  }
  while ((ch = getc_unlocked(c->f)) != EOF && ch != '\n') {
    if (len == VS_CSV_LINE_MAX) {
      c->line_no++;
      return vs_csv_error(c, "line too long (more than %d bytes)", VS_CSV_LINE_MAX);
    }
    nul |= ch == 0;
    c->line[len++] = (char)ch;
  }
  if (ferror(c->f))
    return vs_error_set(VS_EIO, "%s: read error: %s", c->path, strerror(errno ? errno : EIO));
  if (ch == EOF && len == 0)
    return 0;
  c->line[len] = '\0';
  c->line_no++;
  if (nul)
    return vs_csv_error(c, "NUL byte (not a text file)");
  return 1;
}

int vs_csv_next(vs_csv *c, char ***fields, size_t *n)
{
  for (;;) {
    int got = read_line(c);
    if (got <= 0)
      return got;
    char *p = c->line;
    if (c->line_no == 1 && !strncmp(p, "\xEF\xBB\xBF", 3))
      p += 3; /* UTF-8 byte-order mark, as spreadsheets write it */
    p[strcspn(p, "\r\n")] = '\0';
    if (p[strspn(p, " \t")] == '\0' || p[0] == '#')
      continue;
    int rc = split(c, p, n);
    if (rc != VS_OK)
      return rc;
    *fields = c->fields;
    return 1;
  }
}

void vs_csv_free(vs_csv *c)
{
  if (!c)
    return;
  if (c->f)
    fclose(c->f);
  free(c->line);
  free(c->path);
  free(c);
}
