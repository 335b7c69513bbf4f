/*
 * http.c: http_do and its two transports (see http.h for why two).
 *
 * One request is a loop of attempts. Each attempt runs on one transport
 * and feeds a struct xfer: the response's header lines and body pieces go
 * through the same functions whichever transport read them, so caps,
 * callbacks and error bodies behave the same. Between attempts the loop
 * decides whether to retry and how long to wait; every wait and every
 * attempt fits inside the request's deadline.
 *
 * Secrets: request headers (Authorization) are handed to the transport and
 * never logged; URLs are redacted before they appear in any message.
 */
#include "http.h"

#include "log.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_CONNECT_MS 10000L
#define BACKOFF_BASE_MS 200L
#define BACKOFF_MAX_MS 5000L
/* Waits and reads wake at least this often to notice Ctrl-C. */
#define CANCEL_POLL_MS 100

static volatile sig_atomic_t cancel_flag;

void http_cancel(void) { cancel_flag = 1; }
void http_cancel_reset(void) { cancel_flag = 0; }
bool http_cancelled(void) { return cancel_flag != 0; }

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ------------------------------------------------------------- URLs */

int http_url_parse(const char *url, struct http_url *u, struct err *err)
{
	const char *p, *host, *host_end, *auth_end, *at;
	size_t n;

	memset(u, 0, sizeof(*u));
	for (p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return err_set(err, ERR_USAGE, "URL contains spaces or control characters");
	if (p - url > HTTP_URL_MAX)
		return err_set(err, ERR_USAGE, "URL longer than %d bytes", HTTP_URL_MAX);
	if (strncasecmp(url, "http://", 7) == 0) {
		snprintf(u->scheme, sizeof(u->scheme), "http");
		u->port = 80;
		p = url + 7;
	} else if (strncasecmp(url, "https://", 8) == 0) {
		snprintf(u->scheme, sizeof(u->scheme), "https");
		u->port = 443;
		p = url + 8;
	} else {
		return err_set(err, ERR_USAGE, "URL must start with http:// or https://");
	}
	auth_end = p + strcspn(p, "/?#");
	u->path = auth_end;
	/* user:password@ is allowed (curl sends it as Basic auth) but never
	 * shown; the last @ ends it, as browsers do. */
	for (at = NULL, host = p; host < auth_end; host++)
		if (*host == '@')
			at = host;
	host = at ? at + 1 : p;
	u->userinfo = at != NULL;
	if (*host == '[') {
		host_end = memchr(host, ']', (size_t)(auth_end - host));
		if (!host_end)
			return err_set(err, ERR_USAGE, "URL has an unclosed [ in its host");
		host++;
		n = (size_t)(host_end - host);
		host_end++;
	} else {
		host_end = host;
		while (host_end < auth_end && *host_end != ':')
			host_end++;
		n = (size_t)(host_end - host);
	}
	if (n == 0 || n >= sizeof(u->host))
		return err_set(err, ERR_USAGE, "URL has no host or a host too long");
	memcpy(u->host, host, n);
	if (host_end < auth_end) {
		long port = 0;

		if (*host_end != ':')
			return err_set(err, ERR_USAGE, "URL has junk after its host");
		for (p = host_end + 1; p < auth_end; p++) {
			if (*p < '0' || *p > '9' || port > 65535)
				return err_set(err, ERR_USAGE, "URL has a bad port");
			port = port * 10 + (*p - '0');
		}
		if (p == host_end + 1 || port < 1 || port > 65535)
			return err_set(err, ERR_USAGE, "URL has a bad port");
		u->port = (int)port;
		u->port_given = true;
	}
	return 0;
}

void http_url_redact(const char *url, char *out, size_t cap)
{
	const char *scheme_end = strstr(url, "://");
	const char *auth, *auth_end, *at = NULL, *end;

	if (!cap)
		return;
	if (!scheme_end) {
		snprintf(out, cap, "%.*s", (int)strcspn(url, "?#"), url);
		return;
	}
	auth = scheme_end + 3;
	auth_end = auth + strcspn(auth, "/?#");
	for (const char *p = auth; p < auth_end; p++)
		if (*p == '@')
			at = p;
	end = auth_end + strcspn(auth_end, "?#");
	snprintf(out, cap, "%.*s%.*s", (int)(auth - url), url, (int)(end - (at ? at + 1 : auth)),
		 at ? at + 1 : auth);
}

/* ---------------------------------------------------- one transfer */

struct xfer {
	const struct http_request *req;
	struct http_response *resp;
	const char *shown_url;  /* redacted, for messages */
	size_t max_body;
	uint64_t received;      /* body bytes of the final response */
	uint64_t expected;      /* its Content-Length, or 0 */
	bool delivered;         /* on_body has had bytes: no retry */
	bool error_body_full;   /* stopped reading a long error body */
	bool failed;            /* a callback or a cap stopped it: see cb_err */
	struct err cb_err;
	double last_data;       /* when the attempt started or bytes last came */
};

static bool is_2xx(long st) { return st >= 200 && st < 300; }

/* Parse Retry-After: delta-seconds or an IMF-fixdate. -1 when absent. */
static long retry_after_ms(const struct http_response *resp)
{
	char v[128], wkday[4], mon[4];
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct tm tm = {0};
	int day, year, h, m, s;
	const char *mp;
	char *end;
	long secs;

	if (!http_response_header(resp, "retry-after", v, sizeof(v)))
		return -1;
	errno = 0;
	secs = strtol(v, &end, 10);
	if (end != v && *end == '\0' && !errno && secs >= 0)
		return secs > LONG_MAX / 1000 ? LONG_MAX : secs * 1000;
	if (sscanf(v, "%3s %d %3s %d %d:%d:%d GMT", wkday, &day, mon, &year, &h, &m, &s) != 7 ||
	    !(mp = strstr(months, mon)) || strlen(mon) != 3)
		return -1;
	tm.tm_mday = day;
	tm.tm_mon = (int)(mp - months) / 3;
	tm.tm_year = year - 1900;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = s;
	secs = (long)(timegm(&tm) - time(NULL));
	return secs > 0 ? secs * 1000 : 0;
}

/* A header line of the response being read; "name: value", name already
 * lower-cased. */
static void xfer_header(struct xfer *x, const char *line, size_t len)
{
	struct buf *h = &x->resp->headers;

	if (h->len + len + 1 <= HTTP_MAX_HEADERS) {
		buf_add(h, line, len);
		buf_addch(h, '\n');
	}
}

/* A new response starts (curl reports redirects and 1xx ones too). */
static void xfer_new_response(struct xfer *x)
{
	buf_reset(&x->resp->headers);
	x->resp->content_type[0] = '\0';
	x->resp->retry_after_ms = -1;
}

static void xfer_headers_done(struct xfer *x)
{
	char v[128], len[32];
	size_t n;

	if (http_response_header(x->resp, "content-type", v, sizeof(v))) {
		n = strcspn(v, "; \t");
		v[n] = '\0';
		for (size_t i = 0; i < n; i++)
			v[i] = (char)((v[i] >= 'A' && v[i] <= 'Z') ? v[i] + 32 : v[i]);
		snprintf(x->resp->content_type, sizeof(x->resp->content_type), "%s", v);
	}
	x->expected = 0;
	if (http_response_header(x->resp, "content-length", len, sizeof(len)))
		x->expected = strtoull(len, NULL, 10);
	x->resp->retry_after_ms = retry_after_ms(x->resp);
}

/* A piece of the body of the response whose status is resp->status.
 * -1 stops the transfer. */
static int xfer_body(struct xfer *x, const char *p, size_t len)
{
	struct http_response *resp = x->resp;

	x->last_data = mono_ms();
	if (!is_2xx(resp->status)) {
		size_t room = HTTP_MAX_ERROR_BODY - MIN(resp->body.len, HTTP_MAX_ERROR_BODY);

		buf_add(&resp->body, p, MIN(len, room));
		if (len > room) {
			x->error_body_full = true;
			return -1;
		}
		return 0;
	}
	if (x->received + len > x->max_body) {
		x->failed = true;
		err_set(&x->cb_err, ERR_LIMIT, "%s: reply larger than %zu bytes; stopped reading",
			x->shown_url, x->max_body);
		return -1;
	}
	x->received += len;
	if (!x->req->on_body) {
		buf_add(&resp->body, p, len);
		return 0;
	}
	x->delivered = true;
	if (x->req->on_body(x->req->ud, resp, p, len, &x->cb_err) != 0) {
		x->failed = true;
		return -1;
	}
	return 0;
}

static int xfer_progress(struct xfer *x)
{
	if (cancel_flag)
		return -1;
	if (x->req->idle_timeout_ms > 0 &&
	    mono_ms() - x->last_data > (double)x->req->idle_timeout_ms) {
		x->failed = true;
		err_set(&x->cb_err, ERR_TIMEOUT, "%s: no data for %ld ms", x->shown_url,
			x->req->idle_timeout_ms);
		return -1;
	}
	if (x->req->on_progress && x->req->on_progress(x->req->ud, x->received, x->expected) != 0) {
		x->failed = true;
		err_set(&x->cb_err, ERR_CANCELLED, "%s: stopped", x->shown_url);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------ libcurl transport */

/* The few libcurl functions we use, resolved with dlsym. Their types come
 * from curl.h, so a mismatch is a compile error, not a crash. */
static struct curl_api {
	bool tried, ok;
	char why[160];
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *h);
	CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *h);
	const char *(*easy_strerror)(CURLcode code);
	struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
	void (*slist_free_all)(struct curl_slist *l);
	char *(*version)(void);
} cu;

#define CURL_SYM(f, name) {name, offsetof(struct curl_api, f)}

static bool curl_load(void)
{
	static const char *const names[] = {"libcurl.so.4", "libcurl-gnutls.so.4", "libcurl.4.dylib",
					    "libcurl.dylib"};
	static const struct {
		const char *name;
		size_t off;
	} syms[] = {
		CURL_SYM(global_init, "curl_global_init"),
		CURL_SYM(easy_init, "curl_easy_init"),
		CURL_SYM(easy_setopt, "curl_easy_setopt"),
		CURL_SYM(easy_perform, "curl_easy_perform"),
		CURL_SYM(easy_getinfo, "curl_easy_getinfo"),
		CURL_SYM(easy_cleanup, "curl_easy_cleanup"),
		CURL_SYM(easy_strerror, "curl_easy_strerror"),
		CURL_SYM(slist_append, "curl_slist_append"),
		CURL_SYM(slist_free_all, "curl_slist_free_all"),
		CURL_SYM(version, "curl_version"),
	};
	const char *forced = getenv("CARO_LIBCURL");
	void *h = NULL;

	if (cu.tried)
		return cu.ok;
	cu.tried = true;
	if (forced && *forced) {
		h = dlopen(forced, RTLD_NOW | RTLD_LOCAL);
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(names) && !h; i++)
			h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	}
	if (!h) {
		snprintf(cu.why, sizeof(cu.why), "libcurl is not installed (%s); install libcurl4",
			 forced && *forced ? forced : "libcurl.so.4");
		return false;
	}
	for (size_t i = 0; i < ARRAY_SIZE(syms); i++) {
		void *f = dlsym(h, syms[i].name);

		if (!f) {
			snprintf(cu.why, sizeof(cu.why), "libcurl lacks %s", syms[i].name);
			return false;
		}
		/* POSIX guarantees that function and object pointers convert. */
		memcpy((char *)&cu + syms[i].off, &f, sizeof(f));
	}
	if (cu.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(cu.why, sizeof(cu.why), "libcurl failed to initialise");
		return false;
	}
	cu.ok = true;
	return true;
}

