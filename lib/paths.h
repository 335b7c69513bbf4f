/*
 * paths.h: where caro keeps its files, following the XDG base directories.
 *
 *   config  $XDG_CONFIG_HOME/caro  (~/.config/caro)       config.toml
 *   cache   $XDG_CACHE_HOME/caro   (~/.cache/caro)        caro.db, kv/, platform
 *   data    $XDG_DATA_HOME/caro    (~/.local/share/caro)  models/
 *
 * Relative XDG values are ignored, as the specification says.
 */
#ifndef CARO_PATHS_H
#define CARO_PATHS_H

#include "common.h"
#include "err.h"

enum paths_kind { PATHS_CONFIG, PATHS_CACHE, PATHS_DATA };

/* Write caro's directory of the given kind into out. -1 with ERR_IO when
 * neither the XDG variable nor $HOME is usable. Does not create it. */
int paths_dir(enum paths_kind kind, char *out, size_t cap, struct err *err);

/* mkdir -p with mode 0700 for directories it creates. */
int paths_mkdir_p(const char *dir, struct err *err);

#endif
