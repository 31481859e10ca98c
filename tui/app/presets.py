"""Classic settings people know, one key away in the command palette."""

from engine.schema import Settings

PRESETS: dict[str, Settings] = {
    "PyTorch tutorial: circles, 2-10-10-1 ReLU, SGD 0.1, full batch":
        Settings(dataset="circles", hidden=[10, 10], activation="relu", optimizer="sgd", lr=0.1, epochs=1000),
    "PyTorch tutorial: moons, mini-batches of 64, SGD 0.1":
        Settings(dataset="moons", hidden=[10], optimizer="sgd", lr=0.1, batch_size=64, epochs=100),
    "Playground: spiral, 8-8-8 tanh, Adam":
        Settings(dataset="spiral", hidden=[8, 8, 8], activation="tanh", optimizer="adam", lr=0.01, epochs=2000),
    "Logistic regression on linear data (no hidden layer)":
        Settings(dataset="linear", hidden=[], optimizer="sgd", lr=0.1, epochs=300),
    "Why non-linearity: xor with identity activation":
        Settings(dataset="xor", hidden=[16, 16], activation="identity", epochs=500),
    "Symmetry problem: zeros initialisation":
        Settings(dataset="circles", hidden=[10, 10], init="zeros", epochs=500),
    "Blobs, 4 classes, softmax":
        Settings(dataset="blobs", classes=4, hidden=[16], epochs=300),
}


# the tutorials' comparisons, one key away: the training form's settings and the sweep view's lists
SWEEP_PRESETS: dict[str, tuple[Settings, dict[str, str]]] = {
    "Sweep: underfit / fit / overfit on circles (2, 10-10, 1024-1024 hidden)":
        (Settings(dataset="circles", hidden=[10, 10], epochs=300), {"hidden": "2;10,10;1024,1024"}),
    "Sweep: linear vs more units vs ReLU (identity / ReLU × 10, 10-10 hidden)":
        (Settings(dataset="circles", hidden=[10, 10], epochs=300), {"hidden": "10;10,10", "activation": "identity,relu"}),
    "Sweep: one network, ten seeds (the spread a seed makes)":
        (Settings(dataset="circles", hidden=[10, 10], epochs=300), {"seed": "0..9"}),
}
