/*
 * models.h: the models the local engine can use: a built-in catalog of
 * GGUF files that suit the job, the ones installed under
 * $XDG_DATA_HOME/caro/models/ (with a manifest), pulling them from Hugging
 * Face, and choosing the one a request runs on.
 *
 * The manifest (models/manifest.json) has one entry per installed file:
 * its name, file, source (hf:OWNER/REPO/FILE), size, sha256 and whether
 * that digest was verified against a published one. A catalog row may
 * lack a published sha256 or exact size (the catalog says so rather than
 * guess); such a pull records the digest it computed, marked unverified,
 * so later checks (`caro model info`) still detect a changed file.
 */
#ifndef CARO_MODELS_H
#define CARO_MODELS_H

#include "common.h"
#include "config.h"
#include "download.h"
#include "err.h"

/* A catalog row. */
struct models_entry {
	const char *name;      /* what `caro model pull NAME` takes */
	const char *repo;      /* Hugging Face OWNER/REPO */
	const char *file;      /* file in the repo */
	const char *quant;     /* Q8_0, Q4_K_M ... */
	uint64_t size;         /* exact bytes, 0 when not known */
	unsigned approx_mb;    /* for display when size is 0 */
	const char *sha256;    /* published digest, NULL when not known */
	const char *license;
	const char *summary;
	bool recommended;      /* what caro suggests pulling */
};

/* The catalog, in order of preference for the local engine. */
const struct models_entry *models_catalog(size_t *n);
/* A catalog row by name (case-insensitive) or file name; NULL if none. */
const struct models_entry *models_find(const char *name);
/* The recommended row. */
const struct models_entry *models_recommended(void);

/* An installed model (manifest entry). Strings are owned by the manifest. */
struct models_installed {
	char *name;
	char *file;            /* under the models directory */
	char *source;          /* "hf:OWNER/REPO/FILE" or "" */
	char *sha256;          /* "" when never computed */
	bool verified;
	uint64_t size;
	long long added;       /* Unix time */
};

struct models_manifest {
	struct models_installed *v;
	size_t n;
};

#define MODELS_MANIFEST_MAX (1u << 20) /* bytes */

/* $XDG_DATA_HOME/caro/models into out (not created). */
int models_dir(char *out, size_t cap, struct err *err);
/* Read dir/manifest.json into m (empty when absent). -1 with ERR_CORRUPT
 * for a damaged file (naming it), ERR_IO when unreadable. */
int models_manifest_load(const char *dir, struct models_manifest *m, struct err *err);
/* Write it atomically (temporary file, rename). */
int models_manifest_save(const char *dir, const struct models_manifest *m, struct err *err);
void models_manifest_release(struct models_manifest *m);
/* An entry by name or file name; NULL if none. */
struct models_installed *models_manifest_find(const struct models_manifest *m, const char *name);
/* Add or replace (by file) an entry; the strings are copied. */
void models_manifest_put(struct models_manifest *m, const struct models_installed *e);
/* Remove the entry for file; false when there was none. */
bool models_manifest_remove(struct models_manifest *m, const char *file);

/* What `pull` was asked for: a catalog name or hf:OWNER/REPO/PATH.gguf. */
struct models_spec {
	char name[128];        /* manifest name */
	char repo[160];
	char path[512];        /* file path in the repo */
	char file[256];        /* local file name (the path's last part) */
	const struct models_entry *entry; /* NULL for hf: specs */
};

/* Parse spec. -1 with ERR_NOTFOUND for an unknown name (the message lists
 * the catalog), ERR_USAGE for a malformed hf: spec (only [A-Za-z0-9._-]
 * in names, no "..", a .gguf file). */
int models_parse_spec(const char *spec, struct models_spec *out, struct err *err);

/* The download URL of spec: $HF_ENDPOINT (default https://huggingface.co)
 * /OWNER/REPO/resolve/main/PATH. */
void models_url(const struct models_spec *spec, char *out, size_t cap);

struct models_pull_opts {
	const struct config *cfg;  /* timeouts and retries */
	bool force;                /* download again when installed */
	void (*on_progress)(void *ud, uint64_t have, uint64_t total);
	void (*on_note)(void *ud, const char *msg);
	void *ud;
};

/* Download spec into the models directory (created as needed), check it,
 * and record it in the manifest; *out (may be NULL) gets the path. Sends
 * HF_TOKEN (or HUGGING_FACE_HUB_TOKEN) as a bearer token when set. Errors
 * as download_file(), plus ERR_USAGE when already installed without
 * force (the message says so). */
int models_pull(const struct models_spec *spec, const struct models_pull_opts *o,
		struct download_result *res, char *path, size_t cap, struct err *err);

/* Remove an installed model (by name or file): its file, any partial
 * download, its manifest entry. ERR_NOTFOUND when not installed. */
int models_remove(const char *name, char *removed, size_t cap, struct err *err);

/*
 * The model file the local engine should use: model.path (any GGUF file)
 * if set, else model.name if set (it must be installed), else the first
 * installed model in catalog order, else any installed model. Writes the
 * path into out. -1 with ERR_UNAVAILABLE and a message that says how to
 * get one (`caro model pull NAME`) when there is none, ERR_NOTFOUND when
 * the configured file or name is missing. Cheap: reads the manifest and
 * stats files, never opens a model.
 */
int models_resolve(const struct config *cfg, char *out, size_t cap, struct err *err);

#endif
