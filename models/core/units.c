#include "core/units.h"

#include "core/error.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest number we copy out for strtod; longer ones are refused rather than
 * silently truncated. */
#define VS_NUMBER_MAX 64
/* Quoted user text is shortened so that messages stay one readable line. */

typedef struct {
  const char *name;
  double scale;
} vs_unit_suffix;

static const vs_unit_suffix size_units[] = {
  {"B", 1.0},
  {"kB", 1e3}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12},
  {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0},
  {"TiB", 1099511627776.0},
  {NULL, 0}
};

/* Bits are case-sensitive against bytes: "Mb" is a megabit, "MB" a megabyte. */
static const vs_unit_suffix bit_units[] = {
  {"b", 1.0 / 8}, {"kb", 1e3 / 8}, {"Kb", 1e3 / 8}, {"Mb", 1e6 / 8},
  {"Gb", 1e9 / 8}, {"Tb", 1e12 / 8},
  {NULL, 0}
};

static const vs_unit_suffix duration_units[] = {
  {"s", 1.0}, {"ms", 1e-3}, {"us", 1e-6}, {"\xc2\xb5s", 1e-6}, {"ns", 1e-9},
  {"min", 60.0}, {"h", 3600.0},
  {NULL, 0}
};

static const vs_unit_suffix speed_units[] = {
  {"Hz", 1.0}, {"kHz", 1e3}, {"MHz", 1e6}, {"GHz", 1e9}, {"THz", 1e12},
  {"f", 1.0}, {"kf", 1e3}, {"Mf", 1e6}, {"Gf", 1e9}, {"Tf", 1e12},
  {NULL, 0}
};

static const vs_unit_suffix work_units[] = {
  {"cycles", 1.0}, {"kcycles", 1e3}, {"Mcycles", 1e6}, {"Gcycles", 1e9},
  {"Tcycles", 1e12},
  {"f", 1.0}, {"kf", 1e3}, {"Mf", 1e6}, {"Gf", 1e9}, {"Tf", 1e12},
  {NULL, 0}
};

static const vs_unit_suffix per_byte_units[] = {
  {"cycles/B", 1.0}, {"kcycles/B", 1e3}, {"Mcycles/B", 1e6},
  {"Gcycles/B", 1e9},
  {"f/B", 1.0}, {"kf/B", 1e3}, {"Mf/B", 1e6}, {"Gf/B", 1e9},
  {NULL, 0}
};

static const vs_unit_suffix power_units[] = {
  {"mW", 1e-3}, {"W", 1.0}, {"kW", 1e3}, {"MW", 1e6},
  {NULL, 0}
};

const char *vs_unit_expected(vs_unit_kind kind)
{
  switch (kind) {
  case VS_UNIT_BYTES: return "a size such as 632MB or 1.5GiB";
  case VS_UNIT_BANDWIDTH: return "a bandwidth such as 125MB/s or 1Gbps";
  case VS_UNIT_DURATION: return "a duration such as 58s, 100ms, 50us, 2min or 1h";
  case VS_UNIT_SPEED: return "a speed such as 3.6GHz or 2Gf";
  case VS_UNIT_WORK: return "an amount of work such as 40Gcycles or 40Gf";
  case VS_UNIT_PER_BYTE: return "a per-byte cost such as 100cycles/B or 100f/B";
  case VS_UNIT_POWER: return "a power such as 30W or 1.2kW";
  case VS_UNIT_FRACTION: return "a fraction such as 5% or 0.05, between 0 and 1";
  case VS_UNIT_CLOCK: return "a time of day such as 08:00, 07:53:30 or 07:53:30.250, from 00:00 to 24:00";
  case VS_UNIT_COUNT: return "an integer such as 10";
  case VS_UNIT_REAL: return "a number such as 1.2";
  }
  return "a value";
}

const char *vs_quote(const char *text, char *buf, size_t len)
{
  size_t i, n = 0;

  for (i = 0; text[i] && n + 4 < len && i < VS_QUOTE_MAX; i++)
    buf[n++] = ((unsigned char)text[i] < 0x20 || text[i] == 0x7f) ? '?' : text[i];
  if (text[i]) {
    size_t k;
    for (k = 0; k < 3 && n + 1 < len; k++)
      buf[n++] = '.';
  }
  buf[n] = '\0';
  return buf;
}

static int is_space(char c) { return c == ' ' || c == '\t'; }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* Length of the decimal number at the start of `s` (sign, digits, fraction,
 * exponent), or 0 if there is none. Written by hand because strtod also
 * accepts "inf", "nan", hex floats and leading blanks, none of which belong
 * in a scenario. An 'e' only starts an exponent if digits follow, so that a
 * unit could begin with 'e' without being swallowed. */
