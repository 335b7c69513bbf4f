/*
 * match_tmpl.c: roles and templates.
 *
 * A template is shell text with roles in braces:
 *   {path}          a role, shell-quoted (a leading ~/ stays unquoted)
 *   {path=.}        with a default when the request has none
 *   {size_min:find} a role in a format ("+1536M")
 *   {?del}          presence only: an opt word or a role, prints nothing
 *   [ -user {user}] an optional part: kept only when its roles are filled
 * Braces and brackets that do not hold a role are literal ("awk '{print
 * $1}'", "tr '[:lower:]'"); \{ writes a literal brace before a role name.
 *
 * A role is filled, in this order, from a typed slot (match_slots.c), a
 * token of the right kind ("/etc" for path), a word next to its noun ("the
 * web container"), or a leftover word. Filling marks the tokens the
 * intent explains; the score in match.c counts what is left.
 */
#include "match_int.h"

#include "explain/explain.h"

#include <ctype.h>
#include <math.h>
#include <strings.h>

#define K(x) (1u << TK_##x)
#define C(x) (1u << CUE_##x)
#define PAT_CUES (C(NONE) | C(FOR) | C(WITH) | C(OF) | C(AT) | C(ON) | C(BY) | C(AS))
#define NAME_CUES (~(C(IN) | C(INTO)) & 0xffffu)
#define ANYNAME (K(WORD) | K(FILE) | K(PATH) | K(HOST) | K(AT) | K(NUM) | K(PAIR) | K(GLOB))

enum special { RS_NONE, RS_SIG, RS_CMD, RS_MSG, RS_UHOST, RS_MODE, RS_TEXT, RS_NTH, RS_MONTH,
	       RS_YEAR, RS_EXPR, RS_TODAY, RS_SEP, RS_EVAR, RS_EVAL, RS_THISMONTH, RS_CLOCK, RS_JSEP, RS_PMNAME, RS_CPORT };

/* Value checks: a role only takes a token whose text passes. */
enum check { CK_NONE, CK_TAR, CK_ZIP, CK_7Z, CK_GZ, CK_XZ, CK_BZ2, CK_JSON, CK_IDENT, CK_HEX, CK_TZ,
	     CK_SCRIPT, CK_FILE, CK_TEXTF, CK_DIRISH, CK_MEMBER, CK_NOTLINENO, CK_LINENO, CK_REMOTE, CK_SYSVC, CK_RSPEC, CK_IMAGE, CK_CLOCK, CK_SVC, CK_DAEMON, CK_KSVC, CK_BAREHOST, CK_LRANGE, CK_DEV, CK_SHA, CK_EMAIL, CK_ENVNAME, CK_PKG, CK_RC, CK_LOCAL, CK_REQ, CK_PROG, CK_SUREDIR, CK_TEXTNAME, CK_AFTER, CK_BEFORE, CK_PJSON, CK_SPKG, CK_LOGWORD, CK_IFACE, CK_PROGNAME, CK_CMDNAME, CK_PKGFILE, CK_BRANCH, CK_NAMEWORD, CK_COUNTNUM, CK_DLDIR, CK_HOSTNAME, CK_KLABEL, CK_SUBDIR };

struct role_def {
	const char *name;
	int slot, slot2;   /* typed slots, -1 */
	uint32_t kinds;    /* tokens taken by kind */
	uint32_t cues;     /* ... under these cues (0: any) */
	const char *nouns; /* "a|b": take the word next to one of these */
	uint32_t rkinds;   /* leftover tokens taken as a last resort */
	uint32_t rcues;    /* ... under these cues (0: any) */
	bool runknown;     /* ... only words outside the vocabulary */
	uint8_t special;
	uint8_t check;     /* enum check */
};

static const struct role_def roles[] = {
	/* "in conf.d": a dotted name with no known extension is a folder too */
	{"path", -1, -1, K(PATH), 0, "dir", K(WORD) | K(FILE), C(IN) | C(FROM) | C(OF) | C(INTO), true, 0, CK_DIRISH},
	/* a folder to search file by file: never / ("find id_rsa anywhere on
	 * the system" is no grep -r of every file on the machine) */
	{"gpath", -1, -1, K(PATH), 0, "dir", K(WORD) | K(FILE), C(IN) | C(FROM) | C(OF) | C(INTO), true, 0, CK_SUBDIR},
	/* a known word is a folder only beside its noun ("the build folder"): "show
	 * network usage" is no du of a folder named network */
	{"dir", -1, -1, K(PATH), 0, "dir", K(WORD) | K(FILE), 0, true, 0, 0},
	/* a file read as text: "show what is in site.tar.xz" is not cat's */
	/* never "into x": "cat the txt files into all.txt" writes all.txt */
	{"tfile", SL_NAME, -1, K(FILE) | K(PATH) | K(GLOB), ~(C(INTO) | C(TO)) & 0xffffu, "file", K(WORD), 0, true, 0, CK_TEXTF},
	{"file", SL_NAME, -1, K(FILE) | K(PATH) | K(GLOB), 0, "file", K(WORD), 0, true, 0, CK_FILE},
	{"dest", -1, -1, K(PATH) | K(FILE) | K(AT) | K(HOST), C(TO) | C(INTO) | C(AS) | C(IN) | C(NONE), NULL, K(WORD), C(TO) | C(INTO) | C(AS), true, 0, 0},
	{"src", -1, -1, K(PATH) | K(FILE) | K(AT), C(FROM), NULL, K(PATH) | K(FILE) | K(AT), 0, false, 0, 0},
	/* a link's target: "link from A to B" says neither which is the link
	 * nor which the target (a link from A, or ln's order), so never "from" */
	{"lsrc", -1, -1, K(PATH) | K(FILE), C(NONE), NULL, 0, 0, false, 0, 0},
	/* what a link points to: "pointing to /opt/app" */
	{"lto", -1, -1, K(PATH) | K(FILE), C(TO), NULL, 0, 0, false, 0, 0},
	{"host", -1, -1, K(HOST) | K(IP), 0, "host|server|machine", K(WORD), 0, true, 0, CK_HOSTNAME},
	/* a host written as one or named as one, never a guessed word */
	{"rhost", -1, -1, K(HOST) | K(IP), 0, "host|server|machine", 0, 0, false, 0, CK_BAREHOST},
	{"url", -1, -1, K(URL) | K(HOST), 0, NULL, 0, 0, false, 0, 0},
	{"ip", -1, -1, K(IP), 0, NULL, 0, 0, false, 0, 0},
	{"at", -1, -1, K(AT), 0, NULL, 0, 0, false, 0, 0},
	/* not a number right after "line": "delete line 7" names a line, not /7/ */
	{"pattern", -1, -1, K(QUOTED), 0, NULL, K(WORD) | K(NUM) | K(SYM) | K(GLOB) | K(DEC) | K(OPT), PAT_CUES, false, 0, CK_NOTLINENO},
	/* what the lines have: "lines with WARN", "lines with 404" */
	{"wpat", -1, -1, K(QUOTED), C(WITH), NULL, K(WORD) | K(NUM) | K(SYM) | K(GLOB) | K(DEC), C(WITH), false, 0, CK_NOTLINENO},
	{"str", -1, -1, K(QUOTED), 0, NULL, ANYNAME | K(DEC) | K(SYM), 0, false, 0, 0},
	{"quoted", -1, -1, K(QUOTED), 0, NULL, 0, 0, false, 0, 0},
	/* not after "in": "the files in release.tar.xz" or "in conf.d" name a place */
	{"name", SL_NAME, -1, K(FILE), NAME_CUES, "dir|file", 0, 0, false, 0, CK_NAMEWORD},
	{"ext", SL_EXT, -1, 0, 0, NULL, 0, 0, false, 0, 0},
	{"size_min", SL_SIZE_MIN, -1, 0, 0, NULL, 0, 0, false, 0, 0},
	{"size_max", SL_SIZE_MAX, -1, 0, 0, NULL, 0, 0, false, 0, 0},
	{"time", SL_TIME, -1, 0, 0, NULL, 0, 0, false, 0, 0},
	{"today", -1, -1, 0, 0, NULL, 0, 0, false, RS_TODAY, 0},
	{"interval", SL_INTERVAL, -1, 0, 0, NULL, K(NUM), 0, false, 0, 0},
	{"exclude", SL_EXCLUDE, -1, 0, 0, NULL, 0, 0, false, 0, 0},
	{"user", SL_USER, -1, 0, 0, "user", 0, 0, false, 0, 0},
	{"who", SL_USER, SL_NAME, 0, 0, "user", K(WORD), 0, true, 0, 0}, /* "a user named dave" */
	/* beside "group", or after to/in/of ("add bob to wheel"): never any leftover
	 * word ("who is connected" names no group) */
	{"group", -1, -1, 0, 0, "group", K(WORD), C(TO) | C(INTO) | C(IN) | C(OF), true, 0, 0},
	/* not a year: "files modified in 2023" shows no 2023 of them */
	{"count", SL_COUNT, -1, 0, 0, NULL, K(NUM), 0, false, 0, CK_COUNTNUM},
	{"pid", SL_PID, -1, 0, 0, NULL, K(NUM), 0, false, 0, 0},
	{"port", SL_PORT, -1, 0, 0, NULL, K(NUM), 0, false, 0, 0},
	{"num", -1, -1, 0, 0, NULL, K(NUM) | K(DEC), 0, false, 0, 0},
	{"date", SL_DATE, -1, K(DATE), 0, NULL, 0, 0, false, 0, 0},
	/* a date as a bound: "after 2024-01-01", "before 2023-06-30" */
	{"dafter", SL_DATE, -1, 0, 0, NULL, 0, 0, false, 0, CK_AFTER},
	{"dbefore", SL_DATE, -1, 0, 0, NULL, 0, 0, false, 0, CK_BEFORE},
	{"range", SL_PORT, -1, K(RANGE), 0, NULL, 0, 0, false, 0, 0}, /* "ports 1-1024" */
	{"pair", -1, -1, K(PAIR), 0, NULL, 0, 0, false, 0, 0},
	{"ref", -1, -1, K(REF), 0, NULL, 0, 0, false, 0, 0},
	{"opt", -1, -1, K(OPT), 0, NULL, 0, 0, false, 0, 0},
	{"word", -1, -1, 0, 0, NULL, K(WORD), 0, false, 0, 0},
	{"container", SL_NAME, -1, 0, 0, "container", ANYNAME, 0, true, 0, 0},
	{"pod", SL_NAME, -1, 0, 0, "pod", ANYNAME, 0, true, 0, 0},
	{"knode", SL_NAME, -1, 0, 0, "node", ANYNAME, 0, true, 0, 0},
	/* a label selector: app=web, tier=db */
	{"ksel", -1, -1, 0, 0, "label", K(WORD) | K(SYM), 0, false, 0, CK_KLABEL},
	{"deploy", SL_NAME, -1, 0, 0, "deployment", ANYNAME, 0, true, 0, 0},
	{"ns", -1, -1, 0, 0, "namespace", ANYNAME, C(IN), true, 0, 0}, /* "in prod", never "that are failing" */
	/* a word the engine knows is a unit only in svc_units or beside "service" */
	{"service", SL_NAME, -1, 0, 0, "service", ANYNAME, 0, true, 0, CK_SVC},
	/* a service named for its process (macOS log predicates, pgrep) */
	{"daemon", SL_NAME, -1, 0, 0, "service", ANYNAME, 0, true, 0, CK_DAEMON},
	/* a cluster's Service: "db" or "api" is a name there, not a kind */
	{"ksvc", SL_NAME, -1, 0, 0, "service", ANYNAME, 0, false, 0, CK_KSVC},
	{"pkg", SL_NAME, -1, K(AT), 0, "package", ANYNAME, 0, false, 0, CK_PKG},
	/* a system package: apt, dnf and brew take no name@version */
	{"spkg", SL_NAME, -1, 0, 0, "package", ANYNAME & ~K(AT), 0, false, 0, CK_SPKG},
	{"branch", SL_NAME, -1, 0, 0, "branch", ANYNAME, 0, true, 0, CK_BRANCH},
	{"proc", SL_NAME, -1, 0, 0, "process", K(WORD) | K(FILE), 0, false, 0, CK_PROGNAME},
	{"image", SL_NAME, -1, 0, 0, "image", ANYNAME, 0, true, 0, CK_IMAGE},
	{"tag", SL_NAME, -1, 0, 0, "tag", ANYNAME, 0, true, 0, 0},
	{"remote", -1, -1, 0, 0, "remote", K(WORD), 0, false, 0, CK_REMOTE},
	{"var", -1, -1, K(SYM), 0, "variable", K(WORD), 0, false, 0, CK_ENVNAME}, /* HOME, $EDITOR */
	{"tz", -1, -1, 0, 0, NULL, K(WORD) | K(PATH), 0, false, 0, CK_TZ},
	{"sig", -1, -1, 0, 0, NULL, 0, 0, false, RS_SIG, 0},
	{"cmd", -1, -1, 0, 0, NULL, 0, 0, false, RS_CMD, 0},
	{"msg", -1, -1, K(QUOTED), 0, NULL, 0, 0, false, RS_MSG, 0},
	{"uhost", -1, -1, K(AT), 0, NULL, 0, 0, false, RS_UHOST, 0},
	{"mode", -1, -1, K(MODE), 0, NULL, 0, 0, false, RS_MODE, 0},
	{"text", -1, -1, K(QUOTED), 0, NULL, 0, 0, false, RS_TEXT, 0},
	{"folder", SL_NAME, -1, K(PATH), 0, "dir", K(WORD), 0, true, 0, CK_DIRISH},
	/* where cd goes: a path, or a name after into/to/in ("cd into site") */
	{"cdir", -1, -1, K(PATH), 0, "dir", K(WORD) | K(FILE), C(IN) | C(INTO) | C(TO) | C(NONE), true, 0, CK_DIRISH},
	{"sysvc", -1, -1, 0, 0, "service|server|daemon", K(WORD), 0, false, 0, CK_SYSVC},
	{"target", -1, -1, K(FILE) | K(PATH) | K(GLOB), 0, "dir|file", K(WORD), 0, false, 0, 0},
	{"tarf", SL_NAME, -1, K(FILE) | K(PATH), 0, NULL, 0, 0, false, 0, CK_TAR},
	{"rspec", -1, -1, K(AT), 0, NULL, 0, 0, false, 0, CK_RSPEC},
	{"zipf", SL_NAME, -1, K(FILE) | K(PATH), 0, NULL, 0, 0, false, 0, CK_ZIP},
	{"szf", SL_NAME, -1, K(FILE) | K(PATH), 0, NULL, 0, 0, false, 0, CK_7Z},
	{"gzf", SL_NAME, -1, K(FILE) | K(PATH), 0, NULL, 0, 0, false, 0, CK_GZ},
	{"xzf", SL_NAME, -1, K(FILE) | K(PATH), 0, NULL, 0, 0, false, 0, CK_XZ},
	{"bzf", SL_NAME, -1, K(FILE) | K(PATH), 0, NULL, 0, 0, false, 0, CK_BZ2},
	{"json", -1, -1, K(QUOTED), 0, NULL, 0, 0, false, 0, CK_JSON},
	{"old", -1, -1, K(QUOTED) | K(URL), 0, NULL, K(WORD) | K(NUM) | K(SYM) | K(DEC) | K(URL) | K(PATH), C(NONE) | C(OF) | C(FROM), false, 0, 0},
	{"new", -1, -1, K(QUOTED) | K(URL), C(WITH) | C(TO) | C(BY) | C(FOR) | C(INTO), NULL, K(WORD) | K(NUM) | K(SYM) | K(DEC) | K(PATH) | K(URL), C(WITH) | C(TO) | C(BY) | C(FOR) | C(INTO), false, 0, 0},
	{"script", -1, -1, K(FILE) | K(PATH), 0, NULL, 0, 0, false, 0, CK_SCRIPT},
	{"field", -1, -1, 0, 0, "field|key|property|attribute", K(WORD), 0, false, 0, CK_IDENT},
	{"nth", -1, -1, 0, 0, NULL, 0, 0, false, RS_NTH, 0},
	{"xpattern", SL_EXCLUDE, -1, K(QUOTED), 0, NULL, K(WORD) | K(NUM) | K(SYM) | K(GLOB) | K(DEC), 0, false, 0, 0},
	{"month", -1, -1, 0, 0, NULL, 0, 0, false, RS_MONTH, 0},
	{"year", -1, -1, 0, 0, NULL, 0, 0, false, RS_YEAR, 0},
	{"hex", -1, -1, 0, 0, NULL, K(WORD) | K(NUM), 0, false, 0, CK_HEX},
	{"expr", -1, -1, K(QUOTED), 0, NULL, 0, 0, false, RS_EXPR, 0},
	{"sep", -1, -1, 0, 0, NULL, 0, 0, false, RS_SEP, 0},
	/* what lines are joined with: "with commas", "by a tab", "using ';'" */
	{"jsep", -1, -1, 0, 0, NULL, 0, 0, false, RS_JSEP, 0},
	/* one end of a range of lines: a pattern, never a bare line number */
	{"mark", -1, -1, K(QUOTED), 0, NULL, K(WORD) | K(SYM) | K(GLOB) | K(DEC), PAT_CUES | C(FROM) | C(TO), false, 0, 0},
	/* a branch, tag or commit: HEAD~2, main, a1b2c3d (never a file) */
	{"rev", -1, -1, K(REF), 0, "branch|commit", K(WORD) | K(NUM), 0, true, 0, 0},
	{"evar", -1, -1, 0, 0, NULL, 0, 0, false, RS_EVAR, 0},
	{"evalue", -1, -1, 0, 0, NULL, 0, 0, false, RS_EVAL, 0},
	{"thismonth", -1, -1, 0, 0, NULL, 0, 0, false, RS_THISMONTH, 0},
	{"clock", -1, -1, 0, 0, NULL, 0, 0, false, RS_CLOCK, 0},
	{"fqdn", -1, -1, K(HOST), 0, NULL, 0, 0, false, 0, 0},
	/* the folder an archive is extracted into: no archive or file with a suffix */
	{"exdir", -1, -1, K(PATH) | K(FILE), C(TO) | C(INTO) | C(IN) | C(NONE), "dir", K(WORD), C(TO) | C(INTO) | C(IN), true, 0, CK_DIRISH},
	/* a line number: "line 7", "lines 5 to 10" (not "lines with 500") */
	{"lineno", -1, -1, K(NUM), 0, NULL, 0, 0, false, 0, CK_LINENO},
	/* one file to take out of an archive: "extract notes.txt from a.tgz" */
	{"member", -1, -1, K(FILE) | K(PATH) | K(GLOB), C(NONE), NULL, 0, 0, false, 0, CK_MEMBER},
	/* "lines 5-10": a range of line numbers, first to last */
	{"lrange", -1, -1, K(RANGE), 0, NULL, 0, 0, false, 0, CK_LRANGE},
	{"dev", -1, -1, K(PATH), 0, NULL, 0, 0, false, 0, CK_DEV}, /* /dev/sdb1 */
	/* a commit by its hash ("abc1234"): hex digits, never a known word */
	{"sha", -1, -1, 0, 0, NULL, K(WORD) | K(NUM), 0, true, 0, CK_SHA},
	{"email", -1, -1, K(AT), 0, NULL, 0, 0, false, 0, CK_EMAIL},
	/* the package manager the request names ("with apt"): only this platform's */
	{"pmname", -1, -1, 0, 0, NULL, 0, 0, false, RS_PMNAME, 0},
	/* a file said with its suffix (app.log, src/main.c), read as text */
	{"nfile", SL_NAME, -1, K(FILE) | K(PATH), 0, NULL, 0, 0, false, 0, CK_TEXTNAME},
	/* a folder said to be one: "the src folder", "downloads", "logs/" */
	{"sdir", -1, -1, K(PATH), 0, "dir", 0, 0, false, 0, CK_SUREDIR},
	/* a kubeconfig context: "switch kubectl context to staging" */
	{"kctx", -1, -1, 0, 0, "context", ANYNAME, C(TO) | C(NONE), true, 0, CK_KSVC},
	/* a program whose version is asked: python, node, git */
	{"prog", -1, -1, K(WORD), 0, NULL, 0, 0, false, 0, CK_PROG},
	/* a shell's start-up file, read again with source: ~/.bashrc */
	{"rcfile", -1, -1, K(PATH) | K(FILE), 0, NULL, 0, 0, false, 0, CK_RC},
	/* where cp, mv or ln put things: on this machine, never host:path */
	{"ldest", -1, -1, K(PATH) | K(FILE), C(TO) | C(INTO) | C(AS) | C(IN) | C(NONE), NULL, K(WORD), C(TO) | C(INTO) | C(AS), true, 0, CK_LOCAL},
	/* a pip requirements file: requirements.txt, requirements-dev.txt */
	{"reqf", -1, -1, K(FILE) | K(PATH), 0, NULL, 0, 0, false, 0, CK_REQ},
	/* what is copied in "a copy of X called Y" */
	{"orig", -1, -1, K(PATH) | K(FILE), C(OF) | C(NONE), NULL, 0, 0, false, 0, CK_FILE},
	/* the zip suffix said as a type: "unzip all the .zip files" (never .7z) */
	{"zipext", SL_EXT, -1, 0, 0, NULL, 0, 0, false, 0, CK_ZIP},
	{"gzext", SL_EXT, -1, 0, 0, NULL, 0, 0, false, 0, CK_GZ},
	/* where ssh runs a command: a host written as one, or a name after "on" */
	{"onhost", -1, -1, K(HOST) | K(IP) | K(AT), 0, NULL, K(WORD), C(ON) | C(AT), true, 0, 0},
	/* what a log line says: "the last 20 errors", or the user's quoted words */
	{"lpat", -1, -1, K(QUOTED), 0, NULL, K(WORD), 0, false, 0, CK_LOGWORD},
	/* a program that listens: never the protocol ("listening udp ports") */
	{"lproc", SL_NAME, -1, 0, 0, "process", K(WORD) | K(FILE), 0, false, 0, CK_PROGNAME},
	/* a program looked up on PATH: one the engine knows as a program, or a word it
	 * does not know at all ("which python", "where is kubectl"; never "most") */
	{"cmdname", -1, -1, 0, 0, NULL, K(WORD), 0, false, 0, CK_CMDNAME},
	/* the folder rm -rf removes: a leftover word only when no preposition puts
	 * it elsewhere ("remove a directory from mylist" removes nothing named so) */
	{"dfolder", SL_NAME, -1, K(PATH), 0, "dir", K(WORD), C(NONE) | C(OF) | C(AS), true, 0, CK_DIRISH},
	/* a new host name: a name the engine does not know ("webserver01"), never
	 * "permanently" */
	{"hname", -1, -1, K(HOST), 0, NULL, K(WORD), 0, true, 0, 0},
	/* a folder a download goes into: /tmp, ~/Downloads, out/ (no file suffix) */
	{"ddest", -1, -1, K(PATH), C(TO) | C(INTO) | C(IN), NULL, 0, 0, false, 0, CK_DLDIR},
	/* a package file: app.deb, tool.rpm */
	{"pkgfile", -1, -1, K(FILE) | K(PATH), 0, NULL, 0, 0, false, 0, CK_PKGFILE},
	/* a container's name: "named cache" (the image is the word after from) */
	{"cname", SL_NAME, -1, 0, 0, NULL, 0, 0, false, 0, 0},
	/* a network interface: eth0, en0, wlan0, enp3s0 */
	{"iface", -1, -1, 0, 0, "interface", K(WORD), 0, false, 0, CK_IFACE},
	/* the port a known image serves on: "run nginx on port 8080" maps to 80 */
	{"cport", -1, -1, 0, 0, NULL, 0, 0, false, RS_CPORT, 0},
	/* npm's manifest: "install the packages from package.json" */
	{"pjson", -1, -1, K(FILE) | K(PATH), 0, NULL, 0, 0, false, 0, CK_PJSON},
};

