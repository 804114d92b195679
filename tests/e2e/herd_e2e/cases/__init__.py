"""Every module here registers its cases with @case; run and ctest list
them in this order."""
from . import image, containers, agent, directory, reports, vm  # noqa: F401
