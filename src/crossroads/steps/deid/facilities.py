"""Hospital and clinic names, in English and Chinese: a dictionary of name patterns.

Why: a facility name narrows a person down as much as a town does, and the i2b2/UTHealth
de-identification guidelines (Stubbs and Uzuner, J Biomed Inform 2015;58:S20-S29) count HOSPITAL
as protected information even though HIPAA's Safe Harbor list does not name it. Names are found
three ways:

- **English**: one to six capitalised words followed by a generic facility word ("Ruijin
  Hospital", "Massachusetts General Hospital", "Stanford Cancer Center"), or a generic word followed
  by "of ..." ("Hospital of the University of Pennsylvania").
- **Chinese**: two to ten characters followed by a generic name. The generic names follow the
  national naming rule for medical institutions (《医疗机构管理条例实施细则》第四十条: 医院、
  卫生院、疗养院、妇幼保健院、门诊部、诊所、卫生所、急救中心、临床检验中心、护理院 … 以及
  "中心"): "北京协和医院", "河南省肿瘤医院", "陆道培医疗中心".
- **Well-known short names** that are used without a generic word ("Massachusetts General",
  "MD Anderson", "协和", "瑞金"): large cell-therapy centres in the US, Europe and China.

The record's own facilities are added by ``identifiers.py``: every facility found anywhere in the
record (free text, the systems of its record numbers) is scrubbed everywhere, also when written
without its generic word ("back to Ruijin next week").
"""

from __future__ import annotations

import re

from crossroads.steps.deid.vocab import HAN, LATIN

EN_GENERIC = (
    "University Hospitals?|Children's Hospital|Hospitals?|Medical Cent(?:er|re)|"
    "Health Cent(?:er|re)|Cancer Cent(?:er|re)|Cancer Institute|Cancer Hospital|Clinic|Clinics|"
    "Infirmary|Health System|"
    "Healthcare|Medical College|Medical School|Sanatorium|Hospice|Klinikum|Universitätsklinikum|"
    "Klinik|Hôpital|Ospedale|Policlinico|Clínica|Hospital Universitario|Medical Group"
)
_CONNECT = r"(?:of|the|and|for|&|de|la|di|del|du)"
# Words that start a sentence or a phrase but never a facility's name ("The hospital said").
_NOT_NAME = (
    "The|A|An|In|At|To|From|My|His|Her|Our|Their|Your|This|That|These|Local|Same|Other|Another|"
    "Each|Every|No|Which|What|Any|Some|Both|One|Then|When|After|Before|Since|Back|Big|Main|Nearest"
)
_CAP = rf"(?!(?:{_NOT_NAME})\s)[A-Z][{LATIN}'’.&\-]{{0,30}}"
_OF_NAME = (
    rf"\s{{1,3}}(?:of|for)\s{{1,3}}(?:the\s{{1,3}})?{_CAP}"
    rf"(?:\s{{1,3}}(?:{_CONNECT}\s{{1,3}})?{_CAP}){{0,4}}"
)
EN_FACILITY = (
    rf"(?<![{LATIN}])(?:{_CAP}\s{{1,3}}(?:{_CONNECT}\s{{1,3}})?){{1,6}}(?i:{EN_GENERIC})"
    rf"(?:{_OF_NAME})?(?![{LATIN}])"
    rf"|(?<![{LATIN}])(?i:Hospital|Clinic|Infirmary|Institute|Medical Cent(?:er|re)){_OF_NAME}"
)
# Characters that end a Chinese facility name's prefix: prepositions and particles ("在", "去",
# "的"), so "在北京协和医院" removes "北京协和医院" and keeps "在".
_ZH_STOP = "在到去从往赴的是为给被把对向让找了过也"
ZH_GENERIC = (
    "医院|医学院|医学中心|医疗中心|诊疗中心|治疗中心|肿瘤中心|血液中心|癌症中心|移植中心|"
    "卫生院|保健院|疗养院|护理院|诊所|门诊部|卫生所|研究所|研究院|中心"
)
ZH_FACILITY = rf"(?:(?![{_ZH_STOP}])[{HAN}]){{2,10}}(?:{ZH_GENERIC})"
# Short names of large centres, used on their own.
KNOWN_NAMES = (
    "Massachusetts General",
    "Mass General",
    "MGH",
    "MD Anderson",
    "Memorial Sloan Kettering",
    "Sloan Kettering",
    "MSKCC",
    "Dana-Farber",
    "Johns Hopkins",
    "Fred Hutch",
    "Fred Hutchinson",
    "City of Hope",
    "Cleveland Clinic",
    "Mayo Clinic",
    "Penn Medicine",
    "Moffitt",
    "Royal Marsden",
    "The Christie",
    "Charité",
    "Karolinska",
    "Gustave Roussy",
    "Hôpital Saint-Louis",
    "Vall d'Hebron",
    "Erasmus MC",
    "Princess Máxima",
    "Peking Union",
    "PUMCH",
    "Ruijin",
    "Huashan",
    "West China Hospital",
    "Xiangya",
    "Tongji",
    "Qilu",
    "Daopei",
    "协和",
    "瑞金",
    "华山医院",
    "华西",
    "湘雅",
    "同济",
    "齐鲁",
    "道培",
    "301医院",
    "解放军总医院",
)
# Words of facility names too common to scrub on their own when learned from a record.
COMMON_WORDS = frozenset(
    [
        "general",
        "memorial",
        "university",
        "royal",
        "national",
        "regional",
        "community",
        "children's",
        "women's",
        "st",
        "saint",
        "medical",
        "center",
        "centre",
        "cancer",
        "health",
        "hospital",
        "hospitals",
        "city",
        "county",
        "state",
        "central",
        "north",
        "south",
        "east",
        "west",
        "western",
        "eastern",
        "northern",
        "southern",
        "new",
        "union",
        "first",
        "second",
        "third",
        "people's",
        "military",
        "institute",
        "research",
        "clinic",
        "clinics",
        "mercy",
        "hope",
        "good",
        "samaritan",
        "sacred",
        "heart",
        "christ",
        "baptist",
        "methodist",
        "presbyterian",
        "lutheran",
        "jewish",
        "catholic",
        "veterans",
        "affairs",
        "the",
        "of",
        "and",
        "for",
        "de",
        "la",
        "di",
        "del",
        "du",
        "care",
        "healthcare",
        "system",
        "group",
        "school",
        "college",
        "infirmary",
        "sanatorium",
        "hospice",
    ]
)
_EN_GENERIC_WORDS = re.compile(rf"(?:\s+(?:{EN_GENERIC}))+$")


def facility_parts(found: str) -> list[str]:
    """A facility name found in a record, and its distinctive parts to scrub everywhere."""
    parts = [found]
    han = re.fullmatch(rf"(.+?)(?:{ZH_GENERIC})", found)
    if han is not None and re.fullmatch(rf"[{HAN}]+", found):
        if len(han.group(1)) >= 2:
            parts.append(han.group(1))
        return parts
    core = _EN_GENERIC_WORDS.sub("", found).strip()
    if core and core != found:
        parts.append(core)
    parts += [
        word
        for word in re.findall(rf"[{LATIN}'’\-]+", core)
        if len(word) >= 4 and word.lower() not in COMMON_WORDS
    ]
    return parts


__all__ = [
    "COMMON_WORDS",
    "EN_FACILITY",
    "EN_GENERIC",
    "KNOWN_NAMES",
    "ZH_FACILITY",
    "ZH_GENERIC",
    "facility_parts",
]
