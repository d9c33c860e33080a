"""The raw-frame journal: every market-channel frame as received, in hourly gzip JSON-lines files.

Files live in one folder, named by the UTC hour of receipt (``2026-06-01T12.jsonl.gz``), one
line per frame::

    {"received_at": "2026-06-01T12:00:00.123456+00:00", "conn": "market-0", "frame": "<raw>"}

A process started within an hour that already has a file opens ``<hour>.1.jsonl.gz`` (``.2``…)
instead of appending: a killed process leaves its file without a gzip trailer, and a member
appended after it could not be read. Journals are what ``pmml replay`` and later backtests read.

:class:`JournalWriter` is called in the event loop once per frame: it encodes one line and
appends it to a memory buffer (about 5 µs for a 500-byte frame: ``python -m benchmarks journal``).
A thread compresses the buffer every ``flush_secs`` (or at ``flush_frames`` frames) and ends
each write with ``Z_SYNC_FLUSH``, so a killed process leaves a file readable up to its last
flush. A file is finished (gzip trailer) when its hour has passed on the injected clock, and
on :meth:`close`.

:func:`read_journal` decompresses with ``zlib.decompressobj`` and yields complete lines only: a
truncated file ends at its last complete line instead of raising as ``gzip.open`` would.
Performs file I/O.
"""

from __future__ import annotations

import logging
import re
import threading
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO, NamedTuple

import msgspec

from polymarket_ml.core.clock import Clock

log = logging.getLogger(__name__)

SUFFIX = ".jsonl.gz"
_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2})(?:\.(\d+))?\.jsonl\.gz$")
_GZIP_WBITS = 31  # zlib with a gzip header and trailer
_encode = msgspec.json.encode


class JournalEntry(NamedTuple):
    """One raw frame: our receipt time, the connection that got it, the frame's text."""

    received_at: datetime
    conn: str
    frame: str


class _Line(msgspec.Struct):
    received_at: datetime
    conn: str
    frame: str


_decode_line = msgspec.json.Decoder(_Line).decode


def hour_key(when: datetime) -> str:
    """The UTC hour a journal file is named by, e.g. ``2026-06-01T12``."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H")


def journal_files(directory: Path) -> list[Path]:
    """The journal files in ``directory``, oldest first (by hour, then restart number)."""
    if not directory.is_dir():
        return []
    found: list[tuple[str, int, Path]] = []
    for path in directory.iterdir():
        match = _NAME.match(path.name)
        if match:
            found.append((match[1], int(match[2] or 0), path))
    return [path for _, _, path in sorted(found)]


def expand_journal_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; a folder stands for its journal files, oldest first."""
    out: list[Path] = []
    for path in paths:
        out.extend(journal_files(path) if path.is_dir() else [path])
    return out


def recent_journal_files(directory: Path, now: datetime, *, hours: int = 2) -> list[Path]:
    """The files of the current hour and the ``hours - 1`` before it, oldest first."""
    wanted = {hour_key(now - timedelta(hours=h)) for h in range(hours)}
    return [p for p in journal_files(directory) if p.name[:13] in wanted]


@dataclass
class JournalStats:
    frames: int = 0  # frames handed to write()
    dropped: int = 0  # frames not kept: the buffer was full, or the file could not be written
    bytes_in: int = 0  # uncompressed line bytes written to disk
    bytes_out: int = 0  # compressed bytes written to disk
    files: int = 0
    write_errors: int = 0


