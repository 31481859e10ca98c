"""What a run is made of, in plain numpy, PyTorch and scikit-learn: the data, the network, the per-epoch
seeds, the learning-rate schedule and the rules that end a run.

These modules import nothing of annclf-tui but each other, on purpose: the exported script
(`export_script.py`) is their text, in `MODULES` order, followed by a short training loop, so that the
engine and the script draw the same points, the same initial weights and the same batches, and stop a run
by the same rules. Keep them self-contained.
"""

from .csv_file import MISSING, PARTS, SPLIT, CsvProblem, class_order, csv_rows, read_csv
from .data import NAMES, TRANSFORMS, flip_labels, generate, model_input, scaling, split_rows, training_labels, transform
from .network import ACTIVATION_FUNCTIONS, GAIN_NAME, MLP, initialise, loss_sum_and_correct
from .synthetic import (IRIS_DEFAULT_FEATURES, IRIS_FEATURES, SPECIES, TARGETS, blobs, circles, cross, easy, gauss,
                        hard, iris, linear, moons, ring, spiral, unit_square, xor)
from .training import DROPOUT, SHUFFLE, BestEpoch, LearningRate, epoch_seed, finite_epoch

__all__ = ["MISSING", "PARTS", "SPLIT", "CsvProblem", "class_order", "csv_rows", "read_csv", "NAMES", "TRANSFORMS",
           "flip_labels", "generate", "model_input", "scaling", "split_rows", "training_labels", "transform",
           "ACTIVATION_FUNCTIONS", "GAIN_NAME", "MLP", "initialise", "loss_sum_and_correct", "IRIS_DEFAULT_FEATURES",
           "IRIS_FEATURES", "SPECIES", "TARGETS", "blobs", "circles", "cross", "easy", "gauss", "hard", "iris",
           "linear", "moons", "ring", "spiral", "unit_square", "xor", "DROPOUT", "SHUFFLE", "BestEpoch",
           "LearningRate", "epoch_seed", "finite_epoch"]

# the script's order: a module after those it takes names from
MODULES = ("synthetic", "csv_file", "data", "network", "training")
