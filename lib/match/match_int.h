/*
 * match_int.h: what the pattern engine's files share (not for callers).
 *
 * One request flows through four stages, each in its own file:
 *   match_text.c    tokenise, fold phrases and synonyms, fix typos, read
 *                   number words, classify tokens (paths, files, hosts...)
 *   match_slots.c   extract typed slots (sizes, times, counts, users,
 *                   extensions, places...) that do not depend on the intent
 *   match.c         score every intent whose trigger words are present,
 *                   filling its roles from slots and leftover words
 *   match_tmpl.c    render the winner's template for the target userland
 * The lexicon (synonyms, phrases, file types) is in match_lex.c and the
 * intents in match_intents.c; both are static data, indexed at build time
 * (match_build.c, run by tools/match_gen.c).
 */
#ifndef CARO_MATCH_INT_H
#define CARO_MATCH_INT_H

#include "buf.h"
#include "match.h"

#define MT_MAX_TOKS 48    /* longer requests are not one command: decline */
#define MT_MAX_WORD 200   /* longer tokens are not words or names */
#define MT_ARENA 8192
#define MT_MAX_SLOTS 24
#define MT_VAL 256

/* Token kinds, decided from the token's shape alone. */
enum tk {
	TK_WORD,   /* letters first: list, nginx, hotfix-42, JAVA_HOME */
	TK_NUM,    /* 4821 */
	TK_DEC,    /* 17.5 */
	TK_SIZE,   /* 250k 1.5G 50MB */
	TK_PATH,   /* /etc ~/x ./src src/app.py feature/login */
	TK_FILE,   /* app.log .DS_Store data.csv.gz */
	TK_EXT,    /* .py */
	TK_HOST,   /* example.com db.internal */
	TK_IP,     /* 10.0.0.5 */
	TK_URL,    /* https://x git@github.com:a/b.git */
	TK_AT,     /* deploy@web1 pi@1.2.3.4:~/f express@4.18.2 */
	TK_QUOTED, /* 'wip login form' */
	TK_GLOB,   /* *.txt */
	TK_OPT,    /* -h */
	TK_MODE,   /* u+x g-w a+rX */
	TK_PAIR,   /* 8080:80 db.internal:5432 */
	TK_RANGE,  /* 1-1024 */
	TK_REF,    /* HEAD~3 */
	TK_DATE,   /* 2025-12-25 */
	TK_SYM,    /* * + = and other lone symbols */
};

/* Cue: the preposition that governs a token (the nearest one before it,
 * across articles and possessives). Roles such as dest and src use it. */
enum cue { CUE_NONE, CUE_IN, CUE_TO, CUE_FROM, CUE_ON, CUE_AS, CUE_BY, CUE_FOR, CUE_WITH, CUE_OF,
	   CUE_AT, CUE_INTO, CUE_THROUGH };

struct mtok {
	char *raw;      /* as typed, edge punctuation removed (arena) */
	char *low;      /* canonical lower-case form after folding (arena) */
	int w;          /* vocabulary id of low, -1 when unknown */
	uint8_t kind;   /* enum tk */
	uint8_t cue;    /* enum cue */
	bool stop;      /* filler: carries no meaning of its own */
	bool fixed;     /* low is a typo correction of raw */
	bool paren;     /* QUOTED from "(...)": restates the words before it */
	bool phrase;    /* several words folded into one ("the word"): never a value;
			 * a PATH said in words ("syslog" for /var/log/syslog) */
	bool plural;    /* a plural folded to its singular ("contexts"): said of many */
	bool dir;       /* a folder said by name ("downloads", "home", "here"): no file */
	int8_t slot;    /* slot that took this token, -1 */
	double num;     /* NUM, DEC, SIZE (bytes) */
};

/* Typed slots found before scoring. */
enum sl {
	SL_SIZE_MIN, SL_SIZE_MAX, SL_TIME, SL_EXT, SL_NAME, SL_EXCLUDE, SL_USER, SL_GROUP,
	SL_PORT, SL_PID, SL_COUNT, SL_PLACE, SL_SIGNAL, SL_INTERVAL, SL_DATE, SL_LINE,
	SL_NOUN, SL_FTYPE, SL_PERM, SL__COUNT
};

