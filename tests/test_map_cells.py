"""The map as characters and colours: boundary, regions, points, and the class colours everyone shares."""

import numpy as np
import pytest
from rich.color import ColorSystem

from tui.terminal import colour_system, shades256
from tui.app.drawing import map_cells
from tui.app.drawing.map_cells import SHADES, pixel_codes


def halves():
    probs = np.zeros((4, 6, 2), dtype=np.float32)
    probs[:, :3, 0] = probs[:, 3:, 1] = 1.0  # class 0 on the left, class 1 on the right
    return probs


def test_boundary_sits_where_the_winning_class_changes_and_points_show_right_and_wrong():
    codes = map_cells.pixel_codes(halves(), (4, 6))
    assert (codes[:, 3] == map_cells.BOUNDARY).all() and (codes[:, :3] >= 0).all()
    points = map_cells.MapPoints(np.array([0, 5, 1]), np.array([0, 1, 1]), np.array([0, 0, 0]),
                                 np.array([True, False, True]), np.array([False, True, True]))
    lines = map_cells.ascii_lines(codes, points)
    assert lines[0][0] == "0"  # a training point of class 0, right
    assert lines[1][5] == "x"  # a test point, wrong
    assert lines[1][1] == "a"  # a test point of class 0, right
    assert lines[0][3] == "#"


def test_in_ascii_the_boundary_shows_over_right_points_and_wrong_points_over_the_boundary():
    codes = map_cells.pixel_codes(halves(), (4, 6))
    on_the_line = map_cells.MapPoints(np.array([3, 3]), np.array([0, 1]), np.array([1, 0]),
                                      np.array([True, False]), np.array([False, False]))
    lines = map_cells.ascii_lines(codes, on_the_line)
    assert lines[0][3] == "#" and lines[1][3] == "X"


