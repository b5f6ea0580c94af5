"""leaflet: patient-information pages written as YAML, published as accessible PDF leaflets."""

__version__ = "0.1.0"
