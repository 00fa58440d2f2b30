"""Stage 2 — documents to an index folder: chunks, terms, vectors, and the store that owns
the files."""