/* Roles whose value is a folder, and roles whose value is a file: one
 * reading of a request cannot take the same token as both. */
static const char *const dir_roles[] = {"path", "gpath", "dir", "folder", "exdir", "cdir", "sdir"};
static const char *const file_roles[] = {"file", "tfile", "nfile", "tarf", "zipf", "gzf", "xzf", "bzf", "script"};

static uint8_t role_as(const struct role_def *rd)
{
	for (size_t i = 0; i < ARRAY_SIZE(dir_roles); i++)
		if (str_eq(rd->name, dir_roles[i]))
			return AS_DIR;
	for (size_t i = 0; i < ARRAY_SIZE(file_roles); i++)
		if (str_eq(rd->name, file_roles[i]))
			return AS_FILE;
	return AS_ANY;
}

static const struct role_def *role_def(const char *name, size_t n)
{
	/* file2, num2...: the same kind of role, filled with the next value */
	while (n > 1 && isdigit((unsigned char)name[n - 1]))
		n--;
	/* the first byte first: every template role is looked up here */
	for (size_t i = 0; i < ARRAY_SIZE(roles); i++)
		if (roles[i].name[0] == name[0] && strncmp(roles[i].name, name, n) == 0 &&
		    roles[i].name[n] == '\0')
			return &roles[i];
	return NULL;
}

bool mt_role_known(const char *name, size_t n);
bool mt_role_known(const char *name, size_t n)
{
	return role_def(name, n) != NULL;
}

static bool tok_free(const struct mfill *f, int i)
{
	return !f->used[i] && f->r->t[i].slot < 0;
}

static bool cue_ok(uint32_t mask, const struct mtok *t)
{
	return mask == 0 || (mask >> t->cue) & 1u;
}

/* "evicted pods", "failed services", "running containers": a participle
 * before a plural noun says which state, never a name ("all dist folders"
 * names them). */
static bool state_of_many(const struct mreq *r, int i)
{
	return i + 1 < r->n && r->t[i + 1].plural && r->t[i + 1].kind == TK_WORD &&
	       r->t[i].kind == TK_WORD && mt_participle(r->t[i].raw);
}

static bool noun_match(const char *nouns, const char *w)
{
	size_t n = strlen(w);

	while (nouns && *nouns) {
		size_t k = strcspn(nouns, "|");

		if (k == n && strncmp(nouns, w, n) == 0)
			return true;
		nouns += k + (nouns[k] == '|');
	}
	return false;
}

bool mt_role_noun(const char *role, const struct mtok *t)
{
	const struct role_def *rd = role_def(role, strlen(role));

	return rd && t->kind == TK_WORD && noun_match(rd->nouns, t->low);
}

static bool ends_with(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);

	return n > k && strcasecmp(s + n - k, suf) == 0;
}

/* /etc/passwd, /etc/group, /etc/shadow: the colon-separated account files */
static bool colon_file(const char *v)
{
	const char *b = strrchr(v, '/');

	b = b ? b + 1 : v;
	return str_eq(b, "passwd") || str_eq(b, "group") || str_eq(b, "shadow");
}

/* City -> zone for "what time is it in tokyo". */
static const struct {
	const char *city, *zone;
} cities[] = {
	{"tokyo", "Asia/Tokyo"}, {"london", "Europe/London"}, {"paris", "Europe/Paris"},
	{"berlin", "Europe/Berlin"}, {"madrid", "Europe/Madrid"}, {"rome", "Europe/Rome"},
	{"amsterdam", "Europe/Amsterdam"}, {"moscow", "Europe/Moscow"}, {"dubai", "Asia/Dubai"},
	{"india", "Asia/Kolkata"}, {"mumbai", "Asia/Kolkata"}, {"delhi", "Asia/Kolkata"},
	{"singapore", "Asia/Singapore"}, {"shanghai", "Asia/Shanghai"}, {"beijing", "Asia/Shanghai"},
	{"china", "Asia/Shanghai"}, {"japan", "Asia/Tokyo"}, {"seoul", "Asia/Seoul"},
	{"sydney", "Australia/Sydney"}, {"melbourne", "Australia/Melbourne"},
	{"auckland", "Pacific/Auckland"}, {"chicago", "America/Chicago"},
	{"denver", "America/Denver"}, {"toronto", "America/Toronto"},
	{"vancouver", "America/Vancouver"}, {"seattle", "America/Los_Angeles"},
	{"california", "America/Los_Angeles"}, {"sf", "America/Los_Angeles"},
	{"nyc", "America/New_York"}, {"boston", "America/New_York"},
	{"mexico", "America/Mexico_City"}, {"brazil", "America/Sao_Paulo"},
	{"hawaii", "Pacific/Honolulu"}, {"utc", "UTC"}, {"cairo", "Africa/Cairo"},
	{"lagos", "Africa/Lagos"}, {"nairobi", "Africa/Nairobi"}, {"istanbul", "Europe/Istanbul"},
	{"stockholm", "Europe/Stockholm"}, {"dublin", "Europe/Dublin"}, {"lisbon", "Europe/Lisbon"},
	{"zurich", "Europe/Zurich"}, {"vienna", "Europe/Vienna"}, {"warsaw", "Europe/Warsaw"},
	{"kyiv", "Europe/Kyiv"}, {"helsinki", "Europe/Helsinki"}, {"bangkok", "Asia/Bangkok"},
	{"jakarta", "Asia/Jakarta"}, {"manila", "Asia/Manila"}, {"hongkong", "Asia/Hong_Kong"},
	{"taipei", "Asia/Taipei"},
};

static const char *city_zone(const char *w)
{
	char low[32];
	size_t n = 0;

	for (; w[n] && n + 1 < sizeof(low); n++)
		low[n] = (char)tolower((unsigned char)w[n]);
	low[n] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(cities); i++)
		if (str_eq(low, cities[i].city))
			return cities[i].zone;
	/* an explicit Area/City zone name */
	if (strchr(w, '/') && isupper((unsigned char)w[0])) {
		for (const char *p = w; *p; p++)
			if (!isalnum((unsigned char)*p) && !strchr("/_-+", *p))
				return NULL;
		return w;
	}
	return NULL;
}

/* SHA256SUMS, README, my_file: written like a name even if the word is known */
static bool name_shaped(const char *s)
{
	for (const char *p = s + 1; *p; p++)
		if (isupper((unsigned char)*p) || *p == '_')
			return true;
	return false;
}

/* Whether v is one of the space-separated words of list, ignoring case:
 * a table row's aliases. */
static bool name_in(const char *list, const char *v)
{
	const size_t n = strlen(v);

	for (const char *p = list; *p;) {
		const size_t k = strcspn(p, " ");

		if (k == n && strncasecmp(p, v, n) == 0)
			return true;
		p += k + (p[k] == ' ');
	}
	return false;
}

/* Whether v is one of the n words of list, ignoring case: the tables of
 * words that never fill a role. */
static bool in_words(const char *v, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(v, list[i]) == 0)
			return true;
	return false;
}
#define IN_WORDS(v, list) in_words(v, list, ARRAY_SIZE(list))

/* Services that are part of the OS: launchd labels on macOS (names: the
 * row's aliases). */
static const struct {
	const char *names, *label;
} sys_services[] = {
	{"ssh sshd", "com.openssh.sshd"}, {"cron crond", "com.vix.cron"},
	{"apache apache2 httpd", "org.apache.httpd"}, {"cups", "org.cups.cupsd"},
	{"ntp ntpd", "org.ntp.ntpd"}, {"smb samba", "com.apple.smbd"},
};

/* Words that name a kind of service, not a unit: "restart the database"
 * does not say which one, and "systemctl restart database" is a guess. */
