/* Tests of models/units.c: every kind, exact SI values, and rejections. */
#include "check.h"

#include "core/error.h"
#include "core/units.h"

#include <limits.h>

typedef struct {
  const char *text;
  vs_unit_kind kind;
  double want;
} good_case;

typedef struct {
  const char *text;
  vs_unit_kind kind;
  const char *fragment; /* the message must contain this */
} bad_case;

static const good_case good[] = {
  /* bytes */
  {"632MB", VS_UNIT_BYTES, 632e6},
  {"632 MB", VS_UNIT_BYTES, 632e6},
  {"4096B", VS_UNIT_BYTES, 4096},
  {"1kB", VS_UNIT_BYTES, 1000},
  {"1KB", VS_UNIT_BYTES, 1000},
  {"2GB", VS_UNIT_BYTES, 2e9},
  {"3TB", VS_UNIT_BYTES, 3e12},
  {"1KiB", VS_UNIT_BYTES, 1024},
  {"1MiB", VS_UNIT_BYTES, 1048576},
  {"1GiB", VS_UNIT_BYTES, 1073741824.0},
  {"1.5GiB", VS_UNIT_BYTES, 1610612736.0},
  {"1TiB", VS_UNIT_BYTES, 1099511627776.0},
  {"0.5 kB", VS_UNIT_BYTES, 500},
  {"1e3B", VS_UNIT_BYTES, 1000},
  {"-5MB", VS_UNIT_BYTES, -5e6}, /* sign is the caller's business */
  {" 7B ", VS_UNIT_BYTES, 7},
  /* bandwidth */
  {"1Gbps", VS_UNIT_BANDWIDTH, 125e6},
  {"125MBps", VS_UNIT_BANDWIDTH, 125e6},
  {"125MB/s", VS_UNIT_BANDWIDTH, 125e6},
  {"125 MB/s", VS_UNIT_BANDWIDTH, 125e6},
  {"10Gbps", VS_UNIT_BANDWIDTH, 1.25e9},
  {"100Mbps", VS_UNIT_BANDWIDTH, 12.5e6},
  {"8kbps", VS_UNIT_BANDWIDTH, 1000},
  {"8bps", VS_UNIT_BANDWIDTH, 1},
  {"1KB/s", VS_UNIT_BANDWIDTH, 1000},
  {"1kB/s", VS_UNIT_BANDWIDTH, 1000},
  {"1GiB/s", VS_UNIT_BANDWIDTH, 1073741824.0},
  {"2MiBps", VS_UNIT_BANDWIDTH, 2097152.0},
  {"1B/s", VS_UNIT_BANDWIDTH, 1},
  {"1Gb/s", VS_UNIT_BANDWIDTH, 125e6},
  /* duration */
  {"58s", VS_UNIT_DURATION, 58},
  {"100ms", VS_UNIT_DURATION, 0.1},
  {"50us", VS_UNIT_DURATION, 5e-5},
  {"2min", VS_UNIT_DURATION, 120},
  {"1h", VS_UNIT_DURATION, 3600},
  {"1.5 h", VS_UNIT_DURATION, 5400},
  {"0s", VS_UNIT_DURATION, 0},
  /* speed */
  {"3.6GHz", VS_UNIT_SPEED, 3.6e9},
  {"2Gf", VS_UNIT_SPEED, 2e9},
  {"1Hz", VS_UNIT_SPEED, 1},
  {"5kHz", VS_UNIT_SPEED, 5e3},
  {"5MHz", VS_UNIT_SPEED, 5e6},
  {"7f", VS_UNIT_SPEED, 7},
  {"7kf", VS_UNIT_SPEED, 7e3},
  {"7Mf", VS_UNIT_SPEED, 7e6},
  {"1Tf", VS_UNIT_SPEED, 1e12},
  /* work */
  {"40Gcycles", VS_UNIT_WORK, 40e9},
  {"40Gf", VS_UNIT_WORK, 40e9},
  {"12cycles", VS_UNIT_WORK, 12},
  {"3kcycles", VS_UNIT_WORK, 3e3},
  {"3Mcycles", VS_UNIT_WORK, 3e6},
  {"2Tcycles", VS_UNIT_WORK, 2e12},
  {"9 Mf", VS_UNIT_WORK, 9e6},
  /* per byte */
  {"100cycles/B", VS_UNIT_PER_BYTE, 100},
  {"100f/B", VS_UNIT_PER_BYTE, 100},
  {"2kcycles/B", VS_UNIT_PER_BYTE, 2000},
  {"0.5 Mf/B", VS_UNIT_PER_BYTE, 5e5},
  /* fraction */
  {"5%", VS_UNIT_FRACTION, 0.05},
  {"5 %", VS_UNIT_FRACTION, 0.05},
  {"0.05", VS_UNIT_FRACTION, 0.05},
  {"0", VS_UNIT_FRACTION, 0},
  {"1", VS_UNIT_FRACTION, 1},
  {"100%", VS_UNIT_FRACTION, 1},
  /* clock */
  {"08:00", VS_UNIT_CLOCK, 28800},
  {"8:00", VS_UNIT_CLOCK, 28800},
  {"07:53:30", VS_UNIT_CLOCK, 28410},
  {"00:00", VS_UNIT_CLOCK, 0},
  {"23:59:59", VS_UNIT_CLOCK, 86399},
  {"24:00", VS_UNIT_CLOCK, 86400},
  {"24:00:00", VS_UNIT_CLOCK, 86400},
  /* count and real */
  {"10", VS_UNIT_COUNT, 10},
  {"0", VS_UNIT_COUNT, 0},
  {"-3", VS_UNIT_COUNT, -3},
  {"1.2", VS_UNIT_REAL, 1.2},
  {"-0.5", VS_UNIT_REAL, -0.5},
  {"2e3", VS_UNIT_REAL, 2000},
  {".5", VS_UNIT_REAL, 0.5},
  /* zero needs no unit */
  {"0", VS_UNIT_WORK, 0},
  {"0", VS_UNIT_PER_BYTE, 0},
  {"0.0", VS_UNIT_SPEED, 0},
};

