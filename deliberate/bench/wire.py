"""A lean HTTP/1.1 client for the load generator's hot loop: a fixed set of keep-alive connections.

httpx's connection pool scans every connection for every waiting request, so with a hundred connections and
a few hundred requests due at once the load generator spent its core in `is_idle` (py-spy: 90 % of the bench
process at 200 supports/s, 10 viewers) and the server sat half idle: the bench measured itself. Here a
request takes an idle connection from a queue (O(1)), writes one request and reads one answer with h11; a
connection the server closed is opened again once. The set-up and checks keep using httpx.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

import h11


class WireError(Exception):
    """The request failed on the wire (refused, reset, closed mid-answer)."""


@dataclass
class Answer:
    status: int
    body: bytes


class _Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.h11 = h11.Connection(h11.CLIENT)

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.h11 = h11.Connection(h11.CLIENT)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, headers: list[tuple[str, str]], body: bytes) -> Answer:
        if self.writer is None or self.h11.our_state is not h11.IDLE:
            self.close()
            await self._open()
        assert self.reader is not None and self.writer is not None
        head = [("host", f"{self.host}:{self.port}"), ("content-length", str(len(body))), *headers]
        self.writer.write(
            self.h11.send(h11.Request(method=method, target=path, headers=head))
            + self.h11.send(h11.Data(data=body))
            + self.h11.send(h11.EndOfMessage())
        )
        status, chunks = 0, []
        while True:
            event = self.h11.next_event()
            if event is h11.NEED_DATA:
                data = await self.reader.read(65536)
                self.h11.receive_data(data)
                if not data and self.h11.their_state is not h11.DONE:
                    raise WireError("connection closed before the answer ended")
                continue
            if isinstance(event, h11.Response):
                status = event.status_code
            elif isinstance(event, h11.Data):
                chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                break
            elif isinstance(event, h11.ConnectionClosed):
                raise WireError("connection closed")
        if self.h11.our_state is h11.DONE and self.h11.their_state is h11.DONE:
            self.h11.start_next_cycle()
        else:
            self.close()
        return Answer(status, b"".join(chunks))


class Wire:
    """`size` keep-alive connections to one server; a request waits for a free one (that wait is latency)."""

    def __init__(self, host: str, port: int, size: int) -> None:
        self.idle: asyncio.Queue[_Connection] = asyncio.Queue()
        self.all = [_Connection(host, port) for _ in range(size)]
        for connection in self.all:
            self.idle.put_nowait(connection)

    async def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b"", timeout: float = 30.0
    ) -> Answer:
        connection = await self.idle.get()
        try:
            for attempt in (1, 2):
                try:
                    return await asyncio.wait_for(
                        connection.request(method, path, list((headers or {}).items()), body), timeout
                    )
                except (OSError, h11.ProtocolError, WireError, asyncio.IncompleteReadError) as exc:
                    connection.close()
                    if attempt == 2:
                        raise WireError(type(exc).__name__) from exc
                except TimeoutError as exc:
                    connection.close()
                    raise WireError("timeout") from exc
            raise AssertionError("unreachable")
        finally:
            self.idle.put_nowait(connection)

    def close(self) -> None:
        for connection in self.all:
            with contextlib.suppress(Exception):
                connection.close()
