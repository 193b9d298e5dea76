"""The drug list: one YAML file per area under ``kb/data/drugs/``, merged into one list.

Why several files: the haematology, solid-tumour, myeloid and supportive-care lists are written
and reviewed by different people, and a single file of several hundred agents is hard to review.
Why a strict merge: a case record names a medicine by its code, English or Chinese name, a brand
or an alias, with case, spaces and hyphens ignored. If two entries shared such a string, which
medicine a record means would depend on file order, so the merge refuses it and names both
places. A class that no file defines would leave criteria testing a class nobody can have, so it
is refused as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from crossroads.common.errors import KnowledgeBaseError
from crossroads.kb.models import Drug, DrugClass

FOLDER = "drugs"


def normalise_name(name: str) -> str:
    """Drug names as people write them: case, spaces, hyphens and ® do not matter."""
    return re.sub(r"[\s\-_®™]+", "", name.strip().lower())


def drug_names(drug: Drug) -> Iterator[str]:
    """Every string a record may use for this medicine (code, names, brands, aliases)."""
    yield from (drug.code, drug.name.en, drug.name.zh, *drug.brands, *drug.aliases)


@dataclass(frozen=True)
class DrugFile:
    """One validated drug file; ``where`` is how messages name it (``drugs/haematology.yaml``)."""

    where: str
    classes: Sequence[DrugClass]
    drugs: Sequence[Drug]


def merge_drug_files(files: Sequence[DrugFile]) -> tuple[list[DrugClass], list[Drug]]:
    """The classes and drugs of all files, in file order; every clash is a KnowledgeBaseError.

    The error lists every problem (a data author adding many agents fixes them in one pass),
    each naming the file, the entry and the other place that uses the same code or name.
    """
    problems: list[str] = []
    class_at: dict[str, str] = {}
    for file in files:
        for i, cls in enumerate(file.classes):
            here = f"{file.where}: classes[{i}] ({cls.code})"
            if cls.code in class_at:
                problems.append(f"{here}: class code is also defined at {class_at[cls.code]}")
            else:
                class_at[cls.code] = here
    name_at: dict[str, str] = {}
    for file in files:
        for i, drug in enumerate(file.drugs):
            here = f"{file.where}: drugs[{i}] ({drug.code})"
            own: set[str] = set()
            for name in drug_names(drug):
                key = normalise_name(name)
                if key in own:
                    continue  # the code and the English name are usually the same string
                own.add(key)
                if key in name_at:
                    problems.append(f"{here}: {name!r} is also a name of {name_at[key]}")
                else:
                    name_at[key] = here
            problems += [
                f"{here}: unknown drug class {cls!r} (define it in the classes list of one file "
                f"in {FOLDER}/)"
                for cls in drug.classes
                if cls not in class_at
            ]
    if problems:
        head = "drug list: " + (problems[0] if len(problems) == 1 else f"{len(problems)} problems")
        rest = "" if len(problems) == 1 else "\n" + "\n".join(f"  - {p}" for p in problems)
        raise KnowledgeBaseError(head + rest)
    classes = [cls for file in files for cls in file.classes]
    drugs = [drug for file in files for drug in file.drugs]
    return classes, drugs


__all__ = ["FOLDER", "DrugFile", "drug_names", "merge_drug_files", "normalise_name"]
