"""The main window's views: Data (here), Suggestions, Results and Knowledge, and the queue dock.

Each view is a `QWidget` built from a `WorkspaceBridge`, shows one dataset via `set_dataset(id)`.
"""
