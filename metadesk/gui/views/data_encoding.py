"""The Data tab's encoding choice for a text file: the detected encoding first, then the ones a
spreadsheet may have written; picking one reads the file again. Mixed into `DataView`.
"""

from __future__ import annotations

from metadesk.gui.views.data_loading import ENCODINGS, LoadedTable, encoding_label


class DataViewEncoding:
    """Expects `encoding_combo`, `encoding_label`, `loaded` and `open_file` of `DataView`."""

    def _show_encoding(self, table: LoadedTable) -> None:
        """The encoding choice, for a text file not yet in the workspace."""
        detected = getattr(table.report, "encoding", None)
        shown = bool(detected) and table.dataset_id is None and table.path is not None
        self.encoding_combo.setVisible(shown)
        self.encoding_label.setVisible(shown)
        if not shown:
            return
        chosen = (table.options or {}).get("encoding")
        combo = self.encoding_combo
        combo.clear()
        if chosen is None:
            combo.addItem(f"{encoding_label(detected)} (detected)", detected)
        for codec, label in ENCODINGS:
            if chosen is not None or encoding_label(codec) != encoding_label(detected):
                combo.addItem(label, codec)
        found = combo.findData(chosen) if chosen is not None else 0
        if found < 0:
            combo.insertItem(0, encoding_label(chosen), chosen)
            found = 0
        combo.setCurrentIndex(found)
        combo.setMinimumWidth(combo.sizeHint().width())  # the chosen name is never cut

    def _encoding_chosen(self, index: int) -> None:
        table = self.loaded
        codec = self.encoding_combo.itemData(index)
        if table is None or table.path is None or codec is None:
            return
        options = dict(table.options or {})
        if options.get("encoding", getattr(table.report, "encoding", None)) == codec:
            return
        options["encoding"] = codec
        self.open_file(table.path, **options)
