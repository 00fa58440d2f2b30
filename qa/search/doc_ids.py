"""A document named by a unique start of its id: `002` for `002_a6a4f491796d81bf`.

Why: an id is a file's stem and a hash of its content (`qa corpus list`), too long to type;
a researcher filtering by document types the part that reads (`--doc 002`, `?doc=004`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from qa.errors import QueryError

SHOWN = 3  # ids listed when a start matches several


def resolve_doc_id(given: str, known: Iterable[str]) -> str:
    """The id `given` names: itself when known, else the one known id it starts.

    >>> resolve_doc_id("002", ["001_aa", "002_bb"]), resolve_doc_id("001_aa", ["001_aa"])
    ('002_bb', '001_aa')
    >>> resolve_doc_id("00", ["001_aa", "002_bb"])
    Traceback (most recent call last):
    qa.errors.QueryError: document id '00' matches 2 documents (001_aa, 002_bb); type more of it
    """
    given = unicodedata.normalize("NFC", given)  # ids are NFC; a pasted name may not be
    ids = sorted(set(known))
    if given in ids:
        return given
    matches = [doc_id for doc_id in ids if given and doc_id.startswith(given)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise QueryError(f"unknown document id {given!r}; see: qa corpus list")
    shown = ", ".join(matches[:SHOWN]) + ("…" if len(matches) > SHOWN else "")
    raise QueryError(
        f"document id {given!r} matches {len(matches)} documents ({shown}); type more of it"
    )