bool http_curl_available(char *info, size_t cap)
{
	bool ok = curl_load();

	if (cap && ok) {
		/* "libcurl/7.88.1 OpenSSL/3.0.15 zlib/...": the first two words. */
		const char *v = cu.version();
		size_t n = strcspn(v, " ");

		if (v[n])
			n += 1 + strcspn(v + n + 1, " ");
		snprintf(info, cap, "%.*s", (int)n, v);
	} else if (cap) {
		snprintf(info, cap, "%s", cu.why);
	}
	return ok;
}

static size_t curl_on_write(char *p, size_t size, size_t n, void *ud)
{
	/* The header callback has set the status by now. */
	return xfer_body(ud, p, size * n) == 0 ? size * n : 0;
}

/* curl hands us every header line of every response (redirects and 1xx
 * included), with its CRLF, and the blank line that ends each block. */
static size_t curl_on_header(char *p, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * n;
	char line[1024];

	while (len && (p[len - 1] == '\n' || p[len - 1] == '\r'))
		len--;
	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		char code[4] = {0};
		const char *sp = memchr(p, ' ', len);

		xfer_new_response(x);
		if (sp && (size_t)(p + len - sp) > 3)
			memcpy(code, sp + 1, 3);
		x->resp->status = strtol(code, NULL, 10);
	} else if (len == 0) {
		xfer_headers_done(x);
	} else if (len < sizeof(line) && p[0] != ' ' && p[0] != '\t') {
		size_t i;

		memcpy(line, p, len);
		for (i = 0; i < len && line[i] != ':'; i++)
			line[i] = (char)((line[i] >= 'A' && line[i] <= 'Z') ? line[i] + 32 : line[i]);
		if (i < len) {
			size_t v = i + 1, out;

			while (v < len && (line[v] == ' ' || line[v] == '\t'))
				v++;
			/* Normalise to "name: value". */
			line[i + 1] = ' ';
			out = i + 2;
			memmove(line + out, line + v, len - v);
			xfer_header(x, line, out + (len - v));
		}
	}
	return size * n;
}

