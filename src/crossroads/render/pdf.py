"""HTML to PDF, in one small function that every PDF output shares.

WeasyPrint lays out the page from HTML and CSS; the import stays inside the function because it
is slow and only PDF outputs need it. Fonts come from the CSS: use a CJK-capable stack
(``"Noto Sans CJK SC", "Noto Sans", sans-serif``) so Chinese text is never rendered as boxes.
"""

from __future__ import annotations

CJK_FONT_STACK = '"Noto Sans CJK SC", "Noto Sans", sans-serif'


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    """Render a complete HTML document to PDF bytes."""
    from weasyprint import HTML

    pdf = HTML(string=html, base_url=base_url).write_pdf()
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf() without a target returns bytes
        raise TypeError("WeasyPrint returned no PDF bytes")
    return pdf


__all__ = ["CJK_FONT_STACK", "html_to_pdf"]