static bool generic_service(const char *v)
{
	static const char *const kinds[] = {
		"database", "db", "app", "application", "server", "webserver", "web", "website",
		"site", "service", "daemon", "backend", "frontend", "api", "computer", "machine",
		"system", "everything", "all", "it", "thing", "stuff", "program", "process",
		"container", "network", "internet", "cache", "queue", "worker", "proxy",
		/* things a machine has, never units: "check disk health" */
		"disk", "drive", "memory", "ram", "cpu", "battery", "health", "hardware", "screen",
		"display", "file", "dir", "folder", "laptop", "wifi", "port", "space",
		/* what a log or a setting is about, never units: "show the boot log",
		 * "check sip status", "disable ipv6" */
		"boot", "error", "kernel", "log", "journal", "sip", "gatekeeper", "ipv6", "ipv4", "firewall",
		"filesystem", "bandwidth", "traffic", "usage", "ip",
		/* things people stop and start that are no units: "restart the vpn" */
		"printer", "touchpad", "trackpad", "mouse", "keyboard", "vpn", "sound", "audio", "music",
		"video", "camera", "microphone", "mic", "monitor", "fan", "backup", "sync", "update",
		"updates", "download", "build", "power", "usb", "speaker", "smart", "nvidia", "gpu",
		"rotate", "selinux", "sudo",
		/* git's things: "show what branch I'm on and status" */
		"branch", "commit", "repo", "repository", "tag", "stash",
	};

	return IN_WORDS(v, kinds);
}

/* Short names whose unit differs by system: "restart postgres" means
 * postgresql.service, Apache is apache2 on Debian but httpd on Fedora, Arch
 * and Homebrew, and cron is crond on Fedora. One column per family (the
 * brew column is the formula for `brew services`); NULL where the engine
 * does not know the name there, so the request declines rather than guess
 * (ssh and cron are no brew services: macOS runs its own, see
 * sys_services). proc is the daemon's process name, which macOS's `log`
 * predicates and pgrep match: the formula postgresql runs "postgres",
 * mysql runs "mysqld". */
enum svc_family { SF_DEB, SF_RPM, SF_ARCH, SF_BREW, SF_FBSD, SF__COUNT };
/* The FreeBSD column is the rc.d script, which `service NAME start` runs and
 * whose rcvar `sysrc NAME_enable=YES` sets: only names whose script and
 * rcvar agree are listed (mysql-server's rcvar is mysql_enable, so mysql
 * declines there rather than print a wrong variable). */
static const struct {
	const char *names, *unit[SF__COUNT], *proc; /* names: the row's aliases */
} svc_units[] = {
	{"nginx", {"nginx", "nginx", "nginx", "nginx", "nginx"}, "nginx"},
	{"postgres postgresql", {"postgresql", "postgresql", "postgresql", "postgresql", "postgresql"}, "postgres"},
	{"apache apache2 httpd", {"apache2", "httpd", "httpd", "httpd", "apache24"}, "httpd"},
	{"mongo mongodb mongod", {"mongod", "mongod", "mongodb", "mongodb-community", "mongod"}, "mongod"},
	/* Arch ships MariaDB, whose unit answers to mysqld too */
	{"mysql mysqld", {"mysql", "mysqld", "mariadb", "mysql", NULL}, "mysqld"},
	{"mariadb", {"mariadb", "mariadb", "mariadb", "mariadb", NULL}, "mariadbd"},
	{"redis redis-server", {"redis-server", "redis", "redis", "redis", "redis"}, "redis-server"},
	{"ssh sshd openssh", {"ssh", "sshd", "sshd", NULL, "sshd"}, "sshd"},
	{"cron crond cronie", {"cron", "crond", "cronie", NULL, "cron"}, "cron"},
	/* Docker Desktop on a Mac is an app, not a brew service */
	{"docker dockerd", {"docker", "docker", "docker", NULL, NULL}, NULL},
	{"bind bind9 named", {"named", "named", "named", "bind", "named"}, "named"},
	{"samba smbd", {"smbd", "smb", "smb", NULL, "samba_server"}, "smbd"},
	{"cups cupsd", {"cups", "cups", "cups", NULL, "cupsd"}, "cupsd"},
	{"chrony chronyd", {"chrony", "chronyd", "chronyd", NULL, "chronyd"}, "chronyd"},
	{"rabbitmq", {"rabbitmq-server", "rabbitmq-server", "rabbitmq", "rabbitmq", "rabbitmq"}, NULL},
	{"grafana", {"grafana-server", "grafana-server", "grafana", "grafana", "grafana"}, "grafana"},
	{"tailscale", {"tailscaled", "tailscaled", "tailscaled", "tailscale", "tailscaled"}, "tailscaled"},
	{"networkmanager", {"NetworkManager", "NetworkManager", "NetworkManager", NULL, NULL}, NULL},
	/* Debian's ifupdown; FreeBSD restarts its interfaces with netif */
	{"networking", {"networking", NULL, NULL, NULL, "netif"}, NULL},
	{"avahi", {"avahi-daemon", "avahi-daemon", "avahi-daemon", NULL, NULL}, NULL},
	{"nfs", {"nfs-server", "nfs-server", "nfs-server", NULL, NULL}, NULL},
	{"bluetooth", {"bluetooth", "bluetooth", "bluetooth", NULL, NULL}, "bluetoothd"},
	/* Debian names the unit after PHP's version (php8.2-fpm) */
	{"php-fpm", {NULL, "php-fpm", "php-fpm", "php", NULL}, "php-fpm"},
};

/* The family whose unit names p uses, -1 when unknown (zypper, apk: not
 * in the table). */
static int svc_family(const struct platform *p)
{
	if (!p)
		return -1;
	if (p->os == PLAT_MACOS)
		return SF_BREW;
	if (p->os == PLAT_FREEBSD)
		return SF_FBSD;
	if (p->os != PLAT_LINUX)
		return -1;
	if (str_eq(p->pkg, "apt"))
		return SF_DEB;
	if (str_eq(p->pkg, "dnf") || str_eq(p->pkg, "yum"))
		return SF_RPM;
	if (str_eq(p->pkg, "pacman"))
		return SF_ARCH;
	return -1;
}

static int svc_row(const char *v)
{
	for (size_t i = 0; i < ARRAY_SIZE(svc_units); i++)
		if (name_in(svc_units[i].names, v))
			return (int)i;
	return -1;
}

/* The unit (or brew formula) for service name v on p: v itself when it is
 * no known short name, NULL when it is one and p's name for it is unknown. */
static const char *svc_unit(const struct platform *p, const char *v)
{
	int fam = svc_family(p), k = svc_row(v);

	if (k < 0)
		return v;
	return fam < 0 ? NULL : svc_units[k].unit[fam];
}

/* The process a service named v runs as: v itself when it is no known
 * short name, NULL when it is one whose process the engine does not know. */
static const char *svc_proc(const char *v)
{
	int k = svc_row(v);

	return k < 0 ? v : svc_units[k].proc;
}

static const char *sys_label(const char *v)
{
	for (size_t i = 0; i < ARRAY_SIZE(sys_services); i++)
		if (name_in(sys_services[i].names, v))
			return sys_services[i].label;
	return NULL;
}

/* How programs print their version, where --version is not it (java
 * -version, go version) or the name is not the program (python is
 * python3). Other programs the explain table knows take --version. */
static const struct {
	const char *name, *cmd;
} prog_versions[] = {
	{"python", "python3 --version"}, {"python3", "python3 --version"},
	{"python2", "python2 --version"}, {"node", "node --version"}, {"nodejs", "node --version"},
	{"go", "go version"}, {"golang", "go version"}, {"java", "java -version"},
	{"javac", "javac -version"}, {"openssl", "openssl version"}, {"ssh", "ssh -V"},
	{"openssh", "ssh -V"}, {"tmux", "tmux -V"}, {"nginx", "nginx -v"},
	{"kubectl", "kubectl version --client"}, {"helm", "helm version"}, {"rust", "rustc --version"},
	{"rustc", "rustc --version"}, {"cargo", "cargo --version"}, {"gcc", "gcc --version"},
	{"clang", "clang --version"}, {"cmake", "cmake --version"}, {"ruby", "ruby --version"},
	{"php", "php --version"}, {"perl", "perl --version"}, {"zsh", "zsh --version"},
};

static const char *prog_version(const char *v)
{
	for (size_t i = 0; i < ARRAY_SIZE(prog_versions); i++)
		if (strcasecmp(v, prog_versions[i].name) == 0)
			return prog_versions[i].cmd;
	return NULL;
}

/* Images on Docker Hub whose names are also words the engine knows:
 * "docker pull nginx" names the image, though nginx is a service word. */
/* The port an official image serves on by default, NULL when unknown. */
static const char *image_port(const char *w)
{
	static const struct {
		const char *image, *port;
	} ports[] = {
		{"nginx", "80"}, {"httpd", "80"}, {"caddy", "80"}, {"wordpress", "80"},
		{"haproxy", "80"}, {"redis", "6379"}, {"postgres", "5432"}, {"mysql", "3306"},
		{"mariadb", "3306"}, {"mongo", "27017"}, {"rabbitmq", "5672"},
		{"memcached", "11211"}, {"grafana", "3000"}, {"prometheus", "9090"},
		{"jenkins", "8080"}, {"elasticsearch", "9200"}, {"registry", "5000"},
	};

	for (size_t i = 0; i < ARRAY_SIZE(ports); i++)
		if (strcasecmp(w, ports[i].image) == 0)
			return ports[i].port;
	return NULL;
}

/* A network interface's name: eth0, en0, wlan0, enp3s0, wlp2s0, lo. */
static bool iface_name(const char *v)
{
	static const char *const pre[] = {"eth", "en", "wlan", "wlp", "wl", "lo", "br", "docker",
					  "tun", "tap", "bond", "veth", "utun", "virbr", "ens", "eno",
					  "enp"};
	bool digit = false;
	size_t n = strlen(v);

	if (str_eq(v, "lo"))
		return true;
	if (n < 3 || n > 15)
		return false;
	for (const char *c = v; *c; c++) {
		if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c))
			return false;
		digit |= isdigit((unsigned char)*c) != 0;
	}
	if (!digit)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(pre); i++)
		if (strncmp(v, pre[i], strlen(pre[i])) == 0 && isdigit((unsigned char)v[strlen(pre[i])]))
			return true;
	return false;
}

static bool known_image(const char *w)
{
	static const char *const images[] = {
		"nginx", "redis", "postgres", "mysql", "mariadb", "mongo", "ubuntu", "debian",
		"alpine", "busybox", "node", "python", "golang", "httpd", "traefik", "rabbitmq",
		"memcached", "fedora", "centos", "jenkins", "grafana", "prometheus", "caddy",
		"haproxy", "wordpress", "elasticsearch", "registry", "hello-world",
	};

	for (size_t i = 0; i < ARRAY_SIZE(images); i++)
		if (strcasecmp(w, images[i]) == 0)
			return true;
	return false;
}

/* An archive or a compressed file: not text to print. */
static bool archive_name(const char *v)
{
	static const char *const sfx[] = {".tar", ".tgz", ".txz", ".tbz2", ".zip", ".gz", ".xz",
					  ".bz2", ".7z", ".zst", ".rar"};

	for (size_t i = 0; i < ARRAY_SIZE(sfx); i++)
		if (ends_with(v, sfx[i]))
			return true;
	return false;
}

static const char *pm_name(const char *w);

/* A superlative ("largest", "newest"): how to pick, never a name or a pattern. */
static bool superlative(const char *v)
{
	static const char *const sup[] = {"biggest", "largest", "smallest", "newest", "oldest",
					  "latest", "heaviest", "tiniest", "earliest"};

	return IN_WORDS(v, sup);
}

/* Kinds of Kubernetes object: "forward the pod" names none. */
static bool k8s_kind(const char *v)
{
	static const char *const kinds[] = {"pod", "deployment", "service", "svc", "node", "namespace",
					    "container", "cluster", "replica", "ingress"};

	return IN_WORDS(v, kinds);
}

/* Words said of a host that are no host's name: "the remote server",
 * "another machine". */
static bool host_kind(const char *v)
{
	static const char *const kinds[] = {"remote", "local", "other", "another", "same", "new",
					    "this", "that", "my", "the", "a", "some", "ssh", "web"};

	return IN_WORDS(v, kinds);
}

/* Libraries of a language's own registry (PyPI, npm): "uninstall numpy" is
 * pip's, and apt or brew would remove or install something else or nothing. */
static bool lang_package(const char *v)
{
	static const char *const libs[] = {
		"numpy", "pandas", "scipy", "matplotlib", "requests", "flask", "django", "pytest",
		"fastapi", "sqlalchemy", "boto3", "tensorflow", "torch", "pytorch", "scikit-learn",
		"sklearn", "seaborn", "pillow", "beautifulsoup4", "bs4", "pydantic", "uvicorn",
		"gunicorn", "celery", "pyyaml", "express", "react", "lodash", "axios", "jest",
		"eslint", "prettier", "nodemon", "webpack", "vue", "dotenv",
	};

	return IN_WORDS(v, libs);
}

