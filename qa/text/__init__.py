"""Shared Vietnamese text tools: NFC and tone marks, syllables, diacritics, dates, numbers."""
