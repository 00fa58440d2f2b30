"""Stage 3 — a query to ranked passages: query work, backends (local, Milvus) and fusion."""