static bool check_ok(int check, const char *v, int kind)
{
	switch (check) {
	case CK_TAR:
		return ends_with(v, ".tar") || ends_with(v, ".tar.gz") || ends_with(v, ".tgz") ||
		       ends_with(v, ".tar.xz") || ends_with(v, ".txz") || ends_with(v, ".tar.bz2") ||
		       ends_with(v, ".tbz2") || ends_with(v, ".tar.zst");
	case CK_ZIP:
		return ends_with(v, ".zip");
	case CK_7Z:
		return ends_with(v, ".7z");
	case CK_GZ:
		return ends_with(v, ".gz") && !ends_with(v, ".tar.gz");
	case CK_XZ:
		return ends_with(v, ".xz") && !ends_with(v, ".tar.xz");
	case CK_BZ2:
		return ends_with(v, ".bz2") && !ends_with(v, ".tar.bz2");
	case CK_JSON:
		return v[0] == '{' || v[0] == '[';
	case CK_SCRIPT:
		return ends_with(v, ".sh") || ends_with(v, ".py") || ends_with(v, ".pl") ||
		       ends_with(v, ".rb") || strchr(v, '/') != NULL;
	case CK_IDENT:
		if (!isalpha((unsigned char)v[0]) && v[0] != '_')
			return false;
		for (; *v; v++)
			if (!isalnum((unsigned char)*v) && *v != '_')
				return false;
		return true;
	case CK_HEX: {
		size_t n = strlen(v);

		if (n < 32)
			return false;
		for (; *v; v++)
			if (!isxdigit((unsigned char)*v))
				return false;
		return true;
	}
	case CK_TZ:
		return city_zone(v) != NULL;
	case CK_SYSVC:
		return sys_label(v) != NULL;
	case CK_REMOTE:
		return str_eq(v, "origin") || str_eq(v, "upstream");
	case CK_CLOCK: { /* 9:30, 14:05 */
		char *end;
		long h = strtol(v, &end, 10), m;

		if (end == v || end - v > 2 || *end != ':' || !isdigit((unsigned char)end[1]))
			return false;
		m = strtol(end + 1, &end, 10);
		return *end == '\0' && strlen(strchr(v, ':') + 1) == 2 && h >= 0 && h < 24 && m >= 0 &&
		       m < 60;
	}
	case CK_SVC: /* a unit name, not "10:00", host:port, ~/.bashrc, nor a kind of service */
	case CK_DAEMON: /* ... nor a network interface ("bring eth0 up") */
		return !strpbrk(v, ":/~") && !generic_service(v) && !iface_name(v);
	case CK_IFACE:
		return iface_name(v);
	case CK_NAMEWORD: { /* "the largest folder" names none */
		static const char *const none[] = {"empty", "hidden", "other", "same", "current",
						   "parent", "this", "that"};

		return !superlative(v) && !IN_WORDS(v, none);
	}
	case CK_NOTLINENO: { /* a pattern: never "the largest" of "find the largest folder", nor
			      * "count the elements in list.json", which names no text */
		static const char *const things[] = {"elements", "items", "entries", "objects",
						     "records", "keys", "values", "element", "item"};

		return kind != TK_WORD || (!superlative(v) && !IN_WORDS(v, things));
	}
	case CK_BRANCH: { /* "a new empty branch" names none */
		static const char *const kinds[] = {"empty", "new", "current", "other", "another",
						    "remote", "local", "this", "that", "orphan", "same"};

		return !IN_WORDS(v, kinds);
	}
	case CK_DLDIR: { /* a folder: ends in /, or its last part has no suffix (/tmp, ~/Downloads) */
		const char *base = strrchr(v, '/');

		base = base ? base + 1 : v;
		return *base == '\0' || !strchr(base, '.') || str_eq(base, "..") || str_eq(base, ".");
	}
	case CK_HOSTNAME: { /* "ping 3 times and quit": quit is no host */
		static const char *const verbs[] = {"quit", "exit", "stop"};

		return kind != TK_WORD || (!host_kind(v) && !IN_WORDS(v, verbs));
	}
	case CK_PKGFILE:
		return ends_with(v, ".deb") || ends_with(v, ".rpm");
	case CK_CMDNAME:
		return explain_program_what(v) || prog_version(v) || lex_word(v) < 0;
	case CK_PROGNAME: {
		static const char *const proto[] = {"tcp", "udp", "ip", "ipv4", "ipv6", "http", "https",
						    "all", "any", "every", "open", "local", "network",
						    /* tasks, not programs: "kill the build" */
						    "build", "download", "upload", "backup", "sync", "update",
						    "install", "job", "task", "program", "app", "application",
						    "script", "server", "thing", "everything", "it", "limit",
						    "container", "service", "port",
						    /* forms: "show processes as a tree" */
						    "tree", "table"};

		return !IN_WORDS(v, proto);
	}
	case CK_KLABEL: { /* key=value, both parts of label characters */
		const char *eq = strchr(v, '=');

		return eq && eq != v && eq[1] && !strchr(eq + 1, '=') &&
		       strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-/=") ==
			       strlen(v);
	}
	case CK_KSVC: /* a name, not host:port nor a kind ("forward the pod") */
		return strchr(v, ':') == NULL && !k8s_kind(v);
	case CK_ENVNAME: { /* HOME, path, $EDITOR; "set a variable" names none: a generic verb is no name */
		int id;

		if (kind == TK_SYM) /* only "$NAME" of the symbols */
			return v[0] == '$' && check_ok(CK_IDENT, v + 1, TK_WORD);
		id = lex_word(v);

		return check_ok(CK_IDENT, v, kind) && (id < 0 || !(lex_flags(id) & WF_WEAK));
	}
	case CK_PROG: /* a program the engine knows how to ask for its version */
		return prog_version(v) || (explain_program_what(v) && !generic_service(v));
	case CK_RC: { /* ~/.bashrc, .zshrc, ~/.profile */
		const char *base = strrchr(v, '/');

		base = base ? base + 1 : v;
		return str_eq(base, ".bashrc") || str_eq(base, ".zshrc") || str_eq(base, ".profile") ||
		       str_eq(base, ".bash_profile") || str_eq(base, ".zprofile");
	}
	case CK_LOCAL: { /* not host:path, user@host: cp and mv stay on this machine */
		const char *colon = strchr(v, ':');

		return kind != TK_AT && !(colon && !memchr(v, '/', (size_t)(colon - v)));
	}
	case CK_LOGWORD: { /* a log level or outcome: error(s), warnings, failed */
		static const char *const lw[] = {"error", "errors", "warning", "warnings", "warn",
						 "fail", "failed", "failure", "failures", "exception",
						 "exceptions", "critical", "fatal", "denied", "timeout",
						 "timeouts", "panic", "refused", "crash", "crashes"};

		if (kind == TK_QUOTED)
			return true;
		return IN_WORDS(v, lw);
	}
	case CK_PJSON: {
		const char *base = strrchr(v, '/');

		return str_eq(base ? base + 1 : v, "package.json");
	}
	case CK_REQ: {
		const char *base = strrchr(v, '/');

		base = base ? base + 1 : v;
		return strncmp(base, "requirements", 12) == 0 && ends_with(base, ".txt");
	}
	case CK_PKG: { /* "install node with brew": brew is the manager, not the package */
		static const char *const kinds[] = {"cask", "formula", "app", "list", "all", "every",
						    "version", "installed", "locally", "update", "updates",
						    "upgrade", "driver", "drivers", "font", "fonts", "patch",
						    "patches", "security", "latest", "software", "everything",
						    "editable",
						    /* "show python path": a property, no package */
						    "path", "location", "home", "info", "details"};
		const char *dot = strrchr(v, '.');

		/* "a brew cask", "list installed packages versions": no package named */
		if (IN_WORDS(v, kinds))
			return false;

		/* requirements.txt is a file of packages, not one */
		if ((kind == TK_FILE || kind == TK_PATH) && dot &&
		    (str_eq(dot, ".txt") || str_eq(dot, ".json") || str_eq(dot, ".toml") ||
		     str_eq(dot, ".lock") || str_eq(dot, ".deb") || str_eq(dot, ".rpm")))
			return false;
		return pm_name(v) == NULL;
	}
	case CK_SPKG: /* a system package: not numpy, which is pip's */
		return check_ok(CK_PKG, v, kind) && !lang_package(v);
	case CK_LRANGE: { /* 5-10: first line first */
		char *end;
		long a = strtol(v, &end, 10), z;

		if (end == v || *end != '-' || !isdigit((unsigned char)end[1]))
			return false;
		z = strtol(end + 1, &end, 10);
		return *end == '\0' && a >= 1 && a <= z;
	}
	case CK_DEV:
		return strncmp(v, "/dev/", 5) == 0 && v[5] != '\0';
	case CK_SHA: { /* git accepts 4+ hex digits; 6+ keeps words like "add" or "bad" out */
		size_t n = strlen(v);

		if (n < 6 || n > 40)
			return false;
		for (; *v; v++)
			if (!isxdigit((unsigned char)*v) || isupper((unsigned char)*v))
				return false;
		return true;
	}
	case CK_EMAIL: { /* name@domain.tld, not user@host:path or pkg@1.2 */
		const char *at = strchr(v, '@');

		return at && at > v && !strpbrk(v, ":/") && strchr(at, '.') &&
		       isalpha((unsigned char)v[strlen(v) - 1]);
	}
	case CK_BAREHOST: /* user@host:/tmp already says where: it is not host:~/ */
		return strpbrk(v, "@:/") == NULL && !host_kind(v);
	case CK_RSPEC: /* [user@]host:path, not user@host or pkg@1.2 */
		return strchr(v, ':') != NULL && strchr(v, ':')[1] != '\0';
	case CK_SUBDIR:
		if (str_eq(v, "/"))
			return false;
		/* fall through */
	case CK_DIRISH: { /* conf.d, sites.available: no file extension */
		const char *dot = strrchr(v, '.');
		char low[16];
		size_t k;

		if (kind == TK_WORD && city_zone(v)) /* "the time in tokyo" */
			return false;
		/* "remove a directory from PATH": a variable's name, never a folder */
		if (kind == TK_WORD && strlen(v) >= 3 && strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789") == strlen(v))
			return false;
		/* /dev/sda1 is a device ("what's using /dev/sda1" is no du of it);
		 * of /dev only the shared-memory folder holds files to size */
		if (strncmp(v, "/dev/", 5) == 0 && v[5] && strncmp(v + 5, "shm", 3) != 0)
			return false;
		if (kind != TK_FILE || !dot || strchr(v, '/'))
			return true;
		for (k = 0; dot[k + 1] && k + 1 < sizeof(low); k++)
			low[k] = (char)tolower((unsigned char)dot[k + 1]);
		low[k] = '\0';
		return !ms_known_ext(low) && !archive_name(v);
	}
	case CK_MEMBER: { /* a file name with a suffix ("app.yml", "src/a.c"), no archive */
		const char *base = strrchr(v, '/');

		base = base ? base + 1 : v;
		return kind != TK_WORD && strchr(base + 1, '.') && !archive_name(v) &&
		       !str_eq(base, "..");
	}
	case CK_TEXTNAME: { /* app.log, src/main.c: a known suffix (conf.d is a folder) */
		const char *base = strrchr(v, '/'), *dot;
		char low[16];
		size_t k;

		base = base ? base + 1 : v;
		dot = strrchr(base, '.');
		if (kind == TK_WORD || !dot || dot == base || archive_name(v))
			return false;
		for (k = 0; dot[k + 1] && k + 1 < sizeof(low); k++)
			low[k] = (char)tolower((unsigned char)dot[k + 1]);
		low[k] = '\0';
		return ms_known_ext(low);
	}
	case CK_TEXTF: /* ... and not an archive or a compressed file */
		if (archive_name(v))
			return false;
		/* fall through */
	case CK_FILE: /* a file, not a folder; a bare word only if written like a name */
		if (kind == TK_WORD && !name_shaped(v))
			return false;
		return !str_eq(v, ".") && !str_eq(v, "..") && !str_eq(v, "~") && v[strlen(v) - 1] != '/';
	default:
		return true;
	}
}

/* Token i is a number said as a line's: "line 7", and "10" of "lines 5 to 10". */
static bool line_number(const struct mreq *r, int i)
{
	if (i < 1 || r->t[i].kind != TK_NUM)
		return false;
	if (str_eq(r->t[i - 1].low, "line"))
		return true;
	return i >= 3 && (str_eq(r->t[i - 1].low, "to") || str_eq(r->t[i - 1].low, "through") ||
			  str_eq(r->t[i - 1].low, "thru")) &&
	       r->t[i - 2].kind == TK_NUM && str_eq(r->t[i - 3].low, "line");
}

static bool takeable(const struct mfill *f, int i, uint32_t kinds, bool unknown, int check)
{
	const struct mtok *t = &f->r->t[i];

	if (!tok_free(f, i) || !((kinds >> t->kind) & 1u))
		return false;
	if (t->kind == TK_WORD && (t->stop || t->phrase))
		return false;
	/* a known word is a value only next to its noun ("the web container"),
	 * and an image only when it is one ("docker pull nginx", not "the
	 * unused images") */
	/* "under docs", "into build": these prepositions only say where, so
	 * the word after them is a folder even when the engine knows it */
	if (t->kind == TK_WORD && t->w >= 0 && !t->fixed && !name_shaped(t->raw) &&
	    (check == CK_IMAGE ? !known_image(t->raw)
	     : check == CK_SVC || check == CK_DAEMON ? unknown && svc_row(t->raw) < 0 && !sys_label(t->raw)
						       : unknown) &&
	    !((check == CK_DIRISH || check == CK_SUBDIR) && i > 0 && !(lex_flags(t->w) & WF_WEAK) &&
	      (str_eq(f->r->t[i - 1].low, "under") || str_eq(f->r->t[i - 1].low, "inside") ||
	       str_eq(f->r->t[i - 1].low, "within") || str_eq(f->r->t[i - 1].low, "into"))))
		return false;
	if ((check == CK_FILE || check == CK_TEXTF) && t->dir)
		return false; /* "show the downloads folder" is no file for cat */
	if (check == CK_SUREDIR && t->kind == TK_PATH && !t->dir && t->raw[strlen(t->raw) - 1] != '/')
		return false;
	if (check == CK_NOTLINENO && t->kind == TK_NUM && i > 0 && str_eq(f->r->t[i - 1].low, "line"))
		return false;
	if (check == CK_LINENO && !line_number(f->r, i))
		return false;
	if (check == CK_COUNTNUM && t->kind == TK_NUM && t->num >= 1900 && t->num <= 2100 &&
	    (t->cue == CUE_IN || t->cue == CUE_FROM))
		return false;
	/* "watch the log and alert": a word after "and" begins a second task,
	 * not the unit, unless a service noun follows ("and the cron service") */
	if ((check == CK_SVC || check == CK_SYSVC || check == CK_DAEMON) && i > 0 &&
	    (str_eq(f->r->t[i - 1].low, "and") || str_eq(f->r->t[i - 1].low, "then")) &&
	    !(i + 1 < f->r->n && (mt_is(&f->r->t[i + 1], "service") || str_eq(f->r->t[i + 1].low, "daemon") ||
				  str_eq(f->r->t[i + 1].low, "server") || str_eq(f->r->t[i + 1].low, "unit"))))
		return false;
	/* a system service's launchd label is known on macOS; elsewhere its unit is needed */
	if ((check == CK_SVC || (check == CK_SYSVC && f->plat && f->plat->os != PLAT_MACOS)) &&
	    !svc_unit(f->plat, t->raw))
		return false;
	if (check == CK_DAEMON && !svc_proc(t->raw))
		return false;
	/* .deb is apt's, .rpm dnf's, yum's and zypper's */
	if (check == CK_PKGFILE && f->plat &&
	    !(ends_with(t->raw, ".deb") ? str_eq(f->plat->pkg, "apt")
					: str_eq(f->plat->pkg, "dnf") || str_eq(f->plat->pkg, "yum") ||
						  str_eq(f->plat->pkg, "zypper")))
		return false;
	return check_ok(check, t->raw, t->kind);
}

static const char *sig_name(const struct mtok *t)
{
	static const struct {
		const char *w, *sig;
	} sigs[] = {
		{"hup", "HUP"}, {"sighup", "HUP"}, {"term", "TERM"}, {"sigterm", "TERM"},
		{"int", "INT"}, {"sigint", "INT"}, {"sigkill", "KILL"}, {"force", "9"},
		{"forcefully", "9"}, {"usr1", "USR1"}, {"sigusr1", "USR1"}, {"usr2", "USR2"},
		{"sigusr2", "USR2"}, {"pause", "STOP"}, {"suspend", "STOP"}, {"sigstop", "STOP"},
		{"freeze", "STOP"}, {"resume", "CONT"}, {"continue", "CONT"}, {"sigcont", "CONT"},
		{"unpause", "CONT"}, {"unfreeze", "CONT"}, {"gracefully", "TERM"},
	};
	const char *w = t->low;

	if (t->kind == TK_OPT) {
		static const char *const opts[] = {"-9", "-kill", "-hup", "-term", "-int", "-15", "-1",
						   "-2", "-stop", "-cont", "-usr1", "-usr2"};
		static const char *const names[] = {"9", "KILL", "HUP", "TERM", "INT", "TERM", "HUP",
						    "INT", "STOP", "CONT", "USR1", "USR2"};

		for (size_t i = 0; i < ARRAY_SIZE(opts); i++)
			if (str_eq(w, opts[i]))
				return names[i];
		return NULL;
	}
	if (t->kind != TK_WORD)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		if (str_eq(w, sigs[i].w))
			return sigs[i].sig;
	return NULL;
}

static const char *const small_num[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9",
					 "10", "11", "12", "13", "14", "15", "16", "17", "18",
					 "19", "20"};

static bool octal_mode(const char *s)
{
	size_t n = strlen(s);

	if (n < 3 || n > 4)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '7')
			return false;
	return true;
}

/* Whether the noun at j ("folder", "files") stands for every file of a
 * name, which a file-name pattern then matches: a plural ("build
 * folders"), a quantifier ("every build folder") or a search ("find the
 * build folder"). "Remove the build folder" names one folder, not a
 * pattern to look for. */
static bool names_many(const struct mreq *r, int j)
{
	static const char *const many[] = {"all", "every", "any", "each", "find"};
	const char *raw = r->t[j].raw;

	if (raw[0] && tolower((unsigned char)raw[strlen(raw) - 1]) == 's')
		return true;
	for (int i = 0; i < r->n; i++)
		for (size_t k = 0; k < ARRAY_SIZE(many); k++)
			if (r->t[i].kind == TK_WORD && str_eq(r->t[i].low, many[k]))
				return true;
	return false;
}

