"""widgets of the app."""
