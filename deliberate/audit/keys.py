"""The audit key: it makes each link of the chain an HMAC, which nobody without the key can recompute.

The key never goes into the database, so someone who can write to the database can still delete or edit
entries, but cannot recompute a chain that `audit verify` accepts. It is found once per process, in order:

1. `AUDIT_KEY` (at least 32 characters), the key itself;
2. else one derived from `SECRET_KEY` when the environment sets it (production always does);
3. else, outside production, a development key kept in `data/audit.key` next to the default database
   (made on first use, readable by its owner only), so a restart or a second process keys the same way.

`AUDIT_PREVIOUS_KEYS` (comma separated) holds keys rotated out: entries keyed with them still verify.
Each entry names its key by a short fingerprint (`key_id`), never the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field

from deliberate.settings import ROOT, Settings, derive_audit_key

KEY_ID_LENGTH = 12
DEV_KEY_FILE = ROOT / "data" / "audit.key"


def key_id(key: bytes) -> str:
    """The key's fingerprint, stored with each entry: names the key without giving it away."""
    return hmac.new(key, b"deliberate.audit.key-id", hashlib.sha256).hexdigest()[:KEY_ID_LENGTH]


@dataclass(frozen=True)
class Keyring:
    current: bytes
    previous: tuple[bytes, ...] = ()
    source: str = "AUDIT_KEY"
    # Fingerprint -> key, worked out once: every entry written or verified asks.
    by_id: dict[str, bytes] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {key_id(k): k for k in (*reversed(self.previous), self.current)})

    @property
    def current_id(self) -> str:
        return key_id(self.current)

    def get(self, kid: str) -> bytes | None:
        """The key an entry was written with, by its fingerprint; None when this instance does not hold it."""
        return self.by_id.get(kid)


def development_key() -> str:
    """The key file of a development install, made once: the first writer wins a race (link is atomic)."""
    if not DEV_KEY_FILE.exists():
        DEV_KEY_FILE.parent.mkdir(exist_ok=True)
        draft = DEV_KEY_FILE.with_name(f".audit.key.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(32))
        try:
            os.link(draft, DEV_KEY_FILE)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return DEV_KEY_FILE.read_text().strip()


def resolve(settings: Settings) -> Keyring:
    previous = tuple(k.encode() for k in settings.audit_previous_keys)
    if settings.audit_key:
        return Keyring(settings.audit_key.encode(), previous, settings.audit_key_source or "settings")
    if settings.production:  # Settings.from_env has made sure SECRET_KEY came from the environment
        return Keyring(derive_audit_key(settings.secret_key).encode(), previous, "SECRET_KEY")
    return Keyring(development_key().encode(), previous, "data/audit.key")


_ring: Keyring | None = None


def configure(settings: Settings) -> Keyring:
    """Called by the app factory and the CLI: the process keys its chain with these settings' key."""
    global _ring
    _ring = resolve(settings)
    return _ring


def keyring() -> Keyring:
    """The process's keys; a process that configured none (a CLI command) takes them from the environment."""
    return _ring or configure(Settings.from_env())
