"""Antivirus scanners behind one interface: ClamAV's daemon over its socket, a fake for tests and
the demo, and none.

Which one runs is the ANTIVIRUS_BACKEND setting (desk.core.uploads builds it); this module reads
no settings. A scanner answers :class:`ScanResult` or raises :class:`ScannerUnavailable`; what an
outage means (refuse the upload, or let it through) is the caller's documented choice.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass
from typing import Protocol

# The EICAR test file (eicar.org): harmless, and every antivirus reports it as a virus.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@dataclass(frozen=True)
class ScanResult:
    infected: bool
    # The scanner's name for what it found ("Eicar-Signature"); "" when clean.
    signature: str = ""


class ScannerUnavailable(Exception):
    """The scanner could not give an answer (down, timed out, refused the stream)."""


class Scanner(Protocol):
    name: str

    def scan(self, data: bytes) -> ScanResult: ...


class NoScanner:
    """No antivirus: every file is reported clean (the structure checks still run)."""

    name = "none"

    def scan(self, data: bytes) -> ScanResult:
        return ScanResult(infected=False)


class FakeScanner:
    """Stands in for ClamAV in tests and the demo: finds the EICAR test string anywhere."""

    name = "fake"

    def scan(self, data: bytes) -> ScanResult:
        if EICAR in data:
            return ScanResult(infected=True, signature="Eicar-Test-Signature")
        return ScanResult(infected=False)


class ClamdScanner:
    """ClamAV's clamd over a unix socket or TCP, with the INSTREAM command.

    The file is streamed in chunks, each prefixed by its length as a 4-byte big-endian integer,
    and ended by a zero length; clamd answers ``stream: OK`` or ``stream: <name> FOUND``
    (``z``-prefixed commands: every reply ends with a NUL byte). The stream must fit clamd's
    StreamMaxLength, which must be at least UPLOAD_MAX_BYTES.
    """

    name = "clamav"
    CHUNK = 64 * 1024

    def __init__(
        self,
        *,
        unix_socket: str = "",
        host: str = "",
        port: int = 3310,
        timeout: float = 10.0,
    ) -> None:
        if not unix_socket and not host:
            raise ValueError("ClamdScanner needs a unix socket path or a host")
        self.unix_socket = unix_socket
        self.host = host
        self.port = port
        self.timeout = timeout

    def _connect(self) -> socket.socket:
        try:
            if self.unix_socket:
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.settimeout(self.timeout)
                sock.connect(self.unix_socket)
                return sock
            return socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as exc:
            raise ScannerUnavailable(f"clamd unreachable: {exc}") from exc

    def _command(self, command: bytes, payload: bytes | None = None) -> str:
        with self._connect() as sock:
            try:
                sock.sendall(b"z" + command + b"\0")
                if payload is not None:
                    self._stream(sock, payload)
                return self._reply(sock)
            except OSError as exc:  # timeouts included
                # clamd answers a stream over its limit and hangs up mid-upload: its reply,
                # when it still arrives, says why better than the broken pipe does.
                reason = self._reply_after_failure(sock) or str(exc)
                raise ScannerUnavailable(f"clamd {command.decode()} failed: {reason}") from exc

    def _stream(self, sock: socket.socket, payload: bytes) -> None:
        for start in range(0, len(payload), self.CHUNK):
            chunk = payload[start : start + self.CHUNK]
            sock.sendall(struct.pack("!L", len(chunk)) + chunk)
        sock.sendall(struct.pack("!L", 0))

    @classmethod
    def _reply_after_failure(cls, sock: socket.socket) -> str:
        try:
            return cls._reply(sock)
        except (OSError, ScannerUnavailable):
            return ""

    @staticmethod
    def _reply(sock: socket.socket) -> str:
        reply = b""
        while not reply.endswith(b"\0"):
            part = sock.recv(4096)
            if not part:
                break
            reply += part
            if len(reply) > 64 * 1024:
                raise ScannerUnavailable("clamd reply too long")
        return reply.rstrip(b"\0").decode("utf-8", "replace").strip()

    def ping(self) -> bool:
        return self._command(b"PING") == "PONG"

    def scan(self, data: bytes) -> ScanResult:
        return parse_instream_reply(self._command(b"INSTREAM", data))


def parse_instream_reply(reply: str) -> ScanResult:
    """``stream: OK`` → clean; ``stream: Name FOUND`` → infected; anything else (``... ERROR``,
    a closed connection) → ScannerUnavailable."""
    _, _, verdict = reply.partition(": ")
    if verdict == "OK":
        return ScanResult(infected=False)
    if verdict.endswith(" FOUND"):
        return ScanResult(infected=True, signature=verdict.removesuffix(" FOUND"))
    raise ScannerUnavailable(f"clamd answered {reply[:200]!r}")
