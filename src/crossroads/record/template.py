"""A commented case-file template for ``crossroads case new``."""

from __future__ import annotations

TEMPLATE = """\
# A Crossroads case record. Leave out anything you do not know: missing means "unknown",
# never "no". Dates can be a year (2024), a month (2024-08, Sept 2024, 2024年8月) or a day
# (2024-08-15). Write 03/04/2025-style dates out: they read two ways and are refused.
schema: crossroads.case/v1
patient:
  # Identity fields are optional and never leave Crossroads in a de-identified packet.
  name:
  birth_date:          # or give age_years instead
  sex:                 # female | male | other
  country:             # a name or two letters, e.g. China, 中国, Netherlands, CN, US
  language: en         # en | zh-Hans
diagnosis:
  disease:             # as the report says (DLBCL, multiple myeloma, PTCL) or a code: lbcl | fl |
                       # mcl | cll | mzl | ball | mm | hodgkin | aml | other
  subtype:             # as written (IgG kappa, MCL classic, grade 3A, Ph-like) or a code such as
                       # dlbcl_nos, hgbcl, pmbcl, tfl, fl3b, pcnsl (see `crossroads kb list`)
  diagnosed:
  cns_involvement:     # true | false
lines:                 # every earlier treatment, oldest first
  - regimen:           # e.g. R-CHOP
    agents: []         # generic names, e.g. [rituximab, cyclophosphamide, doxorubicin]
    start:
    end:
    best_response:     # CR | PR | SD | PD
    progression:       # when the disease came back or grew after this line
    refractory:        # true if the disease did not respond
disease_status:
  state:               # relapsed | refractory | remission | progressing
  relapse_number:
  last_progression:
transplants: []        # e.g. [{type: autologous, date: 2019-06}]
transplant_eligible:   # true | false, as the treating team sees it
prior_cellular_therapy: []   # e.g. [{target: CD19, product: tisagenlecleucel, date: 2023-01}]
fitness:
  ecog:                # 0 (fully active) to 4 (in bed all day)
  active_infection:
  organ_dysfunction: []  # e.g. [heart, "lung: mild COPD"]
  lvef_percent:        # heart pumping (LVEF), %
  egfr:                # kidney filtration, mL/min/1.73m²
  bilirubin:           # with its unit, e.g. 1.2 mg/dL or 20 µmol/L
  spo2_percent:        # oxygen saturation, %
assessment_date:       # the date this assessment is for; today if left out
"""
