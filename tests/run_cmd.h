/* Run the vdistorm binary from a test and capture its stdout and exit code.
 * SimGrid runs once per process, so simulator tests drive the CLI. */
#ifndef VS_RUN_CMD_H
#define VS_RUN_CMD_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cjson/cJSON.h>

/* Returns the exit code (or -1); *out gets a malloc'ed stdout (caller frees).
 * stderr is left alone unless the command redirects it. */
static inline int run_cmd(char **out, const char *fmt, ...)
{
  char cmd[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof(cmd), fmt, ap);
  va_end(ap);
  FILE *p = popen(cmd, "r");
  size_t len = 0, cap = 4096;
  char *buf = malloc(cap);
  if (!p || !buf) {
    free(buf);
    *out = NULL;
    return -1;
  }
  size_t n;
  while ((n = fread(buf + len, 1, cap - len - 1, p)) > 0) {
    len += n;
    if (cap - len < 2) {
      cap *= 2;
      buf = realloc(buf, cap);
    }
  }
  buf[len] = '\0';
  int status = pclose(p);
  *out = buf;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Run a command whose stdout must be exactly one JSON object; NULL if not. */
static inline cJSON *run_json(const char *fmt, ...)
{
  char cmd[4096], *out;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof(cmd), fmt, ap);
  va_end(ap);
  int rc = run_cmd(&out, "%s", cmd);
  cJSON *j = rc == 0 && out ? cJSON_Parse(out) : NULL;
  if (!j)
    fprintf(stderr, "command failed or printed no JSON (rc=%d): %s\n", rc, cmd);
  free(out);
  return j;
}

/* A whole file, NUL-terminated (malloc'ed; NULL if unreadable); its length
 * in *len when len is not NULL. */
static inline char *slurp_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  rewind(f);
  char *s = malloc((size_t)n + 1);
  size_t got = s ? fread(s, 1, (size_t)n, f) : 0;
  if (s)
    s[got] = '\0';
  if (len)
    *len = got;
  fclose(f);
  return s;
}

static inline void write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  if (f) {
    fputs(text, f);
    fclose(f);
  }
}

static inline double jnum(const cJSON *o, const char *key)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

#endif
