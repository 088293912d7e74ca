"""Readings: behaviours the API references leave open, each a named switch the emulator can play.

The default emulator plays one reading of every document; where the source is silent or contradicts itself, a
switch plays another. ``--reading NAME`` (repeatable) turns one on, ``--profile alternatives`` turns all on,
``PUT /_emulator/config {"readings": {"NAME": true}}`` sets them at run time, ``GET /_emulator/readings`` lists
them. Each service module declares its own switches with ``declare()`` at import time and asks
``state.reading(NAME)`` where it answers.
"""

REGISTRY = {}
PROFILES = ("default", "alternatives")


def declare(name, service, section, summary):
    """Register a switch: its service, the source section that leaves room, and what the switch plays."""
    REGISTRY[name] = {"service": service, "section": section, "summary": summary}
    return name


def for_profile(profile, extra=()):
    """The set of switches that a profile (plus explicit ``--reading`` names) turns on."""
    if profile not in PROFILES:
        raise ValueError("unknown profile %r (known: %s)" % (profile, ", ".join(PROFILES)))
    names = set(REGISTRY) if profile == "alternatives" else set()
    unknown = [n for n in extra if n not in REGISTRY]
    if unknown:
        raise ValueError("unknown reading(s): %s (known: %s)" % (", ".join(unknown), ", ".join(sorted(REGISTRY))))
    return names | set(extra)
