"""A commented case-file template for ``crossroads case new``."""

from __future__ import annotations

TEMPLATE = """\
# A Crossroads case record. Leave out anything you do not know: missing means "unknown",
# never "no". Dates can be a year (2024), a month (2024-08) or a day (2024-08-15).
schema: crossroads.case/v1
patient:
  # Identity fields are optional and never leave Crossroads in a de-identified packet.
  name:
  birth_date:          # or give age_years instead
  sex:                 # female | male | other
  country:             # two letters, e.g. NL, CN, US
  language: en         # en | zh-Hans
diagnosis:
  disease:             # lbcl | fl | mcl | cll | mzl | ball | mm | hodgkin | aml | other
  subtype:             # e.g. dlbcl_nos, hgbcl, pmbcl, tfl, fl3b, pcnsl (see `crossroads kb list`)
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
  organ_dysfunction: []
assessment_date:       # the date this assessment is for; today if left out
"""
