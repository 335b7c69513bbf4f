#!/usr/bin/env python3
"""testserver.py: a scriptable Ollama / OpenAI-compatible server for tests.

It listens on 127.0.0.1 on a free port (written to --port-file), never
touches anything else, and exits when its parent goes away. It serves

  POST .../chat/completions   OpenAI chat (SSE when "stream": true)
  GET  .../models             OpenAI model list
  POST .../api/chat           Ollama chat (NDJSON when "stream" is not false)
  GET  .../api/tags           Ollama model list

Without options it replays the real llama-server exchanges in
$CARO_SHARED/fixtures/http/llama-server/ and the hand-written Ollama ones in
tests/data/ollama/. Options are path segments of the form key=value before
the API path, so a test picks its scenario through the base URL alone:

  http://127.0.0.1:PORT/say=ls%20-la/v1          reply with this text
  http://127.0.0.1:PORT/id=t7/fail=1/say=ls/v1   first request of id t7: 500

  say=TEXT        the model's reply (URL-encoded); streamed in small pieces
  finish=REASON   finish_reason / done_reason of the last event (stop)
  json=1          answer with one JSON object even when asked to stream
  fail=N          the first N requests with the same options get status=
  status=CODE     status for fail= (500), with an API-shaped error body
  always=CODE     every request gets CODE
  retry_after=V   Retry-After header on failures
  key=1           401 unless the request has "Authorization: Bearer " + TEST_KEY
                  (the key stays out of URLs, so tests can check that the
                  client never shows it)
  cut=N           send only N bytes of the body, then close
  trickle=N       send the body N bytes at a time, 2 ms apart
  hang=1          read the request, never answer
  big=MB          a streamed reply of MB megabytes
  badjson=1       a malformed JSON event / line in the middle of the stream
  models=a,b      the model list to serve
  notfound=1      every path is unknown: 404 with a plain-text body
  id=X            only separates the fail= counters of different tests

Model files (the downloader's tests): GET .../OWNER/REPO/resolve/main/FILE
serves $CARO_SHARED/fixtures/models/FILE (or the fixture named by as=),
with an ETag, Accept-Ranges and HTTP Range / If-Range support, so a client
can resume. Options:

  as=FIXTURE      serve this fixture whatever FILE is asked for
  cut1=N          the first request (per option set) gets N bytes, then close
  stall1=N        the first request gets N bytes, then nothing (until the
                  client gives up)
  stall=N         every request does that
  norange=1       ignore Range: always 200 with the whole file
  redirect=1      answer 302 to the same path without redirect=1 (as HF
                  sends downloads to its CDN)
  token=1         401 unless "Authorization: Bearer hf-test-token"
  etag=X          use this ETag (a changed file between attempts)

Every request is appended to --log as one JSON line (t, method, target,
headers, body), so tests can check what the client sent and when.
"""
import argparse
import json
import os
import socket
import socketserver
import ssl
import sys
import threading
import time
import urllib.parse

ARGS = None
TEST_KEY = "sk-test-s3cr3t"
COUNTS = {}
LOCK = threading.Lock()


def read_file(path):
    with open(path, "rb") as f:
        return f.read()


def fixture(name):
    return read_file(os.path.join(ARGS.fixtures, name))


def ollama_fixture(name):
    return read_file(os.path.join(ARGS.data, "ollama", name))


class Reply:
    def __init__(self, status=200, ctype="application/json", body=b"", headers=None, chunked=False,
                 length=None, stall_after=None):
        self.status = status
        self.ctype = ctype
        self.body = body
        self.headers = headers or []
        self.chunked = chunked
        self.length = length          # Content-Length to announce (default len(body))
        self.stall_after = stall_after  # send this many bytes, then hang


