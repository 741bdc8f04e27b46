// Reads an iCalendar stream on stdin and prints, as JSON, each VEVENT's uid, summary,
// status, sequence and its start/end as ical.js (Thunderbird's parser) computes them:
// timed values as UTC instants using the VTIMEZONE in the file, all-day values as dates.
// Exits non-zero if the stream does not parse or a TZID is not defined in the file, so a
// silent fallback to floating time can never pass for a correct instant.
import ICAL from "ical.js";

function valueOf(event, name, time) {
  const tzid = event.component.getFirstProperty(name).getParameter("tzid");
  if (time.isDate) {
    return time.toString();
  }
  if (tzid && (!time.zone || time.zone.tzid !== tzid)) {
    throw new Error(`${event.uid}: ${name} TZID ${tzid} is not defined in the calendar`);
  }
  if (!tzid && time.zone !== ICAL.Timezone.utcTimezone) {
    throw new Error(`${event.uid}: ${name} is floating time`);
  }
  return new Date(time.toUnixTime() * 1000).toISOString().replace(".000Z", "Z");
}

const chunks = [];
for await (const chunk of process.stdin) {
  chunks.push(chunk);
}
const calendar = new ICAL.Component(ICAL.parse(Buffer.concat(chunks).toString("utf8")));
const events = calendar.getAllSubcomponents("vevent").map((component) => {
  const event = new ICAL.Event(component);
  return {
    uid: event.uid,
    summary: event.summary,
    status: component.getFirstPropertyValue("status"),
    sequence: event.sequence,
    all_day: event.startDate.isDate,
    start: valueOf(event, "dtstart", event.startDate),
    end: valueOf(event, "dtend", event.endDate),
  };
});
process.stdout.write(JSON.stringify(events));
