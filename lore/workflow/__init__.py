"""Steps, stages and workflows: the productionalization conventions of a team's ML code.

A :class:`Step` does one thing (load, transform, train, predict, expose); a
:class:`Stage` is the steps that run together on one machine, configured by a dict
keyed by step name and checked before it runs; a :class:`Workflow` is the sequence of
stages, each persisted so that it can run elsewhere, be resumed, or be skipped when
nothing it depends on changed.

>>> from lore.workflow import Stage, Step, Workflow
>>> issubclass(Stage, object) and callable(Workflow.run)
True
"""

from lore.workflow.stage import Stage, StepRecord
from lore.workflow.step import Step
from lore.workflow.workflow import Workflow

__all__ = ["Stage", "Step", "StepRecord", "Workflow"]
