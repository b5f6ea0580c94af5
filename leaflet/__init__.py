"""leaflet: patient-information pages written as YAML, published as accessible PDF leaflets."""

from leaflet import deferred as _deferred

__version__ = "0.1.0"

_deferred.defer()
_deferred.defer_patterns()
