"""Turn issued documents into edXML envelopes sent between agencies, and received envelopes into incoming rows:
the room for the exchange; nothing here yet."""
