"""The published corpus as a test: every document under `../shared/corpus/` and `../shared/corpus-ipynb/`
checked and built without execution, its verdicts held against the hand judgements, its pages searched for
markup shown as text.

The helpers here are shared by the tests in this folder, by `make_baseline.py` and by
`bench/corpus_check.py`:

- `corpora`:    where the corpus folders are, which files are documents, one build of a folder per mode;
- `judgements`: the judgement files (`JUDGED.json`, `MISTAKES.json`, `judged_here.json`) and how a verdict
                is matched to what they record;
- `rawtext`:    the visible text of a built page and the directive, role and TeX markup left in it;
- `tally`:      per-document counts, normalised unchecked reasons and the printed table;
- `summary`:    what one corpus run found, as the text the test session and the bench print;
- `baseline`:   the counts the corpus may never fall behind (`baseline.json`, written by `make_baseline.py`).
"""