static size_t scan_number(const char *s)
{
  size_t i = 0, digits = 0;

  if (s[i] == '+' || s[i] == '-')
    i++;
  while (is_digit(s[i])) {
    i++;
    digits++;
  }
  if (s[i] == '.') {
    i++;
    while (is_digit(s[i])) {
      i++;
      digits++;
    }
  }
  if (digits == 0)
    return 0;
  if (s[i] == 'e' || s[i] == 'E') {
    size_t j = i + 1;
    if (s[j] == '+' || s[j] == '-')
      j++;
    if (is_digit(s[j])) {
      while (is_digit(s[j]))
        j++;
      i = j;
    }
  }
  return i;
}

/* Converts the `n` characters of an already scanned number. */
static int convert_number(const char *s, size_t n, double *out)
{
  char buf[VS_NUMBER_MAX + 1];
  char *end;
  double v;

  if (n > VS_NUMBER_MAX)
    return -1;
  memcpy(buf, s, n);
  buf[n] = '\0';
  errno = 0;
  v = strtod(buf, &end);
  /* ERANGE covers both overflow (1e400) and underflow (1e-400): either way the
   * number the user wrote is not the number we would use. */
  if (errno == ERANGE || *end != '\0' || !isfinite(v))
    return -1;
  *out = v;
  return 0;
}

int vs_parse_double(const char *text, double *out)
{
  char q[VS_QUOTE_MAX + 8];
  size_t n;

  if (!text || !*text)
    return vs_error_set(VS_EINPUT, "empty value (expected a number)");
  n = scan_number(text);
  if (n == 0 || text[n] != '\0')
    return vs_error_set(VS_EINPUT, "'%s' is not a number (expected a number such as 1.2)",
                        vs_quote(text, q, sizeof(q)));
  if (convert_number(text, n, out) < 0)
    return vs_error_set(VS_EINPUT, "number '%s' is out of range (expected a finite number)",
                        vs_quote(text, q, sizeof(q)));
  return 0;
}

int vs_parse_long(const char *text, long *out)
{
  char q[VS_QUOTE_MAX + 8];
  char *end;
  size_t i = 0;
  long v;

  if (!text || !*text)
    return vs_error_set(VS_EINPUT, "empty value (expected an integer)");
  /* strtol alone would accept leading blanks and a bare sign. */
  if (text[i] == '+' || text[i] == '-')
    i++;
  if (!is_digit(text[i]))
    goto not_integer;
  errno = 0;
  v = strtol(text, &end, 10);
  if (*end != '\0')
    goto not_integer;
  if (errno == ERANGE)
    return vs_error_set(VS_EINPUT, "integer '%s' is out of range (expected at most %ld)",
                        vs_quote(text, q, sizeof(q)), LONG_MAX);
  *out = v;
  return 0;

not_integer:
  return vs_error_set(VS_EINPUT, "'%s' is not an integer (expected an integer such as 10)",
                      vs_quote(text, q, sizeof(q)));
}

static const vs_unit_suffix *find_suffix(const vs_unit_suffix *table, const char *unit,
                                         size_t len)
{
  for (; table->name; table++)
    if (strlen(table->name) == len && memcmp(table->name, unit, len) == 0)
      return table;
  return NULL;
}

/* A bandwidth is a size or a bit count followed by "/s" or "ps". */
static int bandwidth_scale(const char *unit, size_t len, double *scale)
{
  const vs_unit_suffix *u;

  if (len > 2 && (memcmp(unit + len - 2, "/s", 2) == 0 || memcmp(unit + len - 2, "ps", 2) == 0)) {
    len -= 2;
    if ((u = find_suffix(size_units, unit, len)) || (u = find_suffix(bit_units, unit, len))) {
      *scale = u->scale;
      return 0;
    }
  }
  return -1;
}

static int unit_scale(vs_unit_kind kind, const char *unit, size_t len, double *scale)
{
  const vs_unit_suffix *table = NULL, *u;

  switch (kind) {
  case VS_UNIT_BANDWIDTH: return bandwidth_scale(unit, len, scale);
  case VS_UNIT_BYTES: table = size_units; break;
  case VS_UNIT_DURATION: table = duration_units; break;
  case VS_UNIT_SPEED: table = speed_units; break;
  case VS_UNIT_WORK: table = work_units; break;
  case VS_UNIT_PER_BYTE: table = per_byte_units; break;
  case VS_UNIT_POWER: table = power_units; break;
  default: return -1;
  }
  if (!(u = find_suffix(table, unit, len)))
    return -1;
  *scale = u->scale;
  return 0;
}

