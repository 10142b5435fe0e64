"""The web interface: a bilingual page and a JSON API over the library.

``create_app`` (in :mod:`smtp_explain.web.app`) builds the ASGI application;
``serve`` (in :mod:`smtp_explain.web.server`) runs it with uvicorn.
"""
