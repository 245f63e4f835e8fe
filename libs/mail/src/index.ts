// Mail delivery: templates, iCalendar, SMTP transport, outbox relay and processor.
export {};
