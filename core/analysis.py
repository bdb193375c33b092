"""Chinese text analysis shared by indexing and querying.

Elasticsearch here has only its built-in analyzers, so the Chinese analysis
it cannot do happens in this module, and the indexer and the query side both
call it: they cannot drift apart. What the index holds for a text field
(mappings/chunks.json):

* ``text``          the ``normalize()``d original (shown and highlighted),
  and copied by Elasticsearch into the two fields below;
* ``text_folded``   :func:`fold` (text), sent only when it differs from the
  text's lower case (traditional script), copied into the same two fields;
* ``text_chars``    the ``standard`` analyzer: one token per Chinese
  character, one per word of letters or digits, lower case. A phrase over
  these tokens finds any verbatim Chinese substring, whatever the
  dictionary says (the never-miss guarantee); letters and digits match as
  whole words;
* ``text_bigrams``  each two neighbouring tokens of those, joined (the
  ``char_pairs`` analyzer: ``shingle``): BM25 over them is a ranking signal
  that does not depend on the dictionary.

:func:`fold` is the cross-script, case-insensitive view of a text: per
character traditional -> simplified (derived from OpenCC ``t2s``) and lower
case (Latin, and any other cased script: Greek, Cyrillic). It is LENGTH-PRESERVING (``fold(t)[i]`` corresponds to ``t[i]``)
and SUBSTRING-CONSISTENT (``fold(t[i:j]) == fold(t)[i:j]``), so a match found
in ``fold(text)`` maps back to the same positions of ``text`` for
highlighting. It is also idempotent.

Query side: :func:`query_units` splits one query word into precise-mode
segments, each a contiguous substring of ``fold(term)``, so if the query
occurs verbatim in a chunk, every unit does too.

Segmenter: jieba's dictionary and algorithm, run by ``rjieba`` (jieba-rs,
about ten times faster than the pure-Python jieba; core.text.dictionary says
why there is one backend). The shipped domain dictionary
``data/user_dict.txt`` is loaded first, then the user's own file named by
``RSEARCH_USER_DICT`` (same format: ``word [freq] [tag]`` per line, ``#``
starts a comment). :func:`dictionary_version` hashes everything that changes
the tokens, so the index can record it and the CLI can ask for a rebuild when
it changes.

The pieces live in core.text (normalize, fold, dictionary, tokens); this
module is their public face for the indexer, the query side, tests and
benchmarks. The segmenter's dictionary and OpenCC's tables load on first use.
"""

from __future__ import annotations

from .text.cjk import CJK, is_cjk
from .text.dictionary import (
    SEGMENTER,
    SHIPPED_DICT,
    STOPWORDS_FILE,
    DictionaryError,
    check_user_dict,
    dictionary_version,
    parse_dict,
    segmenter,
    stopwords,
)
from .text.dictionary import reset as _reset_dictionaries
from .text.fold import fold
from .text.normalize import normalize, replace_surrogates
from .text.tokens import (
    HARD_WRAP,
    char_tokens,
    clear_caches,
    is_junk,
    query_units,
    query_words,
    word_tokens,
)

__all__ = [
    "CJK", "HARD_WRAP", "SEGMENTER", "SHIPPED_DICT", "STOPWORDS_FILE", "DictionaryError", "char_tokens",
    "check_user_dict", "compact", "dictionary_version", "fold", "is_cjk", "is_junk", "normalize", "parse_dict", "query_units", "query_words", "replace_surrogates", "reset",
    "segmenter", "stopwords", "word_tokens",
]


def reset() -> None:
    """Forget loaded segmenters, stopwords and token caches (after a dictionary change)."""
    _reset_dictionaries()
    clear_caches()


def compact(text: str) -> str:
    """A (normalised) string as the ``*_chars`` fields see it: folded, no white space."""
    return "".join(fold(text).split())
