"""The web dashboard: server-rendered pages over the same repositories and engine as the API.

Six areas (Overview, Generate, Dataset, Batches, Publish, Providers) rendered with Jinja2 from
``templates/``, with a small script and stylesheet from ``static/`` shipped inside the package
(no CDN, nothing fetched at run time). :func:`legal_training.web.mount.mount_dashboard` adds it
to the app; this package's ``__init__`` imports nothing so that the API's guard can use
:mod:`legal_training.web.session` without pulling in the pages.
"""
