"""swiftbpe.rustbpe.Tokenizer against the real rustbpe 0.1.0 (pip): the same merges, ranks,
ids and errors on generated and sample corpora."""
import pytest

import swiftbpe.rustbpe as ours
from conftest import generated_documents, sample_documents

rustbpe = pytest.importorskip("rustbpe")


def both(documents, vocab_size, **options):
    theirs = rustbpe.Tokenizer()
    theirs.train_from_iterator(iter(documents), vocab_size, **options)
    mine = ours.Tokenizer()
    mine.train_from_iterator(iter(documents), vocab_size, **options)
    return theirs, mine


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_corpora_give_rustbpes_merges(seed):
    documents = generated_documents(seed=seed, count=300)
    theirs, mine = both(documents, 1200)
    assert len({token for token, _ in theirs.get_mergeable_ranks()}) == theirs.vocab_size  # no duplicate bytes
    assert mine.get_mergeable_ranks() == theirs.get_mergeable_ranks()
    assert mine.vocab_size == theirs.vocab_size
    assert mine.get_pattern() == theirs.get_pattern()


def test_sample_corpus_custom_pattern_and_small_buffer():
    documents = sample_documents()
    theirs, mine = both(documents, 2000, buffer_size=17)
    assert mine.get_mergeable_ranks() == theirs.get_mergeable_ranks()
    pattern = r"[a-zA-Z]+|[0-9]+|\s+|[^a-zA-Z0-9\s]+"
    theirs, mine = both(documents, 800, pattern=pattern)
    assert mine.get_pattern() == pattern
    assert mine.get_mergeable_ranks() == theirs.get_mergeable_ranks()


def test_encode_decode_batch_encode_and_tiktoken_export():
    import tiktoken
    documents = generated_documents(seed=4, count=200) + sample_documents()
    theirs, mine = both(documents, 1500)
    texts = ["hello world <|endoftext|> it's 2026", "Это пример 🎉", "   \n\n x", ""]
    for text in texts:
        assert mine.encode(text) == theirs.encode(text)
        assert mine.decode(mine.encode(text)) == theirs.decode(theirs.encode(text)) == text
    assert mine.batch_encode(texts) == theirs.batch_encode(texts)
    with pytest.raises(ValueError, match="Unknown token id: 999999"):
        mine.decode([999999])
    encoding = tiktoken.Encoding(name="t", pat_str=mine.get_pattern(),
                                 mergeable_ranks={bytes(k): v for k, v in mine.get_mergeable_ranks()}, special_tokens={})
    assert encoding.encode("hello world") == theirs.encode("hello world")


def test_untrained_tokenizer_and_bad_sizes_behave_like_rustbpe():
    theirs, mine = rustbpe.Tokenizer(), ours.Tokenizer()
    assert mine.vocab_size == theirs.vocab_size == 256
    assert mine.get_pattern() == theirs.get_pattern() == ""
    assert mine.get_mergeable_ranks() == theirs.get_mergeable_ranks()
    assert mine.encode("hello") == theirs.encode("hello") == []
    with pytest.raises(ValueError, match="at least 256"):
        mine.train_from_iterator(["a"], 100)
