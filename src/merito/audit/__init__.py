"""Audit log: append-only rows, sealed after their commit into a Merkle tree (RFC 9162)
whose heads are signed and published; staff reads of personal data are rows too."""