def test_a_grid_of_another_size_is_stretched_not_dropped():
    codes = map_cells.pixel_codes(halves(), (8, 12))  # the map doubled in size since the grid was made
    assert codes.shape == (8, 12) and (codes[:, 6] == map_cells.BOUNDARY).all()
    assert (codes[:, :6] // map_cells.SHADES == 0).all() and (codes[:, 7:] // map_cells.SHADES == 1).all()


def test_without_a_model_only_the_exact_target_is_drawn():
    target = np.zeros((4, 6), dtype=int)
    target[:, 4:] = 1
    codes = map_cells.pixel_codes(None, (4, 6), target)
    assert (codes[:, 4] == map_cells.TARGET).all() and (codes[:, :4] == 0).all()


def test_classes_named_after_colours_get_them_and_others_go_by_class_order():
    assert map_cells.class_rgb(["blue", "green", "red"]) == [map_cells.NAMED_RGB[c] for c in ("blue", "green", "red")]
    assert map_cells.class_rgb(["Red ", "GREEN"])[0] == map_cells.NAMED_RGB["red"]
    assert map_cells.class_rgb(["no", "yes", "red"]) == map_cells.CLASS_RGB[:3]  # not all colours: by order
    assert map_cells.class_rgb(["red", "red2"]) == map_cells.CLASS_RGB[:2]



def _two_class(confidence: np.ndarray) -> np.ndarray:
    """(H, W, 2) probabilities where class 0 wins with this confidence (0: a tie, 1: certain)."""
    p0 = 0.5 + confidence / 2
    return np.stack([p0, 1 - p0], axis=2)


def test_a_held_pixel_keeps_its_shade_while_its_confidence_jitters_about_its_bands_edge():
    edge = 2 / SHADES  # the edge between shades 1 and 2
    before = pixel_codes(_two_class(np.full((2, 4), edge - 0.01)), (2, 4))
    assert set(before.ravel()) == {1}
    jittered = _two_class(np.full((2, 4), edge + 0.01))
    assert set(pixel_codes(jittered, (2, 4)).ravel()) == {2}  # unheld, it flips with a tiny change
    assert (pixel_codes(jittered, (2, 4), held=before) == before).all()  # held, it does not
    moved = _two_class(np.full((2, 4), edge + 0.5 / SHADES))  # half a band past the edge: a real change
    assert set(pixel_codes(moved, (2, 4), held=before).ravel()) == {2}


def test_a_held_pixel_whose_class_changes_changes_at_once():
    before = pixel_codes(_two_class(np.full((2, 4), 0.02)), (2, 4))
    flipped = _two_class(np.full((2, 4), 0.02))[:, :, ::-1]  # class 1 now wins, as narrowly
    assert set(pixel_codes(flipped, (2, 4), held=before).ravel()) == {SHADES}


@pytest.mark.parametrize("dark", [True, False])
@pytest.mark.parametrize("classes", [map_cells.CLASS_RGB[:2], map_cells.CLASS_RGB[:4], map_cells.CLASS_RGB,
                                     list(map_cells.NAMED_RGB.values())[:6]])
def test_in_256_colours_the_shades_stay_distinct_in_order_and_each_classs_own(dark, classes):
    """What a 256-colour terminal is sent for each shade: Rich's choice of the palette's colour."""
    palette = map_cells.Palette(dark=dark, classes=classes, eight_bit=True)
    sent = lambda colour: colour.downgrade(ColorSystem.EIGHT_BIT).number  # noqa: E731
    lightness = lambda number: shades256.oklab(shades256.palette_rgb(number))[0]  # noqa: E731
    points = {sent(palette.point(k, 0, False).color) for k in range(len(classes))}
    used = [sent(palette.pair(map_cells.BOUNDARY, map_cells.BOUNDARY).color)]
    for k in range(len(classes)):
        shades = [sent(palette.pair(k * SHADES + s, 0).color) for s in range(SHADES)]
        steps = [lightness(b) - lightness(a) for a, b in zip(shades, shades[1:])]
        # fainter shades nearer the background's lightness, as in 24-bit colour: lighter in a dark theme
        assert all(step > 0 for step in steps) if dark else all(step < 0 for step in steps)
        assert not points & set(shades)
        used += shades
    assert len(set(used)) == len(used)  # no shade is another class's, nor the boundary's
    # 24-bit shades as Rich sends them to the same terminal: what the test above keeps from happening
    plain = map_cells.Palette(dark=dark, classes=classes)
    assert any(len({sent(plain.pair(k * SHADES + s, 0).color) for s in range(SHADES)}) < SHADES
               for k in range(len(classes)))


def test_in_256_colours_a_classs_stronger_shades_wear_its_hue():
    palette = map_cells.Palette(dark=True, classes=map_cells.CLASS_RGB[:2], eight_bit=True)
    for k, hue in ((0, "blue"), (1, "orange")):
        for s in range(2, SHADES):  # the two faintest may be greys, as their 24-bit shades nearly are
            colour = palette.pair(k * SHADES + s, 0).color.downgrade(ColorSystem.EIGHT_BIT)
            r, g, b = shades256.palette_rgb(colour.number)
            assert (b > r) if hue == "blue" else (r > b)  # not a grey, and not the other class's


def _sent_shades(palette, k):
    return [palette.pair(k * SHADES + s, 0).color.downgrade(ColorSystem.EIGHT_BIT).number for s in range(SHADES)]


@pytest.mark.parametrize("dark", [True, False])
@pytest.mark.parametrize("classes", [map_cells.CLASS_RGB[:2], map_cells.CLASS_RGB[:4],
                                     [map_cells.NAMED_RGB[c] for c in ("red", "green", "blue", "yellow")]])
def test_in_256_colours_every_shade_is_of_its_classs_hue_family_and_the_strongest_as_saturated_as_its_points(
        dark, classes):
    """What a user saw without COLORTERM: a region's edge speckled with maroon, olive and near-black cells
    (an orange class's faint shades), and a confident blue region paler than its own points."""
    palette = map_cells.Palette(dark=dark, classes=classes, eight_bit=True)
    ground = shades256.oklab(palette.background)[0]
    lightness = lambda n: shades256.oklab(shades256.palette_rgb(n))[0]  # noqa: E731
    for k, rgb in enumerate(classes):
        shades = _sent_shades(palette, k)
        seen = [shades256.palette_rgb(n) for n in shades]
        assert min(shades) >= 16  # never the 16 colours whose RGB is the terminal theme's
        greys = [shades256.chroma(c) < shades256.GREY for c in seen]
        assert greys == sorted(greys, reverse=True) and not any(greys[shades256.FAINT:])
        for colour, grey in zip(seen, greys):
            assert grey or shades256.hue_turn(colour, rgb) <= shades256.HUE
        # the faintest lies beyond the background, not a cell darker than it (lighter in a light theme)
        assert (lightness(shades[0]) - ground) * (1 if dark else -1) >= shades256.AWAY
        point = shades256.palette_rgb(palette.point(k, 0, False).color.downgrade(ColorSystem.EIGHT_BIT).number)
        assert shades256.saturation(seen[-1]) >= shades256.saturation(point) - shades256.SLACK


def test_hue_turns_are_measured_as_the_eye_sees_them():
    orange, maroon, olive = (255, 127, 14), (95, 0, 0), (135, 95, 0)
    assert shades256.hue_turn(orange, (215, 95, 0)) < shades256.HUE  # a dark orange
    assert shades256.hue_turn(orange, maroon) > shades256.HUE and shades256.hue_turn(orange, olive) > shades256.HUE
    assert shades256.hue_turn((0, 0, 255), (0, 0, 95)) < 5  # a hue keeps its angle from dark to light
    assert shades256.saturation((95, 135, 175)) < shades256.saturation((0, 135, 175))  # paler


def test_with_ten_classes_every_shade_is_still_a_distinct_cube_or_grey_ramp_colour():
    palette = map_cells.Palette(dark=True, classes=map_cells.CLASS_RGB, eight_bit=True)
    used = [n for k in range(10) for n in _sent_shades(palette, k)]
    assert len(set(used)) == len(used) and min(used) >= 16


def test_the_map_takes_its_256_colour_shades_where_the_terminal_has_256_colours():
    wide, narrow = (map_cells.palette_for(True, (), system) for system in ("truecolor", "256"))
    assert wide.pair(1, 1) != narrow.pair(1, 1) and map_cells.palette_for(True, (), "256") is narrow


@pytest.mark.parametrize("environ,platform,expected", [
    ({"TERM": "xterm-256color"}, "linux", "256"),
    ({"TERM": "xterm"}, "linux", "256"),  # Rich would take 16 colours: two or three shades a class
    ({"TERM": "screen"}, "darwin", "256"),
    ({"TERM": "xterm-256color", "COLORTERM": "truecolor"}, "linux", "truecolor"),
    ({"TERM": "xterm", "COLORTERM": "24bit"}, "linux", "truecolor"),
    ({"TERM": "linux"}, "linux", None),  # the Linux console: its 16 colours
    ({"TERM": "dumb"}, "linux", None),
    ({}, "linux", None),
    ({"TERM": "xterm", "TEXTUAL_COLOR_SYSTEM": "standard"}, "linux", None),  # the user's own choice stands
    ({"TERM": "xterm"}, "win32", None),
])
def test_the_app_asks_for_256_colours_unless_the_terminal_says_it_has_24_bit(environ, platform, expected):
    assert colour_system.preferred(environ, platform) == expected
