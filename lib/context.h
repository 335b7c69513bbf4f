/*
 * context.h: facts about the current directory for a model's prompt,
 * gathered within a strict time budget.
 *
 * A model asked "compress the logs" does better knowing that the
 * directory holds 40 .log files and a .git directory. The summary reads
 * directory entries only (readdir with d_type, no stat per file), stops
 * at a deadline or an entry cap, whichever comes first, and says when it
 * saw only part of the directory. Reading 100,000 entries would take
 * ~20-60 ms; the default budget (CONTEXT_BUDGET_MS) holds the cost of a
 * huge directory to a few ms (bench/context_bench measures it).
 */
#ifndef CARO_CONTEXT_H
#define CARO_CONTEXT_H

#include "buf.h"
#include "common.h"

#define CONTEXT_BUDGET_MS 4.0
#define CONTEXT_MAX_ENTRIES 20000

/* Append a one-line summary of dir to out, e.g.
 *   "12 .py, 3 .md, 1 other, 2 dirs; .git, Makefile"
 * or "" for an empty or unreadable directory. Reads at most max_entries
 * entries and stops once budget_ms have passed; a summary of part of the
 * directory ends with "(first N entries)". Returns the number of entries
 * read. */
size_t context_dir_summary(const char *dir, double budget_ms, size_t max_entries,
			   struct buf *out);

#endif