/* Whether t can start a command line: a program the explain table knows
 * ("df", "docker"), a path to one, or a word outside the vocabulary
 * written like a program name ("nvidia-smi"). "watch cpu usage" names no
 * program, and "watch -n 2 cpu usage" would be no command. */
static bool command_name(const struct mtok *t)
{
	if (t->kind == TK_PATH || t->kind == TK_FILE)
		return true;
	if (t->kind != TK_WORD)
		return false;
	if (explain_program_what(t->raw))
		return true;
	if (t->w >= 0 && !t->fixed)
		return false;
	for (const char *p = t->raw; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && !strchr("-_.+", *p))
			return false;
	return true;
}

/* Whether the word i, taken by a noun that set one of the intent's flags,
 * names that object rather than a place for role rd: in "remove the build
 * folder" find's "folder" asks for -type d, so "build" is what to remove,
 * not where to look; "in the build folder" would say where. */
static bool names_object(const struct mfill *f, const struct role_def *rd, int i)
{
	const struct mreq *r = f->r;

	if (!rd->rcues || cue_ok(rd->rcues, &r->t[i]))
		return false;
	return (i > 0 && f->flagged[i - 1]) || (i + 1 < r->n && f->flagged[i + 1]);
}

/* Words that pick which of the noun's things, never a name: "each
 * folder", "the current folder", "another container". */
static bool picks_which(const struct mtok *t)
{
	return t->kind == TK_WORD &&
	       (str_eq(t->low, "each") || str_eq(t->low, "current") || str_eq(t->low, "another"));
}

static struct mrole *get_role(struct mfill *f, const char *name, size_t n);

/* Whether the role takes tokens under "to"/"into" and under other cues
 * too: a destination, which "to" names best. */
static bool to_first(const struct role_def *rd)
{
	uint32_t to = C(TO) | C(INTO);

	return rd->kinds && rd->cues && (rd->cues & to) == to && (rd->cues & ~to);
}

/* A field separator said by name ("colon", "tabs") or typed (":"), as
 * shell text for cut -d; NULL when w names none. */
static const char *sep_text(const char *w)
{
	static const struct {
		const char *word, *sh;
	} seps[] = {
		{"colon", ":"}, {":", ":"}, {"comma", ","}, {",", ","}, {"semicolon", "';'"},
		{";", "';'"}, {"tab", "$'\\t'"}, {"space", "' '"}, {"pipe", "'|'"}, {"|", "'|'"},
		{"dash", "-"}, {"hyphen", "-"}, {"-", "-"}, {"dot", "."}, {"period", "."},
		{".", "."}, {"slash", "/"}, {"/", "/"}, {"underscore", "_"}, {"_", "_"},
	};
	char one[16];
	size_t n = strlen(w);

	if (n >= sizeof(one))
		return NULL;
	memcpy(one, w, n + 1);
	if (n > 3 && one[n - 1] == 's') /* "colons", "tabs" */
		one[n - 1] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(seps); i++)
		if (strcasecmp(one, seps[i].word) == 0 || strcasecmp(w, seps[i].word) == 0)
			return seps[i].sh;
	return NULL;
}

static bool sep_word(const char *w)
{
	return str_eq(w, "separated") || str_eq(w, "delimited") || str_eq(w, "separator") ||
	       str_eq(w, "delimiter");
}

/* "colon-separated", "separated by colons", "comma delimited", "the
 * delimiter is ';'": the separator as shell text, marking its words. */
static bool sep_free(const struct mfill *f, int i)
{
	int s = f->r->t[i].slot;

	/* "by colons" reads like an owner ("by alice") to the slot pass */
	return !f->used[i] && (s < 0 || (!f->slot_used[s] && f->r->s[s].type == SL_USER));
}

static void sep_take(struct mfill *f, int i)
{
	f->used[i] = true;
	if (f->r->t[i].slot >= 0)
		f->slot_used[f->r->t[i].slot] = true;
}

static const char *resolve_sep(struct mfill *f)
{
	const struct mreq *r = f->r;

	for (int i = 0; i < r->n; i++) {
		const char *w = r->t[i].low, *dash = strrchr(w, '-'), *sh;

		if (!sep_free(f, i))
			continue;
		if (dash && dash > w && sep_word(dash + 1)) {
			char pre[16];

			snprintf(pre, sizeof(pre), "%.*s", (int)(dash - w), w);
			if ((sh = sep_text(pre))) {
				sep_take(f, i);
				return sh;
			}
			continue;
		}
		if (!sep_word(w))
			continue;
		if (i > 0 && sep_free(f, i - 1) && r->t[i - 1].kind == TK_WORD &&
		    (sh = sep_text(r->t[i - 1].low))) {
			sep_take(f, i);
			sep_take(f, i - 1);
			return sh;
		}
		for (int j = i + 1; j < r->n; j++) {
			const struct mtok *t = &r->t[j];

			if (t->stop && t->kind == TK_WORD && sep_free(f, j))
				continue;
			if (!sep_free(f, j) || (t->kind != TK_WORD && t->kind != TK_SYM &&
						t->kind != TK_QUOTED) || !(sh = sep_text(t->raw)))
				break;
			for (int k = i; k <= j; k++)
				sep_take(f, k);
			return sh;
		}
	}
	return NULL;
}

/* An environment variable: NAME written in capitals (EDITOR, JAVA_HOME),
 * or NAME=value in one token. */
static bool env_name(const char *s)
{
	size_t n = strcspn(s, "=");
	bool letter = false, eq = s[n] == '=';

	if (n < 2 || isdigit((unsigned char)s[0]) || (eq && !s[n + 1]))
		return false;
	/* the token lost its edge punctuation: only a plain value is as typed */
	if (eq && strspn(s + n + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789_./:~@%+,-") != strlen(s + n + 1))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!(isupper((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_') &&
		    !(eq && (islower((unsigned char)s[i]))))
			return false;
		letter |= isalpha((unsigned char)s[i]) != 0;
	}
	return letter;
}

/* Whether token i, governed by "to" or "into", is kept for the intent's
 * dest role: in "copy report.txt to the backup folder" the folder is where
 * the copy goes, not what is copied. */
static bool dest_only(const struct mfill *f, const struct role_def *rd, int i)
{
	uint8_t cue = f->r->t[i].cue;

	return (cue == CUE_TO || cue == CUE_INTO) && !str_eq(rd->name, "dest") &&
	       !str_eq(rd->name, "ldest") && !str_eq(rd->name, "ddest") && f->in && f->in->gnu &&
	       (strstr(f->in->gnu, "{dest") || strstr(f->in->gnu, "{ldest"));
}

/* A name slot ("named site.tgz") fills an archive role only when it is one
 * of that kind, and a text role only when it is no archive. */
static bool slot_check_ok(const struct mfill *f, const struct role_def *rd, const struct mslot *s)
{
	if (s->type == SL_DATE)
		return rd->check == CK_AFTER ? s->cmp < 0 : rd->check == CK_BEFORE ? s->cmp > 0 : true;
	if (s->type == SL_EXT && rd->check == CK_ZIP)
		return strcasecmp(s->val, "zip") == 0;
	if (s->type == SL_EXT && rd->check == CK_GZ)
		return strcasecmp(s->val, "gz") == 0;
	if (s->type != SL_NAME)
		return true;
	switch (rd->check) {
	case CK_SVC:
		return svc_unit(f->plat, s->val) != NULL;
	case CK_DAEMON:
		return svc_proc(s->val) != NULL;
	case CK_TAR:
	case CK_ZIP:
	case CK_7Z:
	case CK_GZ:
	case CK_XZ:
	case CK_BZ2:
		return check_ok(rd->check, s->val, TK_FILE);
	case CK_TEXTF:
		return !archive_name(s->val) && !strchr(s->val, '*');
	case CK_FILE: /* "files with tmp in the name" is a glob for find, no file for rm */
		return !strchr(s->val, '*');
	case CK_DIRISH: /* "called src.tar.xz" names the archive, not the folder */
		return check_ok(CK_DIRISH, s->val, strchr(s->val, '.') ? TK_FILE : TK_WORD);
	default:
		return true;
	}
}

