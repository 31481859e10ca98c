"""screens of the app."""
