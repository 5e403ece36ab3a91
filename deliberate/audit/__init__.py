"""The audit log: every support, vote, withdrawal, staff act and phase change, hash-chained per session.

Importing the package registers the receiver that chains every staff record (see `services`).
"""

from deliberate.audit.services import chain_head, publish_assembly_heads, publish_head, record, supports_moved

__all__ = ["chain_head", "publish_assembly_heads", "publish_head", "record", "supports_moved"]