/* Fill role rd into slot m; false when the request has no value for it. */
static bool resolve(struct mfill *f, const struct role_def *rd, struct mrole *m)
{
	const struct mreq *r = f->r;

	m->tok = m->tok2 = m->slot = -1;
	m->lit = NULL;
	m->litq = false;
	for (int pass = 0; pass < 2; pass++) {
		int want = pass ? rd->slot2 : rd->slot;

		if (want < 0)
			continue;
		for (int s = 0; s < r->ns; s++) {
			if (r->s[s].type == want && !f->slot_used[s] && slot_check_ok(f, rd, &r->s[s])) {
				f->slot_used[s] = true;
				m->slot = s;
				return true;
			}
		}
	}
	switch (rd->special) {
	case RS_SIG:
		for (int i = 0; i < r->n; i++) {
			const char *sig;

			if (r->t[i].slot < 0 && (sig = sig_name(&r->t[i]))) {
				f->used[i] = true;
				m->lit = sig;
				/* "send a HUP signal" */
				if (i + 1 < r->n && str_eq(r->t[i + 1].low, "signal"))
					f->used[i + 1] = true;
				return true;
			}
		}
		return false;
	case RS_MODE:
		for (int i = 0; i < r->n; i++) {
			const struct mtok *t = &r->t[i];

			if (tok_free(f, i) && (t->kind == TK_MODE || (t->kind == TK_NUM && octal_mode(t->raw)))) {
				f->used[i] = true;
				m->tok = i;
				return true;
			}
		}
		return false;
	case RS_UHOST:
		for (int i = 0; i < r->n; i++)
			if (tok_free(f, i) && r->t[i].kind == TK_AT) {
				f->used[i] = true;
				m->tok = i;
				return true;
			}
		return false; /* the caller falls back to user@host below */
	case RS_CMD: {
		int first = -1, last = -1;

		for (int i = 0; i < r->n; i++) {
			if (first < 0 && (!tok_free(f, i) || r->t[i].stop))
				continue;
			if (first >= 0 && (!tok_free(f, i) || (r->t[i].stop && r->t[i].kind == TK_WORD)))
				break;
			if (first < 0)
				first = i;
			last = i;
		}
		/* "the last command" is a phrase, not the program last */
		if (first < 0 || r->t[first].phrase || !command_name(&r->t[first]))
			return false;
		for (int i = first; i <= last; i++)
			f->used[i] = true;
		m->tok = first;
		m->tok2 = last;
		return true;
	}
	case RS_SEP:
		m->lit = resolve_sep(f);
		return m->lit != NULL;
	case RS_CPORT: /* the image's own port; the image role takes the word */
		for (int i = 0; i < r->n; i++)
			if (tok_free(f, i) && r->t[i].kind == TK_WORD && (m->lit = image_port(r->t[i].low)))
				return true;
		return false;
	case RS_PMNAME: /* "brew install x" on linux names another system's manager */
		for (int i = 0; i < r->n; i++) {
			const char *pm;

			if (!tok_free(f, i) || r->t[i].kind != TK_WORD || !(pm = pm_name(r->t[i].low)))
				continue;
			if (!str_eq(pm, f->plat->pkg))
				return false;
			f->used[i] = true;
			m->lit = "";
			return true;
		}
		return false;
	case RS_JSEP: /* a named separator or a lone symbol, after with/by/using or none */
		for (int i = 0; i < r->n; i++) {
			const struct mtok *t = &r->t[i];
			const char *sh;

			if (!sep_free(f, i) || (t->kind != TK_WORD && t->kind != TK_SYM && t->kind != TK_QUOTED) ||
			    !(sh = sep_text(t->kind == TK_WORD ? t->low : t->raw)))
				continue;
			if (t->kind == TK_WORD && strlen(t->raw) == 1)
				continue; /* "join lines x" is no separator */
			sep_take(f, i);
			m->lit = sh;
			return true;
		}
		return false;
	case RS_EVAR:
		for (int i = 0; i < r->n; i++)
			if (tok_free(f, i) && env_name(r->t[i].raw)) {
				f->used[i] = true;
				m->tok = i;
				return true;
			}
		return false;
	case RS_EVAL: { /* NAME=value, or the one word after NAME (to, as, =) */
		const struct mrole *v = get_role(f, "evar", 4);
		int j;

		if (!v || v->tok < 0)
			return false;
		if (strchr(r->t[v->tok].raw, '=')) {
			m->lit = strchr(r->t[v->tok].raw, '=') + 1;
			m->litq = true;
			return true;
		}
		for (j = v->tok + 1; j < r->n && tok_free(f, j) &&
				     (r->t[j].stop || str_eq(r->t[j].raw, "="));
		     j++)
			;
		if (j >= r->n || !tok_free(f, j) || r->t[j].kind == TK_OPT || r->t[j].kind == TK_SYM)
			return false;
		if (r->t[j].kind != TK_QUOTED &&
		    strspn(r->t[j].raw, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					"0123456789_./:~@%+,-") != strlen(r->t[j].raw))
			return false; /* edge punctuation was dropped: not the value as typed */
		/* the value is the request's last word: "to include ~/bin" is no value */
		for (int k = j + 1; k < r->n; k++)
			if (!r->t[k].stop && tok_free(f, k))
				return false;
		for (int k = v->tok + 1; k <= j; k++)
			f->used[k] = true;
		m->tok = j;
		return true;
	}
	case RS_CLOCK: /* "since 10:00", "from 9am", "after noon": a time of day */
		for (int i = 0; i < r->n; i++) {
			static const char *const hh[] = {
				"00:00", "01:00", "02:00", "03:00", "04:00", "05:00", "06:00", "07:00",
				"08:00", "09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00",
				"16:00", "17:00", "18:00", "19:00", "20:00", "21:00", "22:00", "23:00"};
			const struct mtok *t = &r->t[i];
			char *end;
			long h;

			if (!tok_free(f, i))
				continue;
			if (check_ok(CK_CLOCK, t->raw, t->kind)) {
				m->tok = i;
			} else if (str_eq(t->low, "noon") || str_eq(t->low, "midday")) {
				m->lit = hh[12];
			} else if (str_eq(t->low, "midnight")) {
				m->lit = hh[0];
			} else if (isdigit((unsigned char)t->raw[0]) && (h = strtol(t->raw, &end, 10)) >= 1 &&
				   h <= 12 && (strcasecmp(end, "am") == 0 || strcasecmp(end, "pm") == 0)) {
				m->lit = hh[h % 12 + (tolower((unsigned char)end[0]) == 'p' ? 12 : 0)];
			} else {
				continue;
			}
			f->used[i] = true;
			if (i > 0 && tok_free(f, i - 1) && (str_eq(r->t[i - 1].low, "since") ||
							    str_eq(r->t[i - 1].low, "from") ||
							    str_eq(r->t[i - 1].low, "after")))
				f->used[i - 1] = true;
			return true;
		}
		return false;
	case RS_THISMONTH: /* "this month": cal's default */
		for (int s = 0; s < r->ns; s++) {
			const struct mslot *sl = &r->s[s];

			if (sl->type != SL_TIME || f->slot_used[s] || sl->ntok != 2 ||
			    !str_eq(r->t[sl->tok[0]].low, "this") || !str_eq(r->t[sl->tok[1]].low, "month"))
				continue;
			f->slot_used[s] = true;
			m->slot = s;
			m->lit = "";
			return true;
		}
		return false;
	case RS_TODAY: /* "today's date": a time slot that says today */
		for (int s = 0; s < r->ns; s++)
			if (r->s[s].type == SL_TIME && r->s[s].sub == TM_TODAY && !f->slot_used[s]) {
				f->slot_used[s] = true;
				m->slot = s;
				m->lit = "";
				return true;
			}
		return false;
	case RS_NTH:
		/* "second column", "column 3", "3rd field" */
		for (int i = 0; i < r->n; i++) {
			static const char *const ords[] = {"first", "second", "third", "fourth", "fifth",
							   "sixth", "seventh", "eighth", "ninth", "tenth"};
			const struct mtok *t = &r->t[i];
			int v = 0;

			if (!tok_free(f, i) && !(t->slot >= 0 && !f->slot_used[t->slot]))
				continue;
			/* "first 3 columns" is a count of columns, not column 1 or 3 */
			if (t->slot >= 0 && r->s[t->slot].ntok > 1)
				continue;
			for (size_t k = 0; k < ARRAY_SIZE(ords); k++)
				if (str_eq(t->low, ords[k]))
					v = (int)k + 1;
			if (!v && isdigit((unsigned char)t->raw[0])) {
				char *end;
				long n = strtol(t->raw, &end, 10);

				if (n > 0 && n < 1000 && (str_eq(end, "") || str_eq(end, "st") ||
							 str_eq(end, "nd") || str_eq(end, "rd") ||
							 str_eq(end, "th")))
					v = (int)n;
				/* "fields 1 to 3" is a range, not field 1 */
				if (str_eq(end, "") && i + 2 < r->n && r->t[i + 2].kind == TK_NUM &&
				    (str_eq(r->t[i + 1].low, "to") || str_eq(r->t[i + 1].low, "through") ||
				     str_eq(r->t[i + 1].low, "thru") || str_eq(r->t[i + 1].low, "and")))
					continue;
				if (str_eq(end, "") && !((i + 1 < r->n && (str_eq(r->t[i + 1].low, "column") ||
									   str_eq(r->t[i + 1].low, "field"))) ||
							 (i > 0 && (str_eq(r->t[i - 1].low, "column") ||
								    str_eq(r->t[i - 1].low, "field")))))
					v = 0;
			}
			if (!v || v > 20)
				continue;
			if (t->slot >= 0)
				f->slot_used[t->slot] = true;
			f->used[i] = true;
			m->lit = small_num[v];
			return true;
		}
		return false;
	case RS_MONTH:
		for (int i = 0; i < r->n; i++) {
			static const char *const months[] = {"january", "february", "march", "april", "may",
							     "june", "july", "august", "september",
							     "october", "november", "december"};
			static const char *const nums[] = {"1", "2", "3", "4", "5", "6", "7", "8", "9",
							   "10", "11", "12"};
			const struct mtok *t = &r->t[i];

			if (!tok_free(f, i))
				continue;
			for (size_t k = 0; k < 12; k++)
				if (str_eq(t->low, months[k]) ||
				    (strlen(t->low) == 3 && strncmp(t->low, months[k], 3) == 0)) {
					f->used[i] = true;
					m->lit = nums[k];
					return true;
				}
		}
		return false;
	case RS_YEAR:
		for (int i = 0; i < r->n; i++) {
			const struct mtok *t = &r->t[i];

			if (tok_free(f, i) && t->kind == TK_NUM && strlen(t->raw) == 4 && t->num >= 1900 &&
			    t->num <= 2200) {
				f->used[i] = true;
				m->tok = i;
				return true;
			}
		}
		return false;
	case RS_EXPR: {
		int first = -1, last = -1;

		for (int i = 0; i < r->n; i++) {
			const struct mtok *t = &r->t[i];

			if (!tok_free(f, i))
				continue;
			if (t->kind == TK_NUM || t->kind == TK_DEC ||
			    ((t->kind == TK_SYM || t->kind == TK_GLOB) &&
			     strspn(t->raw, "+-*/%^()x.") == strlen(t->raw)) ||
			    /* "15*24", "7/3": digits and operators typed as one token */
			    (strspn(t->raw, "0123456789+-*/%^().") == strlen(t->raw) &&
			     strpbrk(t->raw, "+-*/%^") && strpbrk(t->raw, "0123456789")) ||
			    (t->kind == TK_OPT && isdigit((unsigned char)t->raw[1]))) {
				if (first < 0)
					first = i;
				last = i;
			} else if (first >= 0) {
				break;
			}
		}
		/* one token is an expression only with an operator in it ("15*24") */
		if (first < 0 || (last == first && !strpbrk(r->t[first].raw + 1, "+-*/%^")))
			return false;
		for (int i = first; i <= last; i++)
			f->used[i] = true;
		m->tok = first;
		m->tok2 = last;
		return true;
	}
	case RS_MSG:
	case RS_TEXT:
		for (int i = 0; i < r->n; i++)
			if (tok_free(f, i) && r->t[i].kind == TK_QUOTED) {
				f->used[i] = true;
				m->tok = i;
				return true;
			}
		for (int i = 0; i + 1 < r->n; i++) {
			const char *w = r->t[i].low;

			if (rd->special == RS_MSG && !(str_eq(w, "message") || str_eq(w, "msg") ||
						       str_eq(w, "saying") || str_eq(w, "titled")))
				continue;
			if (rd->special == RS_TEXT && !(str_eq(w, "string") || str_eq(w, "text") ||
							str_eq(w, "word")))
				continue;
			f->used[i] = true;
			m->tok = i + 1;
			m->tok2 = r->n - 1;
			for (int k = i + 1; k < r->n; k++)
				f->used[k] = true;
			return true;
		}
		if (rd->special == RS_TEXT) {
			for (int i = 0; i < r->n; i++)
				/* unquoted, "data.b64" is a file to read, not the text */
				if (takeable(f, i, (ANYNAME | K(DEC)) & ~(K(FILE) | K(PATH)), false, 0)) {
					f->used[i] = true;
					m->tok = i;
					return true;
				}
		}
		return false;
	default:
		break;
	}
	/* a token of the role's own kind; "rename a.txt and b.txt" names two
	 * things to act on, never b.txt as where a.txt goes. A destination
	 * said with "to" or "into" comes before one said otherwise: in "move
	 * every png in this folder to images/" the png go to images/ */
	for (int i = 0; to_first(rd) && i < r->n; i++) {
		if ((r->t[i].cue == CUE_TO || r->t[i].cue == CUE_INTO) &&
		    takeable(f, i, rd->kinds, false, rd->check) && !dest_only(f, rd, i)) {
			f->used[i] = true;
			m->tok = i;
			return true;
		}
	}
	for (int i = 0; rd->kinds && i < r->n; i++) {
		if (takeable(f, i, rd->kinds, false, rd->check) && cue_ok(rd->cues, &r->t[i]) &&
		    !dest_only(f, rd, i) &&
		    !(rd->cues && r->t[i].cue == CUE_NONE && i > 0 && str_eq(r->t[i - 1].low, "and"))) {
			f->used[i] = true;
			m->tok = i;
			/* "test functions (def test_)": the words before restate it */
			for (int k = i - 1, left = 2; r->t[i].paren && k >= 0 && left > 0; k--, left--)
				if (tok_free(f, k) && !r->t[k].stop && r->t[k].kind == TK_WORD)
					f->used[k] = true;
			return true;
		}
	}
	/* the word next to the role's noun: "the web container", "pod api-1" */
	for (int j = 0; rd->nouns && j < r->n; j++) {
		uint32_t k = rd->rkinds | rd->kinds | ANYNAME;
		bool fname = (rd->kinds & K(FILE)) && !(rd->kinds & K(PATH));

		/* A file-name role ("files named x") never takes a path: find's
		 * -name cannot match a slash, and "files here" names a place. */
		if (fname)
			k &= ~K(PATH);

		if (r->t[j].kind != TK_WORD || !noun_match(rd->nouns, r->t[j].low))
			continue;
		if (fname && (mt_in_place(r, j) || !names_many(r, j)))
			continue;
		/* after the noun: a name ("pod api-1"); before it, any word ("the cron
		 * service"), except for "file", where the word before is a type */
		if (j + 1 < r->n && takeable(f, j + 1, k, false, rd->check) && !names_object(f, rd, j + 1) &&
		    !picks_which(&r->t[j + 1]) &&
		    !dest_only(f, rd, j + 1) &&
		    (r->t[j + 1].kind != TK_WORD || r->t[j + 1].w < 0 || r->t[j + 1].fixed ||
		     !(lex_flags(r->t[j + 1].w) & WF_TARGET))) {
			f->used[j] = f->used[j] || r->t[j].slot < 0;
			f->used[j + 1] = true;
			m->tok = j + 1;
			return true;
		}
		if (j > 0 && !state_of_many(r, j - 1) && takeable(f, j - 1, k, false, rd->check) &&
		    !names_object(f, rd, j - 1) && !picks_which(&r->t[j - 1]) &&
		    !dest_only(f, rd, j - 1) &&
		    (!str_eq(r->t[j].low, "file") || r->t[j - 1].kind != TK_WORD ||
		     r->t[j - 1].w < 0)) {
			f->used[j] = f->used[j] || r->t[j].slot < 0;
			f->used[j - 1] = true;
			m->tok = j - 1;
			return true;
		}
	}
	/* a leftover word, but never the role's own noun: "make the folder
	 * private" names no folder */
	for (int i = 0; rd->rkinds && i < r->n; i++) {
		if (takeable(f, i, rd->rkinds, rd->runknown, rd->check) && cue_ok(rd->rcues, &r->t[i]) &&
		    !dest_only(f, rd, i) &&
		    !(rd->nouns && r->t[i].kind == TK_WORD && noun_match(rd->nouns, r->t[i].low)) &&
		    !(rd->nouns && i + 1 < r->n && state_of_many(r, i) &&
		      noun_match(rd->nouns, r->t[i + 1].low))) {
			f->used[i] = true;
			m->tok = i;
			return true;
		}
	}
	return false;
}

/* Package managers: one row per manager, one column per verb. */
static const char *const pm_verbs[] = {"install", "remove", "search", "list", "info", "update",
				       "upgrade", "files", "owner", "autoremove", "outdated", "clean",
				       "reinstall"};
static const struct {
	const char *pm;
	const char *cmd[ARRAY_SIZE(pm_verbs)];
} pms[] = {
	{"apt", {"sudo apt install", "sudo apt remove", "apt search", "apt list --installed",
		 "apt show", "sudo apt update", "sudo apt update && sudo apt upgrade -y", "dpkg -L",
		 "dpkg -S", "sudo apt autoremove", "apt list --upgradable", "sudo apt clean",
		 "sudo apt install --reinstall"}},
	{"dnf", {"sudo dnf install", "sudo dnf remove", "dnf search", "dnf list installed",
		 "dnf info", "sudo dnf makecache", "sudo dnf upgrade -y", "rpm -ql", "rpm -qf",
		 "sudo dnf autoremove", "dnf check-update", "sudo dnf clean all", "sudo dnf reinstall"}},
	{"yum", {"sudo yum install", "sudo yum remove", "yum search", "yum list installed",
		 "yum info", "sudo yum makecache", "sudo yum update -y", "rpm -ql", "rpm -qf",
		 "sudo yum autoremove", "yum check-update", "sudo yum clean all", "sudo yum reinstall"}},
	{"pacman", {"sudo pacman -S", "sudo pacman -R", "pacman -Ss", "pacman -Q", "pacman -Si",
		    "sudo pacman -Sy", "sudo pacman -Syu", "pacman -Ql", "pacman -Qo",
		    "sudo pacman -Rns $(pacman -Qdtq)", "pacman -Qu", "sudo pacman -Sc", "sudo pacman -S"}},
	{"zypper", {"sudo zypper install", "sudo zypper remove", "zypper search",
		    "zypper search --installed-only", "zypper info", "sudo zypper refresh",
		    "sudo zypper update", "rpm -ql", "rpm -qf", NULL, "zypper list-updates", "sudo zypper clean",
		    "sudo zypper install -f"}},
	{"apk", {"sudo apk add", "sudo apk del", "apk search", "apk info", "apk info -a",
		 "sudo apk update", "sudo apk upgrade", "apk info -L", "apk info --who-owns", NULL,
		 "apk version -l '<'", "sudo apk cache clean", NULL}},
	{"brew", {"brew install", "brew uninstall", "brew search", "brew list", "brew info",
		  "brew update", "brew update && brew upgrade", "brew list", "pkgutil --file-info", "brew autoremove",
		  "brew outdated", "brew cleanup", "brew reinstall"}},
	{"pkg", {"sudo pkg install", "sudo pkg delete", "pkg search", "pkg info", "pkg info",
		 "sudo pkg update", "sudo pkg upgrade", "pkg info -l", "pkg which",
		 "sudo pkg autoremove", "pkg version -l '<'", "sudo pkg clean", "sudo pkg install -f"}},
};

static const char *pm_command(const struct platform *p, const char *verb)
{
	for (size_t i = 0; i < ARRAY_SIZE(pms); i++) {
		if (!str_eq(pms[i].pm, p->pkg))
			continue;
		for (size_t v = 0; v < ARRAY_SIZE(pm_verbs); v++)
			if (str_eq(pm_verbs[v], verb))
				return pms[i].cmd[v];
	}
	return NULL;
}

/* The package manager w names ("apt-get" is apt), NULL when none. */
static const char *pm_name(const char *w)
{
	if (str_eq(w, "apt-get") || str_eq(w, "aptitude"))
		return "apt";
	for (size_t i = 0; i < ARRAY_SIZE(pms); i++)
		if (str_eq(pms[i].pm, w))
			return pms[i].pm;
	return NULL;
}

bool mt_pm_verb_known(const char *verb);
bool mt_pm_verb_known(const char *verb)
{
	for (size_t v = 0; v < ARRAY_SIZE(pm_verbs); v++)
		if (str_eq(pm_verbs[v], verb))
			return true;
	return false;
}

static int flag_index(const struct mfill *f, const char *name, size_t n)
{
	for (int i = 0; i < f->ci->nopt; i++)
		if (f->ci->flaglen[i] == n && f->in->opt[f->ci->flagoff[i]] == name[0] &&
		    strncmp(f->in->opt + f->ci->flagoff[i], name, n) == 0)
			return i;
	return -1;
}

/* The role's value, resolving it the first time it is named. NULL when
 * it cannot be filled. */
static struct mrole *get_role(struct mfill *f, const char *name, size_t n)
{
	const struct role_def *rd;
	struct mrole *m;

	for (int i = 0; i < f->nroles; i++)
		if (f->roles[i].name[0] == name[0] && strncmp(f->roles[i].name, name, n) == 0 &&
		    f->roles[i].name[n] == '\0')
			return f->roles[i].ok ? &f->roles[i] : NULL;
	if (f->nroles >= MF_ROLES || n >= sizeof(f->roles[0].name))
		return NULL;
	m = &f->roles[f->nroles++];
	memcpy(m->name, name, n);
	m->name[n] = '\0';
	m->ok = false;
	m->litq = false;
	m->as = AS_ANY;
	{
		int fi = flag_index(f, name, n);

		if (fi >= 0) {
			m->tok = m->tok2 = m->slot = -1;
			m->lit = "";
			m->ok = (f->flags >> fi) & 1u;
			return m->ok ? m : NULL;
		}
	}
	if (n > 3 && strncmp(name, "pm_", 3) == 0) {
		m->tok = m->tok2 = m->slot = -1;
		m->lit = pm_command(f->plat, m->name + 3);
		m->ok = m->lit != NULL;
		return m->ok ? m : NULL;
	}
	rd = role_def(name, n);
	if (!rd)
		return NULL;
	{
		int idx = f->nroles - 1;

		m->as = role_as(rd);
		m->ok = resolve(f, rd, m);
		if (!m->ok && rd->special == RS_UHOST) {
			/* user@host from a user slot and a host */
			struct mrole *h = get_role(f, "host", 4);

			m = &f->roles[idx];
			if (h) {
				m->ok = true;
				m->lit = NULL;
				m->tok = h->tok;
				m->slot = -2; /* composed at render time */
				for (int s = 0; s < f->r->ns; s++)
					if (f->r->s[s].type == SL_USER)
						f->slot_used[s] = true;
			}
		}
	}
	return m->ok ? m : NULL;
}

/* ---- formatting ---- */

