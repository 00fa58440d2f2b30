"""underthesea's sentence and word tokenizers and its dictionary, imported without its unused
translator.

`import underthesea` also imports `underthesea.pipeline.translate`, which loads transformers:
4–8 s added to every `qa` command and page start for a model this project never calls.
underthesea treats an ImportError there as "optional part not installed", so marking that one
module absent (unless something already imported it) keeps the import to what we use.
"""

from __future__ import annotations

import sys

sys.modules.setdefault("underthesea.pipeline.translate", None)  # type: ignore[arg-type]

from underthesea import sent_tokenize, word_tokenize  # noqa: E402
from underthesea.corpus import viet_dict_74K  # noqa: E402  (Hồ Ngọc Đức's, read when used)

__all__ = ["sent_tokenize", "viet_dict_74K", "word_tokenize"]
