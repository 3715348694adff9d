/* The schedule CSV (written by `vdistorm schedule`) read for a live run:
 *   vm,host,disk,start,ready_by,expected_ready
 *   0,0,3,07:52:32,08:00:00,07:53:30
 * Only vm, host and start matter live; the first start becomes t = 0. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "real/real.h"
#include "core/units.h"

#define MAX_FIELDS 16

void vs_real_schedule_clear(vs_real_schedule *s)
{
  free(s->reqs);
  memset(s, 0, sizeof(*s));
}

/* Split `line` in place at commas; returns the field count. */
static int split(char *line, char **f)
{
  int n = 0;
  line[strcspn(line, "\r\n")] = '\0';
  for (char *p = line;; p++) {
    if (n == MAX_FIELDS)
      return n + 1;
    f[n++] = p;
    p = strchr(p, ',');
    if (!p)
      return n;
    *p = '\0';
  }
}

static char *trim(char *s)
{
  while (*s == ' ' || *s == '\t')
    s++;
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
    s[--n] = '\0';
  return s;
}

/* host column: an index into the URI list, a name such as "host2" (its
 * number), or one of the URIs itself. */
static int parse_host(const char *text, const char *const *hosts, size_t n_hosts, int *out)
{
  long v;
  size_t len = strlen(text), d = len;
  for (size_t i = 0; i < n_hosts; i++)
    if (hosts[i] && !strcmp(text, hosts[i])) {
      *out = (int)i;
      return VS_OK;
    }
  while (d > 0 && text[d - 1] >= '0' && text[d - 1] <= '9')
    d--;
  if (d == len || vs_parse_long(text + d, &v) != VS_OK || v < 0 || v > 1000000)
    return VS_EINPUT;
  *out = (int)v;
  return VS_OK;
}

int vs_real_schedule_parse(vs_real_schedule *out, FILE *f, const char *name, const char *const *hosts,
                           size_t n_hosts)
{
  char line[1024], *fld[MAX_FIELDS + 1];
  size_t cap = 0;
  int lineno = 0, rc = VS_OK;
  vs_real_schedule s = {0};

  while (fgets(line, sizeof(line), f)) {
    lineno++;
    if (!strchr(line, '\n') && !feof(f)) {
      rc = vs_error_set(VS_EINPUT, "%s:%d: line longer than %zu bytes", name, lineno, sizeof(line) - 2);
      goto fail;
    }
    int n = split(line, fld);
    if (n == 1 && !*trim(fld[0]))
      continue; /* blank line */
    if (lineno == 1 && !strcmp(trim(fld[0]), "vm"))
      continue; /* header */
    if (n < 4) {
      rc = vs_error_set(VS_EINPUT, "%s:%d: %d field%s (expected vm,host,disk,start,ready_by,expected_ready)",
                        name, lineno, n, n == 1 ? "" : "s");
      goto fail;
    }
    if (n > 6) {
      rc = vs_error_set(VS_EINPUT, "%s:%d: more than 6 fields (expected vm,host,disk,start,ready_by,expected_ready)",
                        name, lineno);
      goto fail;
    }
    long vm;
    int host;
    double start;
    char *t;
    if (vs_parse_long(t = trim(fld[0]), &vm) != VS_OK || vm < 0 || vm > 100000000) {
      rc = vs_error_set(VS_EINPUT, "%s:%d: vm: '%.40s' is not a VM number (expected an integer >= 0)", name,
                        lineno, t);
      goto fail;
    }
    if (parse_host(t = trim(fld[1]), hosts, n_hosts, &host) != VS_OK) {
      rc = vs_error_set(VS_EINPUT,
                        "%s:%d: host: '%.40s' is not a host (expected an index, a name ending in its "
                        "index such as host0, or a libvirt URI of the scenario)",
                        name, lineno, t);
      goto fail;
    }
    if (vs_unit_parse(t = trim(fld[3]), VS_UNIT_CLOCK, &start) != VS_OK) {
      rc = vs_error_set(VS_EINPUT, "%s:%d: start: '%.40s' is not a time (expected HH:MM:SS)", name, lineno, t);
      goto fail;
    }
    if (s.n == cap) {
      size_t ncap = cap ? cap * 2 : 64;
      vs_real_req *r = realloc(s.reqs, ncap * sizeof(*r));
      if (!r) {
        rc = vs_error_set(VS_ENOMEM, "out of memory");
        goto fail;
      }
      s.reqs = r;
      cap = ncap;
    }
    for (size_t i = 0; i < s.n; i++)
      if (s.reqs[i].vm == vm) {
        rc = vs_error_set(VS_EINPUT, "%s:%d: vm: VM %ld is listed twice", name, lineno, vm);
        goto fail;
      }
    s.reqs[s.n].vm = (int)vm;
    s.reqs[s.n].host = host;
    s.reqs[s.n].start = start;
    s.n++;
  }
  if (ferror(f)) {
    rc = vs_error_set(VS_EIO, "%s: read error: %s", name, strerror(errno));
    goto fail;
  }
  if (!s.n) {
    rc = vs_error_set(VS_EINPUT, "%s:%d: no VMs in the schedule", name, lineno);
    goto fail;
  }
  s.first_start = s.reqs[0].start;
  for (size_t i = 1; i < s.n; i++)
    if (s.reqs[i].start < s.first_start)
      s.first_start = s.reqs[i].start;
  for (size_t i = 0; i < s.n; i++)
    s.reqs[i].start -= s.first_start;
  *out = s;
  return VS_OK;
fail:
  free(s.reqs);
  return rc;
}

int vs_real_schedule_load(vs_real_schedule *out, const char *path, const vs_scenario *sc)
{
  FILE *f = fopen(path, "r");
  if (!f)
    return vs_error_set(VS_EIO, "%s: cannot read: %s", path, strerror(errno));
  int rc = vs_real_schedule_parse(out, f, path, (const char *const *)sc->real.uris, sc->real.n_uris);
  fclose(f);
  return rc;
}
