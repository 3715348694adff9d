#include "core/sysinfo.h"

#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

double vs_sysinfo_mem_available_B(void)
{
  double avail = -1;
  FILE *f = fopen("/proc/meminfo", "r");
  if (f) {
    char line[256];
    unsigned long long kb;
    while (fgets(line, sizeof(line), f))
      if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) {
        avail = (double)kb * 1024.0;
        break;
      }
    fclose(f);
  }
  if (avail < 0) {
    long pages = sysconf(_SC_AVPHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    avail = pages > 0 && size > 0 ? (double)pages * (double)size : 1e18;
  }
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && (double)rl.rlim_cur < avail)
    avail = (double)rl.rlim_cur;
  return avail;
}
