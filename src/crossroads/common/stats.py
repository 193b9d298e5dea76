"""A range for a share, worked out from the share and the number of people (Wilson score method).

Most trial reports in the dossiers give a share ("54% had a complete response") and the number of
people, but no confidence interval. The Wilson score interval (Wilson 1927; recommended over the
simple "Wald" interval by Newcombe, Stat Med 1998;17:857 and Brown, Cai and DasGupta, Stat Sci
2001;16:101) turns those two numbers into a 95% range that stays within 0 to 100 and is sensible
for small groups and for shares near 0% or 100%. It is arithmetic, not a clinical fact: the share
and the number of people are the facts, and they live in the knowledge base with their sources.

The formula is short and exact, so it is written out here rather than adding a statistics package.
"""

from __future__ import annotations

import math

from crossroads.common.errors import CrossroadsError

#: The normal quantile for a two-sided 95% range (1.959964...), the usual choice.
Z_95 = 1.959963984540054


def wilson_interval(percent: float, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score range for a share of ``percent`` (0-100) among ``n`` people, in percent.

    Returns ``(low, high)`` with ``0 <= low <= percent <= high <= 100``. Bad input (``n`` below 1,
    a share outside 0-100, a non-positive ``z``) raises :class:`CrossroadsError` naming the value.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise CrossroadsError(f"number of people n={n!r}: give a whole number of 1 or more")
    if not 0 <= percent <= 100 or math.isnan(percent):
        raise CrossroadsError(f"share {percent!r}: give a percent from 0 to 100")
    if not z > 0:
        raise CrossroadsError(f"z={z!r}: give a positive number (1.96 for a 95% range)")
    p = percent / 100
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = (z / (1 + z2 / n)) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    low = max(0.0, centre - half)
    high = min(1.0, centre + half)
    # Guard against rounding of the last digit pushing the share just outside its own range.
    return min(low * 100, percent), max(high * 100, percent)


__all__ = ["Z_95", "wilson_interval"]
