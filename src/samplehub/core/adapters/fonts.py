"""Font files from Python packages, so PDFs and simulated photos need no system font.

- CJK: WenQuanYi Micro Hei (TrueType outlines, which reportlab embeds and subsets), shipped by the
  PyPI package ``paperang-p2-fonts-cjk``; face 0 is proportional, face 1 monospaced.
- Latin: Bitstream Vera, shipped inside reportlab.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

CJK_FONT = Path(str(files("paperang_p2_fonts_cjk") / "fonts" / "wqy-microhei.ttc"))
# (file, face index in a collection)
CJK_FACES = ((CJK_FONT, 0), (CJK_FONT, 1))
_VERA = Path(str(files("reportlab") / "fonts"))
LATIN_FACES = ((_VERA / "Vera.ttf", 0), (_VERA / "VeraBd.ttf", 0), (_VERA / "VeraIt.ttf", 0))
