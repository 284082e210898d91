"""The kit every Jingzhun service imports: settings, logs, events, Kafka, store, outbox, web, auth."""
