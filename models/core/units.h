/* Quantities with explicit units, parsed once and stored in SI units.
 *
 *   bytes      "632MB" "1.5GiB" "4096B"         -> bytes (kB/MB/GB/TB are powers of 1000,
 *                                                   KiB/MiB/GiB/TiB powers of 1024)
 *   bandwidth  "125MB/s" "125MBps" "1Gbps"       -> bytes/s ("bps" = bits, "Bps" or "B/s" = bytes)
 *   duration   "58s" "100ms" "50us" "2min" "1h"  -> seconds
 *   speed      "3.6GHz" "2Gf"                    -> flops/s (one cycle = one flop)
 *   work       "40Gcycles" "40Gf"                -> flops
 *   per_byte   "100cycles/B" "100f/B"            -> flops per byte
 *   power      "30W" "1.2kW"                     -> watts
 *   fraction   "5%" "0.05"                       -> 0..1
 *   clock      "08:00" "07:53:30" "07:53:30.250" -> seconds since midnight (ms resolution)
 *   count      "10"                              -> integer
 *   real       "1.2"                             -> plain number
 * A number and its unit may be separated by spaces. */
#ifndef VS_UNITS_H
#define VS_UNITS_H

#include <stddef.h>

typedef enum {
  VS_UNIT_BYTES,
  VS_UNIT_BANDWIDTH,
  VS_UNIT_DURATION,
  VS_UNIT_SPEED,
  VS_UNIT_WORK,
  VS_UNIT_PER_BYTE,
  VS_UNIT_POWER,
  VS_UNIT_FRACTION,
  VS_UNIT_CLOCK,
  VS_UNIT_COUNT,
  VS_UNIT_REAL
} vs_unit_kind;

/* Parse `text` as a quantity of `kind` into *out (SI units). Returns 0, or
 * VS_EINPUT with vs_error_last() describing what was expected, e.g.
 * "bad unit 'MBs' (expected a bandwidth such as 125MB/s or 1Gbps)". */
int vs_unit_parse(const char *text, vs_unit_kind kind, double *out);

/* Strict integer parse (no trailing garbage, no overflow). */
int vs_parse_long(const char *text, long *out);
/* Strict floating-point parse (finite, no trailing garbage). */
int vs_parse_double(const char *text, double *out);

/* User text quoted in a message is cut to this many bytes. */
#define VS_QUOTE_MAX 40
/* Copy `text` into `buf` for quoting in a one-line message: control
 * characters become '?', text past VS_QUOTE_MAX bytes becomes "...". */
const char *vs_quote(const char *text, char *buf, size_t len);

/* Human description of a kind, for "expected ..." messages. */
const char *vs_unit_expected(vs_unit_kind kind);

/* Seconds rounded to whole milliseconds, the resolution of schedules. */
double vs_clock_quantize(double seconds);
/* "HH:MM:SS.mmm" (what schedule CSVs hold; read back exactly). `buf` needs 32 bytes. */
const char *vs_clock_format_ms(double seconds, char *buf, unsigned long len);
/* What vs_clock_format_ms writes, read back exactly: a clock with an
 * optional sign (before midnight) or "+Nd " (days after). */
int vs_clock_parse_offset(const char *text, double *out);
/* Format seconds since midnight as "HH:MM:SS" (days wrap past 24 h are shown
 * as "+1d HH:MM:SS"). `buf` needs 24 bytes. */
const char *vs_clock_format(double seconds, char *buf, unsigned long len);

#endif
