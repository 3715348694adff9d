/* What the machine offers a run (Linux). */
#ifndef VS_SYSINFO_H
#define VS_SYSINFO_H

/* Bytes of memory a new allocation can get: MemAvailable of /proc/meminfo,
 * or free physical pages where that is missing, capped by RLIMIT_AS. */
double vs_sysinfo_mem_available_B(void);

#endif
