/* Civil dates, the Korean lunisolar calendar and South Korean holidays.
 * Method, range and verification: docs/CALENDAR.md. */
#include "demand/calendar.h"

#include "core/error.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#ifndef M_PI /* not in strict ISO C */
#define M_PI 3.14159265358979323846
#endif
#define DEG (M_PI / 180.0)

/* JD of 1970-01-01T00:00 UT: day numbers and Julian Days differ by this. */
#define JD_UNIX_EPOCH 2440587.5
#define J2000 2451545.0

/* ======================================================================
 * Civil dates
 * ====================================================================== */

int vs_cal_is_leap_year(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int vs_cal_days_in_month(int y, int m)
{
  static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12)
    return 0;
  return len[m - 1] + (m == 2 && vs_cal_is_leap_year(y));
}

int vs_cal_date_valid(vs_date d)
{
  return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
         d.day <= vs_cal_days_in_month(d.year, d.month);
}

/* H. Hinnant's days_from_civil: counts in 400-year eras starting on March 1st
 * so that the leap day is the last day of a year and needs no special case. */
int64_t vs_cal_days_from_civil(vs_date d)
{
  int64_t y = (int64_t)d.year - (d.month <= 2);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;                                            /* [0, 399] */
  int64_t doy = (153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1; /* [0, 365] */
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                    /* [0, 146096] */
  return era * 146097 + doe - 719468;
}

vs_date vs_cal_civil_from_days(int64_t z)
{
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  vs_date d;
  d.day = (int)(doy - (153 * mp + 2) / 5 + 1);
  d.month = (int)(mp < 10 ? mp + 3 : mp - 9);
  d.year = (int)(yoe + era * 400 + (d.month <= 2));
  return d;
}

vs_date vs_cal_add_days(vs_date d, int64_t n)
{
  return vs_cal_civil_from_days(vs_cal_days_from_civil(d) + n);
}

static int weekday_of_days(int64_t days)
{
  /* 1970-01-01 was a Thursday (3 with Monday = 0). */
  int64_t w = (days + 3) % 7;
  return (int)(w < 0 ? w + 7 : w);
}

int vs_cal_weekday(vs_date d) { return weekday_of_days(vs_cal_days_from_civil(d)); }

static int parse_digits(const char *s, int n, int *out)
{
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 0;
}

int vs_cal_parse_date(const char *text, vs_date *out)
{
  static const char *month_names[12] = {"January", "February", "March",     "April",
                                        "May",     "June",     "July",      "August",
                                        "September", "October", "November", "December"};
  vs_date d;
  if (!text)
    return vs_error_set(VS_EINPUT, "bad date: none given (expected YYYY-MM-DD)");
  /* Check the shape before the values so that "2023-1-05" or "2023-01-05x"
   * are rejected as malformed rather than half-parsed. */
  if (strlen(text) != 10 || text[4] != '-' || text[7] != '-' ||
      parse_digits(text, 4, &d.year) || parse_digits(text + 5, 2, &d.month) ||
      parse_digits(text + 8, 2, &d.day))
    return vs_error_set(VS_EINPUT, "bad date '%.40s' (expected YYYY-MM-DD, e.g. 2023-09-29)",
                        text);
  if (d.year < 1)
    return vs_error_set(VS_EINPUT, "bad date '%s': year must be 0001..9999", text);
  if (d.month < 1 || d.month > 12)
    return vs_error_set(VS_EINPUT, "bad date '%s': month must be 01..12", text);
  int dim = vs_cal_days_in_month(d.year, d.month);
  if (d.day < 1 || d.day > dim)
    return vs_error_set(VS_EINPUT, "bad date '%s': %s %d has %d days", text,
                        month_names[d.month - 1], d.year, dim);
  if (out)
    *out = d;
  return VS_OK;
}

int vs_cal_format_date(vs_date d, char *buf, size_t size)
{
  if (!vs_cal_date_valid(d))
    return vs_error_set(VS_EINPUT, "cannot format invalid date %d-%d-%d", d.year, d.month,
                        d.day);
  if (!buf || size < 11)
    return vs_error_set(VS_EINPUT, "date buffer too small (%zu bytes, need 11)", size);
  snprintf(buf, size, "%04d-%02d-%02d", d.year, d.month, d.day);
  return VS_OK;
}

/* ======================================================================
 * Astronomy
 *
 * Accuracy needed: a lunar month starts on the KST day of a new moon, so an
 * error matters only when a new moon (or a principal solar term near a month
 * boundary) falls within that error of midnight KST. The series below give
 * new moons to ~10-20 s (Meeus ch. 49) and the solar longitude to ~1"
 * (~25 s of time); the margins actually met over the supported range are
 * listed in docs/CALENDAR.md.
 * ====================================================================== */

/* ΔT = TT - UT (s) at January 1st of 1985..2025 (IERS/USNO observed values,
 * rounded to 0.01 s; they equal 32.184 s + TAI-UTC - (UT1-UTC)). */
static const double delta_t_table[] = {
    54.34, 54.87, 55.32, 55.82, 56.30, 56.86, 57.57, 58.31, 59.12, 59.98, /* 1985-1994 */
    60.78, 61.63, 62.29, 62.97, 63.47, 63.83, 64.09, 64.30, 64.47, 64.57, /* 1995-2004 */
    64.69, 64.85, 65.15, 65.46, 65.78, 66.07, 66.32, 66.60, 66.91, 67.28, /* 2005-2014 */
    67.64, 68.10, 68.59, 68.97, 69.22, 69.36, 69.36, 69.29, 69.20, 69.18, /* 2015-2024 */
    69.14                                                                  /* 2025 */
};
#define DT_FIRST 1985
#define DT_LAST 2025

/* Espenak & Meeus (2006) polynomials, used only for their slope outside the
 * table so that the curve stays continuous at the table's ends. */
static double dt_poly_after(double y)
{
  double t = y - 2000.0;
  return 62.92 + 0.32217 * t + 0.005589 * t * t;
}

static double dt_poly_before(double y)
{
  double t = y - 1975.0;
  return 45.45 + 1.067 * t - t * t / 260.0 - t * t * t / 718.0;
}

double vs_cal_delta_t(double year)
{
  if (year >= DT_LAST)
    return delta_t_table[DT_LAST - DT_FIRST] + dt_poly_after(year) - dt_poly_after(DT_LAST);
  if (year < DT_FIRST)
    return delta_t_table[0] + dt_poly_before(year) - dt_poly_before(DT_FIRST);
  int i = (int)floor(year) - DT_FIRST;
  double f = year - floor(year);
  return delta_t_table[i] + f * (delta_t_table[i + 1] - delta_t_table[i]);
}

int64_t vs_cal_kst_day(double jde)
{
  double year = 2000.0 + (jde - J2000) / 365.25;
  double jd_ut = jde - vs_cal_delta_t(year) / 86400.0;
  /* The Korean calendar has used the 135°E meridian (UTC+9) since 1961-08-10. */
  return (int64_t)floor(jd_ut + 9.0 / 24.0 - JD_UNIX_EPOCH);
}

/* Meeus, Astronomical Algorithms (2nd ed.), ch. 49: mean new moon plus the
 * periodic and planetary corrections. */
double vs_cal_new_moon_jde(int k_int)
{
  double k = k_int;
  double T = k / 1236.85, T2 = T * T, T3 = T2 * T, T4 = T3 * T;
  double jde = 2451550.09766 + 29.530588861 * k + 0.00015437 * T2 - 0.000000150 * T3 +
               0.00000000073 * T4;
  double E = 1.0 - 0.002516 * T - 0.0000074 * T2;
  double M = (2.5534 + 29.10535670 * k - 0.0000014 * T2 - 0.00000011 * T3) * DEG;
  double Mp = (201.5643 + 385.81693528 * k + 0.0107582 * T2 + 0.00001238 * T3 -
               0.000000058 * T4) * DEG;
  double F = (160.7108 + 390.67050284 * k - 0.0016118 * T2 - 0.00000227 * T3 +
              0.000000011 * T4) * DEG;
  double Om = (124.7746 - 1.56375588 * k + 0.0020672 * T2 + 0.00000215 * T3) * DEG;

  double c = -0.40720 * sin(Mp) + 0.17241 * E * sin(M) + 0.01608 * sin(2 * Mp) +
             0.01039 * sin(2 * F) + 0.00739 * E * sin(Mp - M) - 0.00514 * E * sin(Mp + M) +
             0.00208 * E * E * sin(2 * M) - 0.00111 * sin(Mp - 2 * F) -
             0.00057 * sin(Mp + 2 * F) + 0.00056 * E * sin(2 * Mp + M) - 0.00042 * sin(3 * Mp) +
             0.00042 * E * sin(M + 2 * F) + 0.00038 * E * sin(M - 2 * F) -
             0.00024 * E * sin(2 * Mp - M) - 0.00017 * sin(Om) - 0.00007 * sin(Mp + 2 * M) +
             0.00004 * sin(2 * Mp - 2 * F) + 0.00004 * sin(3 * M) +
             0.00003 * sin(Mp + M - 2 * F) + 0.00003 * sin(2 * Mp + 2 * F) -
             0.00003 * sin(Mp + M + 2 * F) + 0.00003 * sin(Mp - M + 2 * F) -
             0.00002 * sin(Mp - M - 2 * F) - 0.00002 * sin(3 * Mp + M) + 0.00002 * sin(4 * Mp);

  static const double a0[14] = {299.77, 251.88, 251.83, 349.42, 84.66,  141.74, 207.14,
                                154.84, 34.52,  207.19, 291.34, 161.72, 239.56, 331.55};
  static const double a1[14] = {0.107408,  0.016321,  26.651886, 36.412478, 18.206239,
                                53.303771, 2.453732,  7.306860,  27.261239, 0.121824,
                                1.844379,  24.198154, 25.513099, 3.592518};
  static const double amp[14] = {0.000325, 0.000165, 0.000164, 0.000126, 0.000110,
                                 0.000062, 0.000060, 0.000056, 0.000047, 0.000042,
                                 0.000040, 0.000037, 0.000035, 0.000023};
  double w = 0.0;
  for (int i = 0; i < 14; i++) {
    double a = a0[i] + a1[i] * k;
    if (i == 0)
      a -= 0.009173 * T2;
    w += amp[i] * sin(a * DEG);
  }
  return jde + c + w;
}

/* VSOP87D heliocentric longitude of the Earth, truncated as in Meeus
 * Appendix III: A (1e-8 rad), B (rad), C (rad per Julian millennium). */
typedef struct {
  double a, b, c;
} vsop_term;

static const vsop_term vsop_l0[] = {
    {175347046, 0, 0},          {3341656, 4.6692568, 6283.0758500},
    {34894, 4.62610, 12566.15170}, {3497, 2.7441, 5753.3849},
    {3418, 2.8289, 3.5231},     {3136, 3.6277, 77713.7715},
    {2676, 4.4181, 7860.4194},  {2343, 6.1352, 3930.2097},
    {1324, 0.7425, 11506.7698}, {1273, 2.0371, 529.6910},
    {1199, 1.1096, 1577.3435},  {990, 5.233, 5884.927},
    {902, 2.045, 26.298},       {857, 3.508, 398.149},
    {780, 1.179, 5223.694},     {753, 2.533, 5507.553},
    {505, 4.583, 18849.228},    {492, 4.205, 775.523},
    {357, 2.920, 0.067},        {317, 5.849, 11790.629},
    {284, 1.899, 796.298},      {271, 0.315, 10977.079},
    {243, 0.345, 5486.778},     {206, 4.806, 2544.314},
    {205, 1.869, 5573.143},     {202, 2.458, 6069.777},
    {156, 0.833, 213.299},      {132, 3.411, 2942.463},
    {126, 1.083, 20.775},       {115, 0.645, 0.980},
    {103, 0.636, 4694.003},     {102, 0.976, 15720.839},
    {102, 4.267, 7.114},        {99, 6.21, 2146.17},
    {98, 0.68, 155.42},         {86, 5.98, 161000.69},
    {85, 1.30, 6275.96},        {85, 3.67, 71430.70},
    {80, 1.81, 17260.15},       {79, 3.04, 12036.46},
    {75, 1.76, 5088.63},        {74, 3.50, 3154.69},
    {74, 4.68, 801.82},         {70, 0.83, 9437.76},
    {62, 3.98, 8827.39},        {61, 1.82, 7084.90},
    {57, 2.78, 6286.60},        {56, 4.39, 14143.50},
    {56, 3.47, 6279.55},        {52, 0.19, 12139.55},
    {52, 1.33, 1748.02},        {51, 0.28, 5856.48},
    {49, 0.49, 1194.45},        {41, 5.37, 8429.24},
    {41, 2.40, 19651.05},       {39, 6.17, 10447.39},
    {37, 6.04, 10213.29},       {37, 2.57, 1059.38},
    {36, 1.71, 2352.87},        {36, 1.78, 6812.77},
    {33, 0.59, 17789.85},       {30, 0.44, 83996.85},
    {30, 2.74, 1349.87},        {25, 3.16, 4690.48},
};
static const vsop_term vsop_l1[] = {
    {628331966747.0, 0, 0},    {206059, 2.678235, 6283.075850},
    {4303, 2.6351, 12566.1517}, {425, 1.590, 3.523},
    {119, 5.796, 26.298},      {109, 2.966, 1577.344},
    {93, 2.59, 18849.23},      {72, 1.14, 529.69},
    {68, 1.87, 398.15},        {67, 4.41, 5507.55},
    {59, 2.89, 5223.69},       {56, 2.17, 155.42},
    {45, 0.40, 796.30},        {36, 0.47, 775.52},
    {29, 2.65, 7.11},          {21, 5.34, 0.98},
    {19, 1.85, 5486.78},       {19, 4.97, 213.30},
    {17, 2.99, 6275.96},       {16, 0.03, 2544.31},
    {16, 1.43, 2146.17},       {15, 1.21, 10977.08},
    {12, 2.83, 1748.02},       {12, 3.26, 5088.63},
    {12, 5.27, 1194.45},       {12, 2.08, 4694.00},
    {11, 0.77, 553.57},        {10, 1.30, 6286.60},
    {10, 4.24, 1349.87},       {9, 2.70, 242.73},
    {9, 5.64, 951.72},         {8, 5.30, 2352.87},
    {6, 2.65, 9437.76},        {6, 4.67, 4690.48},
};
static const vsop_term vsop_l2[] = {
    {52919, 0, 0},          {8720, 1.0721, 6283.0758}, {309, 0.867, 12566.152},
    {27, 0.05, 3.52},       {16, 5.19, 26.30},         {16, 3.68, 155.42},
    {10, 0.76, 18849.23},   {9, 2.06, 77713.77},       {7, 0.83, 775.52},
    {5, 4.66, 1577.34},     {4, 1.03, 7.11},           {4, 3.44, 5573.14},
    {3, 5.14, 796.30},      {3, 6.05, 5507.55},        {3, 1.19, 242.73},
    {3, 6.12, 529.69},      {3, 0.31, 398.15},         {3, 2.28, 553.57},
    {2, 4.38, 5223.69},     {2, 3.75, 0.98},
};
static const vsop_term vsop_l3[] = {
    {289, 5.844, 6283.076}, {35, 0, 0},          {17, 5.49, 12566.15}, {3, 5.20, 155.42},
    {1, 4.72, 3.52},        {1, 5.30, 18849.23}, {1, 5.97, 242.73},
};
static const vsop_term vsop_l4[] = {{114, 3.142, 0}, {8, 4.13, 6283.08}, {1, 3.84, 12566.15}};
static const vsop_term vsop_l5[] = {{1, 3.14, 0}};
/* Radius vector: only needed for the aberration (20.5"/R), so a few terms
 * (error < 1e-5 AU, i.e. < 0.0002") suffice. */
static const vsop_term vsop_r0[] = {
    {100013989, 0, 0},       {1670700, 3.0984635, 6283.0758500}, {13956, 3.05525, 12566.15170},
    {3084, 5.1985, 77713.7715}, {1628, 1.1739, 5753.3849},      {1576, 2.8469, 7860.4194},
};
static const vsop_term vsop_r1[] = {{103019, 1.107490, 6283.075850}, {1721, 1.0644, 12566.1517}};

#define NTERMS(a) (sizeof(a) / sizeof((a)[0]))

static double vsop_sum(const vsop_term *t, size_t n, double tau)
{
  double s = 0.0;
  for (size_t i = 0; i < n; i++)
    s += t[i].a * cos(t[i].b + t[i].c * tau);
  return s;
}

double vs_cal_sun_longitude(double jde)
{
  double tau = (jde - J2000) / 365250.0; /* Julian millennia */
  double T = tau * 10.0;                 /* Julian centuries */
  double l = (vsop_sum(vsop_l0, NTERMS(vsop_l0), tau) +
              tau * (vsop_sum(vsop_l1, NTERMS(vsop_l1), tau) +
                     tau * (vsop_sum(vsop_l2, NTERMS(vsop_l2), tau) +
                            tau * (vsop_sum(vsop_l3, NTERMS(vsop_l3), tau) +
                                   tau * (vsop_sum(vsop_l4, NTERMS(vsop_l4), tau) +
                                          tau * vsop_sum(vsop_l5, NTERMS(vsop_l5), tau)))))) *
             1e-8;
  double r = (vsop_sum(vsop_r0, NTERMS(vsop_r0), tau) +
              tau * vsop_sum(vsop_r1, NTERMS(vsop_r1), tau)) *
             1e-8;
  /* Geocentric = heliocentric + 180°, then VSOP87 -> FK5 (-0.09033"). */
  double lambda = l / DEG + 180.0 - 0.09033 / 3600.0;
  /* Nutation in longitude, Meeus ch. 22 short series (0.5"). */
  double om = (125.04452 - 1934.136261 * T) * DEG;
  double ls = (280.4665 + 36000.7698 * T) * DEG;
  double lm = (218.3165 + 481267.8813 * T) * DEG;
  double dpsi = -17.20 * sin(om) - 1.32 * sin(2 * ls) - 0.23 * sin(2 * lm) + 0.21 * sin(2 * om);
  /* Annual aberration. */
  double aberr = -20.4898 / r;
  lambda += (dpsi + aberr) / 3600.0;
  lambda = fmod(lambda, 360.0);
  return lambda < 0 ? lambda + 360.0 : lambda;
}

double vs_cal_sun_longitude_jde(double lambda_deg, double jde)
{
  /* The Sun moves 0.953..1.019°/day; stepping with the mean rate converges
   * geometrically (factor ~0.03 per step) to the root nearest `jde`. */
  for (int i = 0; i < 30; i++) {
    double d = remainder(lambda_deg - vs_cal_sun_longitude(jde), 360.0);
    jde += d * (365.2422 / 360.0);
    if (fabs(d) < 1e-9)
      break;
  }
  return jde;
}

/* ======================================================================
 * The Korean lunisolar calendar
 *
 * Rules (those of the Chinese calendar since 1645, applied at UTC+9):
 *   - a month begins on the KST day of a new moon;
 *   - the month containing the winter solstice (solar longitude 270°) is
 *     month 11;
 *   - if 13 months separate one month 11 from the next, the first of them
 *     that contains no principal term (longitude a multiple of 30°) is
 *     intercalary and repeats the number of the month before it.
 * ====================================================================== */

typedef struct {
  int32_t start; /* days since 1970-01-01 of day 1 */
  int16_t year;
  int8_t month;
  int8_t leap;
} lunar_month;

/* Solstice-to-solstice years ("sui") 1988..2050 cover lunar years
 * 1989..2050 completely, hence every solar date of 1990..2050. */
#define SUI_FIRST 1988
#define SUI_LAST 2050
#define N_SOLSTICES (SUI_LAST - SUI_FIRST + 2)
#define N_TERMS (12 * (N_SOLSTICES - 1) + 1)
#define MAX_MOONS (13 * (SUI_LAST - SUI_FIRST + 1) + 4)

static struct {
  lunar_month m[MAX_MOONS + 1];
  int n; /* months in m; m[n].start is the end of the last one */
  int32_t first_day, last_day; /* supported solar range, days since 1970 */
  int err;
} lunar_table;
static pthread_once_t lunar_once = PTHREAD_ONCE_INIT;

/* Index of the last element of sorted `a[0..n)` that is <= x, or -1. */
static int last_le(const int32_t *a, int n, int32_t x)
{
  int lo = 0, hi = n; /* answer in [lo-1, hi-1] */
  while (lo < hi) {
    int mid = lo + (hi - lo) / 2;
    if (a[mid] <= x)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo - 1;
}

static void lunar_table_build(void)
{
  static int32_t term_day[N_TERMS];    /* principal terms from solstice SUI_FIRST */
  static int32_t moon_day[MAX_MOONS + 2];
  lunar_table.first_day = (int32_t)vs_cal_days_from_civil((vs_date){VS_CAL_FIRST_YEAR, 1, 1});
  lunar_table.last_day = (int32_t)vs_cal_days_from_civil((vs_date){VS_CAL_LAST_YEAR, 12, 31});

  /* Principal terms every 30° starting with the winter solstice of
   * SUI_FIRST; every 12th is a solstice. */
  double jde = vs_cal_days_from_civil((vs_date){SUI_FIRST, 12, 21}) + JD_UNIX_EPOCH;
  for (int i = 0; i < N_TERMS; i++) {
    jde = vs_cal_sun_longitude_jde(fmod(270.0 + 30.0 * i, 360.0), jde);
    term_day[i] = (int32_t)vs_cal_kst_day(jde);
    jde += 30.44;
  }

  /* New moons from the one before the first solstice to the one after the
   * last solstice. */
  int k = (int)floor((term_day[0] + JD_UNIX_EPOCH - 2451550.09766) / 29.530588861) - 1;
  int n_moons = 0;
  while (n_moons < MAX_MOONS + 2) {
    int32_t d = (int32_t)vs_cal_kst_day(vs_cal_new_moon_jde(k++));
    moon_day[n_moons++] = d;
    if (d > term_day[N_TERMS - 1])
      break;
  }
  if (moon_day[0] > term_day[0] || moon_day[n_moons - 1] <= term_day[N_TERMS - 1]) {
    lunar_table.err = 1;
    return;
  }

  int n = 0;
  for (int y = SUI_FIRST; y <= SUI_LAST; y++) {
    int s = y - SUI_FIRST;
    int i0 = last_le(moon_day, n_moons, term_day[12 * s]);      /* month 11 of y */
    int i1 = last_le(moon_day, n_moons, term_day[12 * (s + 1)]); /* month 11 of y+1 */
    int months = i1 - i0;
    int leap_j = -1;
    if (months == 13) {
      for (int j = 1; j < 13 && leap_j < 0; j++) {
        /* Does [moon_day[i0+j], moon_day[i0+j+1]) contain a principal term? */
        int t = last_le(term_day, N_TERMS, moon_day[i0 + j + 1] - 1);
        if (t < 0 || term_day[t] < moon_day[i0 + j])
          leap_j = j;
      }
      if (leap_j < 0) {
        lunar_table.err = 1;
        return;
      }
    } else if (months != 12) {
      lunar_table.err = 1;
      return;
    }
    int month = 11, passed_new_year = 0;
    for (int j = 0; j < months; j++) {
      int leap = j == leap_j;
      if (j > 0 && !leap)
        month = month % 12 + 1;
      if (month == 1)
        passed_new_year = 1;
      int32_t len = moon_day[i0 + j + 1] - moon_day[i0 + j];
      if (n >= MAX_MOONS || (len != 29 && len != 30)) {
        lunar_table.err = 1;
        return;
      }
      lunar_table.m[n].start = moon_day[i0 + j];
      lunar_table.m[n].year = (int16_t)(passed_new_year ? y + 1 : y);
      lunar_table.m[n].month = (int8_t)month;
      lunar_table.m[n].leap = (int8_t)leap;
      n++;
    }
    if (y == SUI_LAST)
      lunar_table.m[n].start = moon_day[i1]; /* sentinel: end of the last month */
  }
  lunar_table.n = n;
}

static int lunar_table_get(void)
{
  pthread_once(&lunar_once, lunar_table_build);
  if (lunar_table.err)
    return vs_error_set(VS_ERROR, "internal error: the lunar calendar table is inconsistent");
  return VS_OK;
}

static int out_of_range(const char *what, vs_date d)
{
  return vs_error_set(VS_EINPUT, "%s %04d-%02d-%02d is outside the supported range %d-01-01..%d-12-31",
                      what, d.year, d.month, d.day, VS_CAL_FIRST_YEAR, VS_CAL_LAST_YEAR);
}

static int check_solar(vs_date d, const char *what)
{
  if (!vs_cal_date_valid(d))
    return vs_error_set(VS_EINPUT, "invalid date %d-%d-%d", d.year, d.month, d.day);
  if (d.year < VS_CAL_FIRST_YEAR || d.year > VS_CAL_LAST_YEAR)
    return out_of_range(what, d);
  return VS_OK;
}

/* Index of the month containing day number `day` (must be inside the table). */
static int month_index_of_day(int32_t day)
{
  int lo = 0, hi = lunar_table.n;
  while (lo < hi) {
    int mid = lo + (hi - lo) / 2;
    if (lunar_table.m[mid].start <= day)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo - 1;
}

int vs_cal_to_lunar(vs_date d, vs_lunar_date *out)
{
  int rc;
  if ((rc = check_solar(d, "date")) < 0 || (rc = lunar_table_get()) < 0)
    return rc;
  int32_t day = (int32_t)vs_cal_days_from_civil(d);
  int i = month_index_of_day(day);
  if (out) {
    out->year = lunar_table.m[i].year;
    out->month = lunar_table.m[i].month;
    out->leap = lunar_table.m[i].leap;
    out->day = day - lunar_table.m[i].start + 1;
  }
  return VS_OK;
}

/* Index of lunar month (year, month, leap) or -1. Months are stored in
 * increasing (year, month, leap) order, so a binary search works. */
static int month_index_of(int year, int month, int leap)
{
  long key = ((long)year * 16 + month) * 2 + leap;
  int lo = 0, hi = lunar_table.n - 1;
  while (lo <= hi) {
    int mid = lo + (hi - lo) / 2;
    const lunar_month *m = &lunar_table.m[mid];
    long k = ((long)m->year * 16 + m->month) * 2 + m->leap;
    if (k == key)
      return mid;
    if (k < key)
      lo = mid + 1;
    else
      hi = mid - 1;
  }
  return -1;
}

static int month_length(int i) { return lunar_table.m[i + 1].start - lunar_table.m[i].start; }

/* Whether any day of month i is inside the supported solar range. */
static int month_in_range(int i)
{
  return lunar_table.m[i].start <= lunar_table.last_day &&
         lunar_table.m[i + 1].start > lunar_table.first_day;
}

int vs_cal_from_lunar(vs_lunar_date l, vs_date *out)
{
  int rc;
  if ((rc = lunar_table_get()) < 0)
    return rc;
  if (l.month < 1 || l.month > 12 || l.day < 1 || l.day > 30 || (l.leap != 0 && l.leap != 1))
    return vs_error_set(VS_EINPUT, "invalid lunar date %d-%d-%d%s", l.year, l.month, l.day,
                        l.leap ? " (leap)" : "");
  int i = month_index_of(l.year, l.month, l.leap);
  if (i < 0 || !month_in_range(i)) {
    int regular = l.leap ? month_index_of(l.year, l.month, 0) : -1;
    if (i < 0 && regular >= 0 && month_in_range(regular))
      return vs_error_set(VS_EINPUT, "lunar year %d has no leap month %d", l.year, l.month);
    return vs_error_set(VS_EINPUT, "lunar date %d-%02d-%02d%s is outside the supported range",
                        l.year, l.month, l.day, l.leap ? " (leap)" : "");
  }
  if (l.day > month_length(i))
    return vs_error_set(VS_EINPUT, "lunar %smonth %d of %d has only %d days", l.leap ? "leap " : "",
                        l.month, l.year, month_length(i));
  int64_t day = lunar_table.m[i].start + (l.day - 1);
  if (day < lunar_table.first_day || day > lunar_table.last_day)
    return vs_error_set(VS_EINPUT, "lunar date %d-%02d-%02d%s is outside the supported range",
                        l.year, l.month, l.day, l.leap ? " (leap)" : "");
  if (out)
    *out = vs_cal_civil_from_days(day);
  return VS_OK;
}

int vs_cal_lunar_leap_month(int year)
{
  int rc;
  if ((rc = lunar_table_get()) < 0)
    return rc;
  int any = 0;
  for (int i = 0; i < lunar_table.n; i++) {
    if (lunar_table.m[i].year != year || !month_in_range(i))
      continue;
    any = 1;
    if (lunar_table.m[i].leap)
      return lunar_table.m[i].month;
  }
  if (!any)
    return vs_error_set(VS_EINPUT, "lunar year %d is outside the supported range", year);
  return 0;
}

int vs_cal_lunar_month_days(int year, int month, int leap)
{
  int rc;
  if ((rc = lunar_table_get()) < 0)
    return rc;
  int i = month_index_of(year, month, leap ? 1 : 0);
  if (i < 0 || !month_in_range(i))
    return vs_error_set(VS_EINPUT, "lunar %smonth %d of %d does not exist in the supported range",
                        leap ? "leap " : "", month, year);
  return month_length(i);
}

/* ======================================================================
 * South Korean public holidays
 *
 * Source of the rules: 관공서의 공휴일에 관한 규정 (Regulations on Holidays of
 * Government Offices) and, from 2022, 공휴일에 관한 법률, as amended:
 *   - 1990..1998 New Year is two days (1/1-1/2), one day from 1999;
 *   - Armed Forces Day (10/1) and Hangul Day (10/9) stop being holidays
 *     after 1990; Hangul Day is one again from 2013;
 *   - Arbor Day (4/5) is a holiday until 2005, Constitution Day (7/17)
 *     until 2007 and again from 2026 (2025/26 amendment);
 *   - substitute holidays (대체공휴일): none before 2014; from 2014 for a
 *     Seollal/Chuseok day on a Sunday or on another holiday and for
 *     Children's Day on a weekend or another holiday; from 2021 (Liberation
 *     Day 2021 was the first) also for 3/1, 8/15, 10/3, 10/9, and from 2023
 *     (Buddha's Birthday 2023 first) for Buddha's Birthday and Christmas.
 *     Each such date yields one substitute: the next day that is not a
 *     Saturday, Sunday, holiday or earlier substitute. Designated one-off
 *     days are ignored here (so the result does not depend on the caller's
 *     include_designated choice; no substitute 1990..2025 lands on one).
 * ====================================================================== */

enum { SUB_NONE, SUB_SUNDAY_OR_OVERLAP, SUB_WEEKEND_OR_OVERLAP };

typedef struct {
  int64_t day;
  vs_holiday h;
  const char *sub_name; /* name of the substitute it may trigger */
  int sub_rule;
} hol_entry;

/* At most ~21 statutory entries, one substitute per triggering date and a
 * few designated days: 64 is ample. */
#define MAX_HOLIDAYS 64

static void hol_add(hol_entry *e, int *n, int64_t day, const char *name, vs_holiday_kind kind,
                    int rule, const char *sub_name)
{
  hol_entry *x = &e[(*n)++];
  x->day = day;
  x->h.date = vs_cal_civil_from_days(day);
  x->h.name = name;
  x->h.kind = kind;
  x->sub_rule = rule;
  x->sub_name = sub_name;
}

static int hol_count_on(const hol_entry *e, int n, int64_t day)
{
  int c = 0;
  for (int i = 0; i < n; i++)
    c += e[i].day == day;
  return c;
}

typedef struct {
  int y, m, d;
  const char *name;
} designated_day;

/* Election days (a public holiday by law, but irregular) and temporary
 * public holidays proclaimed by the government, 1990..2025. */
static const designated_day designated_days[] = {
    {1991, 3, 26, "Local election day"},
    {1991, 6, 20, "Local election day"},
    {1992, 3, 24, "National Assembly election day"},
    {1992, 12, 18, "Presidential election day"},
    {1995, 6, 27, "Local election day"},
    {1996, 4, 11, "National Assembly election day"},
    {1997, 12, 18, "Presidential election day"},
    {1998, 6, 4, "Local election day"},
    {2000, 4, 13, "National Assembly election day"},
    {2002, 6, 13, "Local election day"},
    {2002, 7, 1, "Temporary holiday (World Cup)"},
    {2002, 12, 19, "Presidential election day"},
    {2004, 4, 15, "National Assembly election day"},
    {2006, 5, 31, "Local election day"},
    {2007, 12, 19, "Presidential election day"},
    {2008, 4, 9, "National Assembly election day"},
    {2010, 6, 2, "Local election day"},
    {2012, 4, 11, "National Assembly election day"},
    {2012, 12, 19, "Presidential election day"},
    {2014, 6, 4, "Local election day"},
    {2015, 8, 14, "Temporary holiday"},
    {2016, 4, 13, "National Assembly election day"},
    {2016, 5, 6, "Temporary holiday"},
    {2017, 5, 9, "Presidential election day"},
    {2017, 10, 2, "Temporary holiday"},
    {2018, 6, 13, "Local election day"},
    {2020, 4, 15, "National Assembly election day"},
    {2020, 8, 17, "Temporary holiday"},
    {2022, 3, 9, "Presidential election day"},
    {2022, 6, 1, "Local election day"},
    {2023, 10, 2, "Temporary holiday"},
    {2024, 4, 10, "National Assembly election day"},
    {2024, 10, 1, "Temporary holiday (Armed Forces Day)"},
    {2025, 1, 27, "Temporary holiday"},
    {2025, 6, 3, "Presidential election day"},
};

static int64_t days_of(int y, int m, int d) { return vs_cal_days_from_civil((vs_date){y, m, d}); }

static int lunar_day_of(int y, int m, int d, int64_t *out)
{
  vs_date s;
  int rc = vs_cal_from_lunar((vs_lunar_date){y, m, d, 0}, &s);
  if (rc < 0)
    return rc;
  *out = vs_cal_days_from_civil(s);
  return VS_OK;
}

/* Regular holidays of `year` (statutory + substitutes), unsorted, fixed
 * ones first. Returns the count or a negative error. */
static int hol_build_year(int year, hol_entry *e)
{
  int n = 0, rc;
  int64_t seollal, buddha, chuseok;
  if ((rc = lunar_day_of(year, 1, 1, &seollal)) < 0 ||
      (rc = lunar_day_of(year, 4, 8, &buddha)) < 0 ||
      (rc = lunar_day_of(year, 8, 15, &chuseok)) < 0)
    return rc;
  const int r_block = year >= 2014 ? SUB_SUNDAY_OR_OVERLAP : SUB_NONE;
  const int r_child = year >= 2014 ? SUB_WEEKEND_OR_OVERLAP : SUB_NONE;
  const int r_national = year >= 2021 ? SUB_WEEKEND_OR_OVERLAP : SUB_NONE;
  const int r_2023 = year >= 2023 ? SUB_WEEKEND_OR_OVERLAP : SUB_NONE;
  const vs_holiday_kind F = VS_HOLIDAY_FIXED, L = VS_HOLIDAY_LUNAR;

  hol_add(e, &n, days_of(year, 1, 1), "New Year's Day", F, SUB_NONE, NULL);
  if (year <= 1998)
    hol_add(e, &n, days_of(year, 1, 2), "New Year holiday", F, SUB_NONE, NULL);
  hol_add(e, &n, days_of(year, 3, 1), "Independence Movement Day", F, r_national,
          "Substitute holiday (Independence Movement Day)");
  if (year <= 2005)
    hol_add(e, &n, days_of(year, 4, 5), "Arbor Day", F, SUB_NONE, NULL);
  hol_add(e, &n, days_of(year, 5, 5), "Children's Day", F, r_child,
          "Substitute holiday (Children's Day)");
  hol_add(e, &n, days_of(year, 6, 6), "Memorial Day", F, SUB_NONE, NULL);
  if (year <= 2007 || year >= 2026)
    hol_add(e, &n, days_of(year, 7, 17), "Constitution Day", F, SUB_NONE, NULL);
  hol_add(e, &n, days_of(year, 8, 15), "Liberation Day", F, r_national,
          "Substitute holiday (Liberation Day)");
  if (year <= 1990)
    hol_add(e, &n, days_of(year, 10, 1), "Armed Forces Day", F, SUB_NONE, NULL);
  hol_add(e, &n, days_of(year, 10, 3), "National Foundation Day", F, r_national,
          "Substitute holiday (National Foundation Day)");
  if (year <= 1990 || year >= 2013)
    hol_add(e, &n, days_of(year, 10, 9), "Hangul Day", F, r_national,
            "Substitute holiday (Hangul Day)");
  hol_add(e, &n, days_of(year, 12, 25), "Christmas Day", F, r_2023,
          "Substitute holiday (Christmas Day)");

  hol_add(e, &n, seollal - 1, "Seollal (day before)", L, r_block, "Substitute holiday (Seollal)");
  hol_add(e, &n, seollal, "Seollal", L, r_block, "Substitute holiday (Seollal)");
  hol_add(e, &n, seollal + 1, "Seollal (day after)", L, r_block, "Substitute holiday (Seollal)");
  hol_add(e, &n, buddha, "Buddha's Birthday", L, r_2023, "Substitute holiday (Buddha's Birthday)");
  hol_add(e, &n, chuseok - 1, "Chuseok (day before)", L, r_block, "Substitute holiday (Chuseok)");
  hol_add(e, &n, chuseok, "Chuseok", L, r_block, "Substitute holiday (Chuseok)");
  hol_add(e, &n, chuseok + 1, "Chuseok (day after)", L, r_block, "Substitute holiday (Chuseok)");

  /* Substitutes, in date order of the day that triggers them. */
  int n_base = n;
  int64_t done[MAX_HOLIDAYS];
  int n_done = 0;
  for (;;) {
    int best = -1;
    for (int i = 0; i < n_base; i++) {
      const hol_entry *x = &e[i];
      if (x->sub_rule == SUB_NONE)
        continue;
      int wd = weekday_of_days(x->day);
      int trig = hol_count_on(e, n_base, x->day) > 1 ||
                 (x->sub_rule == SUB_SUNDAY_OR_OVERLAP ? wd == 6 : wd >= 5);
      int seen = 0;
      for (int j = 0; j < n_done; j++)
        seen |= done[j] == x->day;
      if (trig && !seen && (best < 0 || x->day < e[best].day))
        best = i;
    }
    if (best < 0)
      break;
    done[n_done++] = e[best].day;
    int64_t s = e[best].day + 1;
    while (weekday_of_days(s) >= 5 || hol_count_on(e, n, s) > 0)
      s++;
    hol_add(e, &n, s, e[best].sub_name, VS_HOLIDAY_SUBSTITUTE, SUB_NONE, NULL);
  }
  return n;
}

static int hol_add_designated(int year, hol_entry *e, int n)
{
  for (size_t i = 0; i < NTERMS(designated_days); i++)
    if (designated_days[i].y == year)
      hol_add(e, &n, days_of(year, designated_days[i].m, designated_days[i].d),
              designated_days[i].name, VS_HOLIDAY_DESIGNATED, SUB_NONE, NULL);
  return n;
}

/* Stable insertion sort by date: ties keep fixed-before-lunar order. */
static void hol_sort(hol_entry *e, int n)
{
  for (int i = 1; i < n; i++) {
    hol_entry x = e[i];
    int j = i - 1;
    while (j >= 0 && e[j].day > x.day) {
      e[j + 1] = e[j];
      j--;
    }
    e[j + 1] = x;
  }
}

int vs_cal_kr_holidays(int year, int include_designated, vs_holiday *out, size_t cap)
{
  hol_entry e[MAX_HOLIDAYS];
  if (year < VS_CAL_FIRST_YEAR || year > VS_CAL_LAST_YEAR)
    return vs_error_set(VS_EINPUT, "year %d is outside the supported range %d..%d", year,
                        VS_CAL_FIRST_YEAR, VS_CAL_LAST_YEAR);
  int n = hol_build_year(year, e);
  if (n < 0)
    return n;
  if (include_designated)
    n = hol_add_designated(year, e, n);
  hol_sort(e, n);
  for (int i = 0; i < n && (size_t)i < cap; i++)
    out[i] = e[i].h;
  return n;
}

int vs_cal_kr_holiday(vs_date d, const char **name)
{
  hol_entry e[MAX_HOLIDAYS];
  int rc;
  if (name)
    *name = NULL;
  if ((rc = check_solar(d, "date")) < 0)
    return rc;
  int n = hol_build_year(d.year, e);
  if (n < 0)
    return n;
  hol_sort(e, n);
  int64_t day = vs_cal_days_from_civil(d);
  for (int i = 0; i < n; i++)
    if (e[i].day == day) {
      if (name)
        *name = e[i].h.name;
      return 1;
    }
  return 0;
}

int vs_cal_kr_designated_holiday(vs_date d, const char **name)
{
  int rc;
  if (name)
    *name = NULL;
  if ((rc = check_solar(d, "date")) < 0)
    return rc;
  for (size_t i = 0; i < NTERMS(designated_days); i++)
    if (designated_days[i].y == d.year && designated_days[i].m == d.month &&
        designated_days[i].d == d.day) {
      if (name)
        *name = designated_days[i].name;
      return 1;
    }
  return 0;
}

int vs_cal_is_workday_kr(vs_date d, int include_designated)
{
  int rc;
  if ((rc = vs_cal_kr_holiday(d, NULL)) < 0)
    return rc;
  if (rc == 1 || vs_cal_weekday(d) >= 5)
    return 0;
  if (include_designated && vs_cal_kr_designated_holiday(d, NULL) == 1)
    return 0;
  return 1;
}
