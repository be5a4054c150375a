"""Clients that stall the server's reader threads, then ask for the collections after the database changed.

Usage: stalled_pages.py PORT DB LAYER N. N clients ask for a 10 000-feature page of LAYER and read nothing for a
while (their small receive buffers fill, and each page's reader thread waits for them); sqlite3 then writes to DB, so
the server must read its collections again; three clients ask for /collections; then the stalled clients read their
pages. Exits 0 when every page arrived whole and every /collections answered 200, else 1 saying what hung.
"""
import socket, subprocess, sys, threading, time


def stall(port, layer, n, connection="close"):
    """N connections that each ask for a 10 000-feature page of LAYER, with receive buffers too small to hold it."""
    stalled = []
    for _ in range(n):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", port))
        s.sendall(f"GET /collections/{layer}/items?limit=10000 HTTP/1.1\r\nHost: t\r\nConnection: {connection}\r\n\r\n".encode())
        stalled.append(s)
    return stalled


def main():
    port, db, layer, n = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
    stalled = stall(port, layer, n)
    time.sleep(3)
    subprocess.run(["sqlite3", db, "CREATE TABLE stalled_pages_touch (x); DROP TABLE stalled_pages_touch;"], check=True)

    def read_all(s):
        """The bytes until the server closes, and the error that stopped the reading first (a timeout: a hang)."""
        s.settimeout(30)
        data = b""
        try:
            while True:
                b = s.recv(1 << 20)
                if not b:
                    return data, None
                data += b
        except OSError as e:
            return data, e

    answers = {}
    def collections(k):
        try:
            c = socket.create_connection(("127.0.0.1", port), timeout=30)
            c.sendall(b"GET /collections HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            data, error = read_all(c)
            answers[k] = data[:15] if error is None else repr(error).encode()
        except OSError as e:
            answers[k] = repr(e).encode()
    askers = [threading.Thread(target=collections, args=(k,)) for k in range(3)]
    for t in askers:
        t.start()
    time.sleep(2)
    pages = {}
    def drain(i):
        pages[i] = read_all(stalled[i])
    readers = [threading.Thread(target=drain, args=(i,)) for i in range(n)]
    for t in readers:
        t.start()
    for t in readers + askers:
        t.join()
    problems = [f"/collections {k}: {a[:60]!r}" for k, a in answers.items() if not a.startswith(b"HTTP/1.1 200")]
    problems += [f"page {i}: {len(p)} bytes, then {e!r}" for i, (p, e) in pages.items() if e is not None or not p.startswith(b"HTTP/1.1 200")]
    print("\n".join(problems) or f"{n} pages of {min(len(p) for p, _ in pages.values())}+ bytes and 3 collections answered")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
