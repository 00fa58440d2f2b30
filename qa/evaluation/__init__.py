"""Scoring against the gold set: relevance, metrics, answers, reports, BEIR, tuning."""
