// Read an iCalendar feed on stdin; print, as JSON, every occurrence between
// argv[2] and argv[3] (YYYY-MM-DD, local to Europe/Zurich) with its start and
// end in UTC and its location, expanded by ical.js (recurrence ids and
// exdates applied). Used by tests/calendars.py.
import ICAL from "ical.js";
import { readFileSync } from "node:fs";

const text = readFileSync(0, "utf8");
const [from, to] = process.argv.slice(2);
const component = new ICAL.Component(ICAL.parse(text));
for (const vtz of component.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(vtz));
}
const zone = ICAL.TimezoneService.get("Europe/Zurich");
const start = ICAL.Time.fromDateString(from); start.zone = zone;
const end = ICAL.Time.fromDateString(to); end.zone = zone; end.adjust(1, 0, 0, 0);

const events = component.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
const byUid = new Map();
for (const event of events) {
  if (!byUid.has(event.uid)) byUid.set(event.uid, { master: null, exceptions: [] });
  if (event.isRecurrenceException()) byUid.get(event.uid).exceptions.push(event);
  else byUid.get(event.uid).master = event;
}
const out = [];
const push = (startTime, endTime, location) => {
  if (startTime.compare(start) >= 0 && startTime.compare(end) < 0) {
    out.push({
      start: startTime.toJSDate().toISOString(),
      end: endTime.toJSDate().toISOString(),
      location: location || "",
    });
  }
};
for (const { master, exceptions } of byUid.values()) {
  for (const ex of exceptions) master.relateException(ex);
  if (!master.isRecurring()) {
    push(master.startDate, master.endDate, master.location);
    continue;
  }
  const iterator = master.iterator();
  let next;
  let guard = 0;
  while ((next = iterator.next()) && guard++ < 5000) {
    if (next.compare(end) >= 0) break;
    const details = master.getOccurrenceDetails(next);
    push(details.startDate, details.endDate, details.item.location);
  }
}
out.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
process.stdout.write(JSON.stringify(out));
