"""What each dataset is called, which settings it uses and its defaults.

Pure metadata: the schema, the forms and `--help` read it without importing scikit-learn or torch.
The generators (engine.standalone) are imported only when data is made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    summary: str
    uses: frozenset[str]  # dataset-specific settings it reads (samples, noise, ...)
    defaults: dict[str, Any] = field(default_factory=dict)
    exact_target: bool = False  # labels come from a known function, which can be drawn


_UNIT_SQUARE = frozenset({"samples"})
_TOY_DEFAULTS = {"samples": 4000, "seed": 2}

CATALOG: dict[str, DatasetInfo] = {
    info.name: info
    for info in (
        DatasetInfo("circles", "two concentric rings (scikit-learn make_circles)",
                    frozenset({"samples", "noise", "factor"}), {"samples": 1000, "noise": 0.03}),
        DatasetInfo("moons", "two interleaved half moons (scikit-learn make_moons)",
                    frozenset({"samples", "noise"}), {"samples": 1000, "noise": 0.1}),
        DatasetInfo("blobs", "K Gaussian blobs (scikit-learn make_blobs)",
                    frozenset({"samples", "classes", "cluster_std"}), {"samples": 1000, "classes": 4}),
        DatasetInfo("linear", "two linearly separable clusters (scikit-learn make_classification)",
                    frozenset({"samples"}), {"samples": 100}),
        DatasetInfo("spiral", "two interleaved spiral arms",
                    frozenset({"samples", "noise"}), {"samples": 1000, "noise": 0.2}),
        DatasetInfo("gauss", "two Gaussian clouds at (2, 2) and (-2, -2)",
                    frozenset({"samples", "noise"}), {"samples": 1000, "noise": 0.1}),
        DatasetInfo("iris", "Fisher's iris flowers, two of four features, min-max scaled",
                    frozenset({"classes", "features"}), {"classes": 2}),
        DatasetInfo("easy", "two disks in the unit square", _UNIT_SQUARE, _TOY_DEFAULTS, True),
        DatasetInfo("hard", "a swirl: cos(3θ + 10r) ≥ 0 about the centre", _UNIT_SQUARE, _TOY_DEFAULTS, True),
        DatasetInfo("xor", "opposite quadrants of the unit square", _UNIT_SQUARE, _TOY_DEFAULTS, True),
        DatasetInfo("cross", "a plus sign through the centre", _UNIT_SQUARE, _TOY_DEFAULTS, True),
        DatasetInfo("ring", "a ring about the centre", _UNIT_SQUARE, _TOY_DEFAULTS, True),
        DatasetInfo("csv", "your own file: feature columns of numbers or text, and a label column",
                    frozenset({"csv", "label", "features", "exclude", "missing", "categorical"}),
                    {"scale": "standard"}),
    )
}

DATASET_NAMES: tuple[str, ...] = tuple(CATALOG)

# a setting's default where a dataset's catalog entry gives none (a file's columns are scaled by default;
# the generated sets are shown in their own units)
FALLBACK_DEFAULTS = {"scale": "none"}
ONEHOT_MOST = 20  # a text feature column of more distinct values is refused by name (names, dates, ids)


def dataset_default(dataset: str, name: str) -> Any:
    """The value a setting left to the dataset takes for `dataset`."""
    info = CATALOG.get(dataset)
    return (info.defaults if info else {}).get(name, FALLBACK_DEFAULTS.get(name))

IRIS_FEATURES = ("sepal_length", "sepal_width", "petal_length", "petal_width")
IRIS_DEFAULT_FEATURES = ["petal_length", "petal_width"]
