/*
 * testsrv.h: the test server (tests/testserver.py) for unit tests that
 * need HTTP. It starts once per runner, on 127.0.0.1 and a free port, and
 * stops when the runner exits.
 */
#ifndef CARO_TESTSRV_H
#define CARO_TESTSRV_H

/* "http://127.0.0.1:PORT" (static storage), or NULL when the server could
 * not start (a test failure has been recorded then). */
const char *t_server_url(void);
/* The file the server appends one JSON line per request to. */
const char *t_server_log(void);
/* A port on 127.0.0.1 where nothing listens. */
int t_closed_port(void);

#endif
