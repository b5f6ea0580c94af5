"""The web edition: the same content model and style sheet → an HTML page, its CSS and fonts.

`page.py` writes the HTML (Jinja2 templates, autoescaped), `css.py` the stylesheet shared
by every leaflet built with a sheet, `fonts.py` the WOFF2 files; `write.py` puts them on
disk, the page last, each file atomically.
"""
