"""The app's hold on a training session: when to continue the same model and when to start afresh.

No textual here: the app calls these from its worker threads and its timer.
"""

from __future__ import annotations

from engine.schema import Settings


class RunLink:
    def __init__(self):
        self.session = None  # engine TrainingSession, once torch has loaded
        self.running = False

    def needs_new_session(self, settings: Settings) -> bool:
        """A new session when the data or the network changed; training settings continue the model."""
        from engine.training.session import CONTINUABLE

        if self.session is None:
            return True
        current = self.session.requested
        resolved = settings.resolve()
        changed = set(resolved.differences(current))
        return bool(changed - CONTINUABLE)

    def build(self, settings: Settings):
        from engine.training.session import TrainingSession

        return TrainingSession(settings)

    def apply_training_changes(self, settings: Settings) -> None:
        resolved = settings.resolve()
        from engine.training.session import CONTINUABLE

        changes = {n: getattr(resolved, n) for n in resolved.differences(self.session.settings) if n in CONTINUABLE}
        if changes:
            self.session.change(**changes)
