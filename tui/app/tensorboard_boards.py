"""The app's TensorBoard files (`annclf-tui --tensorboard DIR`): the folder of the session that trains."""

from __future__ import annotations

import weakref


class Boards:
    """`annclf-tui --tensorboard DIR`: the TensorBoard folder of the session that trains, made as it first trains
    (named like the run) and written by the training thread alone; F5 on the same session goes on in its
    folder, another session's training closes it (one writer open, whatever the app has trained)."""

    def __init__(self, root: str, map_every: int):
        self.root, self.map_every = root, map_every
        self._session = None  # a weak reference: a board never keeps a session's rows alive
        self._board = None

    def of(self, session):
        from engine.runs import default_name
        from engine.tensorboard_log import TensorBoardRun

        if self._board is not None and self._session() is session:
            return self._board
        self.close()
        self._board = TensorBoardRun(self.root, default_name(session.settings), session.class_names,
                                     self.map_every)
        self._session = weakref.ref(session)
        return self._board

    def close(self) -> None:
        if self._board is not None:
            self._board.close()
            self._board = None