/* Time filters, as find and friends understand them. */
enum tkind {
	TM_MIN,     /* n minutes */
	TM_DAY,     /* n days */
	TM_TODAY,
	TM_YESTERDAY,
	TM_WEEKDAY, /* since <weekday>: n = 0 (sunday) .. 6 */
};

struct mslot {
	uint8_t type;    /* enum sl */
	uint8_t sub;     /* SL_NOUN: the noun's index; SL_TIME: enum tkind */
	int8_t cmp;      /* SL_TIME: -1 newer than (within), +1 older than,
			  * -2 a point that long ago, +2 that long from now */
	bool ahead;      /* SL_TIME: "in 3 days", within them to find, but
			  * a point ahead to date arithmetic */
	int tok[4];      /* tokens it consumed */
	int ntok;
	double num;      /* sizes in bytes, counts, minutes/days; TM_YESTERDAY:
			  * 1 for "since yesterday" (today included) */
	double orig;     /* the number as said, in unit */
	char unit;       /* SL_TIME as said: 'm' 'h' 'd' 'w' 'M' 'y'; 's' seconds */
	char val[MT_VAL];
};

struct mreq {
	struct mtok t[MT_MAX_TOKS];
	int n;
	struct mslot s[MT_MAX_SLOTS];
	int ns;
	char arena[MT_ARENA];
	size_t used;
};

/* Lexicon lookups (match_text.c). */
enum wflag {
	WF_STOP = 1,   /* filler word */
	WF_CUE = 2,    /* preposition */
	WF_NOTYPO = 4, /* never a typo target (short or too common) */
	WF_TARGET = 8, /* a typo target: intent and slot words */
	WF_WEAK = 16,  /* too generic to carry a request alone */
	WF_EXT = 32,   /* a known file extension */
	WF_FTYPE = 64, /* a file-type word ("python", "images") */
};

int lex_word(const char *w);            /* vocabulary id or -1 */
const char *lex_str(int id);
unsigned lex_flags(int id);

/* Tokenise and normalise req into r. -1 with ERR_DECLINED when the
 * request is too long to be one command, ERR_LIMIT for oversized input. */
int mt_tokenize(struct mreq *r, const char *req, size_t len, struct err *err);
char *mt_strdup(struct mreq *r, const char *s, size_t n);
bool mt_is(const struct mtok *t, const char *word);
/* After tokens were spliced (one task of two read on its own): derive the
 * cues and filler marks again and drop the slots, for ms_extract to redo. */
void mt_recue(struct mreq *r);
/* "running", "stopped": a word that says a state when it comes before a
 * noun ("every running container", "evicted pods"), never a name. */
bool mt_participle(const char *w);
/* Whether token i is the noun of a place named by the word before it:
 * "in the build folder" says where, not what. */
bool mt_in_place(const struct mreq *r, int i);

/* Slot extraction (match_slots.c). */
void ms_extract(struct mreq *r);
const char *ms_noun_name(int i);
int ms_noun_index(const char *w);
/* Known extension? (file shapes and EXT tokens) */
bool ms_known_ext(const char *ext);
/* Host-looking last label (com, net, internal, local...). */
bool ms_tld(const char *label);

/* Lexicon tables (match_lex.c). */
struct lex_pair {
	const char *from, *to;
};
struct lex_phrase {
	const char *words; /* space separated, canonical lower-case */
	const char *to;    /* replacement: "" drops, "~" etc. become paths,
	                    * "=NAME" is NAME as if typed */
};
extern const struct lex_pair lex_synonyms[];
extern const size_t lex_nsynonyms;
extern const struct lex_phrase lex_phrases[];
extern const size_t lex_nphrases;
extern const char *const lex_stopwords[];
extern const size_t lex_nstopwords;
extern const char *const lex_weak_words[];
extern const size_t lex_nweak_words;
extern const char *const lex_extra_words[];
extern const size_t lex_nextra_words;
extern const char *const lex_exts[]; /* known file extensions */
extern const size_t lex_nexts;
/* Language and file-type words. "plain" types stand alone ("images");
 * the others need a following "file", "script", "code" or "source". */