REASONS = {200: "OK", 206: "Partial Content", 302: "Found", 401: "Unauthorized",
           404: "Not Found", 416: "Range Not Satisfiable", 429: "Too Many Requests",
           500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


# ---------------------------------------------------------------- model files

def first_time(prefix, what):
    """True for the first request with this option set (per what)."""
    key = prefix + "#" + what
    with LOCK:
        COUNTS[key] = COUNTS.get(key, 0) + 1
        return COUNTS[key] == 1


def model_file(path, headers, opts, prefix):
    if opts.get("redirect") == "1":
        target = "/" + "/".join(s for s in prefix.split("/") if s and s != "redirect=1")
        target = (target.rstrip("/") + path) if target != "/" else path
        return Reply(302, "text/plain", b"redirecting", [("Location", target)])
    if opts.get("token") == "1" and headers.get("authorization") != "Bearer hf-test-token":
        return Reply(401, "application/json", b'{"error":"Invalid credentials"}')
    name = opts.get("as") or path.rsplit("/", 1)[-1]
    fpath = os.path.join(ARGS.models, os.path.basename(name))
    if not os.path.isfile(fpath):
        return Reply(404, "text/plain", b"Entry not found")
    data = read_file(fpath)
    etag = '"%s"' % opts.get("etag", "%x-%d" % (len(data), sum(data[:4096])))
    extra = [("ETag", etag), ("Accept-Ranges", "bytes")]
    rng = headers.get("range")
    if rng and opts.get("norange") != "1" and headers.get("if-range", etag) == etag:
        start = int(rng.split("=", 1)[1].split("-", 1)[0])
        if start >= len(data):
            return Reply(416, "text/plain", b"", extra + [("Content-Range", "bytes */%d" % len(data))])
        extra.append(("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data))))
        rep = Reply(206, "application/octet-stream", data[start:], extra)
    else:
        rep = Reply(200, "application/octet-stream", data, extra)
    if "cut1" in opts and first_time(prefix, "cut1"):
        rep.length = len(rep.body)
        rep.body = rep.body[:int(opts["cut1"])]
    elif "stall1" in opts and first_time(prefix, "stall1"):
        rep.stall_after = int(opts["stall1"])
    elif "stall" in opts:
        rep.stall_after = int(opts["stall"])
    return rep


def pieces(text, n=3):
    return [text[i:i + n] for i in range(0, len(text), n)] or [""]


# ---------------------------------------------------------------- OpenAI

def openai_error(status, model):
    if status == 401:
        e = {"message": "Invalid API Key", "type": "invalid_request_error", "code": "invalid_api_key"}
    elif status == 404:
        e = {"message": "The model `%s` does not exist." % model, "type": "invalid_request_error",
             "code": "model_not_found"}
    elif status == 429:
        e = {"message": "Rate limit reached", "type": "rate_limit_error", "code": "rate_limit"}
    else:
        e = {"message": "Internal server error", "type": "server_error", "code": status}
    return json.dumps({"error": e}).encode()


def openai_chat(req, opts):
    model = req.get("model", "")
    stream = req.get("stream") is True and opts.get("json") != "1"
    if "say" not in opts and "big" not in opts and "badjson" not in opts:
        name = "chat-stream" if stream else "chat-nonstream"
        body = fixture(name + ".body." + ("sse" if stream else "json"))
        head = fixture(name + ".headers.txt").decode()
        return Reply(200, "text/event-stream" if stream else "application/json; charset=utf-8",
                     body, chunked="chunked" in head.lower())
    text = opts.get("say", "")
    finish = opts.get("finish", "stop")
    base = {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1795969247,
            "model": model, "system_fingerprint": "b4748-c392e5094"}
    if not stream:
        o = dict(base, object="chat.completion",
                 choices=[{"index": 0, "finish_reason": finish,
                           "message": {"role": "assistant", "content": text}}],
                 usage={"prompt_tokens": 26, "completion_tokens": 8, "total_tokens": 34})
        return Reply(200, "application/json; charset=utf-8", json.dumps(o).encode())
    out = []

    def event(delta, fin=None):
        o = dict(base, choices=[{"finish_reason": fin, "index": 0, "delta": delta}])
        out.append(b"data: " + json.dumps(o).encode() + b"\n\n")

    event({"role": "assistant", "content": None})
    if "big" in opts:
        chunk = "x" * 1000
        for _ in range(int(float(opts["big"]) * 1024 * 1024) // 1100):
            event({"content": chunk})
    for i, p in enumerate(pieces(text)):
        event({"content": p})
        if opts.get("badjson") == "1" and i == 0:
            out.append(b'data: {"choices":[{"delta":{"content":"oops"}\n\n')
    event({}, finish)
    out.append(b"data: [DONE]\n\n")
    return Reply(200, "text/event-stream", b"".join(out), chunked=True)


def openai_models(opts):
    if "models" not in opts:
        return Reply(200, "application/json; charset=utf-8", fixture("v1-models.body.json"))
    data = [{"id": m, "object": "model", "created": 1795969247, "owned_by": "test"}
            for m in opts["models"].split(",") if m]
    return Reply(200, "application/json", json.dumps({"object": "list", "data": data}).encode())


# ---------------------------------------------------------------- Ollama

def ollama_error(status, model):
    if status == 404:
        return ollama_fixture("error-notfound.json").replace(b"MODEL", model.encode())
    return json.dumps({"error": "server error %d" % status}).encode()


def ollama_chat(req, opts):
    model = req.get("model", "")
    stream = req.get("stream", True) is not False and opts.get("json") != "1"
    if "say" not in opts and "big" not in opts and "badjson" not in opts:
        if stream:
            return Reply(200, "application/x-ndjson", ollama_fixture("chat-stream.ndjson"),
                         chunked=True)
        return Reply(200, "application/json; charset=utf-8", ollama_fixture("chat.json"))
    text = opts.get("say", "")
    finish = opts.get("finish", "stop")
    now = "2024-09-12T21:17:29.110811Z"
    final = {"model": model, "created_at": now, "message": {"role": "assistant", "content": ""},
             "done_reason": finish, "done": True, "total_duration": 4883583458,
             "eval_count": 8}
    if not stream:
        final["message"]["content"] = text
        return Reply(200, "application/json; charset=utf-8", json.dumps(final).encode())
    out = []

    def line(content):
        o = {"model": model, "created_at": now, "message": {"role": "assistant", "content": content},
             "done": False}
        out.append(json.dumps(o).encode() + b"\n")

    if "big" in opts:
        for _ in range(int(float(opts["big"]) * 1024 * 1024) // 1100):
            line("x" * 1000)
    for i, p in enumerate(pieces(text)):
        line(p)
        if opts.get("badjson") == "1" and i == 0:
            out.append(b'{"model":"m","message":{"content":"oops"\n')
    out.append(json.dumps(final).encode() + b"\n")
    return Reply(200, "application/x-ndjson", b"".join(out), chunked=True)


def ollama_tags(opts):
    if "models" not in opts:
        return Reply(200, "application/json; charset=utf-8", ollama_fixture("tags.json"))
    models = [{"name": m, "model": m, "size": 1000} for m in opts["models"].split(",") if m]
    return Reply(200, "application/json", json.dumps({"models": models}).encode())


# ---------------------------------------------------------------- serving

def route(method, path, req, headers, opts, prefix):
    ollama = "/api/" in path
    model = req.get("model", "") if isinstance(req, dict) else ""
    err = ollama_error if ollama else openai_error
    status = None
    if opts.get("notfound") == "1":
        return Reply(404, "text/plain", b"404 page not found")
    if "always" in opts:
        status = int(opts["always"])
    elif "fail" in opts:
        with LOCK:
            COUNTS[prefix] = COUNTS.get(prefix, 0) + 1
            if COUNTS[prefix] <= int(opts["fail"]):
                status = int(opts.get("status", "500"))
    if status is None and opts.get("key") == "1" and headers.get("authorization") != "Bearer " + TEST_KEY:
        status = 401
    if status is not None:
        extra = [("Retry-After", opts["retry_after"])] if "retry_after" in opts else []
        return Reply(status, "application/json", err(status, model), extra)
    if "/resolve/" in path and method == "GET":
        return model_file(path, headers, opts, prefix)
    if path.endswith("/chat/completions") and method == "POST":
        return openai_chat(req, opts)
    if path.endswith("/models") and method == "GET":
        return openai_models(opts)
    if path.endswith("/api/chat") and method == "POST":
        return ollama_chat(req, opts)
    if path.endswith("/api/tags") and method == "GET":
        return ollama_tags(opts)
    return Reply(404, "text/plain", b"404 page not found")


class Handler(socketserver.BaseRequestHandler):
    def read_request(self):
        sock = self.request
        data = b""
        while b"\r\n\r\n" not in data:
            got = sock.recv(65536)
            if not got:
                return None
            data += got
            if len(data) > 1 << 20:
                return None
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {}
        for ln in lines[1:]:
            k, _, v = ln.partition(":")
            headers[k.strip().lower()] = v.strip()
        n = int(headers.get("content-length", "0"))
        while len(rest) < n:
            got = sock.recv(65536)
            if not got:
                break
            rest += got
        return method, target, headers, rest[:n]

    def send(self, data):
        self.request.sendall(data)

    def handle(self):
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        got = self.read_request()
        if not got:
            return
        method, target, headers, body = got
        if ARGS.log:
            with LOCK, open(ARGS.log, "a") as f:
                f.write(json.dumps({"t": time.time(), "method": method, "target": target,
                                    "headers": headers,
                                    "body": body.decode("utf-8", "replace")}) + "\n")
        path = urllib.parse.urlsplit(target).path if "://" in target else target.split("?")[0]
        segs = path.split("/")
        opts, rest = {}, []
        for s in segs:
            if "=" in s and not rest:
                k, _, v = s.partition("=")
                opts[k] = urllib.parse.unquote(v)
            elif s:
                rest.append(s)
        prefix = "/".join(s for s in segs if "=" in s)
        api = "/" + "/".join(rest)
        try:
            req = json.loads(body) if body else {}
        except ValueError:
            req = {}
        if opts.get("hang") == "1":
            self.request.settimeout(30)
            try:
                while self.request.recv(4096):
                    pass
            except OSError:
                pass
            return
        rep = route(method, api, req, headers, opts, prefix)
        self.respond(rep, opts)

    def respond(self, rep, opts):
        head = ["HTTP/1.1 %d %s" % (rep.status, REASONS.get(rep.status, "Status")),
                "Content-Type: " + rep.ctype, "Server: caro-testserver", "Connection: close"]
        head += ["%s: %s" % h for h in rep.headers]
        body = rep.body
        cut = int(opts["cut"]) if "cut" in opts else None
        if cut is not None:
            body = body[:cut]
        head.append("Transfer-Encoding: chunked" if rep.chunked else
                    "Content-Length: %d" % (len(rep.body) if rep.length is None else rep.length))
        try:
            self.send(("\r\n".join(head) + "\r\n\r\n").encode())
            if rep.stall_after is not None:
                self.send(body[:rep.stall_after])
                self.request.settimeout(30)
                while self.request.recv(4096):
                    pass
                return
            step = int(opts.get("trickle", "0")) or 65536
            for i in range(0, len(body), step):
                piece = body[i:i + step]
                self.send(b"%x\r\n%s\r\n" % (len(piece), piece) if rep.chunked else piece)
                if "trickle" in opts:
                    time.sleep(0.002)
            if rep.chunked and cut is None:
                self.send(b"0\r\n\r\n")
        except OSError:
            pass  # the client stopped reading (a cap): fine


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def watch_parent(pid):
    """Exit when the process that started us (or --parent) is gone."""
    while True:
        time.sleep(0.5)
        try:
            os.kill(pid, 0)
        except OSError:
            os._exit(0)
        if pid == ARGS.ppid and os.getppid() != pid:
            os._exit(0)


def main():
    global ARGS
    here = os.path.dirname(os.path.abspath(__file__))
    shared = os.environ.get("CARO_SHARED", os.path.join(here, "..", "..", "shared"))
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log")
    ap.add_argument("--fixtures", default=os.path.join(shared, "fixtures", "http", "llama-server"))
    ap.add_argument("--data", default=os.path.join(here, "data"))
    ap.add_argument("--models", default=os.path.join(shared, "fixtures", "models"))
    ap.add_argument("--parent", type=int, help="exit when this process exits (default: parent)")
    ap.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"), help="serve https")
    ARGS = ap.parse_args()
    ARGS.ppid = os.getppid()
    srv = Server(("127.0.0.1", 0), Handler)
    if ARGS.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*ARGS.tls)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = ARGS.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, ARGS.port_file)
    threading.Thread(target=watch_parent, args=(ARGS.parent or ARGS.ppid,), daemon=True).start()
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
