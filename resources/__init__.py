"""The shipped read-only files (icons, samples, prior knowledge), installed as metadesk._shipped."""
