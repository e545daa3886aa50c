"""Detectors behind the `Detector` port: the default COCO model on LiteRT, the former SSDLite
person model, YOLO on ONNX, and the crop to the zones around any of them."""