class JournalWriter:
    """Writes raw frames to hourly journal files in ``directory`` from a background thread.

    :meth:`write` has the :data:`~polymarket_ml.sources.polymarket.ws.FrameSink` signature and
    is safe to call from one thread (the event loop) while the writer thread runs. The buffer
    holds at most ``max_buffered_frames``; beyond it frames are dropped and counted (a stuck
    disk must not eat the memory). Use ``with JournalWriter(...)`` or :meth:`start`/:meth:`close`.
    """

    def __init__(
        self,
        directory: Path,
        clock: Clock,
        *,
        flush_secs: float = 0.5,
        flush_frames: int = 5_000,
        max_buffered_frames: int = 1_000_000,
        level: int = 6,
    ) -> None:
        if flush_secs <= 0 or flush_frames < 1 or max_buffered_frames < 1:
            raise ValueError("flush_secs, flush_frames and max_buffered_frames must be positive")
        self.directory = Path(directory)
        self.stats = JournalStats()
        self.paths: list[Path] = []  # the files this writer opened, in order
        self._clock = clock
        self._flush_secs = flush_secs
        self._flush_frames = flush_frames
        self._max_buffered = max_buffered_frames
        self._level = level
        self._buffer: list[tuple[str, bytes]] = []  # (hour, line)
        self._buffer_lock = threading.Lock()
        self._io_lock = threading.Lock()  # one drain at a time: the thread's or flush()'s
        self._wake = threading.Event()
        self._closing = False
        self._thread: threading.Thread | None = None
        self._conn_json: dict[str, bytes] = {}
        self._file: BinaryIO | None = None
        self._zip: zlib._Compress | None = None
        self._hour: str | None = None

    # -- the event loop's side --------------------------------------------------------------

    def write(self, frame: bytes, received_at: datetime, conn: str) -> None:
        """Buffer one frame (its text is kept as received; invalid UTF-8 is replaced)."""
        stamp = received_at.isoformat()
        if not stamp.endswith("+00:00"):
            stamp = received_at.astimezone(UTC).isoformat()
        conn_json = self._conn_json.get(conn)
        if conn_json is None:
            conn_json = self._conn_json[conn] = _encode(conn)
        line = b"".join(
            (
                b'{"received_at":"',
                stamp.encode(),
                b'","conn":',
                conn_json,
                b',"frame":',
                _encode(frame.decode("utf-8", "replace")),
                b"}\n",
            )
        )
        self.stats.frames += 1
        with self._buffer_lock:
            buffered = len(self._buffer)
            if buffered >= self._max_buffered:
                self.stats.dropped += 1
                return
            self._buffer.append((stamp[:13], line))
        if buffered + 1 >= self._flush_frames:
            self._wake.set()

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> None:
        """Create the folder and start the writer thread (again after :meth:`close`)."""
        if self._thread is not None:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        self._closing = False
        self._thread = threading.Thread(target=self._loop, name="journal-writer", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Write what is buffered, finish the open file and stop the thread. Blocks."""
        self._closing = True
        self._wake.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()
        self.flush()
        with self._io_lock:
            self._finish_file()

    def __enter__(self) -> JournalWriter:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def flush(self) -> None:
        """Compress and write everything buffered now (in the caller's thread). Blocks."""
        with self._io_lock:
            self._drain()

    # -- the writer thread ----------------------------------------------------------------

    def _loop(self) -> None:
        while not self._closing:
            self._wake.wait(self._flush_secs)
            self._wake.clear()
            try:
                with self._io_lock:
                    self._drain()
                    if self._hour is not None and self._hour < hour_key(self._clock.now()):
                        self._finish_file()  # the hour is over: give the file its trailer
            except Exception:  # never let the thread die: the next round tries again
                log.exception("journal writer failed")

    def _drain(self) -> None:
        with self._buffer_lock:
            batch, self._buffer = self._buffer, []
        if not batch:
            return
        start = 0
        for i in range(1, len(batch) + 1):
            if i == len(batch) or batch[i][0] != batch[start][0]:
                self._write_lines(batch[start][0], [line for _, line in batch[start:i]])
                start = i

    def _write_lines(self, hour: str, lines: list[bytes]) -> None:
        data = b"".join(lines)
        try:
            if hour != self._hour:
                self._finish_file()
                self._open_file(hour)
            assert self._file is not None
            assert self._zip is not None
            out = self._zip.compress(data) + self._zip.flush(zlib.Z_SYNC_FLUSH)
            self._file.write(out)
            self._file.flush()
        except OSError:
            self.stats.write_errors += 1
            self.stats.dropped += len(lines)
            log.exception("could not write %d frames to the journal", len(lines))
            self._abandon_file()
            return
        self.stats.bytes_in += len(data)
        self.stats.bytes_out += len(out)

    def _open_file(self, hour: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        for restart in range(10_000):
            name = f"{hour}{SUFFIX}" if restart == 0 else f"{hour}.{restart}{SUFFIX}"
            path = self.directory / name
            try:
                self._file = path.open("xb")  # never append to a file someone left behind
            except FileExistsError:
                continue
            self._zip = zlib.compressobj(self._level, zlib.DEFLATED, _GZIP_WBITS)
            self._hour = hour
            self.paths.append(path)
            self.stats.files += 1
            return
        raise OSError(f"no free journal file name for hour {hour} in {self.directory}")

    def _finish_file(self) -> None:
        file, zipper = self._file, self._zip
        if file is None or zipper is None:
            return
        try:
            file.write(zipper.flush(zlib.Z_FINISH))
        except OSError:
            self.stats.write_errors += 1
            log.exception("could not finish the journal file %s", file.name)
        finally:
            self._abandon_file()

    def _abandon_file(self) -> None:
        file, self._file, self._zip, self._hour = self._file, None, None, None
        if file is not None:
            try:
                file.close()
            except OSError:
                log.exception("could not close the journal file %s", file.name)


@dataclass
class ReadStats:
    lines: int = 0
    bad_lines: int = 0  # complete lines that were not journal entries
    truncated_files: int = 0  # files that ended mid-stream (a killed writer): read up to there
    corrupt_files: int = 0  # files whose compressed data is damaged: read up to the damage


def read_journal(
    paths: Iterable[Path], *, stats: ReadStats | None = None, chunk_bytes: int = 1 << 20
) -> Iterator[JournalEntry]:
    """Every complete entry of the journal files, in file order. Performs file I/O."""
    stats = stats if stats is not None else ReadStats()
    for path in paths:
        yield from _read_file(Path(path), stats, chunk_bytes)


def _read_file(path: Path, stats: ReadStats, chunk_bytes: int) -> Iterator[JournalEntry]:
    unzip = zlib.decompressobj(_GZIP_WBITS)
    in_member = False
    tail = b""
    with path.open("rb") as file:
        while chunk := file.read(chunk_bytes):
            while chunk:
                try:
                    data = unzip.decompress(chunk)
                except zlib.error as exc:
                    stats.corrupt_files += 1
                    log.warning("journal %s is damaged (%s); read up to the damage", path, exc)
                    return
                in_member = True
                if unzip.eof:  # a member ended; another may follow (concatenated gzip)
                    chunk = unzip.unused_data
                    unzip = zlib.decompressobj(_GZIP_WBITS)
                    in_member = False
                else:
                    chunk = b""
                if data:
                    lines = (tail + data).split(b"\n")
                    tail = lines.pop()
                    yield from _entries(lines, stats, path)
    if in_member or tail:
        stats.truncated_files += 1


def _entries(lines: list[bytes], stats: ReadStats, path: Path) -> Iterator[JournalEntry]:
    for line in lines:
        if not line:
            continue
        stats.lines += 1
        try:
            entry = _decode_line(line)
        except msgspec.DecodeError:
            stats.bad_lines += 1
            if stats.bad_lines <= 10:
                log.warning("bad journal line in %s: %r", path, line[:200])
            continue
        yield JournalEntry(entry.received_at, entry.conn, entry.frame)


__all__ = [
    "JournalEntry",
    "JournalStats",
    "JournalWriter",
    "ReadStats",
    "expand_journal_paths",
    "hour_key",
    "journal_files",
    "read_journal",
    "recent_journal_files",
]
