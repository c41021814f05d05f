"""How the comment model's theme-context weight was chosen without the held-out firms: heads are
fitted on one part of the training firms and measured on the other (ASDA against the five smaller
training firms, both ways), for each candidate weight; the shipped weight is the best mean.
`bench/listen.py` then measures the shipped model once on the held-out firms.

    python bench/listen_crossfit.py   # needs the `train` extra; writes bench/results/listen_crossfit.json
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from listen import DATA, themes

RESULTS = Path(__file__).parent / "results" / "listen_crossfit.json"
WEIGHTS = (0.0, 0.5, 0.6, 0.7, 0.8)


def cross_fit(data: Path, weights: tuple[float, ...]) -> dict[str, Any]:
    from peoplealign.listening.model_store import load_shipped_model
    from peoplealign.listening.scorer import CommentScorer
    from peoplealign.ml.glassdoor import load_reviews, split_by_firm
    from peoplealign.ml.train_listen import NO_REDACTION, fit_heads

    training, _ = split_by_firm(load_reviews(data))
    embeddings = load_shipped_model().embeddings
    largest = training["firm"].value_counts().idxmax()
    folds: dict[str, Any] = {}
    for name, fit_mask in (
        (f"fit {largest}", training["firm"] == largest),
        ("fit others", training["firm"] != largest),
    ):
        model = fit_heads(training[fit_mask].reset_index(drop=True), embeddings)
        measured = training[~fit_mask].reset_index(drop=True)
        folds[name] = {
            str(w): themes(
                measured, CommentScorer(replace(model, theme_context_weight=w), redactor=NO_REDACTION), False
            )
            for w in weights
        }
    means = {
        str(w): round(sum(f[str(w)]["peoplealign_mean_rho"] for f in folds.values()) / len(folds), 4)
        for w in weights
    }
    return {"weights": list(weights), "mean_rho_by_weight": means, "folds": folds}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    results = cross_fit(args.data, WEIGHTS)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print("theme-context weight → mean ρ over both cross-fits (training firms only)")
    for weight, rho in results["mean_rho_by_weight"].items():
        per_fold = ", ".join(
            f"{n}: {f[weight]['peoplealign_mean_rho']:.3f}" for n, f in results["folds"].items()
        )
        print(f"  {weight:>4}  {rho:.3f}   ({per_fold})")


if __name__ == "__main__":
    main()