static int curl_on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
			    curl_off_t ulnow)
{
	UNUSED(dltotal);
	UNUSED(dlnow);
	UNUSED(ultotal);
	UNUSED(ulnow);
	return xfer_progress(ud) == 0 ? 0 : 1;
}

static int curl_error(struct xfer *x, CURL *h, CURLcode rc, const char *errbuf, long total_ms,
		      struct err *err)
{
	const char *u = x->shown_url;
	const char *detail = errbuf[0] ? errbuf : cu.easy_strerror(rc);
	long os_errno = 0;
	double connect_time = 0;

	switch (rc) {
	case CURLE_COULDNT_CONNECT:
		cu.easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
		if (os_errno == ECONNREFUSED)
			return err_set(err, ERR_NET, "%s: connection refused", u);
		if (os_errno == ENETUNREACH || os_errno == EHOSTUNREACH)
			return err_set(err, ERR_NET, "%s: host unreachable", u);
		return err_set(err, ERR_NET, "%s: could not connect (%s)", u, detail);
	case CURLE_OPERATION_TIMEDOUT:
		cu.easy_getinfo(h, CURLINFO_CONNECT_TIME, &connect_time);
		if (connect_time <= 0 && x->resp->status == 0)
			return err_set(err, ERR_TIMEOUT, "%s: could not connect within %ld ms", u,
				       total_ms);
		return err_set(err, ERR_TIMEOUT, "%s: timed out after %ld ms", u, total_ms);
	case CURLE_COULDNT_RESOLVE_HOST:
		return err_set(err, ERR_NET, "%s: cannot resolve the host name", u);
	case CURLE_COULDNT_RESOLVE_PROXY:
		return err_set(err, ERR_NET, "%s: cannot resolve the proxy's host name", u);
	case CURLE_GOT_NOTHING:
		return err_set(err, ERR_NET, "%s: connection closed without a response", u);
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		return err_set(err, ERR_NET, "%s: connection dropped (%s)", u, detail);
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CACERT_BADFILE:
		return err_set(err, ERR_NET, "%s: TLS: %s", u, detail);
	case CURLE_TOO_MANY_REDIRECTS:
		return err_set(err, ERR_CONFIG, "%s: too many redirects", u);
	case CURLE_UNSUPPORTED_PROTOCOL:
		return err_set(err, ERR_USAGE, "%s: redirected to an unsupported protocol", u);
	default:
		return err_set(err, ERR_NET, "%s: %s", u, detail);
	}
}

