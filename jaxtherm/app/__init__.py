"""The application layer: `jaxtherm demo | fit | reproduce`, the TOML fitting and the demos.

Built on the library (`jaxtherm.tdtr`, `jaxtherm.fit`, ...); nothing in the library imports it.
"""
