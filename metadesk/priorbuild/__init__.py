"""The prior's build pipeline: the corpus of real tables, the build that runs the whole portfolio
on them through the real workspace, the export to the exchange format and the build report.

A developer tool (`metadesk knowledge build`, `make prior`): the app never imports it and the
frozen bundle leaves it out (packaging/metadesk.spec). Only `settings` is light enough for the
command line's parser; everything else is imported when a build actually runs.
"""