static const bad_case bad[] = {
  /* the message example from the brief */
  {"125MBs", VS_UNIT_BANDWIDTH,
   "bad unit 'MBs' in '125MBs' (expected a bandwidth such as 125MB/s or 1Gbps)"},
  {"", VS_UNIT_BYTES, "empty value"},
  {"   ", VS_UNIT_DURATION, "empty value"},
  {"MB", VS_UNIT_BYTES, "does not start with a number"},
  {"632", VS_UNIT_BYTES, "missing unit in '632'"},
  {"58", VS_UNIT_DURATION, "missing unit in '58' (expected a duration"},
  {"3.6", VS_UNIT_SPEED, "missing unit"},
  {"40", VS_UNIT_WORK, "missing unit"},
  {"100", VS_UNIT_PER_BYTE, "missing unit"},
  {"1", VS_UNIT_BANDWIDTH, "missing unit"},
  {"0", VS_UNIT_CLOCK, "expected"},
  {"632mb", VS_UNIT_BYTES, "bad unit 'mb'"},
  {"632MBx", VS_UNIT_BYTES, "bad unit 'MBx'"},
  {"1Gbps", VS_UNIT_BYTES, "bad unit 'Gbps'"},
  {"1GB", VS_UNIT_BANDWIDTH, "bad unit 'GB'"},
  {"1gbps", VS_UNIT_BANDWIDTH, "bad unit 'gbps'"},
  {"1GBs", VS_UNIT_BANDWIDTH, "bad unit"},
  {"1/s", VS_UNIT_BANDWIDTH, "bad unit"},
  {"1ps", VS_UNIT_BANDWIDTH, "bad unit"},
  {"5 S", VS_UNIT_DURATION, "bad unit 'S'"},
  {"5sec", VS_UNIT_DURATION, "bad unit 'sec'"},
  {"5m", VS_UNIT_DURATION, "bad unit 'm'"},
  {"3.6ghz", VS_UNIT_SPEED, "bad unit 'ghz'"},
  {"3.6Gcycles", VS_UNIT_SPEED, "bad unit 'Gcycles'"},
  {"40GHz", VS_UNIT_WORK, "bad unit 'GHz'"},
  {"40Gcycle", VS_UNIT_WORK, "bad unit"},
  {"100cycles", VS_UNIT_PER_BYTE, "bad unit 'cycles'"},
  {"100cycles/b", VS_UNIT_PER_BYTE, "bad unit"},
  {"1e400B", VS_UNIT_BYTES, "out of range"},
  {"1e-400s", VS_UNIT_DURATION, "out of range"},
  {"1e300TB", VS_UNIT_BYTES, "out of range"},
  {"nan", VS_UNIT_REAL, "not a number"},
  {"NaN", VS_UNIT_BYTES, "does not start with a number"},
  {"inf", VS_UNIT_REAL, "not a number"},
  {"infB", VS_UNIT_BYTES, "does not start with a number"},
  {"0x10", VS_UNIT_REAL, "not a number"},
  {"0x10B", VS_UNIT_BYTES, "bad unit 'x10B'"},
  {"1.2.3", VS_UNIT_REAL, "not a number"},
  {"1.2x", VS_UNIT_REAL, "not a number"},
  {"1e400", VS_UNIT_REAL, "out of range"},
  {"--1", VS_UNIT_REAL, "not a number"},
  {"1 2 MB", VS_UNIT_BYTES, "bad unit '2 MB'"},
  {"150%", VS_UNIT_FRACTION, "fraction '150%' is out of range"},
  {"1.5", VS_UNIT_FRACTION, "out of range"},
  {"-0.1", VS_UNIT_FRACTION, "out of range"},
  {"5pc", VS_UNIT_FRACTION, "bad unit 'pc'"},
  {"25:00", VS_UNIT_CLOCK, "bad clock '25:00' (expected a time of day"},
  {"24:01", VS_UNIT_CLOCK, "bad clock"},
  {"24:00:01", VS_UNIT_CLOCK, "bad clock"},
  {"08:60", VS_UNIT_CLOCK, "bad clock"},
  {"08:00:60", VS_UNIT_CLOCK, "bad clock"},
  {"8", VS_UNIT_CLOCK, "bad clock"},
  {"8:0", VS_UNIT_CLOCK, "bad clock"},
  {"008:00", VS_UNIT_CLOCK, "bad clock"},
  {"08:00:", VS_UNIT_CLOCK, "bad clock"},
  {"08:00am", VS_UNIT_CLOCK, "bad clock"},
  {"-1:00", VS_UNIT_CLOCK, "bad clock"},
  {"1.5", VS_UNIT_COUNT, "not an integer"},
  {"10 VMs", VS_UNIT_COUNT, "not an integer"},
  {"1e3", VS_UNIT_COUNT, "not an integer"},
  {"+", VS_UNIT_COUNT, "not an integer"},
  {"99999999999999999999999", VS_UNIT_COUNT, "out of range"},
};