static void add_quoted(struct buf *b, const char *s, bool force)
{
	if (str_eq(s, "~") || str_eq(s, "~/")) {
		buf_adds(b, s);
		return;
	}
	if (str_startswith(s, "~/")) {
		buf_adds(b, "~/");
		s += 2;
		if (!*s)
			return;
	}
	if (force)
		buf_add_shquote_always(b, s);
	else
		buf_add_shquote(b, s);
}

/* A glob the user typed unquoted ("*.jpg", "logs/x*.gz"): the shell must
 * expand it, so the characters * ? and [...] stay bare and every other
 * run is quoted. */
static void add_glob(struct buf *b, const char *s)
{
	if (str_startswith(s, "~/")) {
		buf_adds(b, "~/");
		s += 2;
	}
	while (*s) {
		size_t n;

		if (*s == '*' || *s == '?') {
			buf_addch(b, *s++);
			continue;
		}
		if (*s == '[' && strchr(s + 1, ']')) {
			n = (size_t)(strchr(s + 1, ']') - s) + 1;
			/* A bracket set stays bare only when it holds nothing
			 * the shell would read as more than a character class
			 * ([0-9], [!.]); anything else ($, `, quotes) is text. */
			if (strspn(s + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					  "0123456789!^-_.,:") == n - 2) {
				buf_add(b, s, n);
				s += n;
				continue;
			}
		}
		/* A run up to the next glob character; an unclosed [ is
		 * literal, so it starts a run of its own. */
		n = *s == '[' ? 1 + strcspn(s + 1, "*?[") : strcspn(s, "*?[");
		{
			char run[MT_VAL];

			snprintf(run, sizeof(run), "%.*s", (int)MIN(n, sizeof(run) - 1), s);
			buf_add_shquote(b, run);
		}
		s += n;
	}
}

/* Roles that name files on the command line, where a glob is expanded. */
static bool names_files(const char *role)
{
	static const char *const names[] = {"file", "tfile", "target", "src", "dest", "ldest"};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (str_eq(role, names[i]))
			return true;
	return false;
}

static bool is_glob_tok(const struct mreq *r, const struct mrole *m)
{
	int t = m->tok >= 0 ? m->tok : m->slot >= 0 && r->s[m->slot].ntok == 1 ?
		r->s[m->slot].tok[0] : -1;

	return t >= 0 && (m->tok2 < 0 || m->tok2 == m->tok) && r->t[t].kind == TK_GLOB;
}

/* find -size units: the largest that divides the byte count exactly. */
static void fmt_find_size(struct buf *b, double bytes)
{
	double v = floor(bytes + 0.5);

	if (v >= 1073741824.0 && fmod(v, 1073741824.0) == 0)
		buf_addf(b, "%.0fG", v / 1073741824.0);
	else if (v >= 1048576 && fmod(v, 1048576) == 0)
		buf_addf(b, "%.0fM", v / 1048576);
	else if (v >= 1024 && fmod(v, 1024) == 0)
		buf_addf(b, "%.0fk", v / 1024);
	else
		buf_addf(b, "%.0fc", v);
}

static const char *unit_word(char u, bool plural)
{
	switch (u) {
	case 's': return plural ? "seconds" : "second";
	case 'm': return plural ? "minutes" : "minute";
	case 'h': return plural ? "hours" : "hour";
	case 'd': return plural ? "days" : "day";
	case 'w': return plural ? "weeks" : "week";
	case 'M': return plural ? "months" : "month";
	default: return plural ? "years" : "year";
	}
}

static const char *const wdays[] = {"sunday", "monday", "tuesday", "wednesday", "thursday",
				     "friday", "saturday"};

static void fmt_time(struct buf *b, const struct mslot *s, const char *fmt, const struct platform *p)
{
	bool bsd_find = platform_is_bsd(p, TOOL_FIND) || platform_is_bsd(p, TOOL_DATE);
	long n = lround(s->num);
	long o = lround(s->orig);

	if (str_eq(fmt, "find") || str_eq(fmt, "afind")) {
		char sign = s->cmp > 0 ? '+' : s->cmp == -2 ? 0 : '-';
		char x = fmt[0] == 'a' ? 'a' : 'm'; /* access or modification time */

		switch (s->sub) {
		case TM_MIN:
			if (sign)
				buf_addf(b, "-%cmin %c%ld", x, sign, n);
			else
				buf_addf(b, "-%cmin %ld", x, n);
			return;
		case TM_DAY:
			if (sign)
				buf_addf(b, "-%ctime %c%ld", x, sign, n);
			else
				buf_addf(b, "-%ctime %ld", x, n);
			return;
		case TM_TODAY:
			buf_addf(b, "-newer%ct \"$(date +%%Y-%%m-%%d)\"", x);
			return;
		case TM_YESTERDAY:
			if (s->num == 1) /* since yesterday: from its midnight on */
				buf_addf(b, "-newer%ct \"$(date %s +%%Y-%%m-%%d)\"", x,
					 bsd_find ? "-v-1d" : "-d yesterday");
			else if (bsd_find)
				buf_addf(b, "-newer%ct \"$(date -v-1d +%%Y-%%m-%%d)\" ! -newer%ct \"$(date +%%Y-%%m-%%d)\"", x, x);
			else
				buf_addf(b, "-daystart -%ctime 1", x);
			return;
		case TM_WEEKDAY:
			if (bsd_find)
				buf_addf(b, "-newer%ct \"$(date -v-%.3s +%%Y-%%m-%%d)\"", x, wdays[(int)s->num % 7]);
			else
				buf_addf(b, "-newer%ct 'last %s'", x, wdays[(int)s->num % 7]);
			return;
		}
		return;
	}
	if (str_eq(fmt, "mins")) { /* shutdown +N: minutes from now */
		buf_addf(b, "%ld", s->sub == TM_DAY ? n * 1440 : n);
		return;
	}
	if (str_eq(fmt, "last")) { /* log show --last: m, h or d */
		if (s->sub == TM_MIN)
			buf_addf(b, n % 60 == 0 ? "%ldh" : "%ldm", n % 60 == 0 ? n / 60 : n);
		else
			buf_addf(b, "%ldd", s->sub == TM_DAY ? n : 1);
		return;
	}
	if (str_eq(fmt, "dv")) { /* BSD date -v */
		char u = s->unit == 'h' ? 'H' : s->unit == 'm' ? 'M' : s->unit == 's' ? 'S' :
			 s->unit == 'M' ? 'm' : s->unit;

		if (s->sub == TM_TODAY)
			return;
		if (s->sub == TM_YESTERDAY) {
			buf_adds(b, "-v-1d");
			return;
		}
		buf_addf(b, "-v%c%ld%c", s->cmp >= 1 || s->ahead ? '+' : '-', o, u);
		return;
	}
	/* ago, dd: words for GNU date -d, git --since, journalctl --since */
	if (s->sub == TM_TODAY) {
		buf_adds(b, str_eq(fmt, "dd") ? "today" : "today");
		return;
	}
	if (s->sub == TM_YESTERDAY) {
		buf_adds(b, "yesterday");
		return;
	}
	if (s->sub == TM_WEEKDAY) {
		buf_addf(b, "'last %s'", wdays[(int)s->num % 7]);
		return;
	}
	if ((s->cmp >= 1 || s->ahead) && str_eq(fmt, "dd"))
		buf_addf(b, "'+%ld %s'", o, unit_word(s->unit, o != 1));
	else
		buf_addf(b, "'%ld %s ago'", o, unit_word(s->unit, o != 1));
}

/* Extensions: "py,js" as find -name alternatives, grep --include, globs. */
static void fmt_ext(struct buf *b, const char *exts, const char *fmt, bool icase)
{
	char one[64];
	int count = 0;

	for (const char *p = exts; *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] == ',')) {
		size_t n = strcspn(p, ",");

		if (n == 0 || n >= sizeof(one) - 3)
			continue;
		count++;
	}
	if (str_eq(fmt, "find") && count > 1)
		buf_adds(b, "\\( ");
	count = 0;
	for (const char *p = exts; *p;) {
		size_t n = strcspn(p, ",");

		if (n > 0 && n < sizeof(one) - 3) {
			snprintf(one, sizeof(one), "*.%.*s", (int)n, p);
			if (str_eq(fmt, "find")) {
				buf_adds(b, count ? " -o " : "");
				buf_adds(b, icase ? "-iname " : "-name ");
				add_quoted(b, one, true);
			} else if (str_eq(fmt, "inc")) {
				buf_adds(b, count ? " --include=" : "--include=");
				add_quoted(b, one, true);
			} else if (str_eq(fmt, "glob")) {
				buf_adds(b, count ? " " : "");
				buf_addch(b, '*');
				buf_addch(b, '.');
				for (size_t k = 0; k < n; k++)
					if (isalnum((unsigned char)p[k]) || p[k] == '.' || p[k] == '_' ||
					    p[k] == '-')
						buf_addch(b, p[k]);
			} else {
				buf_adds(b, count ? "," : "");
				buf_add(b, p, n);
			}
			count++;
		}
		p += n + (p[n] == ',');
	}
	if (str_eq(fmt, "find") && count > 1)
		buf_adds(b, " \\)");
}

static const char *role_text(const struct mfill *f, const struct mrole *m, char *tmp, size_t cap)
{
	const struct mreq *r = f->r;

	if (m->lit)
		return m->lit;
	if (m->slot >= 0)
		return r->s[m->slot].val;
	if (m->slot == -2) { /* user@host */
		const char *u = NULL;

		for (int s = 0; s < r->ns; s++)
			if (r->s[s].type == SL_USER)
				u = r->s[s].val;
		snprintf(tmp, cap, "%s%s%s", u ? u : "", u ? "@" : "", m->tok >= 0 ? r->t[m->tok].raw : "");
		return tmp;
	}
	if (m->tok >= 0 && m->tok2 > m->tok) {
		size_t n = 0;

		tmp[0] = '\0';
		for (int i = m->tok; i <= m->tok2 && n + 1 < cap; i++)
			n += (size_t)snprintf(tmp + n, cap - n, "%s%s", i > m->tok ? " " : "", r->t[i].raw);
		return tmp;
	}
	/* "grep for errors": the singular matches the plural too ("error" is
	 * in "errors"), and is what the lines say ("error: ..."). Only a word
	 * the engine folded from a plain -s plural, typed bare. */
	if (m->tok >= 0 && (str_eq(m->name, "pattern") || str_eq(m->name, "wpat")) &&
	    r->t[m->tok].kind == TK_WORD &&
	    r->t[m->tok].plural && !r->t[m->tok].fixed) {
		const char *w = r->t[m->tok].raw;
		size_t n = strlen(w);

		if (n > 3 && n < cap && w[n - 1] == 's' && !strchr("su", w[n - 2]) &&
		    !(n > 3 && w[n - 2] == 'e' && w[n - 3] == 'i')) {
			snprintf(tmp, cap, "%.*s", (int)(n - 1), w);
			return tmp;
		}
	}
	return m->tok >= 0 ? r->t[m->tok].raw : "";
}

/* Escape for a context that is already inside single quotes. */
static void add_sq(struct buf *b, const char *v)
{
	for (; *v; v++) {
		if (*v == '\'')
			buf_adds(b, "'\\''");
		else
			buf_addch(b, *v);
	}
}

/* Regexp-escape (basic or extended) inside single quotes. */
static void add_re(struct buf *b, const char *v, const char *special)
{
	for (; *v; v++) {
		if (*v == '\'')
			buf_adds(b, "'\\''");
		else if (strchr(special, *v))
			buf_addch(b, '\\'), buf_addch(b, *v);
		else
			buf_addch(b, *v);
	}
}

static const char *brand_domain(const char *w)
{
	static const char *const brands[] = {"google", "github", "gitlab", "cloudflare", "amazon",
					     "apple", "microsoft", "facebook", "youtube",
					     "wikipedia", "example", "debian", "ubuntu"};
	static char buf[40];

	for (size_t i = 0; i < ARRAY_SIZE(brands); i++)
		if (strcasecmp(w, brands[i]) == 0) {
			snprintf(buf, sizeof(buf), "%s.%s", brands[i],
				 str_eq(brands[i], "wikipedia") ? "org" : str_eq(brands[i], "debian") ? "org" : "com");
			return buf;
		}
	return NULL;
}


/* "replace tabs with spaces": a character said by name, from an unquoted
 * word, is that character (a quoted 'tabs' is the text). Returns the
 * character, "\t" for a tab, or NULL. */
static const char *char_named(struct mfill *f, const struct mrole *m, const char *v)
{
	static const struct {
		const char *word, *ch;
	} names[] = {
		{"tab", "\t"}, {"tabs", "\t"}, {"space", " "}, {"spaces", " "},
		{"comma", ","}, {"commas", ","}, {"semicolon", ";"}, {"semicolons", ";"},
		{"colon", ":"}, {"colons", ":"}, {"underscore", "_"}, {"underscores", "_"},
		{"dash", "-"}, {"dashes", "-"}, {"hyphen", "-"}, {"hyphens", "-"},
		{"dot", "."}, {"dots", "."}, {"period", "."}, {"periods", "."},
		{"slash", "/"}, {"slashes", "/"}, {"pipe", "|"}, {"pipes", "|"},
	};

	if (!m || m->tok < 0 || m->tok2 > m->tok || f->r->t[m->tok].kind != TK_WORD)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (str_eq(v, names[i].word))
			return names[i].ch;
	return NULL;
}

/* One side of s/old/new/: a named character, or the text escaped. A tab
 * is \t for GNU sed; BSD sed reads \t as t, so the shell supplies a
 * real tab there, outside the single quotes. */
