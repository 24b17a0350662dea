"""Photos in, points out: the adapter that reads images and runs the pose model.

``images`` (Pillow, part of the core install) loads an uploaded photo safely — size limits,
EXIF rotation, downscaling — and draws the measurement on it. ``pose`` runs MediaPipe Pose,
an optional extra (``pip install 'anklet[vision]'``); without it, points placed by hand
still give a measurement. Only this package imports Pillow, numpy, OpenCV or MediaPipe (an
import-linter contract keeps it so); the geometry itself is pure, in
:mod:`anklet.domain.photo`.
"""
