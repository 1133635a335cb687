"""Errors raised by the cartnav core.

Every message names the value at fault (a field path, a file and row, a record id) and never
carries protected patient values: a profile error names the *field*, not what was in it, unless
the value is an enumeration token the user typed (``'partial'``), which is safe to echo.
"""

from __future__ import annotations


class CartnavError(Exception):
    """Base class: the CLI prints ``str(error)`` on one line and exits with code 2."""


class ProfileError(CartnavError):
    """A patient profile is malformed: unknown key, wrong type or impossible value."""


class KnowledgeError(CartnavError):
    """A knowledge-base data file is malformed; the message names file, row and field."""


class RegistryError(CartnavError):
    """A registry record or file cannot be read; the message names the file and record."""


class StorageError(CartnavError):
    """The database cannot be reached or is in an unexpected state."""


class NotFoundError(CartnavError):
    """A named thing (trial, product, region) does not exist."""
