"""partnerkit: a working-life partnership toolbox from YAML to a static site and Moodle packages."""

__version__ = "0.1.0"
