/* Domain names and XML for the live backend. Nothing from a scenario or the
 * command line reaches libvirt unescaped: names keep a safe alphabet and
 * every string in the XML is escaped. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/error.h"
#include "real/real.h"
#include "core/units.h"

char *vs_real_xml_escape(const char *in)
{
  size_t len = 1;
  for (const char *p = in; *p; p++)
    len += *p == '&' ? 5 : *p == '<' || *p == '>' ? 4 : *p == '"' || *p == '\'' ? 6 : 1;
  char *out = malloc(len), *o = out;
  if (!out)
    return NULL;
  for (const char *p = in; *p; p++) {
    const char *rep = NULL;
    switch (*p) {
    case '&': rep = "&amp;"; break;
    case '<': rep = "&lt;"; break;
    case '>': rep = "&gt;"; break;
    case '"': rep = "&quot;"; break;
    case '\'': rep = "&apos;"; break;
    default: *o++ = *p; continue;
    }
    size_t n = strlen(rep);
    memcpy(o, rep, n);
    o += n;
  }
  *o = '\0';
  return out;
}

char *vs_real_domain_name(char *buf, size_t len, long pid, const char *label, int vm)
{
  char safe[33];
  size_t i = 0;
  for (; label && label[i] && i < sizeof(safe) - 1; i++) {
    char c = label[i];
    int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
    /* '-' is the field separator of our names, so it is mapped too. */
    safe[i] = ok ? c : '_';
  }
  safe[i] = '\0';
  if (!i)
    strcpy(safe, "run");
  snprintf(buf, len, VS_REAL_PREFIX "%ld-%s-%d", pid, safe, vm);
  return buf;
}

long vs_real_name_pid(const char *name)
{
  size_t plen = strlen(VS_REAL_PREFIX);
  char digits[24];
  long pid;
  if (strncmp(name, VS_REAL_PREFIX, plen) != 0)
    return -1;
  const char *p = name + plen, *dash = strchr(p, '-');
  if (!dash || dash == p || (size_t)(dash - p) >= sizeof(digits))
    return -1;
  memcpy(digits, p, (size_t)(dash - p));
  digits[dash - p] = '\0';
  if (vs_parse_long(digits, &pid) != VS_OK || pid <= 0)
    return -1;
  return pid;
}

/* vs_buf with a sticky failure: the XML is built in one go, checked once. */
typedef struct {
  vs_buf b;
  int failed;
} xml_out;

static void put(xml_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(xml_out *o, const char *fmt, ...)
{
  char line[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  if (!o->failed && (n < 0 || (size_t)n >= sizeof(line) || vs_buf_add(&o->b, line, (size_t)n) != VS_OK))
    o->failed = 1;
}

/* put() of one escaped string between two literal pieces. */
static void put_esc(xml_out *o, const char *before, const char *value, const char *after)
{
  char *e = vs_real_xml_escape(value ? value : "");
  if (!e || vs_buf_add(&o->b, before, strlen(before)) || vs_buf_add(&o->b, e, strlen(e)) ||
      vs_buf_add(&o->b, after, strlen(after)))
    o->failed = 1;
  free(e);
}

char *vs_real_domain_xml(const vs_real_domain_spec *sp)
{
  xml_out b = {.b = VS_BUF_INIT};
  /* The type is one of two fixed words; anything else is refused rather than escaped. */
  if (strcmp(sp->type, "kvm") != 0 && strcmp(sp->type, "qemu") != 0)
    return NULL;
  put(&b, "<domain type='%s'>\n", sp->type);
  put_esc(&b, "  <name>", sp->name, "</name>\n");
  put(&b, "  <memory unit='KiB'>%.0f</memory>\n", sp->memory_B / 1024.0);
  put(&b, "  <vcpu>%d</vcpu>\n", sp->vcpus);
  put(&b, "  <os>\n    <type arch='x86_64' machine='pc'>hvm</type>\n");
  put_esc(&b, "    <kernel>", sp->kernel, "</kernel>\n");
  put_esc(&b, "    <initrd>", sp->initrd, "</initrd>\n");
  put_esc(&b, "    <cmdline>", sp->cmdline, "</cmdline>\n");
  put(&b, "  </os>\n  <features><acpi/></features>\n");
  /* A guest that stops by itself goes away: readiness is read from its log. */
  put(&b, "  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>destroy</on_reboot>\n"
          "  <on_crash>destroy</on_crash>\n  <devices>\n");
  if (sp->disk) {
    /* cache='none' (the default): boot reads go to the disk, not the host
     * page cache of the previous run, so that storage is what is measured.
     * With a host cache (real.cache: host) linked clones share the base
     * image's pages in the host page cache. */
    put_esc(&b, "    <disk type='file' device='disk'>\n      <driver name='qemu' type='",
            sp->disk_format ? sp->disk_format : "qcow2", "'");
    put(&b, " cache='%s'/>\n", sp->host_cache ? "writeback" : "none");
    put_esc(&b, "      <source file='", sp->disk, "'/>\n");
    put(&b, "      <target dev='vda' bus='virtio'/>\n    </disk>\n");
  }
  put_esc(&b, "    <serial type='file'>\n      <source path='", sp->console_log, "'/>\n    </serial>\n");
  put(&b, "    <memballoon model='none'/>\n  </devices>\n");
  if (sp->dac_label)
    put_esc(&b, "  <seclabel type='static' model='dac' relabel='no'>\n    <label>", sp->dac_label,
            "</label>\n  </seclabel>\n");
  put(&b, "</domain>\n");
  if (b.failed) {
    vs_buf_clear(&b.b);
    return NULL;
  }
  return vs_buf_detach(&b.b);
}
