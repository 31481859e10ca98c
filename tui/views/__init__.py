"""views of the app."""
