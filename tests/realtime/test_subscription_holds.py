"""The rule behind overlapping access checks and replays, at the one place it lives
(`Subscription.hold/release`): the through-the-socket tests in
test_event_room_access.py cannot force two checks to overlap in a chosen order."""

from __future__ import annotations

from crewup.realtime.frames import Frame
from crewup.realtime.peer import Subscription


def test_frames_wait_for_the_last_of_overlapping_holds() -> None:
    subscription = Subscription()
    subscription.hold()  # a first change's check
    subscription.hold()  # a second change's check, while the first still runs
    assert subscription.held is not None
    subscription.held.append((7, Frame("x")))
    assert subscription.release() == []  # the first check said "allowed": too early to tell
    assert subscription.held is not None  # still holding for the second
    released = subscription.release()
    assert [message_id for message_id, _ in released] == [7]
    assert subscription.held is None and subscription.holds == 0


def test_only_frames_a_replay_sent_are_dropped() -> None:
    subscription = Subscription(last_id=20)
    subscription.hold()
    assert subscription.held is not None
    # Live frames from two processes can arrive out of id order: none is dropped by a
    # check alone, even one below the newest id sent.
    subscription.held += [(19, Frame("a")), (None, Frame("typing")), (25, Frame("b"))]
    assert [i for i, _ in subscription.release()] == [19, None, 25]
    subscription.hold()
    assert subscription.held is not None
    subscription.held += [(30, Frame("c")), (31, Frame("d"))]
    subscription.replayed_to = 30  # the replay read up to 30 from the database
    assert [i for i, _ in subscription.release()] == [31]
    assert subscription.replayed_to == 0
