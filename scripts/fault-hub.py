#!/usr/bin/env python3
"""A misbehaving HTTP server for the error-path tests of remote inputs (scripts/mock-hub starts it
beside the nginx mock hub). Python standard library only, HTTP/1.1 with keep-alive.

  fault-hub.py PORT ROOT [--log FILE]        (FILE defaults to $CKPT_FAULT_LOG, else stderr)

ROOT is the mock hub's www/ (scripts/mock-hub's STATE_DIR/www): the real bytes come from
ROOT/files/test/minilm/model.safetensors and ROOT/files/test/tiny-sharded/.

Plain URLs (PATH after the kind is free; it is what the client sees as the file name):
  /status/CODE/PATH               always CODE (401, 403, 404, 416, 500, any 4xx/5xx)
  /ignore-range/model.safetensors 200 without Content-Range whatever the Range, and a 2 GiB body made
                                  on the fly: minilm's real header, then zeros. The log line tells
                                  how many body bytes were written before the client hung up.
  /bad-content-range/model.safetensors
                                  206 whose Content-Range starts 16 bytes after the requested start
                                  (and whose body is the bytes from there)
  /reset/model.safetensors        the headers and half of the asked bytes (at most 1 MiB), then a TCP
                                  reset (SO_LINGER 0 + close)
  /redirect-loop/PATH             302 to itself, forever
  /slow/model.safetensors         reads the request and sends nothing; gives up after 60 s
  /flaky/N/model.safetensors      the first N requests of this exact path answer 503 with
                                  Retry-After: 0, then real ranges of minilm (206)
  /throttle/N/model.safetensors   the same with 429
  /truncated-length/model.safetensors
                                  a 192-byte safetensors file whose header length claims 1,000,000
  /count                          JSON {path: requests so far} (the count every route above keeps)
  /reset-counts                   empties the counts

Hub-shaped broken repos, built from TestData/tiny-llama-sharded (commit = sha1 of the repo name):
  GET /api/models/fault/NAME/tree/REV[?recursive=...]   and   GET|HEAD /fault/NAME/resolve/REV/PATH
  fault/nonjson               the tree answers 200 with an HTML page; files resolve normally
  fault/listing-extra-shard   the tree also lists model-00003-of-00003.safetensors (a copy of shard 2),
                              which the 2-shard index does not map
  fault/index-extra-shard     the index maps model.layers.2.mlp.down_proj.weight to
                              model-00003-of-00003.safetensors, which neither the tree nor resolve has
                              (resolve answers 404 EntryNotFound)
  LFS files (*.safetensors) resolve with a 302 to /blobs/fault/NAME/PATH on this server, which
  serves ranges; small files are answered directly.

Log: one line per request, flushed at once:
  METHOD PATH STATUS BODY_BYTES_SENT "RANGE" SECONDS END_EPOCH NOTE
where BODY_BYTES_SENT counts the body bytes actually handed to the socket (before a hang-up or reset).
"""
import hashlib
import json
import os
import re
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TWO_GIB = 2 << 30
SLOW_SECONDS = 60


class State:
    def __init__(self, root, log):
        self.root = root
        self.log = log
        self.lock = threading.Lock()
        self.counts = {}
        self.minilm = os.path.join(root, "files/test/minilm/model.safetensors")
        self.minilm_size = os.path.getsize(self.minilm)
        with open(self.minilm, "rb") as f:
            n = struct.unpack("<Q", f.read(8))[0]
            f.seek(0)
            self.minilm_head = f.read(8 + n)
        body = b'{"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}'
        body += b" " * ((8 - len(body) % 8) % 8)
        truncated = struct.pack("<Q", 1_000_000) + body
        self.truncated = truncated + b"\0" * (192 - len(truncated))
        self.repos = fault_repos(os.path.join(root, "files/test/tiny-sharded"))

    def count(self, path):
        with self.lock:
            self.counts[path] = self.counts.get(path, 0) + 1
            return self.counts[path]

    def write_log(self, line):
        with self.lock:
            self.log.write(line + "\n")
            self.log.flush()


