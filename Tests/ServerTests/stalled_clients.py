"""Clients that ask and never read, or never finish asking, while others ask for pages.

Usage: stalled_clients.py PORT LAYER N TIMEOUT. N clients ask for a 10 000-feature page of LAYER and never read it (their
small receive buffers fill, and each page's reader thread waits for them); one client sends half a request line and
nothing more. Three clients then ask for one feature of LAYER each. With `econgis serve --client-timeout TIMEOUT`, the
server drops the clients that read nothing, so the three must be answered within a few timeouts (N pages wait for the
four reader threads in turn), and it closes the half-asked connection within about TIMEOUT. Exits 0 when both hold,
else 1 saying what hung.
"""
import socket, sys, threading, time
sys.dont_write_bytecode = True  # no __pycache__ beside the tests
from stalled_pages import stall

port, layer, n, timeout = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
stalled = stall(port, layer, n, connection="keep-alive")
half = socket.create_connection(("127.0.0.1", port))
half.sendall(b"GET /collec")
started = time.monotonic()
time.sleep(1)

# Enough for the stalled pages to be dropped in turns of four, plus slack for a loaded machine.
limit = timeout * (n // 4 + 2) + 10
answers = {}
def ask(k):
    begun = time.monotonic()
    try:
        c = socket.create_connection(("127.0.0.1", port), timeout=limit)
        c.sendall(f"GET /collections/{layer}/items?limit=1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while True:
            b = c.recv(1 << 16)
            if not b:
                break
            data += b
        answers[k] = (data[:15], time.monotonic() - begun)
    except OSError as e:
        answers[k] = (repr(e).encode(), time.monotonic() - begun)
askers = [threading.Thread(target=ask, args=(k,)) for k in range(3)]
for t in askers:
    t.start()

half.settimeout(timeout + 15)
try:
    rest = half.recv(1 << 16)
    half_closed = f"closed after {time.monotonic() - started:.1f} s" if rest == b"" or rest.startswith(b"HTTP/1.1 4") else f"answered {rest[:40]!r}"
except socket.timeout:
    half_closed = None
except OSError as e:
    half_closed = f"reset after {time.monotonic() - started:.1f} s ({e!r})"
for t in askers:
    t.join()
problems = [f"one feature, client {k}: {a!r} after {s:.1f} s" for k, (a, s) in answers.items() if not a.startswith(b"HTTP/1.1 200")]
if half_closed is None:
    problems.append(f"half a request line: the connection was still open after {timeout + 15:.0f} s")
print("\n".join(problems) or f"3 features answered in {max(s for _, s in answers.values()):.1f} s at most; half a request {half_closed}")
sys.exit(1 if problems else 0)
