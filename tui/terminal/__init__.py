"""What sits between the app and the terminal: the screen copy that sends only the cells that changed, the
driver that writes through it, the colour systems and the map's 256-colour shades, the refresh cadence.
Nothing here imports the app."""
