"""Read a patient profile file (JSON or YAML) into a validated :class:`Profile`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml

from cartnav.domain.errors import ProfileError
from cartnav.domain.patient import Profile, parse_profile

MAX_BYTES = 1_000_000


def load_profile_file(path: str | Path, *, today: dt.date) -> Profile:
    """Load ``path`` (JSON, or YAML by extension or content) and validate it.

    Errors are :class:`ProfileError` naming the file problem or the field at fault; they never
    quote the file's content.
    """
    path = Path(path)
    name = path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ProfileError(f"profile file '{name}': not found") from None
    except IsADirectoryError:
        raise ProfileError(f"profile file '{name}': is a folder, not a file") from None
    except OSError as exc:
        raise ProfileError(f"profile file '{name}': cannot be read ({exc.strerror})") from None
    if len(raw) > MAX_BYTES:
        raise ProfileError(f"profile file '{name}': larger than {MAX_BYTES} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ProfileError(f"profile file '{name}': not UTF-8 text") from None
    data = _decode(text, name, path.suffix.lower())
    return parse_profile(data, today=today)


def _decode(text: str, name: str, suffix: str) -> Any:
    if not text.strip():
        raise ProfileError(f"profile file '{name}': is empty")
    looks_json = suffix == ".json" or (
        suffix not in {".yaml", ".yml"} and text.lstrip()[:1] in "{["
    )
    if looks_json:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ProfileError(
                f"profile file '{name}': invalid JSON at line {exc.lineno} column {exc.colno} "
                f"({exc.msg})"
            ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "not valid"
        raise ProfileError(f"profile file '{name}': invalid YAML{where} ({problem})") from None
