"""The synthetic event log is seeded and shaped like a shop's."""

from __future__ import annotations

from unittest import TestCase

from lore.workflow.mock import mock_events


class TestMockEvents(TestCase):
    def test_seeded_and_shaped(self):
        events = mock_events(5_000, seed=3)
        self.assertTrue(events.equals(mock_events(5_000, seed=3)))
        shares = events.event.value_counts(normalize=True)
        self.assertGreater(shares["view"], shares["addtocart"])
        self.assertGreater(shares["addtocart"], shares["transaction"])
        self.assertTrue(events.timestamp.is_monotonic_increasing)
