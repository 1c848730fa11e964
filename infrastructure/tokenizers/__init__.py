"""Tokenizers: byte-level BPE trained with `tokenizers`, or pretrained ones loaded with transformers."""

from codemill.infrastructure.tokenizers.bpe_tokenizer_provider import HfTokenizerProvider
from codemill.infrastructure.tokenizers.hf_text_tokenizer import HfTextTokenizer

__all__ = ["HfTextTokenizer", "HfTokenizerProvider"]
