"""The workspace store (SQLite): datasets, meta-features, configurations, experiments."""
