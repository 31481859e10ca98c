"""What the widgets draw, as plain data (rich segments and text), apart from any widget so that it can be
tested alone: the map's cells, the network's diagram and text, lines that must fit on one line."""
