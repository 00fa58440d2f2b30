"""Stage 4 — ranked passages to a short cited answer: question kinds, clauses, abstention, LLM."""
