"""Record documents on a case: upload, background reading, and the person's confirmation.

The core (:mod:`crossroads.records`) checks, reads and proposes; this app stores the file through
Django's storage API, runs the reading on the task queue, shows each proposal beside its source
text, and writes only accepted values into the case through the step save path.
"""