/* Two digits exactly, as in the MM and SS fields of a clock. */
static int two_digits(const char *s, int *out)
{
  if (!is_digit(s[0]) || !is_digit(s[1]))
    return -1;
  *out = (s[0] - '0') * 10 + (s[1] - '0');
  return 0;
}

static int parse_clock(const char *text, double *out)
{
  char q[VS_QUOTE_MAX + 8];
  const char *p = text;
  int h = 0, m, s = 0, hdigits = 0, ms = 0;

  while (is_digit(*p) && hdigits < 3) {
    h = h * 10 + (*p++ - '0');
    hdigits++;
  }
  if (hdigits < 1 || hdigits > 2 || *p++ != ':' || two_digits(p, &m) < 0)
    goto bad;
  p += 2;
  if (*p == ':') {
    if (two_digits(p + 1, &s) < 0)
      goto bad;
    p += 3;
    /* Milliseconds, as schedules are written: up to three digits. */
    if (*p == '.') {
      int digits = 0;
      for (p++; is_digit(*p) && digits < 3; p++, digits++)
        ms = ms * 10 + (*p - '0');
      if (!digits)
        goto bad;
      for (; digits < 3; digits++)
        ms *= 10;
    }
  }
  if (*p != '\0' || m > 59 || s > 59 || h > 24 || (h == 24 && (m || s || ms)))
    goto bad;
  /* Whole milliseconds over 1000, exactly as vs_clock_quantize rounds, so a
   * time written and read back is the same double. */
  *out = (double)((((long long)h * 60 + m) * 60 + s) * 1000 + ms) / 1000.0;
  return 0;

bad:
  return vs_error_set(VS_EINPUT, "bad clock '%s' (expected %s)", vs_quote(text, q, sizeof(q)),
                      vs_unit_expected(VS_UNIT_CLOCK));
}

static int parse_fraction(const char *text, const char *unit, size_t ulen, double v,
                          double *out)
{
  char q[VS_QUOTE_MAX + 8], qu[VS_QUOTE_MAX + 8];

  if (ulen == 1 && unit[0] == '%')
    v /= 100.0;
  else if (ulen != 0)
    return vs_error_set(VS_EINPUT, "bad unit '%s' in '%s' (expected %s)",
                        vs_quote(unit, qu, sizeof(qu)), vs_quote(text, q, sizeof(q)),
                        vs_unit_expected(VS_UNIT_FRACTION));
  if (v < 0.0 || v > 1.0)
    return vs_error_set(VS_EINPUT, "fraction '%s' is out of range (expected %s)",
                        vs_quote(text, q, sizeof(q)), vs_unit_expected(VS_UNIT_FRACTION));
  *out = v;
  return 0;
}

/* Number, optional blanks, unit. */
static int parse_quantity(const char *text, vs_unit_kind kind, double *out)
{
  char q[VS_QUOTE_MAX + 8], qu[VS_QUOTE_MAX + 8];
  const char *expected = vs_unit_expected(kind);
  const char *unit;
  size_t n, ulen;
  double v, scale;

  n = scan_number(text);
  if (n == 0)
    return vs_error_set(VS_EINPUT, "'%s' does not start with a number (expected %s)",
                        vs_quote(text, q, sizeof(q)), expected);
  if (convert_number(text, n, &v) < 0)
    return vs_error_set(VS_EINPUT, "number out of range in '%s' (expected %s)",
                        vs_quote(text, q, sizeof(q)), expected);
  unit = text + n;
  while (is_space(*unit))
    unit++;
  ulen = strlen(unit);

  if (kind == VS_UNIT_FRACTION)
    return parse_fraction(text, unit, ulen, v, out);
  /* Zero is zero in any unit: "cpu_work: 0" says what it means. */
  if (ulen == 0 && v == 0 && kind != VS_UNIT_CLOCK) {
    *out = 0;
    return 0;
  }
  if (ulen == 0)
    return vs_error_set(VS_EINPUT, "missing unit in '%s' (expected %s)",
                        vs_quote(text, q, sizeof(q)), expected);
  if (unit_scale(kind, unit, ulen, &scale) < 0)
    return vs_error_set(VS_EINPUT, "bad unit '%s' in '%s' (expected %s)",
                        vs_quote(unit, qu, sizeof(qu)), vs_quote(text, q, sizeof(q)), expected);
  v *= scale;
  /* "1e300TB" is a valid number and a valid unit but not a finite size. */
  if (!isfinite(v))
    return vs_error_set(VS_EINPUT, "number out of range in '%s' (expected %s)",
                        vs_quote(text, q, sizeof(q)), expected);
  *out = v;
  return 0;
}

