"""Nameplate vision: RapidOCR (PP-OCR on onnxruntime, models shipped in its wheel) and zxing-cpp."""
