"""Leaflet content: the model, its YAML format and its inline markup."""
