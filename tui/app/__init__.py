"""The Textual app: the App (it routes), its views, widgets and screens, the key table, the messages, and
the runner that owns the training thread."""