static void test_good(void)
{
  size_t i;

  for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
    double v = -12345.0;
    int rc = vs_unit_parse(good[i].text, good[i].kind, &v);
    CHECK_MSG(rc == 0, "'%s' rejected: %s", good[i].text, vs_error_last());
    /* Relative tolerance: SI values are exact up to rounding of the decimal. */
    CHECK_MSG(fabs(v - good[i].want) <= 1e-12 * fabs(good[i].want), "'%s' -> %.17g, want %.17g",
              good[i].text, v, good[i].want);
  }
}

static void test_bad(void)
{
  size_t i;

  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    double v = 42.0;
    int rc;
    vs_error_clear();
    rc = vs_unit_parse(bad[i].text, bad[i].kind, &v);
    CHECK_MSG(rc == VS_EINPUT, "'%s' accepted as %g", bad[i].text, v);
    CHECK_MSG(v == 42.0, "'%s' wrote %g on failure", bad[i].text, v);
    CHECK_STR_CONTAINS(vs_error_last(), bad[i].fragment);
    CHECK_MSG(strchr(vs_error_last(), '\n') == NULL, "multi-line message for '%s'", bad[i].text);
  }
}

static void test_messages(void)
{
  double v;

  /* Every kind names what it expected. */
  CHECK(vs_unit_parse("x", VS_UNIT_DURATION, &v) == VS_EINPUT);
  CHECK_STR_CONTAINS(vs_error_last(), "(expected a duration such as");
  CHECK(vs_unit_parse("x", VS_UNIT_SPEED, &v) == VS_EINPUT);
  CHECK_STR_CONTAINS(vs_error_last(), "expected a speed");
  CHECK(vs_unit_parse("1", VS_UNIT_WORK, &v) == VS_EINPUT);
  CHECK_STR_CONTAINS(vs_error_last(), "expected an amount of work");
  CHECK(vs_unit_parse("1", VS_UNIT_PER_BYTE, &v) == VS_EINPUT);
  CHECK_STR_CONTAINS(vs_error_last(), "cycles/B");
  CHECK(vs_unit_parse("1", VS_UNIT_BYTES, &v) == VS_EINPUT);
  CHECK_STR_CONTAINS(vs_error_last(), "expected a size such as 632MB");
  CHECK(vs_unit_parse(NULL, VS_UNIT_BYTES, &v) == VS_EINPUT);

  /* Control characters never reach the message; long text is cut. */
  CHECK(vs_unit_parse("5\nMB", VS_UNIT_BYTES, &v) == VS_EINPUT);
  CHECK(strchr(vs_error_last(), '\n') == NULL);
  CHECK(vs_unit_parse("1 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", VS_UNIT_BYTES,
                      &v) == VS_EINPUT);
  CHECK_STR_CONTAINS(vs_error_last(), "...");
  CHECK(strlen(vs_error_last()) < 200);

  CHECK(strlen(vs_unit_expected(VS_UNIT_CLOCK)) > 0);
  CHECK(strstr(vs_unit_expected(VS_UNIT_BANDWIDTH), "1Gbps") != NULL);
}

