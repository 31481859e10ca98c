"""A table's feature columns encoded with scikit-learn's own tools, fitted on the training rows:
`SimpleImputer` (median of a number column, most frequent text) and `OneHotEncoder`, assembled by a
`ColumnTransformer`."""

from __future__ import annotations

import warnings

import numpy as np

from .csv_columns import Column
from .csv_problems import Report
from .csv_words import plural, some


def encode(numbers: list[Column], texts: list[tuple[Column, list[str] | None]], train: np.ndarray | None,
            impute: bool, report: Report) -> tuple[np.ndarray, list[str], dict]:
    """(X, names, constants): the numbers, missing ones imputed by their training median; each text column
    one-hot (its missing cells the training rows' most frequent text), fitted on the training rows."""
    n = len(numbers[0].numbers) if numbers else len(texts[0][0].codes)
    needs_fit = texts or (impute and any(c.missing().any() for c in numbers))
    if not needs_fit:  # numbers only, none missing: the columns as they are, in one array
        X = np.empty((n, len(numbers)), dtype=np.float64)
        for j, column in enumerate(numbers):
            X[:, j] = column.numbers
        return X, [c.name for c in numbers], {}

    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    table = np.empty((n, len(numbers) + len(texts)), dtype=np.float64)
    for j, column in enumerate(numbers):
        table[:, j] = column.numbers
    for j, (column, _) in enumerate(texts, start=len(numbers)):
        table[:, j] = np.where(column.codes >= 0, column.codes, np.nan)
    parts, constants = [], {}
    numeric = list(range(len(numbers)))
    if numeric:
        imputer = SimpleImputer(strategy="median", keep_empty_features=True) if impute else "passthrough"
        parts.append(("numbers", imputer, numeric))
    for j, (column, named) in enumerate(texts, start=len(numbers)):
        if named is None:
            categories = "auto"
        else:
            categories = [[float(column.texts.index(t)) for t in named]]
        encoder = OneHotEncoder(categories=categories, handle_unknown="ignore", sparse_output=False, dtype=np.float64)
        steps = [SimpleImputer(strategy="most_frequent"), encoder] if column.missing().any() else [encoder]
        parts.append((column.name, make_pipeline(*steps), [j]))
    assembly = ColumnTransformer(parts, sparse_threshold=0)
    fit_rows = table if train is None else table[train]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # unknown categories outside the training rows: said below, in words
        assembly.fit(fit_rows)
        X = np.ascontiguousarray(assembly.transform(table), dtype=np.float64)
    names = [c.name for c in numbers]
    filled = []
    if numeric and impute:
        medians = assembly.named_transformers_["numbers"].statistics_
        constants["median"] = {c.name: float(m) for c, m in zip(numbers, medians)}
        filled += [f"{c.name!r} {int(c.missing().sum()):,} with the median {float(m):.6g}"
                   for c, m in zip(numbers, medians) if c.missing().any()]
    constants["categories"] = {}
    for column, named in texts:
        pipeline = assembly.named_transformers_[column.name]
        codes = [int(c) for c in pipeline[-1].categories_[0]]
        categories = [column.texts[c] for c in codes]
        constants["categories"][column.name] = categories
        names += [f"{column.name}={c}" for c in categories]
        if len(pipeline) > 1:
            common = column.texts[int(pipeline[0].statistics_[0])]
            constants.setdefault("most_frequent", {})[column.name] = common
            filled.append(f"{column.name!r} {int(column.missing().sum()):,} with the most frequent {common!r}")
        if train is not None:
            seen = np.zeros(len(column.texts) + 1, dtype=bool)
            seen[codes] = True
            unseen = ~seen[column.codes] & (column.codes >= 0)
            if unseen.any():
                others = sorted({column.texts[c] for c in column.codes[unseen]})
                report.notices.append(f"{column.name!r} has {some(others)} only outside the training rows "
                                      f"({plural(int(unseen.sum()), 'row')}): none of its columns is set there")
    if filled:
        report.notices.append("missing cells filled from the training rows: " + ", ".join(filled))
    if texts:
        report.notices.append("one-hot: " + ", ".join(
            f"{c.name!r} as {plural(len(constants['categories'][c.name]), 'column')} "
            f"({some(constants['categories'][c.name], quote=False)})" for c, _ in texts))
    return X, names, constants
