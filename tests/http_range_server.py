"""Small HTTP server for tests/test_models.sh: serves ROOT/<dir>/<name> on
127.0.0.1 (a free port, written to --port-file) with Range support, logs
every request (method, path, Range header, status) to --log, and misbehaves
on demand:
  /files/NAME    ROOT/files/NAME, honouring "Range: bytes=N-"
  /norange/NAME  ROOT/files/NAME, always the whole file with 200
  /stall/NAME    ROOT/files/NAME, but stops sending half-way and hangs
  /wrong/NAME, /long/NAME, /short/NAME  whatever ROOT/wrong, ROOT/long, ROOT/short hold
  --cut-once files/NAME:BYTES  the first response for that path closes the
                 connection after BYTES body bytes (Content-Length is the full size)
Test helper only; photo3d never runs Python."""
import argparse
import http.server
import os
import re
import threading
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--cut-once", action="append", default=[])
    ap.add_argument("--lifetime", type=float, default=120.0, help="exit after this many seconds")
    args = ap.parse_args()
    cuts = {}
    for c in args.cut_once:
        path, n = c.rsplit(":", 1)
        cuts["/" + path] = int(n)
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def log_message(self, fmt, *a):
            pass

        def log(self, status):
            with lock, open(args.log, "a") as f:
                f.write("%s %s range=%s status=%d\n" % (self.command, self.path,
                        self.headers.get("Range", "-"), status))

        def do_GET(self):
            m = re.fullmatch(r"/(files|norange|stall|wrong|long|short)/([A-Za-z0-9._-]+)", self.path)
            source_dir = {"norange": "files", "stall": "files"}.get(m.group(1), m.group(1)) if m else None
            path = os.path.join(args.root, source_dir, m.group(2)) if m else None
            if not path or not os.path.isfile(path):
                self.log(404)
                self.send_error(404)
                return
            data = open(path, "rb").read()
            start = 0
            rng = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
            if rng and m.group(1) != "norange":
                start = int(rng.group(1))
                if start >= len(data):
                    self.log(416)
                    self.send_error(416)
                    return
            status = 206 if start > 0 else 200
            self.log(status)
            self.send_response(status)
            self.send_header("Content-Length", str(len(data) - start))
            if status == 206:
                self.send_header("Content-Range", "bytes %d-%d/%d" % (start, len(data) - 1, len(data)))
            self.end_headers()
            body = data[start:]
            with lock:
                cut = cuts.pop(self.path, None)
            if m.group(1) == "stall":
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                time.sleep(30)
                return
            self.wfile.write(body if cut is None else body[:cut])

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, args.port_file)
    threading.Timer(args.lifetime, server.shutdown).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
