"""Would a statistical text model beat the rules? An experiment on the extra labels (issue 19 welcomes a model that
beats the rules on the locked fold and keeps an explainable reason). Not part of the product, and not a test.

    pip install scikit-learn          # the experiment's only extra dependency
    python -m tests.labels.text_model_experiment [--warehouse W] [--final]

It builds the labels' warehouse as tests/test_classification.py does (the files of tests/labels/extra_sources.md,
kept outside the repository; or reads W, built before), and reads each labelled line's supplier and descriptive columns
with the rules' decision. A logistic regression over the supplier name's character n-grams and words and the
descriptions' words (TF-IDF) is trained on the tuning and fresh folds (the folds whose misses have been read) and
judged by publisher: five folds of whole publishers, so a publisher's lines are never both trained on and judged.
Printed: tech versus not tech for the rules alone, the model alone, and the rules with the model's lines added (a
line the rules leave unclassified counted as tech when the model's probability is at least the threshold). With
--final, the model chosen beforehand (C 4, threshold 0.9) is trained on both folds and measured once on the locked
and held folds. docs/classification.md has the figures.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from loti_demand.warehouse.db import connect
from tests.test_classification import EXTRA_FOLDERS, EXTRA_LABELS, build_extra

TRAIN = ("tuning", "fresh")
CHOSEN = (4.0, 0.9)  # C and threshold, chosen from the cross-validation before --final was run


def labels_warehouse(path: Path | None) -> Path:
    if path:
        return path
    built = build_extra(Path(tempfile.mkdtemp()))
    print(f"built the labels' warehouse: --warehouse {built} reads it again")
    return built


def labelled_lines(warehouse: Path) -> pd.DataFrame:
    with EXTRA_LABELS.open(encoding="utf-8", newline="") as fh:
        labels = pd.DataFrame(
            [
                (f"spend/{EXTRA_FOLDERS[p]}/{n}", int(row["line"]), p, row["fold"], row["category"])
                for row in csv.DictReader(fh)
                for _, p, n in [row["path"].split("/", 2)]
            ],
            columns=["path", "line", "publisher", "fold", "label"],
        )
    con = connect(warehouse, read_only=True)
    con.register("labels", labels)
    lines = con.execute(
        """select labels.*, r.supplier_name, r.descriptions, r.proclass_label, s.tech_category as rule_category
        from labels
        join raw_source_files as f on f.path = labels.path
        join raw_spend as r on r.file_id = f.file_id and r.source_row = labels.line
        join spend as s on s.source_file = labels.path and s.source_row = labels.line  -- loaded lines, as the test"""
    ).df()
    con.close()
    lines["tech"] = (lines.label != "none").astype(int)
    lines["rule_tech"] = lines.rule_category.notna().astype(int)
    lines["supplier"] = lines.supplier_name.fillna("").str.lower()
    values = lines.descriptions.fillna("").map(lambda d: " ".join(p.split(": ", 1)[-1] for p in d.split(" | ")))
    lines["words"] = (values + " " + lines.proclass_label.fillna("")).str.lower()
    return lines


def probabilities(train: pd.DataFrame, judged: list[pd.DataFrame], c: float) -> list[np.ndarray]:
    words = r"(?u)\b\w+\b"
    vectorisers = [
        ("supplier", TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True)),
        ("supplier", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, token_pattern=words)),
        ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, token_pattern=words)),
    ]
    x = hstack([v.fit_transform(train[column]) for column, v in vectorisers]).tocsr()
    model = LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x, train.tech)
    return [
        model.predict_proba(hstack([v.transform(d[column]) for column, v in vectorisers]).tocsr())[:, 1] for d in judged
    ]


def rates(truth: np.ndarray, said: np.ndarray) -> str:
    tp, fp = int((truth & said).sum()), int((~truth & said).sum())
    fn = int((truth & ~said).sum())
    return f"precision {tp / max(tp + fp, 1):.3f}  recall {tp / max(tp + fn, 1):.3f}  (tp {tp}, fp {fp}, fn {fn})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", type=Path, help="a labels' warehouse built before (else one is built)")
    parser.add_argument("--final", action="store_true", help="measure the chosen model once on locked and held")
    args = parser.parse_args()
    lines = labelled_lines(labels_warehouse(args.warehouse))
    train = lines[lines.fold.isin(TRAIN)].reset_index(drop=True)
    if args.final:
        c, threshold = CHOSEN
        judged = [lines[lines.fold == fold].reset_index(drop=True) for fold in ("locked", "held")]
        for fold, d, p in zip(("locked", "held"), judged, probabilities(train, judged, c), strict=True):
            truth, rules = d.tech.values == 1, d.rule_tech.values == 1
            print(f"{fold:6} rules alone      {rates(truth, rules)}")
            print(f"{fold:6} rules + model    {rates(truth, rules | (p >= threshold))}")
            print(f"{fold:6} model alone      {rates(truth, p >= threshold)}")
        return
    truth, rules = train.tech.values == 1, train.rule_tech.values == 1
    print(f"tuning and fresh: {train.publisher.nunique()} publishers, {len(train)} lines")
    print(f"rules alone {rates(truth, rules)}")
    for c in (1.0, 4.0, 16.0):
        p = np.zeros(len(train))
        for fitted, held_out in GroupKFold(n_splits=5).split(train, groups=train.publisher):
            p[held_out] = probabilities(train.iloc[fitted], [train.iloc[held_out]], c)[0]
        for threshold in (0.5, 0.8, 0.9, 0.95):
            print(f"C {c:4}  threshold {threshold}:  model alone {rates(truth, p >= threshold)}")
            print(f"{'':22}rules + model {rates(truth, rules | (p >= threshold))}")


if __name__ == "__main__":
    main()
