"""The ASGI application is the stream server (config/streams.py): the event streams of
hall displays, counter tablets and ticket pages are pushed from its event loop, every
other request runs through Django's usual middleware and views in its thread pool."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from config.streams import application

__all__ = ["application"]