def git_blob_oid(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def fault_repos(sharded):
    """{repo: {"commit", "files": {path: bytes}, "listed": [paths in the tree], "nonjson": bool}}."""
    base = {n: open(os.path.join(sharded, n), "rb").read() for n in sorted(os.listdir(sharded))}
    repos = {}
    repos["fault/nonjson"] = {"files": dict(base), "listed": sorted(base), "nonjson": True}
    extra = dict(base)
    extra["model-00003-of-00003.safetensors"] = base["model-00002-of-00002.safetensors"]
    repos["fault/listing-extra-shard"] = {"files": extra, "listed": sorted(extra), "nonjson": False}
    index = json.loads(base["model.safetensors.index.json"])
    index["weight_map"]["model.layers.2.mlp.down_proj.weight"] = "model-00003-of-00003.safetensors"
    bad_index = dict(base)
    bad_index["model.safetensors.index.json"] = json.dumps(index, indent=2).encode() + b"\n"
    repos["fault/index-extra-shard"] = {"files": bad_index, "listed": sorted(bad_index), "nonjson": False}
    for name, repo in repos.items():
        repo["commit"] = hashlib.sha1(name.encode()).hexdigest()
    return repos


def tree_entry(path, data):
    entry = {"type": "file", "oid": git_blob_oid(data), "size": len(data), "path": path}
    if path.endswith(".safetensors"):
        sha = hashlib.sha256(data).hexdigest()
        pointer = b"version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %d\n" % (sha.encode(), len(data))
        entry["oid"] = git_blob_oid(pointer)
        entry["lfs"] = {"oid": sha, "size": len(data), "pointerSize": len(pointer)}
    return entry


def parse_range(header, size):
    """(start, end) inclusive of a single 'bytes=' range, None without one, 'bad' if unsatisfiable."""
    if not header:
        return None
    m = re.fullmatch(r"\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*", header)
    if not m or (m.group(1) == "" and m.group(2) == ""):
        return None  # multi-range or garbage: answer the whole file, as servers may
    if m.group(1) == "":
        n = int(m.group(2))
        if n == 0:
            return "bad"
        return max(0, size - n), size - 1
    start = int(m.group(1))
    end = int(m.group(2)) if m.group(2) else size - 1
    if start >= size or end < start:
        return "bad"
    return start, min(end, size - 1)


class MinilmFile:
    """A read-only file sliced like bytes: data[a:b] reads those bytes only."""

    def __init__(self, path, size):
        self.path, self.size = path, size

    def __len__(self):
        return self.size

    def __getitem__(self, s):
        start, stop = max(0, s.start or 0), min(self.size, self.size if s.stop is None else s.stop)
        if stop <= start:
            return b""
        with open(self.path, "rb") as f:
            f.seek(start)
            return f.read(stop - start)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fault-hub"

    def version_string(self):
        return self.server_version

    # ---- plumbing ---------------------------------------------------------------------------

    def log_message(self, *args):  # the access log below replaces BaseHTTPRequestHandler's
        pass

    def handle_one_request(self):
        self.sent = 0
        self.status = 0
        self.note = ""
        self.started = time.time()
        try:
            super().handle_one_request()
        except (BrokenPipeError, ConnectionResetError, socket.timeout, OSError) as e:
            self.close_connection = True
            self.note = self.note or "client-closed:" + type(e).__name__
        finally:
            if self.status:
                st = self.server.state
                rng = self.headers.get("Range", "") if getattr(self, "headers", None) else ""
                end = time.time()
                st.write_log('%s %s %d %d "%s" %.3f %.3f %s' % (
                    self.command, self.path, self.status, self.sent, rng or "-", end - self.started, end,
                    self.note or "-"))

    def send_response(self, code, message=None):
        self.status = code
        super().send_response(code, message)

    def body(self, data):
        if self.command != "HEAD":
            self.wfile.write(data)
            self.sent += len(data)

    def simple(self, code, text=b"", headers=(), ctype="text/plain; charset=utf-8"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(text)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.body(text)

    def json(self, code, value, headers=()):
        self.simple(code, json.dumps(value).encode(), headers, "application/json; charset=utf-8")

    def serve_bytes(self, data, extra=()):
        """A file with single byte ranges: 200, 206 + Content-Range, or 416. DATA is bytes or a
        MinilmFile (read range by range: 90 MB per request would be slow)."""
        size = len(data)
        r = parse_range(self.headers.get("Range"), size)
        if r == "bad":
            self.simple(416, b"", [("Content-Range", "bytes */%d" % size)])
            return
        if r is None:
            start, end, code = 0, size - 1, 200
        else:
            (start, end), code = r, 206
        self.send_response(code)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", '"%s"' % hashlib.sha1(data[:4096] + str(size).encode()).hexdigest())
        self.send_header("Content-Length", str(end - start + 1))
        if code == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.body(data[start:end + 1])

    def minilm(self):
        return MinilmFile(self.server.state.minilm, self.server.state.minilm_size)

    # ---- routes -----------------------------------------------------------------------------

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        self.do_GET()

    def do_GET(self):
        st = self.server.state
        path = self.path.split("?", 1)[0]
        query = self.path.split("?", 1)[1] if "?" in self.path else ""
        if path == "/count":
            with st.lock:
                counts = dict(st.counts)
            return self.json(200, counts)
        if path == "/reset-counts":
            with st.lock:
                st.counts.clear()
            return self.json(200, {})
        n = st.count(path)
        parts = path.split("/")
        kind = parts[1] if len(parts) > 1 else ""

        if kind == "status" and len(parts) > 2 and parts[2].isdigit():
            code = int(parts[2])
            headers = []
            if code == 416:
                headers.append(("Content-Range", "bytes */%d" % st.minilm_size))
            if code == 401:
                headers.append(("WWW-Authenticate", 'Bearer realm="fault-hub"'))
            return self.simple(code, b"status %d\n" % code, headers)
        if kind == "ignore-range":
            return self.ignore_range()
        if kind == "bad-content-range":
            return self.bad_content_range()
        if kind == "reset":
            return self.reset()
        if kind == "redirect-loop":
            return self.simple(302, b"", [("Location", path)])
        if kind == "slow":
            return self.slow()
        if kind in ("flaky", "throttle") and len(parts) > 3 and parts[2].isdigit():
            if n <= int(parts[2]):
                code = 503 if kind == "flaky" else 429
                return self.simple(code, b"try again\n", [("Retry-After", "0")])
            return self.serve_bytes(self.minilm())
        if kind == "truncated-length":
            return self.serve_bytes(st.truncated)
        m = re.fullmatch(r"/api/models/([^/]+)/([^/]+)/tree/([^/]+)(/.*)?", path)
        if m:
            return self.tree(m.group(1) + "/" + m.group(2), m.group(3), query)
        m = re.fullmatch(r"/([^/]+)/([^/]+)/resolve/([^/]+)/(.+)", path)
        if m:
            return self.resolve(m.group(1) + "/" + m.group(2), m.group(3), m.group(4))
        m = re.fullmatch(r"/blobs/([^/]+/[^/]+)/(.+)", path)
        if m and m.group(1) in st.repos and m.group(2) in st.repos[m.group(1)]["files"]:
            return self.serve_bytes(st.repos[m.group(1)]["files"][m.group(2)])
        return self.simple(404, b"not found\n")

    def ignore_range(self):
        """200 and 2 GiB whatever the Range: the client must stop reading by itself."""
        head = self.server.state.minilm_head
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(TWO_GIB))
        self.end_headers()
        if self.command == "HEAD":
            return
        self.note = "complete"
        self.body(head)
        zeros = bytes(1 << 16)
        left = TWO_GIB - len(head)
        try:
            while left > 0:
                chunk = zeros if left >= len(zeros) else zeros[:left]
                self.body(chunk)
                left -= len(chunk)
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.note = "client-closed"
            self.close_connection = True

    def bad_content_range(self):
        data = self.minilm()
        size = len(data)
        r = parse_range(self.headers.get("Range"), size)
        start, end = (0, size - 1) if r in (None, "bad") else r
        shift = 16 if end + 16 < size else -min(start, 16)
        self.send_response(206)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(end - start + 1))
        self.send_header("Content-Range", "bytes %d-%d/%d" % (start + shift, end + shift, size))
        self.end_headers()
        self.body(data[start + shift:end + shift + 1])

    def reset(self):
        data = self.minilm()
        size = len(data)
        r = parse_range(self.headers.get("Range"), size)
        start, end, code = (0, size - 1, 200) if r in (None, "bad") else (r[0], r[1], 206)
        self.send_response(code)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(end - start + 1))
        if code == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
        self.end_headers()
        if self.command != "HEAD":
            part = min(max(1, (end - start + 1) // 2), 1 << 20)
            self.body(data[start:start + part])
        self.wfile.flush()
        self.note = "reset"
        # SO_LINGER with a zero timeout turns close() into a RST instead of a FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def slow(self):
        """Sends nothing; returns when the client hangs up or after SLOW_SECONDS."""
        self.status = 0  # nothing is sent: logged by hand below
        self.close_connection = True
        deadline = time.time() + SLOW_SECONDS
        self.connection.settimeout(0.5)
        note = "gave-up-after-%ds" % SLOW_SECONDS
        while time.time() < deadline:
            try:
                if self.connection.recv(1, socket.MSG_PEEK) == b"":
                    note = "client-closed"
                    break
                time.sleep(0.5)  # more bytes (a pipelined request): keep ignoring them
            except socket.timeout:
                continue
            except OSError:
                note = "client-closed"
                break
        end = time.time()
        self.server.state.write_log('%s %s 0 0 "%s" %.3f %.3f %s' % (
            self.command, self.path, self.headers.get("Range", "-"), end - self.started, end, note))

    def repo_at(self, repo, rev):
        """The repo's state, or None after answering as the Hub does for an unknown repo or revision."""
        r = self.server.state.repos.get(repo)
        if r is None:
            self.json(401, {"error": "Repository not found"},
                      [("X-Error-Code", "RepoNotFound"), ("X-Error-Message", "Repository not found")])
            return None
        if rev not in ("main", r["commit"]):
            self.json(404, {"error": "Invalid rev id: " + rev},
                      [("X-Error-Code", "RevisionNotFound"), ("X-Error-Message", "Invalid rev id: " + rev)])
            return None
        return r

    def tree(self, repo, rev, query):
        st = self.server.state
        r = self.repo_at(repo, rev)
        if r is None:
            return
        headers = [("X-Repo-Commit", r["commit"])]
        if r["nonjson"]:
            page = b"<!DOCTYPE html>\n<html><head><title>Hugging Face</title></head><body>maintenance</body></html>\n"
            return self.simple(200, page, headers, "text/html; charset=utf-8")
        return self.json(200, [tree_entry(p, r["files"][p]) for p in r["listed"]], headers)

    def resolve(self, repo, rev, path):
        st = self.server.state
        r = self.repo_at(repo, rev)
        if r is None:
            return
        data = r["files"].get(path)
        if data is None:
            return self.json(404, {"error": "Entry not found"},
                             [("X-Error-Code", "EntryNotFound"), ("X-Error-Message", "Entry not found"),
                              ("X-Repo-Commit", r["commit"])])
        entry = tree_entry(path, data)
        if "lfs" in entry:
            return self.simple(302, b"", [
                ("Location", "/blobs/%s/%s" % (repo, path)), ("X-Repo-Commit", r["commit"]),
                ("ETag", '"%s"' % entry["oid"]), ("X-Linked-Etag", '"%s"' % entry["lfs"]["oid"]),
                ("X-Linked-Size", str(len(data)))])
        self.serve_bytes(data, [("X-Repo-Commit", r["commit"])])


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # a client hanging up mid-answer is what this server is for


def main():
    args = sys.argv[1:]
    log_path = os.environ.get("CKPT_FAULT_LOG")
    if "--log" in args:
        i = args.index("--log")
        log_path = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2:
        sys.exit("usage: fault-hub.py PORT ROOT [--log FILE]")
    port, root = int(args[0]), args[1]
    log = open(log_path, "a", buffering=1) if log_path else sys.stderr
    server = Server(("127.0.0.1", port), Handler)
    server.state = State(root, log)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    main()
