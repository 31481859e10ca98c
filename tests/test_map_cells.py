import numpy as np

from tui import map_cells


def test_boundary_sits_where_the_winning_class_changes_and_points_show_right_and_wrong():
    probs = np.zeros((4, 6, 2), dtype=np.float32)
    probs[:, :3, 0] = probs[:, 3:, 1] = 1.0  # class 0 on the left, class 1 on the right
    codes = map_cells.pixel_codes(probs, (4, 6))
    assert (codes[:, 3] == map_cells.BOUNDARY).all() and (codes[:, :3] >= 0).all()
    points = map_cells.MapPoints(np.array([0, 5]), np.array([0, 1]), np.array([0, 0]),
                                 np.array([True, False]), np.array([False, True]))
    lines = map_cells.ascii_lines(codes, points)
    assert lines[0][0] == "0" and lines[1][5] == "X" and lines[0][3] == "#"


def test_without_a_model_only_the_exact_target_is_drawn():
    target = np.zeros((4, 6), dtype=int)
    target[:, 4:] = 1
    codes = map_cells.pixel_codes(None, (4, 6), target)
    assert (codes[:, 4] == map_cells.TARGET).all() and (codes[:, :4] == 0).all()