struct lex_ftype {
	const char *word;
	const char *exts; /* comma separated */
	bool plain;
};
extern const struct lex_ftype lex_ftypes[];
extern const size_t lex_nftypes;
struct lex_num {
	const char *w;
	int v;
};
extern const struct lex_num lex_cues[]; /* prepositions: v is the enum cue */
extern const size_t lex_ncues;
extern const struct lex_num lex_numwords[]; /* "five": 5 */
extern const size_t lex_nnumwords;

/* Intents (match_intents.c). */
enum sel {
	SEL_NONE,  /* one template for every platform */
	SEL_OS,    /* linux: gnu; macos: bsd; freebsd: fbsd, else declined */
	SEL_INIT,  /* systemd: gnu; launchd: bsd; rc: fbsd */
	SEL_BSD,   /* linux: gnu; macos and freebsd: bsd (fbsd if given) */
	SEL_SHELL, /* the user's shell: fish: bsd; sh, bash, zsh: gnu */
	SEL_SED, SEL_FIND, SEL_DATE, SEL_STAT, SEL_DU, SEL_PS, SEL_SORT, SEL_GREP, SEL_XARGS,
};

struct intent {
	const char *id;
	const char *need; /* required groups, space separated; alternatives by |;
			   * a leading ^: the request's first word must be one of
			   * them ("reboot the server", never "when did it reboot");
			   * "word+": said in the plural, "word!": in the singular */
	const char *opt;  /* optional words; word:flag sets a flag for {?flag} */
	uint8_t sel;
	const char *gnu;
	const char *bsd;  /* NULL: same as gnu; "": none there (declined) */
	const char *fbsd; /* NULL: bsd for tool selectors, declined for SEL_OS/INIT */
	const char *expl;
};

extern const struct intent match_intents[];
extern const size_t match_nintents;

/* The engine's tables: the vocabulary and everything indexed by word id,
 * and the intents compiled to word ids. match_build.c builds them from the
 * data above; tools/match_gen.c runs it at build time and writes the result
 * as const C data (build/gen/match_tables.c, the match_tables the engine
 * reads), so a process starts with them ready. No pointers inside the
 * arrays: const data needs no relocations at load time. */
#define MT_LEX_CAP 8192   /* hash slots: power of two, > 2x the vocabulary */
#define MT_SLOT_BASE 3500 /* need ids >= this name a slot type: "@port" */
#define MT_IDX_CAP (MT_SLOT_BASE + SL__COUNT)
#define MT_TYPO_MAXLEN 64 /* longer words are never typo targets */
#define MT_PHRASE_WORDS 6

struct mword {
	uint32_t off;   /* the word in pool */
	int16_t syn;    /* id of its canonical synonym, -1 */
	int16_t phr;    /* first phrase that starts with it, -1 */
	int16_t num;    /* value as a number word, -1 */
	uint8_t flags;  /* enum wflag */
	int8_t cue;     /* enum cue it sets as a preposition, CUE_NONE */
};

/* lex_phrases[k] as ids; next: the next phrase with the same first word
 * (longer phrases first). */
struct mphrase {
	int16_t w[MT_PHRASE_WORDS];
	int16_t n;
	int16_t next;
};

/* match_intents[k] with its trigger words as canonical ids. */
#define CI_GROUPS 6
#define CI_ALTS 12
#define CI_OPTS 24
struct cintent {
	int16_t need[CI_GROUPS][CI_ALTS]; /* ids, or MT_SLOT_BASE + enum sl */
	uint8_t nalt[CI_GROUPS];
	uint16_t many[CI_GROUPS]; /* by alternative: "word+", only said in the plural */
	uint16_t one[CI_GROUPS];  /* by alternative: "word!", only in the singular */
	uint8_t nneed;
	uint8_t nopt;
	int16_t opt[CI_OPTS];
	uint16_t flagoff[CI_OPTS]; /* "word:flag": the flag's name in the opt string */
	uint8_t flaglen[CI_OPTS];  /* 0: the word sets no flag */
	int8_t flagid[CI_OPTS];    /* first opt with the same flag, -1 */
};

