"""The colour of each class: the app's map, legend, report and compare view, and the maps a run writes for
TensorBoard, all ask here."""

from __future__ import annotations

# ten classes, distinguishable (matplotlib's tab10)
CLASS_RGB = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
             (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207)]
# classes named after colours are drawn in them (a class "red" drawn green misleads)
NAMED_RGB = {"blue": CLASS_RGB[0], "orange": CLASS_RGB[1], "green": CLASS_RGB[2], "red": CLASS_RGB[3],
             "purple": CLASS_RGB[4], "violet": CLASS_RGB[4], "brown": CLASS_RGB[5], "pink": CLASS_RGB[6],
             "gray": CLASS_RGB[7], "grey": CLASS_RGB[7], "olive": CLASS_RGB[8], "cyan": CLASS_RGB[9],
             "yellow": (230, 200, 30), "black": (60, 60, 60), "white": (220, 220, 220), "magenta": (200, 60, 200)}


def class_rgb(class_names: list[str] | tuple[str, ...]) -> list[tuple[int, int, int]]:
    """The colour of each class, by its place in the class order, or by its name when every class is named
    after a distinct colour."""
    named = [NAMED_RGB.get(str(n).strip().lower()) for n in class_names]
    if class_names and all(named) and len(set(named)) == len(named):
        return named
    return [CLASS_RGB[k % len(CLASS_RGB)] for k in range(len(class_names))]
