#!/usr/bin/env python3
"""Adds network latency in front of HTTP/1.1 servers on 127.0.0.1, for scripts/bench-remote where
the kernel has no netem qdisc. Python standard library only (asyncio).

  delay-proxy.py --delay-ms MS --upstream PORT [--upstream PORT ...] --ready FILE

For each upstream port it listens on a free port of 127.0.0.1 and, once all listen, writes one
"UPSTREAM_PORT LISTEN_PORT" line per upstream to FILE. Then:
  - every request (request line, headers and a Content-Length body) is held MS ms before it is
    forwarded, so each request/response exchange costs one added round trip of MS ms;
  - a new connection is held MS ms before its first request is read, for TCP's handshake;
  - the response streams back at once;
  - a Location header naming an upstream port is rewritten to that upstream's listen port, so the
    mock hub's redirect from resolve to its CDN port stays behind the proxy.
Each client connection gets its own upstream connection, so keep-alive and connection counts are
the client's own. Many connections are served at once (one asyncio task each).
"""
import argparse
import asyncio
import os
import re
import signal

HEAD_LIMIT = 1 << 20


async def read_head(reader):
    """The status/request line and headers, or b"" at a clean end of stream."""
    try:
        return await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as e:
        if e.partial:
            raise ConnectionError("truncated head")
        return b""


def header(head, name):
    m = re.search(rb"\r\n" + name + rb"\s*:\s*([^\r\n]*)", head, re.IGNORECASE)
    return m.group(1).strip() if m else None


async def copy_exact(reader, writer, n):
    while n > 0:
        chunk = await reader.read(min(n, 1 << 16))
        if not chunk:
            raise ConnectionError("upstream closed mid-body")
        writer.write(chunk)
        await writer.drain()
        n -= len(chunk)


async def copy_chunked(reader, writer):
    while True:
        line = await reader.readuntil(b"\r\n")
        writer.write(line)
        size = int(line.split(b";")[0].strip(), 16)
        if size == 0:
            while True:  # trailers, then the empty line
                trailer = await reader.readuntil(b"\r\n")
                writer.write(trailer)
                if trailer == b"\r\n":
                    break
            await writer.drain()
            return
        await copy_exact(reader, writer, size + 2)


class Proxy:
    def __init__(self, delay, upstreams):
        self.delay = delay
        self.upstreams = upstreams
        self.listen = {}  # upstream port -> listen port

    def rewrite(self, head):
        def fix(m):
            port = int(m.group(2))
            return m.group(1) + str(self.listen.get(port, port)).encode()
        return re.sub(rb"(\r\nLocation\s*:\s*https?://(?:127\.0\.0\.1|localhost):)(\d+)", fix, head,
                      flags=re.IGNORECASE)

    async def forward_response(self, ur, cw, method):
        """Copies one response; False when the connection cannot carry another one."""
        head = await read_head(ur)
        if not head:
            return None
        status = int(head.split(b" ", 2)[1])
        cw.write(self.rewrite(head))
        if method == b"HEAD" or status in (204, 304) or 100 <= status < 200:
            await cw.drain()
            return True
        te = header(head, rb"Transfer-Encoding")
        length = header(head, rb"Content-Length")
        if te and b"chunked" in te.lower():
            await copy_chunked(ur, cw)
        elif length is not None:
            await copy_exact(ur, cw, int(length))
        else:
            while chunk := await ur.read(1 << 16):
                cw.write(chunk)
                await cw.drain()
            return False
        connection = header(head, rb"Connection")
        return not (connection and connection.lower() == b"close")

    async def client(self, cr, cw, upstream):
        ur = uw = None
        try:
            await asyncio.sleep(self.delay)
            ur, uw = await asyncio.open_connection("127.0.0.1", upstream, limit=HEAD_LIMIT)
            while True:
                head = await read_head(cr)
                if not head:
                    break
                method = head.split(b" ", 1)[0]
                length = header(head, rb"Content-Length")
                body = await cr.readexactly(int(length)) if length else b""
                await asyncio.sleep(self.delay)
                for attempt in (1, 2):
                    uw.write(head + body)
                    await uw.drain()
                    more = await self.forward_response(ur, cw, method)
                    if more is not None or attempt == 2:
                        break
                    # The upstream closed its idle keep-alive connection: open another, resend.
                    uw.close()
                    ur, uw = await asyncio.open_connection("127.0.0.1", upstream, limit=HEAD_LIMIT)
                if not more:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError, ValueError):
            pass
        finally:
            for w in (cw, uw):
                if w is not None:
                    w.close()

    async def run(self, ready):
        servers = []
        for port in self.upstreams:
            server = await asyncio.start_server(
                lambda r, w, port=port: self.client(r, w, port), "127.0.0.1", 0, limit=HEAD_LIMIT, backlog=512)
            self.listen[port] = server.sockets[0].getsockname()[1]
            servers.append(server)
        with open(ready + ".tmp", "w") as f:
            f.writelines("%d %d\n" % (u, self.listen[u]) for u in self.upstreams)
        os.replace(ready + ".tmp", ready)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        for server in servers:
            server.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--delay-ms", type=float, required=True)
    ap.add_argument("--upstream", type=int, action="append", required=True)
    ap.add_argument("--ready", required=True)
    args = ap.parse_args()
    asyncio.run(Proxy(args.delay_ms / 1000, args.upstream).run(args.ready))


if __name__ == "__main__":
    main()
