"""Deadlines on every phase of a request, against ``lore api`` over raw sockets that stall.

The ``guarded`` server has one-second header, body and keep-alive deadlines.
"""

from __future__ import annotations

import socket
import time
from urllib.parse import urlparse

import httpx
import pytest

PREDICT = "/models/subscribers.Subscribers/predict"


def connect(server) -> socket.socket:
    address = urlparse(server.url)
    return socket.create_connection((address.hostname, address.port), timeout=30)


def answer_and_close(sock: socket.socket) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and how long that took."""
    start, received = time.monotonic(), b""
    while chunk := sock.recv(65536):
        received += chunk
    return received, time.monotonic() - start


def still_serving(server, rows) -> None:
    assert httpx.post(server.url + PREDICT, json=rows, timeout=30).status_code == 200


def test_a_connection_that_sends_nothing_is_closed_with_a_408(guarded, rows):
    with connect(guarded) as sock:
        still_serving(guarded, rows)
        answer, seconds = answer_and_close(sock)
    assert answer.startswith(b"HTTP/1.1 408") and b"LORE_API_HEADER_TIMEOUT" in answer
    assert seconds < 5


def test_headers_trickled_at_8_bytes_a_second_are_cut_off(guarded, rows):
    request = f"POST {PREDICT} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n".encode()
    start = time.monotonic()
    with connect(guarded) as sock:
        sock.settimeout(0.2)
        closed = False
        for at in range(0, len(request), 8):
            try:
                sock.sendall(request[at : at + 8])
                if sock.recv(65536) == b"":
                    closed = True
                    break
            except TimeoutError:
                continue  # nothing from the server yet: keep trickling, one second per 8 bytes
            except OSError:
                closed = True
                break
            time.sleep(0.8)
        else:
            raise AssertionError("the server read the trickle to its end")
    assert closed and time.monotonic() - start < 5
    still_serving(guarded, rows)


def test_headers_then_silence_is_a_408_naming_the_read_timeout(guarded, rows):
    with connect(guarded) as sock:
        sock.sendall(
            f"POST {PREDICT} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Content-Length: 100\r\n\r\n".encode()
        )
        still_serving(guarded, rows)
        answer, seconds = answer_and_close(sock)
    assert answer.startswith(b"HTTP/1.1 408") and b"LORE_API_READ_TIMEOUT" in answer
    assert seconds < 5


@pytest.mark.parametrize("path", [PREDICT, "/extra/hello", "/no/such/route"])
def test_a_stalled_body_is_cut_off_whatever_the_route(guarded, path):
    with connect(guarded) as sock:
        sock.sendall(
            f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            'Content-Length: 1000\r\n\r\n[{"city": "oslo", '.encode()
        )
        answer, seconds = answer_and_close(sock)
    # the predict route is still reading: 408; the others answered at once (404, 405), then closed
    assert answer.startswith(b"HTTP/1.1 4"), answer
    assert seconds < 5


def test_an_idle_keep_alive_connection_is_closed(guarded):
    with connect(guarded) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        answer, seconds = answer_and_close(sock)
    assert answer.startswith(b"HTTP/1.1 200") and answer.count(b"HTTP/1.1") == 1
    assert seconds < 5


def test_headers_over_64_kib_are_a_431(guarded, rows):
    with connect(guarded) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        for _ in range(66):  # just over the cap, so that nothing is left unread when it closes
            sock.sendall(b"X-Junk: " + b"j" * 1000 + b"\r\n")
        answer, _ = answer_and_close(sock)
    assert answer.startswith(b"HTTP/1.1 431"), answer[:200]
    still_serving(guarded, rows)


def test_requests_on_a_kept_alive_connection_still_work(guarded, rows):
    with httpx.Client(base_url=guarded.url, timeout=30) as client:
        for _ in range(3):
            assert client.post(PREDICT, json=rows).status_code == 200
            time.sleep(0.3)
