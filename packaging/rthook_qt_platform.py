"""PyInstaller runtime hook: on Linux the bundle carries Qt's X11 (xcb) platform plugin only.

Wayland sessions run the app through XWayland. Saying so up front spares Qt the failed
attempt to load the absent Wayland plugin and its warning; an explicit QT_QPA_PLATFORM
(offscreen for tests, for instance) is left alone.
"""
import os
import sys

if sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM"):
    os.environ["QT_QPA_PLATFORM"] = "xcb"
