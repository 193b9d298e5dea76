"""No models: this module exists so that ``migrate`` sends this app its post-migrate signal,
which makes the shared cache table (see :mod:`crossroads_web.apps`)."""