/* Trigger index: a chain per word id (or slot), one edge per alternative
 * of each intent's first word group. */
struct medge {
	int16_t intent, next;
};

struct mtables {
	const char *pool;       /* the words, NUL-terminated, back to back */
	uint32_t poolsz;
	const struct mword *words;
	int nwords;
	const int16_t *hash;    /* [MT_LEX_CAP] word id, -1 empty; linear probing */
	const int16_t *typo_first; /* [MT_TYPO_MAXLEN + 2]: ids of length n are */
	const int16_t *typo_ids;   /*   typo_ids[typo_first[n] .. typo_first[n+1]) */
	int ntypo;
	const struct mphrase *phr; /* [lex_nphrases] */
	int nphr;
	const struct cintent *cints; /* [match_nintents] */
	int ncints;
	const int16_t *idx_first;    /* [MT_IDX_CAP] first edge, -1 */
	const struct medge *edges;
	int nedges;
};

extern const struct mtables match_tables;

/* Build the tables from the data (match_build.c; the generator and the
 * tests call it, caro never does). Returns -1 with ERR_INTERNAL naming the
 * row when the data breaks a limit or a trigger spec is malformed. The
 * arrays are owned by t: release with match_tables_release. */
int match_tables_build(struct mtables *t, struct err *err);
void match_tables_release(struct mtables *t);

static inline uint32_t mt_hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* The id of the n-byte word w in t, -1. */
static inline int mt_lookup(const struct mtables *t, const char *w, size_t n)
{
	uint32_t h = mt_hash(w, n) & (MT_LEX_CAP - 1);
	int id;

	while ((id = t->hash[h]) >= 0) {
		const char *c = t->pool + t->words[id].off;

		if (strncmp(c, w, n) == 0 && c[n] == '\0')
			return id;
		h = (h + 1) & (MT_LEX_CAP - 1);
	}
	return -1;
}

/* A role's value once resolved: a token, a slot or a literal. */
#define MF_ROLES 16
enum role_as { AS_ANY, AS_DIR, AS_FILE }; /* what a role takes its value to be */
struct mrole {
	char name[16];
	int tok;        /* -1 */
	int tok2;       /* last token for multi-token values, -1 */
	int slot;       /* -1 */
	const char *lit;
	bool ok;
	bool litq;      /* lit is the user's text: quote it like a token */
	uint8_t as;     /* enum role_as */
};

/* One intent being fitted to one request. */
struct mfill {
	const struct mreq *r;
	const struct cintent *ci;
	const struct intent *in;  /* ci's source row */
	const struct platform *plat;
	bool used[MT_MAX_TOKS];   /* explained by this intent */
	bool flagged[MT_MAX_TOKS]; /* set a flag: the noun names what the intent acts on */
	bool slot_used[MT_MAX_SLOTS];
	uint32_t flags;           /* opt words present, by opt index */
	struct mrole roles[MF_ROLES];
	int nroles;
};

/* Walk tmpl. dry: resolve roles (marking what they explain) without
 * output; returns -1 when a required role cannot be filled. Otherwise
 * append the command (or, with plain, the explanation text) to out. */
int mt_render(struct mfill *f, const char *tmpl, bool dry, bool plain, struct buf *out);
/* For tools/match_eval -d: every intent that fits req on p, whatever its
 * score (the threshold and the trigger index are skipped), in table order.
 * Returns -1 when req does not tokenise. */
int match_debug_fits(const char *req, const struct platform *p,
		     void (*cb)(void *arg, const char *id, double score, double explained, int guesses),
		     void *arg);
/* Whether t is a noun that names role's value: "container" of "the web
 * container" for container, "folder" for path. */
bool mt_role_noun(const char *role, const struct mtok *t);
/* Intents whose command does not return, or leaves the user elsewhere (a
 * follow, a remote shell): no second task can follow them with &&. */
extern const char *const match_endless[];
extern const size_t match_nendless;

#endif