/* setopt with the failure turned into an error: an option this libcurl
 * lacks means it is too old for us. */
#define SETOPT(opt, val)                                                          \
	do {                                                                      \
		if (cu.easy_setopt(h, opt, val) != CURLE_OK) {                    \
			err_set(err, ERR_UNAVAILABLE, "libcurl rejected option %s (too old?)", #opt); \
			goto out;                                                 \
		}                                                                 \
	} while (0)

static int curl_attempt(struct xfer *x, long connect_ms, long left_ms, long total_ms,
			struct err *err)
{
	const struct http_request *req = x->req;
	char errbuf[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdrs = NULL;
	const char *method = req->method ? req->method : req->body ? "POST" : "GET";
	const char *ca = getenv("CURL_CA_BUNDLE");
	CURL *h = cu.easy_init();
	CURLcode rc;
	int ret = -1;

	if (!h)
		return err_set(err, ERR_NOMEM, "%s: libcurl could not start a transfer", x->shown_url);
	for (const char *const *hd = req->headers; hd && *hd; hd++)
		hdrs = cu.slist_append(hdrs, *hd);
	/* Never wait for "100 Continue" before sending a body. */
	hdrs = cu.slist_append(hdrs, "Expect:");
	SETOPT(CURLOPT_URL, req->url);
	SETOPT(CURLOPT_NOSIGNAL, 1L);
	SETOPT(CURLOPT_PROTOCOLS_STR, "http,https");
	SETOPT(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SETOPT(CURLOPT_FOLLOWLOCATION, req->follow_redirects ? 1L : 0L);
	SETOPT(CURLOPT_MAXREDIRS, 5L);
	SETOPT(CURLOPT_SSL_VERIFYPEER, 1L);
	SETOPT(CURLOPT_SSL_VERIFYHOST, 2L);
	/* Other trust anchors (an internal CA), the way the curl tool takes
	 * them; verification itself is never turned off. */
	if (ca && *ca)
		SETOPT(CURLOPT_CAINFO, ca);
	SETOPT(CURLOPT_USERAGENT, "caro/" CARO_VERSION);
	SETOPT(CURLOPT_HTTPHEADER, hdrs);
	SETOPT(CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	if (left_ms > 0)
		SETOPT(CURLOPT_TIMEOUT_MS, left_ms);
	if (str_eq(method, "HEAD")) {
		SETOPT(CURLOPT_NOBODY, 1L);
	} else if (req->body) {
		SETOPT(CURLOPT_POSTFIELDS, req->body);
		SETOPT(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
	}
	if (!str_eq(method, "GET") && !str_eq(method, "HEAD") && !str_eq(method, "POST"))
		SETOPT(CURLOPT_CUSTOMREQUEST, method);
	else if (str_eq(method, "POST") && !req->body)
		SETOPT(CURLOPT_POST, 1L);
	SETOPT(CURLOPT_WRITEFUNCTION, curl_on_write);
	SETOPT(CURLOPT_WRITEDATA, x);
	SETOPT(CURLOPT_HEADERFUNCTION, curl_on_header);
	SETOPT(CURLOPT_HEADERDATA, x);
	SETOPT(CURLOPT_NOPROGRESS, 0L);
	SETOPT(CURLOPT_XFERINFOFUNCTION, curl_on_progress);
	SETOPT(CURLOPT_XFERINFODATA, x);
	SETOPT(CURLOPT_ERRORBUFFER, errbuf);

	rc = cu.easy_perform(h);
	if (x->failed) {
		*err = x->cb_err;
	} else if (cancel_flag) {
		err_set(err, ERR_CANCELLED, "%s: cancelled", x->shown_url);
	} else if (rc == CURLE_OK || x->error_body_full ||
		   (x->resp->status >= 300 && !is_2xx(x->resp->status))) {
		/* A complete response, or an error status whose body we did not
		 * need in full. */
		ret = 0;
	} else {
		curl_error(x, h, rc, errbuf, total_ms, err);
	}
out:
	cu.easy_cleanup(h);
	cu.slist_free_all(hdrs);
	return ret;
}

/* ----------------------------------------------- built-in transport */

/* Is this request for the built-in transport? Plain http to an address
 * literal or localhost, no proxy in the environment (curl then decides,
 * no_proxy included), no redirects to follow, no credentials in the URL
 * (curl sends them as Basic auth). CARO_HTTP_TRANSPORT=curl or =builtin
 * forces one (tests run both). */
static bool want_builtin(const struct http_request *req, const struct http_url *u)
{
	static const char *const proxy_vars[] = {"http_proxy", "all_proxy", "ALL_PROXY"};
	const char *force = getenv("CARO_HTTP_TRANSPORT");
	unsigned char tmp[sizeof(struct in6_addr)];

	if (force && str_eq(force, "curl"))
		return false;
	if (force && str_eq(force, "builtin"))
		return true;
	if (!str_eq(u->scheme, "http") || req->follow_redirects || u->userinfo)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(proxy_vars); i++) {
		const char *v = getenv(proxy_vars[i]);

		if (v && *v)
			return false;
	}
	return strcasecmp(u->host, "localhost") == 0 || inet_pton(AF_INET, u->host, tmp) == 1 ||
	       inet_pton(AF_INET6, u->host, tmp) == 1;
}

/* Milliseconds left before deadline (ms on the monotonic clock), at most
 * cap; INT_MAX-ish when there is no deadline. */
static int ms_left(double deadline, long cap)
{
	double left = deadline > 0 ? deadline - mono_ms() : 1e9;

	if (cap > 0 && left > (double)cap)
		left = (double)cap;
	return left <= 0 ? 0 : left > 1e9 ? 1000000000 : (int)left;
}

/* Wait for fd to become ready for events, waking every CANCEL_POLL_MS to
 * look at the cancel flag. 1 ready, 0 timed out, -1 cancelled. */
static int wait_fd(int fd, short events, double until)
{
	for (;;) {
		struct pollfd pfd = {fd, events, 0};
		int left = ms_left(until, 0), r;

		if (cancel_flag)
			return -1;
		if (left == 0)
			return 0;
		r = poll(&pfd, 1, MIN(left, CANCEL_POLL_MS));
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return 1; /* let the read or write report it */
	}
}

/* Connect to one address within the connect deadline. Returns the socket,
 * or -1 with *why set to an errno value (ETIMEDOUT for the deadline,
 * ECANCELED for Ctrl-C). */
static int raw_connect_one(const struct sockaddr *sa, socklen_t len, double until, int *why)
{
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	int one = 1, soerr = 0, w;
	socklen_t sl = sizeof(soerr);

	if (fd < 0) {
		*why = errno;
		return -1;
	}
	if (connect(fd, sa, len) != 0) {
		if (errno != EINPROGRESS) {
			*why = errno;
			close(fd);
			return -1;
		}
		w = wait_fd(fd, POLLOUT, until);
		if (w <= 0) {
			*why = w < 0 ? ECANCELED : ETIMEDOUT;
			close(fd);
			return -1;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr) {
			*why = soerr ? soerr : errno;
			close(fd);
			return -1;
		}
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static int raw_connect(struct xfer *x, const struct http_url *u, long connect_ms, double deadline,
		       long total_ms, struct err *err)
{
	struct sockaddr_in v4 = {0};
	struct sockaddr_in6 v6 = {0};
	double until = mono_ms() + (double)connect_ms;
	int why = 0, fd = -1;
	bool localhost = strcasecmp(u->host, "localhost") == 0;

	if (deadline > 0 && deadline < until)
		until = deadline;
	v4.sin_family = AF_INET;
	v4.sin_port = htons((uint16_t)u->port);
	v6.sin6_family = AF_INET6;
	v6.sin6_port = htons((uint16_t)u->port);
	/* localhost is tried as 127.0.0.1, then ::1, as curl would. */
	if (localhost || inet_pton(AF_INET, u->host, &v4.sin_addr) == 1) {
		if (localhost)
			v4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		fd = raw_connect_one((struct sockaddr *)&v4, sizeof(v4), until, &why);
	}
	if (fd < 0 && why != ETIMEDOUT && why != ECANCELED &&
	    (localhost || inet_pton(AF_INET6, u->host, &v6.sin6_addr) == 1)) {
		if (localhost)
			v6.sin6_addr = in6addr_loopback;
		fd = raw_connect_one((struct sockaddr *)&v6, sizeof(v6), until, &why);
	}
	if (fd >= 0)
		return fd;
	if (why == ECANCELED)
		return err_set(err, ERR_CANCELLED, "%s: cancelled", x->shown_url);
	if (why == ETIMEDOUT)
		return err_set(err, ERR_TIMEOUT, "%s: could not connect within %ld ms", x->shown_url,
			       deadline > 0 && deadline <= until ? total_ms : connect_ms);
	if (why == ECONNREFUSED)
		return err_set(err, ERR_NET, "%s: connection refused", x->shown_url);
	if (why == ENETUNREACH || why == EHOSTUNREACH)
		return err_set(err, ERR_NET, "%s: host unreachable", x->shown_url);
	errno = why;
	return err_errno(err, ERR_NET, "%s: could not connect", x->shown_url);
}

static void raw_request_head(const struct http_request *req, const struct http_url *u,
			     struct buf *b)
{
	const char *method = req->method ? req->method : req->body ? "POST" : "GET";
	bool v6 = strchr(u->host, ':') != NULL;

	buf_addf(b, "%s %s HTTP/1.1\r\nHost: %s%s%s", method, *u->path == '/' ? u->path : "/",
		 v6 ? "[" : "", u->host, v6 ? "]" : "");
	/* The path keeps any ?query; a #fragment is never sent. */
	if (*u->path == '/') {
		size_t frag = strcspn(b->s, "#");
		const char *line_end = strstr(b->s, " HTTP/1.1\r\n");

		if (frag < (size_t)(line_end - b->s)) {
			memmove(b->s + frag, line_end, strlen(line_end) + 1);
			b->len = strlen(b->s);
		}
	}
	if (u->port_given)
		buf_addf(b, ":%d", u->port);
	buf_adds(b, "\r\nUser-Agent: caro/" CARO_VERSION "\r\nAccept: */*\r\nConnection: close\r\n");
	for (const char *const *hd = req->headers; hd && *hd; hd++)
		buf_addf(b, "%s\r\n", *hd);
	if (req->body || str_eq(method, "POST"))
		buf_addf(b, "Content-Length: %zu\r\n", req->body ? req->body_len : 0);
	buf_adds(b, "\r\n");
}

static int raw_send(int fd, const char *p, size_t n, double until)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		w = wait_fd(fd, POLLOUT, until);
		if (w <= 0) {
			errno = w < 0 ? ECANCELED : ETIMEDOUT;
			return -1;
		}
	}
	return 0;
}

/* The reader's callbacks see this, to pass its status on. */
struct raw {
	struct xfer *x;
	struct http_reader rd;
};

static int raw_on_header(void *ud, const char *line, size_t len, struct err *err)
{
	struct raw *r = ud;

	UNUSED(err);
	xfer_header(r->x, line, len);
	return 0;
}

static int raw_on_headers_done(void *ud, struct err *err)
{
	struct raw *r = ud;

	UNUSED(err);
	r->x->resp->status = r->rd.status;
	xfer_headers_done(r->x);
	return 0;
}

static int raw_on_body(void *ud, const char *p, size_t len, struct err *err)
{
	struct raw *r = ud;

	UNUSED(err);
	return xfer_body(r->x, p, len);
}

static int raw_attempt(struct xfer *x, const struct http_url *u, long connect_ms, double deadline,
		       long total_ms, struct err *err)
{
	const struct http_request *req = x->req;
	struct raw r = {x, {0}};
	struct buf head = BUF_INIT;
	struct err perr;
	char in[16384];
	int fd, ret = -1;

	fd = raw_connect(x, u, connect_ms, deadline, total_ms, err);
	if (fd < 0)
		return -1;
	http_reader_init(&r.rd, req->method && str_eq(req->method, "HEAD"), raw_on_header,
			 raw_on_headers_done, raw_on_body, &r);
	raw_request_head(req, u, &head);
	if (raw_send(fd, head.s, head.len, deadline) != 0 ||
	    (req->body && raw_send(fd, req->body, req->body_len, deadline) != 0)) {
		if (errno == ECANCELED)
			err_set(err, ERR_CANCELLED, "%s: cancelled", x->shown_url);
		else if (errno == ETIMEDOUT)
			err_set(err, ERR_TIMEOUT, "%s: timed out after %ld ms", x->shown_url, total_ms);
		else
			err_errno(err, ERR_NET, "%s: connection dropped while sending", x->shown_url);
		goto out;
	}
	while (r.rd.state != HTTP_RD_DONE) {
		ssize_t n;
		int w = wait_fd(fd, POLLIN, deadline);

		if (w < 0 || xfer_progress(x) != 0) {
			if (x->failed)
				*err = x->cb_err;
			else
				err_set(err, ERR_CANCELLED, "%s: cancelled", x->shown_url);
			goto out;
		}
		if (w == 0) {
			err_set(err, ERR_TIMEOUT, "%s: timed out after %ld ms", x->shown_url, total_ms);
			goto out;
		}
		n = recv(fd, in, sizeof(in), 0);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			continue;
		if (n < 0) {
			/* A reset after an error status still tells us the status. */
			if (x->resp->status >= 300)
				break;
			err_errno(err, ERR_NET, "%s: connection dropped", x->shown_url);
			goto out;
		}
		if (n == 0) {
			if (http_reader_eof(&r.rd, &perr) != 0 && x->resp->status < 300) {
				err_set(err, perr.code, "%s: %s", x->shown_url, perr.msg);
				goto out;
			}
			break;
		}
		if (http_reader_feed(&r.rd, in, (size_t)n, &perr) != 0) {
			if (x->failed) {
				*err = x->cb_err;
				goto out;
			}
			if (x->error_body_full)
				break;
			err_set(err, perr.code == ERR_LIMIT ? ERR_LIMIT : ERR_PARSE,
				"%s: bad HTTP response: %s", x->shown_url, perr.msg);
			goto out;
		}
	}
	ret = 0;
out:
	close(fd);
	buf_release(&head);
	http_reader_release(&r.rd);
	return ret;
}

/* ------------------------------------------------------ the request */

void http_response_release(struct http_response *resp)
{
	buf_release(&resp->headers);
	buf_release(&resp->body);
}

bool http_response_header(const struct http_response *resp, const char *name, char *out,
			  size_t cap)
{
	const char *s = buf_str(&resp->headers);
	size_t n = strlen(name);

	while (*s) {
		const char *eol = strchr(s, '\n');
		size_t len = eol ? (size_t)(eol - s) : strlen(s);

		if (len > n + 1 && strncmp(s, name, n) == 0 && s[n] == ':') {
			const char *v = s + n + 1;

			while (*v == ' ')
				v++;
			if (cap)
				snprintf(out, cap, "%.*s", (int)(s + len - v), v);
			return true;
		}
		s += len + (eol ? 1 : 0);
	}
	return false;
}

/* The error for a complete response with a non-2xx status. */
static int status_error(const struct xfer *x, struct err *err)
{
	long st = x->resp->status;
	int code = st == 429 || st >= 500 ? ERR_HTTP :
		   st == 404 || st == 410 ? ERR_NOTFOUND : ERR_CONFIG;

	return err_set(err, code, "%s: HTTP %ld", x->shown_url, st);
}

static bool retryable_status(long st)
{
	return st == 408 || st == 429 || st == 500 || st == 502 || st == 503 || st == 504;
}

static long backoff_ms(int attempt)
{
	static uint32_t seed;
	long base = BACKOFF_BASE_MS << MIN(attempt, 10);

	if (!seed)
		seed = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16) ^ 0x9e3779b9u;
	/* xorshift32: jitter needs spread, not quality. */
	seed ^= seed << 13;
	seed ^= seed >> 17;
	seed ^= seed << 5;
	base = MIN(base, BACKOFF_MAX_MS);
	/* "Equal jitter": half fixed, half random, so retries of many clients
	 * spread out but never come back at once. */
	return base / 2 + (long)(seed % (uint32_t)(base / 2 + 1));
}

/* Sleep ms, waking to notice Ctrl-C. -1 when cancelled. */
static int sleep_ms(long ms)
{
	double until = mono_ms() + (double)ms;

	for (;;) {
		int left = ms_left(until, CANCEL_POLL_MS);
		struct timespec ts = {left / 1000, (long)(left % 1000) * 1000000L};

		if (cancel_flag)
			return -1;
		if (left <= 0)
			return 0;
		nanosleep(&ts, NULL);
	}
}

int http_do(const struct http_request *req, struct http_response *resp, struct err *err)
{
	char shown[512];
	struct http_url u;
	double t0 = mono_ms();
	double deadline = req->timeout_ms > 0 ? t0 + (double)req->timeout_ms : 0;
	long connect_ms = req->connect_timeout_ms > 0 ? req->connect_timeout_ms : DEFAULT_CONNECT_MS;
	bool builtin;
	int rc = -1;

	memset(resp, 0, sizeof(*resp));
	resp->retry_after_ms = -1;
	http_url_redact(req->url, shown, sizeof(shown));
	if (http_url_parse(req->url, &u, err) != 0)
		return err_prefix(err, "%s", shown);
	builtin = want_builtin(req, &u);
	if (builtin && !str_eq(u.scheme, "http"))
		return err_set(err, ERR_USAGE, "%s: the built-in HTTP client does not speak %s", shown,
			       u.scheme);
	if (!builtin && !curl_load())
		return err_set(err, ERR_UNAVAILABLE, "%s: %s", shown, cu.why);
	resp->via_curl = !builtin;

	for (int attempt = 0;; attempt++) {
		struct xfer x = {.req = req, .resp = resp, .shown_url = shown,
				 .max_body = req->max_body ? req->max_body : HTTP_MAX_BODY,
				 .last_data = mono_ms()};
		int left = ms_left(deadline, 0);
		long wait;

		xfer_new_response(&x);
		buf_reset(&resp->body);
		resp->status = 0;
		resp->attempts = attempt + 1;
		if (cancel_flag) {
			err_set(err, ERR_CANCELLED, "%s: cancelled", shown);
			break;
		}
		if (deadline > 0 && left == 0) {
			err_set(err, ERR_TIMEOUT, "%s: timed out after %ld ms", shown, req->timeout_ms);
			break;
		}
		log_debug("http: %s %s (attempt %d, %s)", req->method ? req->method : req->body ? "POST" : "GET",
			  shown, attempt + 1, builtin ? "built-in" : "libcurl");
		if (builtin)
			rc = raw_attempt(&x, &u, MIN(connect_ms, (long)left), deadline, req->timeout_ms,
					 err);
		else
			rc = curl_attempt(&x, MIN(connect_ms, (long)left), deadline > 0 ? left : 0,
					  req->timeout_ms, err);
		if (rc == 0 && is_2xx(resp->status))
			break;
		if (rc == 0) {
			rc = status_error(&x, err);
			if (!retryable_status(resp->status))
				break;
		} else if (x.delivered || !(err->code == ERR_NET || err->code == ERR_TIMEOUT)) {
			break;
		}
		/* A wait longer than the cap is not sat out. */
		if (attempt >= req->retries || resp->retry_after_ms > HTTP_RETRY_AFTER_MAX_MS)
			break;
		wait = MAX(backoff_ms(attempt), resp->retry_after_ms);
		if (deadline > 0 && mono_ms() + (double)wait >= deadline)
			break;
		log_info("http: %s; retrying in %ld ms", err->msg, wait);
		if (sleep_ms(wait) != 0) {
			err_set(err, ERR_CANCELLED, "%s: cancelled", shown);
			break;
		}
	}
	resp->ms = mono_ms() - t0;
	if (rc == 0 && is_2xx(resp->status)) {
		log_debug("http: %s: HTTP %ld in %.1f ms", shown, resp->status, resp->ms);
		return 0;
	}
	if (resp->status >= 300 && resp->retry_after_ms >= 1000 && err->code != ERR_CANCELLED)
		err_set(err, err->code, "%s: HTTP %ld; the server asks to wait %ld s", shown,
			resp->status, resp->retry_after_ms / 1000);
	if (resp->attempts > 1 && err->code != ERR_CANCELLED) {
		size_t n = strlen(err->msg);

		snprintf(err->msg + n, sizeof(err->msg) - n, " (after %d attempts)", resp->attempts);
	}
	return -1;
}