static void test_parse_long_double(void)
{
  long l = 0;
  double d = 0;

  CHECK(vs_parse_long("42", &l) == 0 && l == 42);
  CHECK(vs_parse_long("-7", &l) == 0 && l == -7);
  CHECK(vs_parse_long("+7", &l) == 0 && l == 7);
  l = 5;
  CHECK(vs_parse_long(" 42", &l) == VS_EINPUT && l == 5);
  CHECK(vs_parse_long("42 ", &l) == VS_EINPUT);
  CHECK(vs_parse_long("4x", &l) == VS_EINPUT);
  CHECK(vs_parse_long("", &l) == VS_EINPUT);
  CHECK(vs_parse_long("-", &l) == VS_EINPUT);
  CHECK(vs_parse_long("0x10", &l) == VS_EINPUT);
  CHECK(vs_parse_long("9223372036854775807", &l) == 0 && l == LONG_MAX);
  CHECK(vs_parse_long("9223372036854775808", &l) == VS_EINPUT);
  CHECK_STR_CONTAINS(vs_error_last(), "out of range");
  CHECK(vs_parse_long("-9223372036854775809", &l) == VS_EINPUT);

  CHECK(vs_parse_double("1.25", &d) == 0 && d == 1.25);
  CHECK(vs_parse_double("-1e-3", &d) == 0 && d == -1e-3);
  CHECK(vs_parse_double("1.", &d) == 0 && d == 1.0);
  d = 3;
  CHECK(vs_parse_double("inf", &d) == VS_EINPUT && d == 3);
  CHECK(vs_parse_double("-inf", &d) == VS_EINPUT);
  CHECK(vs_parse_double("nan", &d) == VS_EINPUT);
  CHECK(vs_parse_double("1e400", &d) == VS_EINPUT);
  CHECK(vs_parse_double("-1e400", &d) == VS_EINPUT);
  CHECK(vs_parse_double("1e", &d) == VS_EINPUT);
  CHECK(vs_parse_double(".", &d) == VS_EINPUT);
  CHECK(vs_parse_double("", &d) == VS_EINPUT);
  CHECK(vs_parse_double(" 1", &d) == VS_EINPUT);
  CHECK(vs_parse_double("1 ", &d) == VS_EINPUT);
  /* Longer than any sane number: refused, not truncated. */
  CHECK(vs_parse_double("1.00000000000000000000000000000000000000000000000000000000000000000001",
                        &d) == VS_EINPUT);
}

static void test_clock_format(void)
{
  char buf[24];

  CHECK(strcmp(vs_clock_format(28800, buf, sizeof(buf)), "08:00:00") == 0);
  CHECK(strcmp(vs_clock_format(28410, buf, sizeof(buf)), "07:53:30") == 0);
  CHECK(strcmp(vs_clock_format(0, buf, sizeof(buf)), "00:00:00") == 0);
  CHECK(strcmp(vs_clock_format(86399, buf, sizeof(buf)), "23:59:59") == 0);
  CHECK(strcmp(vs_clock_format(28799.9999, buf, sizeof(buf)), "08:00:00") == 0);
  CHECK(strcmp(vs_clock_format(86400, buf, sizeof(buf)), "+1d 00:00:00") == 0);
  CHECK(strcmp(vs_clock_format(86400 * 2 + 3661, buf, sizeof(buf)), "+2d 01:01:01") == 0);
  CHECK(strcmp(vs_clock_format(-300, buf, sizeof(buf)), "-00:05:00") == 0);
  CHECK(strcmp(vs_clock_format(-86400 - 60, buf, sizeof(buf)), "-1d 00:01:00") == 0);
  CHECK(strcmp(vs_clock_format(NAN, buf, sizeof(buf)), "--:--:--") == 0);
  CHECK(strcmp(vs_clock_format(INFINITY, buf, sizeof(buf)), "--:--:--") == 0);
  /* Round trip with the parser. */
  {
    double s;
    CHECK(vs_unit_parse("07:53:30", VS_UNIT_CLOCK, &s) == 0);
    CHECK(strcmp(vs_clock_format(s, buf, sizeof(buf)), "07:53:30") == 0);
  }
  /* The largest value the function formats still fits the documented 24 bytes. */
  CHECK(strlen(vs_clock_format(-9.9e14, buf, sizeof(buf))) < sizeof(buf) - 1);
  CHECK(strchr(buf, 'd') != NULL);
  /* A short buffer is truncated, never overrun. */
  {
    char small[5] = "zzzz";
    vs_clock_format(28800, small, 4);
    CHECK(strcmp(small, "08:") == 0);
  }
}

int main(void)
{
  test_good();
  test_bad();
  test_messages();
  test_parse_long_double();
  test_clock_format();
  return CHECK_DONE();
}
