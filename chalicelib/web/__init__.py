"""Pages: Jinja2 templates, Babel catalogues, view helpers and the OpenAPI document."""
