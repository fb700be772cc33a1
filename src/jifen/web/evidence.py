"""Evidence files (a photo or a scan behind a declaration): checked by their bytes, stored
beside the ledger under their BLAKE3 hash, which the declaring event's note records.

The name the browser sent is never used: the file is ``evidence/<hash>.<type>``,
so two uploads of the same bytes are one file and no name can reach outside.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from jifen.errors import InvalidInput

FOLDER = "evidence"
LIMIT = 5 * 1024 * 1024  # bytes
# the types accepted, by their first bytes: what the file is, whatever it is called
MAGIC = ((b"\xff\xd8\xff", "jpg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"%PDF-", "pdf"))
MEDIA = {"jpg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}
NOTE_PREFIX = "证据 blake3:"
HASH = re.compile(r"[0-9a-f]{64}")


def kind_of(data: bytes) -> str | None:
    """``jpg``, ``png`` or ``pdf`` from the file's first bytes; None for anything else."""
    return next((kind for magic, kind in MAGIC if data.startswith(magic)), None)


def check(data: bytes) -> str:
    """The type of an upload, if it may be kept; InvalidInput (too large, wrong type) otherwise."""
    if len(data) > LIMIT:
        raise InvalidInput("web.evidence-big", limit=LIMIT // (1024 * 1024))
    kind = kind_of(data)
    if kind is None:
        raise InvalidInput("web.evidence-type")
    return kind


def store(directory: Path, data: bytes) -> tuple[str, Path | None]:
    """Keep ``data`` (checked) in the ledger's evidence folder; return its BLAKE3 hash in hex,
    and the file if this call made it (None if the same bytes were kept before)."""
    import blake3

    kind = check(data)
    digest = blake3.blake3(data).hexdigest()
    folder = Path(directory) / FOLDER
    folder.mkdir(exist_ok=True)
    path = folder / f"{digest}.{kind}"
    if path.exists():
        return digest, None
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(temporary, 0o640)
    os.replace(temporary, path)
    return digest, path


def find(directory: Path, digest: str) -> Path | None:
    """The stored file of ``digest`` (64 hex digits), if there is one."""
    if not HASH.fullmatch(digest):
        return None
    for kind in MEDIA:
        path = Path(directory) / FOLDER / f"{digest}.{kind}"
        if path.is_file():
            return path
    return None


def hashes_in(note: str | None) -> list[str]:
    """The evidence hashes a note records."""
    return re.findall(re.escape(NOTE_PREFIX) + r"([0-9a-f]{64})", note or "")
