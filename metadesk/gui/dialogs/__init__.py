"""Dialogs of the desktop application: errors, settings, about, and the welcome screen."""
