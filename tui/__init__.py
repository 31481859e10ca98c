"""annclf-tui: the terminal app and the command line, thin clients of `engine`."""
