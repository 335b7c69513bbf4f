/*
 * config.h: caro's settings, from defaults, config.toml, CARO_* variables
 * and command-line options, in rising order of precedence.
 *
 * Every key is one row of a table (config.c): its name, type, allowed
 * values, environment variables and place in struct config. Adding a key
 * is one row plus a field. Each value remembers where it came from, which
 * `caro config show` prints.
 */
#ifndef CARO_CONFIG_H
#define CARO_CONFIG_H

#include "common.h"
#include "err.h"

enum config_source { CFG_DEFAULT, CFG_FILE, CFG_ENV, CFG_CLI };

struct config {
	char *backend;         /* auto|match|local|ollama|openai */
	char *output;          /* plain|json */
	char *platform;        /* auto|linux|macos|freebsd */
	char *shell;           /* ""=from $SHELL, sh|bash|zsh|fish */
	char *safety;          /* strict|moderate|permissive */
	long long candidates;  /* 1..10 */
	char *color;           /* auto|always|never */

	char *model_path;      /* [model] path: a local GGUF file */
	char *model_name;      /* [model] name: a catalog name */
	long long model_threads;
	long long model_context;
	long long model_lookup;  /* prompt-lookup draft length; 0: off */
	long long model_stall_timeout_ms; /* downloads: no data this long */

	char *ollama_host;
	char *ollama_model;
	double ollama_temperature;
	char *ollama_keep_alive;

	char *openai_base_url;
	char *openai_model;
	char *openai_api_key;  /* never logged or printed */
	double openai_temperature;

	long long http_connect_timeout_ms;
	long long http_timeout_ms;
	long long http_retries;

	long long cache_max_entries;
	long long cache_ttl_days; /* 0 = no expiry */
	bool history_enabled;

	char *init_key;        /* key binding for `caro init`, e.g. "\\C-g" */

	char *file;            /* the config file read, or the one that would be */
	bool file_exists;
	enum config_source src[64]; /* per key, indexed like the key table */
};

/* Fill cfg with defaults, then the file at path (NULL: the XDG default),
 * then the environment. A missing file is fine; an unreadable or malformed
 * one, or a bad value, is an error naming the file, line and key. Unknown
 * keys are warnings, passed to warn() with a "did you mean" when close. */
int config_load(struct config *cfg, const char *path, void (*warn)(const char *msg),
		struct err *err);
void config_release(struct config *cfg);

/* Set one key from a string, as the command line does (source CFG_CLI).
 * -1 with ERR_CONFIG naming the key and the allowed values when invalid,
 * ERR_NOTFOUND when there is no such key. */
int config_set_value(struct config *cfg, const char *key, const char *value,
		     enum config_source src, struct err *err);

/* Print a key's effective value into out as text (secrets masked unless
 * reveal). -1 with ERR_NOTFOUND for unknown keys. */
struct buf;
int config_format(const struct config *cfg, const char *key, bool reveal, struct buf *out,
		  struct err *err);

/* Iterate over keys: returns the name of key i, or NULL past the end. */
const char *config_key_name(size_t i);
const char *config_key_help(size_t i);
const char *config_key_env(size_t i);
enum config_source config_key_source(const struct config *cfg, size_t i);
const char *config_source_name(enum config_source s);

/* Write key = value into the config file, creating it (and its directory)
 * when needed, replacing an existing value in place and keeping every
 * other line and comment. The value is validated first. */
int config_write_value(const char *path, const char *key, const char *value, struct err *err);

#endif
