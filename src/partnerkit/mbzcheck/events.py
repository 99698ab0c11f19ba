"""Rule group calendar: the course events of course/calendar.xml, read as restore_calendarevents_structure_step does."""

from __future__ import annotations

from .package import Package, is_int, text_of

PATH = "course/calendar.xml"

# backup_calendarevents_structure_step (4.5): every field of an event that Moodle writes, in its order.
EVENT_FIELDS = ("name", "description", "format", "courseid", "groupid", "userid", "repeatid", "modulename",
                "instance", "type", "eventtype", "timestart", "timeduration", "timesort", "visible", "uuid",
                "sequence", "timemodified", "priority", "location")

# Columns of the event table that are integers; process_calendarevents() inserts them as they are (timesort and
# priority may be NULL).
NUMBER_FIELDS = ("courseid", "groupid", "repeatid", "instance", "type", "timestart", "timeduration", "visible",
                 "sequence", "timemodified")

# The course backup writes only these (its SQL selects eventtype 'course' or 'group'); any other type would be
# restored as that type, a site event for example, shown to everyone on the site.
COURSE_EVENT_TYPES = ("course", "group")

NAME_MAX = 255


def check_calendar(pkg: Package) -> None:
    """Every course event restores as the course event it was written as."""
    root = pkg.root(PATH, "events")
    if root is None:
        return
    events = root.findall("event")
    # A missing setting (or an unreadable moodle_backup.xml) is reported by the manifest rules already.
    if events and "calendarevents" in pkg.root_settings and not pkg.setting_on("calendarevents"):
        pkg.add("calendar.events_setting_off", PATH, f"{len(events)} course events, but the root setting "
                "calendarevents is not 1: Moodle restores none of them")
    seen: set[str] = set()
    for number, event in enumerate(events, start=1):
        event_id = (event.get("id") or "").strip()
        label = f"event {event_id}" if event_id else f"event {number}"
        if not is_int(event_id):
            pkg.add("calendar.event_id", PATH, f"{label} has no numeric id")
        elif event_id in seen:
            pkg.add("calendar.event_id", PATH, f"{label}: the id is used by an earlier event")
        seen.add(event_id)
        for name in EVENT_FIELDS:
            if event.find(name) is None:
                pkg.add("calendar.event_field_missing", PATH, f"{label}: missing <{name}>")
        for name in NUMBER_FIELDS:
            value = text_of(event, name)
            if value is not None and not is_int(value):
                pkg.add("calendar.event_not_number", PATH, f"{label}: <{name}> is {value!r}, not a whole number")
        eventtype = text_of(event, "eventtype")
        if eventtype is not None and eventtype.strip() not in COURSE_EVENT_TYPES:
            pkg.add("calendar.event_type", PATH, f"{label}: eventtype {eventtype!r} is not a course event "
                    "(a course backup holds 'course' and 'group' events only)")
        name_text = text_of(event, "name")
        if name_text is not None and len(name_text) > NAME_MAX:
            pkg.add("calendar.event_name_too_long", PATH, f"{label}: the name is {len(name_text)} characters, "
                    f"Moodle's limit is {NAME_MAX}")
        pkg.check_format(PATH, event, "format", label)