static void add_char_or_re(struct buf *b, struct mfill *f, const char *ch, const char *v,
			   const char *spec)
{
	if (!ch) {
		add_re(b, v, spec);
		return;
	}
	if (str_eq(ch, "\t"))
		buf_adds(b, f->plat && platform_is_bsd(f->plat, TOOL_SED) ? "'\"$(printf '\\t')\"'" : "\\t");
	else
		add_re(b, ch, spec);
}
/* Formats that transform the value; false when fmt is not one of them. */
static bool fmt_special(struct mfill *f, const char *v, const char *fmt, struct buf *b)
{
	char tmp[MT_VAL];

	if (str_eq(fmt, "sq")) {
		add_sq(b, v);
	} else if (str_eq(fmt, "ug")) { /* chown's user:group; "root:root" already is one */
		add_quoted(b, v, false);
		if (!strchr(v, ':')) {
			buf_addch(b, ':');
			add_quoted(b, v, false);
		}
	} else if (str_eq(fmt, "ident")) { /* NAME of NAME=value, checked by env_name */
		buf_add(b, v, strcspn(v, "="));
	} else if (str_eq(fmt, "cutd")) { /* cut's delimiter for the file: tab is the default */
		if (ends_with(v, ".csv"))
			buf_adds(b, " -d,");
		else if (colon_file(v))
			buf_adds(b, " -d:");
		else if (!ends_with(v, ".tsv") && !ends_with(v, ".tab"))
			buf_adds(b, " -d' '");
	} else if (str_eq(fmt, "sortt")) { /* sort's -t for the file: blanks are the default */
		if (ends_with(v, ".csv"))
			buf_adds(b, " -t,");
		else if (colon_file(v))
			buf_adds(b, " -t:");
		else if (ends_with(v, ".tsv") || ends_with(v, ".tab"))
			buf_adds(b, " -t$'\\t'");
	} else if (str_eq(fmt, "re")) { /* inside '...' of grep -E */
		add_re(b, v, ".[]()*+?{}|^$\\");
	} else if (str_eq(fmt, "sedre")) { /* inside '/.../' of sed */
		add_re(b, v, ".[]*^$\\/");
	} else if (str_eq(fmt, "subst")) { /* 's/old/new/g' with new from the role "new" */
		struct mrole *n = get_role(f, "new", 3), *o = get_role(f, "old", 3);
		char nb[MT_VAL];
		const char *nv = n ? role_text(f, n, nb, sizeof(nb)) : "";
		const char *oc = char_named(f, o, v), *nc = char_named(f, n, nv);
		char d = (strchr(oc ? oc : v, '/') || strchr(nc ? nc : nv, '/')) ? '|' : '/';
		char spec[16];

		snprintf(spec, sizeof(spec), ".[]*^$\\%c", d);
		buf_addf(b, "'s%c", d);
		add_char_or_re(b, f, oc, v, spec);
		buf_addch(b, d);
		snprintf(spec, sizeof(spec), "&\\%c", d);
		add_char_or_re(b, f, nc, nv, spec);
		buf_addf(b, "%cg'", d);
	} else if (str_eq(fmt, "pglob")) { /* find -path: any folder named v */
		buf_adds(b, "'*/");
		add_re(b, v, "*?[]\\");
		buf_adds(b, "/*'");
	} else if (str_eq(fmt, "fexcl")) { /* "except notes.txt" is a file's name; "except node_modules" a folder's */
		const char *dot = strrchr(v, '.');
		char low[16];
		size_t k = 0;

		if (dot && dot != v && !strchr(v, '/'))
			for (; dot[k + 1] && k + 1 < sizeof(low); k++)
				low[k] = (char)tolower((unsigned char)dot[k + 1]);
		low[k] = '\0';
		if ((k > 0 && ms_known_ext(low)) || strncmp(v, "*.", 2) == 0) {
			buf_adds(b, "-not -name ");
			add_quoted(b, v, true);
		} else if (v[0] == '/' || strncmp(v, "./", 2) == 0) {
			/* "excluding /var/lib": that path and what is under it */
			char p[MT_VAL];
			size_t n = strlen(v);

			while (n > 1 && v[n - 1] == '/')
				n--;
			snprintf(p, sizeof(p), "%.*s", (int)n, v);
			buf_adds(b, "-not -path '");
			add_re(b, p, "*?[]\\");
			buf_adds(b, "/*'");
		} else {
			buf_adds(b, "-not -path '*/");
			add_re(b, v, "*?[]\\");
			buf_adds(b, "/*'");
		}
	} else if (str_eq(fmt, "sedr")) { /* sed's "A,B" from "A-B" */
		buf_add(b, v, strcspn(v, "-"));
		buf_addch(b, ',');
		buf_adds(b, strchr(v, '-') ? strchr(v, '-') + 1 : v);
	} else if (str_eq(fmt, "upto")) { /* sed's "1,N": one line is "1" alone */
		long n = strtol(v, NULL, 10);

		if (n > 1)
			buf_addf(b, ",%ld", n);
	} else if (str_eq(fmt, "plus1") || str_eq(fmt, "b64")) {
		long n = strtol(v, NULL, 10);

		buf_addf(b, "%ld", str_eq(fmt, "plus1") ? n + 1 : (n * 3 + 3) / 4);
	} else if (str_eq(fmt, "stem") || str_eq(fmt, "exe")) {
		const char *base = strrchr(v, '/');

		if (str_eq(fmt, "exe")) {
			if (!strchr(v, '/'))
				buf_adds(b, "./");
			add_quoted(b, v, false);
			return true;
		}
		base = base ? base + 1 : v;
		snprintf(tmp, sizeof(tmp), "%s", base);
		if (strrchr(tmp, '.') && strrchr(tmp, '.') != tmp)
			*strrchr(tmp, '.') = '\0';
		add_quoted(b, tmp, false);
	} else if (str_eq(fmt, "fs") || str_eq(fmt, "fscol")) {
		bool col = str_eq(fmt, "fscol");

		if (ends_with(v, ".csv"))
			buf_adds(b, col ? "," : "','");
		else if (colon_file(v))
			buf_adds(b, col ? ":" : "':'");
		else if (ends_with(v, ".tsv"))
			buf_adds(b, col ? "$'\\t'" : "'\\t'");
		else
			buf_adds(b, col ? "' '" : "' '");
	} else if (str_eq(fmt, "brand")) {
		const char *d = strchr(v, '.') ? NULL : brand_domain(v);

		add_quoted(b, d ? d : v, false);
	} else if (str_eq(fmt, "unit")) { /* a unit or formula: postgres is postgresql */
		const char *u = svc_unit(f->plat, v);

		add_quoted(b, u ? u : v, false);
	} else if (str_eq(fmt, "proc") || str_eq(fmt, "procsq")) { /* apache runs as httpd */
		const char *pr = svc_proc(v);

		if (str_eq(fmt, "procsq"))
			add_sq(b, pr ? pr : v);
		else
			add_quoted(b, pr ? pr : v, false);
	} else if (str_eq(fmt, "ver")) { /* the command that prints v's version */
		const char *c = prog_version(v);

		if (c) {
			buf_adds(b, c);
		} else {
			add_quoted(b, v, false);
			buf_adds(b, " --version");
		}
	} else if (str_eq(fmt, "launchd")) {
		const char *l = sys_label(v);

		add_quoted(b, l ? l : v, false);
	} else if (str_eq(fmt, "tz")) {
		const char *z = city_zone(v);

		add_quoted(b, z ? z : v, false);
	} else {
		return false;
	}
	return true;
}

static void emit(struct mfill *f, struct mrole *m, const char *fmt, bool plain, struct buf *b)
{
	const struct mreq *r = f->r;
	char tmp[MT_ARENA / 2];
	const char *v;

	/* the word as read, plural folded: "errors" greps for error (and errors) */
	if (str_eq(fmt, "low") && m->tok >= 0 && m->tok2 < 0 && m->slot < 0 && !m->lit &&
	    r->t[m->tok].kind == TK_WORD) {
		add_quoted(b, r->t[m->tok].low, false);
		return;
	}
	if (m->slot >= 0 && !plain) {
		const struct mslot *s = &r->s[m->slot];

		if (s->type == SL_SIZE_MIN || s->type == SL_SIZE_MAX) {
			if (str_eq(fmt, "find")) {
				fmt_find_size(b, s->num);
				return;
			}
			if (str_eq(fmt, "bytes")) {
				buf_addf(b, "%.0f", floor(s->num + 0.5));
				return;
			}
		}
		if ((s->type == SL_INTERVAL || s->type == SL_TIME) && str_eq(fmt, "sec")) {
			buf_addf(b, "%ld", lround(s->num * 60)); /* both hold minutes */
			return;
		}
		if (s->type == SL_TIME && *fmt) {
			fmt_time(b, s, fmt, f->plat);
			return;
		}
		if (s->type == SL_EXT) {
			fmt_ext(b, s->val, fmt, flag_index(f, "icase", 5) >= 0 &&
							((f->flags >> flag_index(f, "icase", 5)) & 1u));
			return;
		}
		if (str_eq(fmt, "find") && (s->type == SL_NAME)) {
			bool ic = flag_index(f, "icase", 5) >= 0 &&
				  ((f->flags >> flag_index(f, "icase", 5)) & 1u);

			buf_adds(b, ic ? "-iname " : "-name ");
			add_quoted(b, s->val, true);
			return;
		}
	}
	if (!plain && m->slot < 0 && m->tok >= 0 && str_eq(fmt, "find")) {
		bool ic = flag_index(f, "icase", 5) >= 0 && ((f->flags >> flag_index(f, "icase", 5)) & 1u);

		buf_adds(b, ic ? "-iname " : "-name ");
		add_quoted(b, r->t[m->tok].raw, true);
		return;
	}
	if (m->slot >= 0 && plain && r->s[m->slot].type == SL_TIME) {
		const struct mslot *s = &r->s[m->slot];

		buf_adds(b, s->sub == TM_TODAY ? "today" : s->sub == TM_YESTERDAY ? "yesterday" : s->val);
		return;
	}
	if (m->lit && !plain && !m->litq) {
		buf_adds(b, m->lit); /* static text: a package manager command, a signal */
		return;
	}
	v = role_text(f, m, tmp, sizeof(tmp));
	if (plain) {
		buf_adds(b, v);
		return;
	}
	if (str_eq(fmt, "raw")) {
		buf_adds(b, v);
		return;
	}
	if (m->tok >= 0 && m->tok2 > m->tok && m->lit == NULL && m->slot < 0 &&
	    !str_eq(fmt, "q")) {
		/* several words: each one quoted on its own (a command line) */
		for (int i = m->tok; i <= m->tok2; i++) {
			if (i > m->tok)
				buf_addch(b, ' ');
			add_quoted(b, r->t[i].raw, false);
		}
		return;
	}
	if (fmt_special(f, v, fmt, b))
		return;
	if (str_eq(fmt, "up") || str_eq(fmt, "env")) {
		/* env: an environment variable said in lower case ("the path
		 * variable") is the upper-case one; a name with capitals is
		 * kept as typed; "$EDITOR" names EDITOR. */
		const char *c;

		v += v[0] == '$';
		c = v;

		while (*c && !isupper((unsigned char)*c))
			c++;
		if (str_eq(fmt, "env") && *c) {
			buf_adds(b, v);
			return;
		}
		for (; *v; v++)
			buf_addch(b, (char)toupper((unsigned char)*v));
		return;
	}
	if (str_eq(fmt, "dirslash")) {
		if (str_eq(v, ".") || str_eq(v, "./"))
			return; /* "./" adds nothing to a relative glob */
		add_quoted(b, v, false);
		if (v[0] && v[strlen(v) - 1] != '/')
			buf_addch(b, '/');
		return;
	}
	if (str_eq(fmt, "dirarg")) { /* a folder to archive: "." stays ".", others get a slash */
		if (str_eq(v, ".") || str_eq(v, "./")) {
			buf_addch(b, '.');
			return;
		}
		add_quoted(b, v, false);
		if (v[0] && v[strlen(v) - 1] != '/')
			buf_addch(b, '/');
		return;
	}
	if (str_eq(fmt, "tarc")) { /* tar's compression letter for the archive's name */
		if (ends_with(v, ".gz") || ends_with(v, ".tgz"))
			buf_addch(b, 'z');
		else if (ends_with(v, ".xz") || ends_with(v, ".txz"))
			buf_addch(b, 'J');
		else if (ends_with(v, ".bz2") || ends_with(v, ".tbz2"))
			buf_addch(b, 'j');
		else if (!ends_with(v, ".tar"))
			buf_addch(b, 'a'); /* .tar.zst: from the suffix (GNU and bsdtar) */
		return;
	}
	if (str_eq(fmt, "base")) { /* last path component, no trailing slash */
		char tmp2[MT_VAL];
		size_t n = strlen(v);
		const char *s;

		while (n > 1 && v[n - 1] == '/')
			n--;
		snprintf(tmp2, sizeof(tmp2), "%.*s", (int)n, v);
		s = strrchr(tmp2, '/');
		s = s ? s + 1 : tmp2;
		if (str_eq(s, ".") || str_eq(s, "~") || !*s)
			s = "archive";
		add_quoted(b, s, false);
		return;
	}
	if (!*fmt && is_glob_tok(r, m) && names_files(m->name) &&
	    strpbrk(v, "*?[")) {
		add_glob(b, v);
		return;
	}
	add_quoted(b, v, str_eq(fmt, "q"));
}

/* Is the [ at p an optional part (it holds a role)? Returns its end. */
static const char *section_end(const char *p)
{
	const char *e = strchr(p + 1, ']');
	const char *q;

	if (!e)
		return NULL;
	for (q = p + 1; q < e; q++)
		if (q[0] == '{' && (q[1] == '?' || q[1] == '!' || isalpha((unsigned char)q[1])) &&
		    q[-1] != '\\') {
			const char *k = q + 1 + (q[1] == '?' || q[1] == '!');

			while (isalnum((unsigned char)*k) || *k == '_')
				k++;
			if (*k == '}' || *k == ':' || *k == '=')
				return e;
		}
	return NULL;
}

/* Parse a role at p ("{name:fmt=def}"); returns the end or NULL. */
static const char *parse_role(const char *p, const char **name, size_t *nn, char *fmt, size_t fcap,
			      const char **def, size_t *dn, int *presence)
{
	const char *k = p + 1;

	*presence = 0;
	*def = NULL;
	*dn = 0;
	fmt[0] = '\0';
	if (*k == '?' || *k == '!') {
		*presence = *k == '?' ? 1 : 2;
		k++;
	}
	*name = k;
	while (isalnum((unsigned char)*k) || *k == '_')
		k++;
	*nn = (size_t)(k - *name);
	if (*nn == 0)
		return NULL;
	if (*k == ':') {
		const char *fs = ++k;

		while (isalnum((unsigned char)*k))
			k++;
		snprintf(fmt, fcap, "%.*s", (int)(k - fs), fs);
	}
	if (*k == '=') {
		*def = ++k;
		while (*k && *k != '}')
			k++;
		*dn = (size_t)(k - *def);
	}
	return *k == '}' ? k + 1 : NULL;
}

static int walk(struct mfill *f, const char *p, const char *end, bool dry, bool plain, struct buf *b)
{
	while (p < end && *p) {
		const char *se, *name, *def, *q;
		char fmt[16];
		size_t nn, dn;
		int presence;

		if (*p == '\\' && p + 1 < end && strchr("{}[]", p[1])) {
			if (!dry)
				buf_addch(b, p[1]);
			p += 2;
			continue;
		}
		if (*p == '[' && (se = section_end(p)) && se < end) {
			bool used[MT_MAX_TOKS], sused[MT_MAX_SLOTS];
			int nroles = f->nroles;
			size_t len = b ? b->len : 0;

			memcpy(used, f->used, sizeof(used));
			memcpy(sused, f->slot_used, sizeof(sused));
			if (walk(f, p + 1, se, dry, plain, b) != 0) {
				memcpy(f->used, used, sizeof(used));
				memcpy(f->slot_used, sused, sizeof(sused));
				/* keep failed lookups out of the cache: a later part may fill them */
				f->nroles = nroles;
				if (b && !dry)
					buf_truncate(b, len);
			}
			p = se + 1;
			continue;
		}
		if (*p == '{' && (q = parse_role(p, &name, &nn, fmt, sizeof(fmt), &def, &dn, &presence))) {
			struct mrole *m = get_role(f, name, nn);

			if (presence == 2) { /* {!x}: only when x is absent */
				if (m)
					return -1;
			} else if (!m) {
				if (!def)
					return -1;
				if (!dry)
					buf_add(b, def, dn);
			} else if (presence == 0 && !dry) {
				emit(f, m, fmt, plain, b);
			}
			p = q;
			continue;
		}
		if (!dry)
			buf_addch(b, *p);
		p++;
	}
	return 0;
}

/* Two values of one kind ({rev} and {rev2}) keep the order they were said
 * in: "the diff between main and develop branches" is main then develop,
 * though the word beside "branches" is found first. */
static void said_order(struct mfill *f)
{
	for (int i = 0; i < f->nroles; i++) {
		struct mrole *a = &f->roles[i];
		size_t n = strlen(a->name);

		if (!a->ok || a->tok < 0 || a->slot >= 0 || a->lit || n + 2 > sizeof(a->name))
			continue;
		for (int j = 0; j < f->nroles; j++) {
			struct mrole *b = &f->roles[j];

			if (j != i && b->ok && b->tok >= 0 && b->slot < 0 && !b->lit && b->tok < a->tok &&
			    strncmp(b->name, a->name, n) == 0 && str_eq(b->name + n, "2")) {
				struct mrole t = *a;

				a->tok = b->tok, a->tok2 = b->tok2, a->as = b->as;
				b->tok = t.tok, b->tok2 = t.tok2, b->as = t.as;
			}
		}
	}
}

int mt_render(struct mfill *f, const char *tmpl, bool dry, bool plain, struct buf *out)
{
	int rc = walk(f, tmpl, tmpl + strlen(tmpl), dry, plain, out);

	if (rc == 0 && dry)
		said_order(f);
	return rc;
}
