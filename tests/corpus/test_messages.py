"""Messages a reader can act on: no internal tree or Python repr in any report message of the corpus, and
no position left empty."""

from __future__ import annotations

import pytest
from message_support import INTERNAL, internal_reprs

from .conftest import Corpora
from .corpora import CORPORA


@pytest.mark.parametrize("name", CORPORA)
def test_no_corpus_message_shows_an_internal_repr(corpora: Corpora, name: str) -> None:
    assert internal_reprs(corpora.run(name).report("check")) == []


@pytest.mark.parametrize("message", ["sigma_(+ (. a X) b) is only named here", "Mul(2, x)", "at : a dot",
                                     "<veritex.model.Item object at 0x7f>"])
def test_the_patterns_catch_internal_reprs(message: str) -> None:
    assert INTERNAL.search(message)
