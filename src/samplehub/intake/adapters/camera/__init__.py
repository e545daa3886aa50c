"""Cameras of the intake platform: an image folder (demo) and OpenCV VideoCapture (production)."""
