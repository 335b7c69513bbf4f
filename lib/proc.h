/*
 * proc.h: figures about this process for the statistics developer tools
 * print (`caro model run`, tools/infer_run): time since it started and
 * peak resident memory.
 */
#ifndef CARO_PROC_H
#define CARO_PROC_H

#include "common.h"

/* Milliseconds since this process started (from /proc/self/stat on
 * Linux), or -1 when unknown. */
double proc_uptime_ms(void);
/* Peak resident set size in MB (getrusage). */
double proc_peak_rss_mb(void);

#endif