/* Trims surrounding blanks into `buf`; a quoted YAML scalar may carry them. */
static int trim_copy(const char *text, char *buf, size_t len)
{
  size_t n;

  while (is_space(*text))
    text++;
  n = strlen(text);
  while (n > 0 && is_space(text[n - 1]))
    n--;
  if (n >= len)
    return -1;
  memcpy(buf, text, n);
  buf[n] = '\0';
  return 0;
}

int vs_unit_parse(const char *text, vs_unit_kind kind, double *out)
{
  char buf[256], q[VS_QUOTE_MAX + 8];
  long l;
  int error;

  if (!text || !out)
    return vs_error_set(VS_EINPUT, "no value given (expected %s)", vs_unit_expected(kind));
  if (trim_copy(text, buf, sizeof(buf)) < 0)
    return vs_error_set(VS_EINPUT, "value '%s' is too long (expected %s)",
                        vs_quote(text, q, sizeof(q)), vs_unit_expected(kind));
  if (buf[0] == '\0')
    return vs_error_set(VS_EINPUT, "empty value (expected %s)", vs_unit_expected(kind));

  switch (kind) {
  case VS_UNIT_CLOCK:
    return parse_clock(buf, out);
  case VS_UNIT_COUNT:
    if ((error = vs_parse_long(buf, &l)) < 0)
      return error;
    *out = (double)l;
    return 0;
  case VS_UNIT_REAL:
    return vs_parse_double(buf, out);
  default:
    return parse_quantity(buf, kind, out);
  }
}

double vs_clock_quantize(double seconds)
{
  return isfinite(seconds) && fabs(seconds) < 1e12 ? (double)llround(seconds * 1000.0) / 1000.0 : seconds;
}

const char *vs_clock_format_ms(double seconds, char *buf, unsigned long len)
{
  const char *sign = "";
  long long ms;
  if (!buf || len == 0)
    return buf;
  if (!isfinite(seconds) || fabs(seconds) >= 86400.0 * 365) {
    vs_clock_format(seconds, buf, len);
    return buf;
  }
  ms = llround(seconds * 1000.0);
  if (ms < 0) {
    sign = "-";
    ms = -ms;
  }
  if (ms >= 86400000LL)
    snprintf(buf, len, "%s%lldd %02lld:%02lld:%02lld.%03lld", *sign ? sign : "+", ms / 86400000LL,
             ms / 3600000 % 24, ms / 60000 % 60, ms / 1000 % 60, ms % 1000);
  else
    snprintf(buf, len, "%s%02lld:%02lld:%02lld.%03lld", sign, ms / 3600000, ms / 60000 % 60, ms / 1000 % 60,
             ms % 1000);
  return buf;
}

int vs_clock_parse_offset(const char *text, double *out)
{
  const char *p = text;
  int sign = 1;
  long long days = 0;
  if (*p == '-' || *p == '+') {
    sign = *p == '-' ? -1 : 1;
    p++;
  }
  /* "+1d 00:00:38.000": a schedule that runs past midnight. */
  const char *d = p;
  while (is_digit(*d) && d - p < 3)
    days = days * 10 + (*d++ - '0');
  if (d > p && *d == 'd' && d[1] == ' ')
    p = d + 2;
  else
    days = 0;
  double clock;
  if (parse_clock(p, &clock) != VS_OK)
    return vs_error_set(VS_EINPUT, "bad clock '%s' (expected a time such as 07:53:30.250, -00:05:00 before "
                                   "midnight or +1d 00:10:00 past it)",
                        text);
  /* Integer milliseconds again, so the value is the one that was written. */
  long long ms = llround(clock * 1000.0) + days * 86400000LL;
  *out = sign * (double)ms / 1000.0;
  return VS_OK;
}

const char *vs_clock_format(double seconds, char *buf, unsigned long len)
{
  const char *sign = "";
  long long t, days;

  if (!buf || len == 0)
    return buf;
  if (!isfinite(seconds) || fabs(seconds) > 1e15) {
    snprintf(buf, len, "--:--:--");
    return buf;
  }
  if (seconds < 0) {
    sign = "-";
    seconds = -seconds;
  }
  /* Round rather than truncate: 28799.9999 from a float sum is 08:00:00. */
  t = llround(seconds);
  days = t / 86400;
  t %= 86400;
  /* "-1d 02:00:00" reads better than "-+1d 02:00:00". */
  if (days > 0)
    snprintf(buf, len, "%s%lldd %02lld:%02lld:%02lld", *sign ? sign : "+", days, t / 3600,
             t / 60 % 60, t % 60);
  else
    snprintf(buf, len, "%s%02lld:%02lld:%02lld", sign, t / 3600, t / 60 % 60, t % 60);
  return buf;
}
