"""Thai-aware text functions: segmentation, similar and duplicate proposals, word clouds.

Thai is written without spaces between words, so anything here that splits, compares or counts words
segments the text with pythainlp's newmm dictionary segmenter; nothing splits Thai on whitespace.
"""

from deliberate.thaitext.segment import is_stopword, words
from deliberate.thaitext.similarity import Match, Pair, merge_suggestions, similar
from deliberate.thaitext.wordcloud import frequencies, wordcloud_svg

__all__ = ["Match", "Pair", "frequencies", "is_stopword", "merge_suggestions", "similar", "wordcloud_svg", "words"]
