"""The map as characters and colours: boundary, regions, points, and the class colours everyone shares."""

import numpy as np

from tui import map_cells


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

