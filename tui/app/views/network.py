"""The network view: the architecture left to right, every unit a picture of its activation over the plane,
the weights between layers, the selected unit large with its figures, and per-layer statistics, live.

It owns what it shows: the session, the latest pictures, the selection, the ordering of wide layers and
whether the histogram is open. It asks for pictures of its own sizes while it is on screen (and for none
when it is not, so that a run it does not show pays nothing for it).
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from tui.app.drawing import network_cells, network_text
from tui.app.drawing.one_line import fit
from tui.app.keys import NETWORK, bindings
from tui.app.messages import NetworkArrived, NetworkWanted, PaceChanged, RefreshChanged, SessionChanged, SliceShown
from tui.app.drawing.network_cells import ORDERINGS, Selection
from tui.app.widgets.fresh_plot import FreshPlot
from tui.app.widgets.network_diagram import NetworkDiagram, PictureResized, UnitPicture

STYLES = Path(__file__).with_suffix(".tcss")
WAITING = "The network's pictures come once its data is ready."


class NetworkView(Vertical, can_focus=True):
    BINDINGS = bindings(NETWORK)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.session = None
        self.picture = None
        self.epoch = 0
        self.selected = Selection(1, 0)
        self.ordering = ORDERINGS[0]
        self.histogram = False
        self.features = (0, 1)  # the plane of the pictures: the training view's map's
        self.pace: float | None = None
        self.every = 0.3  # seconds between two pictures at the least (the refresh setting)
        self.first_layer = 0  # the first layer drawn: a deep network is drawn a window of layers at a time
        self._asked = None
        self._on_screen = False

    def compose(self) -> ComposeResult:
        yield Static(WAITING, id="network-title")
        with Horizontal(id="network-body"):
            yield NetworkDiagram(id="network-diagram")
            with Vertical(id="network-side"):
                yield UnitPicture(id="unit-picture")
                yield Static("", id="unit-details")
                yield FreshPlot(self._draw_histogram, id="weight-histogram")
        yield Static("", id="network-notes")
        yield Static("", id="layer-stats")

    def on_mount(self) -> None:
        self.diagram, self.big = self.query_one(NetworkDiagram), self.query_one(UnitPicture)
        self.diagram.ascii_only = self.big.ascii_only = self.app.no_color
        self.query_one("#weight-histogram").display = False

    # ----- on screen or not
    def on_show(self) -> None:
        self._on_screen = True
        self.focus()
        self._ask()

    def on_hide(self) -> None:
        self._on_screen = False
        self._asked = None
        if self.session is not None:
            self.post_message(NetworkWanted(None, self.session))

    def on_picture_resized(self, event: PictureResized) -> None:
        event.stop()
        self._ask()
        self._draw()

    # ----- the session and its pictures
    def on_session_changed(self, message: SessionChanged) -> None:
        self.session, self.picture, self._asked = message.session, None, None
        self.selected = Selection(1 if self._widths()[1:-1] else 0, 0)
        self._ask()
        self._draw()

    def on_slice_shown(self, message: SliceShown) -> None:
        if message.features != self.features:
            self.features = message.features
            self._ask()

    def on_refresh_changed(self, message: RefreshChanged) -> None:
        self.every = message.every
        self._ask()

    def on_pace_changed(self, message: PaceChanged) -> None:
        self.pace = message.pace
        self._draw()

    def on_network_arrived(self, message: NetworkArrived) -> None:
        if message.session is not self.session:
            return
        first = self.picture is None
        self.picture, self.epoch = message.picture, message.epoch
        if first:  # the selection starts at the top of its column: a wide layer's strongest unit
            geo = self._geometry()
            layer = self.picture.layers[self.selected.layer]
            self.selected = Selection(self.selected.layer,
                                      network_cells.unit_order(layer, self.ordering, geo.capacity)[0])
        self._draw()

    def _widths(self) -> list[int]:
        s = self.session
        k = s.dataset.num_classes
        return [len(s.input_names), *s.settings.hidden, 1 if k == 2 else k]

    def _geometry(self) -> network_cells.Geometry:
        geo = network_cells.geometry(self._widths(), self.diagram.size.width, self.diagram.size.height,
                                     self.selected.layer, self.first_layer)
        self.first_layer = geo.layers[0]
        return geo

    def _ask(self) -> None:
        width, height = self.big.size.width, self.big.size.height
        if self.session is None or not self._on_screen or not width or not height or not self.diagram.size.height:
            return  # before the engine has loaded, too: importing it (torch) here would hold up the first frame
        from engine.decision_map import data_box
        from engine.network_picture import NetworkRequest

        geo = self._geometry()
        request = NetworkRequest(data_box(self.session.split, self.features), width, 2 * height,
                                 (geo.tile_columns, 2 * geo.tile_rows), self.features, self.every)
        if request != self._asked:
            self._asked = request
            self.post_message(NetworkWanted(request, self.session))

    # ----- what is drawn
    def _shown(self, geo) -> dict[int, list[int]]:
        """Each layer's units on screen: a wide layer scrolled so that the selected unit is among them."""
        chosen = self.selected
        return {i: network_cells.shown_units(layer, self.ordering, geo.capacity,
                                             chosen.unit if i == chosen.layer else None)
                for i, layer in enumerate(self.picture.layers)}

    def _draw(self) -> None:
        if not self.is_mounted:
            return
        title, notes, stats = (self.query_one(f"#{name}", Static) for name in
                               ("network-title", "network-notes", "layer-stats"))
        if self.session is None or self.picture is None:
            title.update(WAITING if self.session is None else "Drawing the network… (while it trains, the pictures are "
                         "made between two epochs)")
            self.diagram.draw(None, {}, None, None, ())
            self.big.draw(None, None, ())
            return
        picture, names = self.picture, self.session.class_names
        geo = self._geometry()
        shown = self._shown(geo)
        self._keep_selection_shown(shown, geo)
        width = max(title.size.width, 20)
        pace = [(f"pace {self.pace:g} epochs/s", 1)] if self.pace else []
        plane = network_text.plane(self.session, self.features).removeprefix(" · ")
        title.update(fit([(Text(network_text.architecture(picture, picture.activation), "bold"), 0),
                          (f"epoch {self.epoch:,}", 0), *pace, *([(plane, 2)] if plane else [])], width))
        self.diagram.draw(picture, shown, geo, self.selected, names)
        layer = picture.layers[self.selected.layer]
        self.big.draw(layer, self.selected.unit, names)
        details = self.query_one("#unit-details", Static)
        details.update(network_text.unit_details(picture, self.selected.layer, self.selected.unit,
                                                 max(details.size.width, 20)))
        width = max(notes.size.width, 20)
        notes.update(network_text.left_out(picture, shown, geo.layers, self.ordering, geo.capacity, width)
                     or fit([("each picture: a unit's value over the map's plane", 0), ("hue: the sign", 1),
                             ("shade: the size", 1)], width, ", "))
        stats.update(network_text.layer_table(picture, self.selected.layer))
        if self.histogram:
            self.query_one("#weight-histogram", FreshPlot).refresh()

    def _keep_selection_shown(self, shown: dict[int, list[int]], geo) -> None:
        """A selection beyond the layer's units (the network changed) goes to its first one."""
        layer = min(self.selected.layer, len(self.picture.layers) - 1)
        unit = self.selected.unit if self.selected.unit < self.picture.layers[layer].size else shown[layer][0]
        self.selected = Selection(layer, unit)

    def _draw_histogram(self, plt) -> None:
        if self.picture is None:
            return
        index = max(self.selected.layer, 1)  # the inputs have no incoming weights: the first layer's
        layer = self.picture.layers[index]
        plt.hist(layer.weights.ravel().tolist(), bins=20, marker="#" if self.app.no_color else None)
        plt.title(f"weights into {layer.name} ({layer.weights.size:,})")

    # ----- the keys (the key table in keys.py)
    def _move(self, layers: int, units: int) -> None:
        """Up and down along the layer's order (scrolling a wide one); left and right to the unit in the same
        place of the next layer (the window of layers follows)."""
        if self.picture is None:
            return
        geo = self._geometry()
        layer = self.picture.layers[self.selected.layer]
        if units:
            order = network_cells.unit_order(layer, self.ordering, geo.capacity)
            place = max(0, min(len(order) - 1, order.index(self.selected.unit) + units))
            self.selected = Selection(self.selected.layer, order[place])
        else:
            slot = self._shown(geo)[self.selected.layer].index(self.selected.unit)
            target = max(0, min(len(self.picture.layers) - 1, self.selected.layer + layers))
            units_there = network_cells.shown_units(self.picture.layers[target], self.ordering, geo.capacity)
            self.selected = Selection(target, units_there[min(slot, len(units_there) - 1)])
        self._draw()

    def action_select(self, layers: int, units: int) -> None:
        self._move(layers, units)

    def action_order(self) -> None:
        self.ordering = ORDERINGS[(ORDERINGS.index(self.ordering) + 1) % len(ORDERINGS)]
        self._draw()  # the notes line says the order: a notice would cover the layers' table

    def action_histogram(self) -> None:
        self.histogram = not self.histogram
        self.query_one("#weight-histogram").display = self.histogram
        self._draw()
