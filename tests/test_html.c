/* The report's building blocks without a simulation: HTML escaping, the
 * base64 of embedded figures, the Gaussian filter of the forecast figure,
 * the sweep.csv reader of the heat map. usage: test_html FIXTURES_DIR */
#define _GNU_SOURCE
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "core/error.h"
#include "report/figdata.h"
#include "report/html.h"

static void base64(void)
{
  /* RFC 4648, section 10. */
  static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
  static const char *const out[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
  for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
    vs_buf b = VS_BUF_INIT;
    CHECK(vs_html_base64(&b, in[i], strlen(in[i])) == VS_OK);
    CHECK_MSG(!strcmp(b.data ? b.data : "", out[i]), "base64('%s') = '%s'", in[i], b.data ? b.data : "");
    vs_buf_clear(&b);
  }
  unsigned char all[256];
  vs_buf b = VS_BUF_INIT;
  for (int i = 0; i < 256; i++)
    all[i] = (unsigned char)i;
  CHECK(vs_html_base64(&b, all, sizeof(all)) == VS_OK && b.len == 344);
  CHECK(b.data && !strncmp(b.data, "AAECAwQF", 8) && !strcmp(b.data + b.len - 8, "/P3+/w=="));
  vs_buf_clear(&b);
}

static void escaping(void)
{
  vs_html *h = NULL;
  char *page = NULL;
  size_t len = 0;
  CHECK(vs_html_create(&h, "<title & 'x'>") == VS_OK);
  CHECK(vs_html_text(h, "a<b>&\"c\"'d'") == VS_OK);
  CHECK(vs_html_textf(h, "[%s]", "<script>") == VS_OK);
  CHECK(vs_html_finish(h, &page, &len) == VS_OK);
  CHECK_STR_CONTAINS(page, "<title>&lt;title &amp; &#39;x&#39;&gt;</title>");
  CHECK_STR_CONTAINS(page, "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;[&lt;script&gt;]");
  CHECK(page && !strstr(page, "<script>]"));
  CHECK(page && len == strlen(page) && strstr(page, "</html>\n"));
  free(page);
  vs_html_free(h);
  /* A figure that cannot be read fails the page, naming the file. */
  CHECK(vs_html_create(&h, "t") == VS_OK);
  CHECK(vs_html_figure(h, "/no/such/figure.svg", "alt", "caption") != VS_OK);
  CHECK(vs_html_finish(h, &page, &len) != VS_OK);
  vs_html_free(h);
}

static void gaussian(void)
{
  double flat[50], out[50], impulse[41] = {0}, spread[41];
  for (int i = 0; i < 50; i++)
    flat[i] = 7;
  vs_figdata_gaussian(flat, 50, 3, out);
  for (int i = 0; i < 50; i++)
    CHECK_NEAR(out[i], 7, 1e-9); /* edges renormalised, not pulled to 0 */
  impulse[20] = 1;
  vs_figdata_gaussian(impulse, 41, 2, spread);
  double sum = 0;
  for (int i = 0; i < 41; i++)
    sum += spread[i];
  CHECK_NEAR(sum, 1, 1e-3);
  CHECK_NEAR(spread[20], 1 / (2 * sqrt(2 * M_PI)), 1e-3); /* the normal density's peak */
  CHECK_NEAR(spread[18], spread[22], 1e-12);
  CHECK(spread[20] > spread[22] && spread[22] > spread[24]);
  vs_figdata_gaussian(impulse, 41, 0, spread); /* sigma 0: unchanged */
  CHECK(spread[20] == 1 && spread[19] == 0);
}

static void sweep(const char *fixtures)
{
  char path[1024];
  vs_figdata_sweep s;
  snprintf(path, sizeof(path), "%s/sweep/sweep.csv", fixtures);
  CHECK(vs_figdata_sweep_read(path, &s) == VS_OK);
  CHECK(s.n_rows == 6 && s.n_x == 3 && s.n_y == 2);
  CHECK(s.x_key && !strcmp(s.x_key, "storage.hdds") && s.y_key && !strcmp(s.y_key, "storage.link_bw"));
  CHECK(s.value_key && !strcmp(s.value_key, "jit.makespan_s"));
  CHECK(s.n_x == 3 && !strcmp(s.x_vals[2], "14") && !strcmp(s.y_vals[1], "10Gbps"));
  CHECK(s.n_rows == 6 && s.xi[5] == 2 && s.yi[5] == 1);
  CHECK_NEAR(s.value[5], 300.7, 1e-9);
  vs_figdata_sweep_clear(&s);

  char tmp[] = "/tmp/vs-test-html-XXXXXX";
  int fd = mkstemp(tmp);
  FILE *f = fdopen(fd, "w");
  fputs("a,b,limit\n1,2,hdd\n", f); /* no threshold column */
  fclose(f);
  CHECK(vs_figdata_sweep_read(tmp, &s) == VS_EINPUT);
  CHECK_STR_CONTAINS(vs_error_last(), ":1: not a sweep.csv");
  f = fopen(tmp, "w");
  fputs("hdds,threshold,limit,jit.makespan_s\n6,6,hdd,fast\n", f);
  fclose(f);
  CHECK(vs_figdata_sweep_read(tmp, &s) == VS_EINPUT);
  CHECK_STR_CONTAINS(vs_error_last(), ":2: jit.makespan_s: 'fast' is not a number");
  unlink(tmp);
}

int main(int argc, char **argv)
{
  if (argc < 2) {
    fprintf(stderr, "usage: test_html FIXTURES_DIR\n");
    return 2;
  }
  base64();
  escaping();
  gaussian();
  sweep(argv[1]);
  return CHECK_DONE();
}
