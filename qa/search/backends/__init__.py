"""Where passages are stored and ranked: one protocol, an embedded default and Milvus.

`protocol` says what a search backend does (upsert/remove by document, lexical and dense
top-k under metadata filters); `local` is today's bm25s + FAISS in this process; `milvus`
keeps the same data in Milvus Lite (a file) or a Milvus server, for archives that outgrow
one machine. Query work (segmenting, embedding, fusion) stays with the searcher.
"""
