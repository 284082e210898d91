"""What the webhooks service does, free of Flask: route stream events to endpoints, deliver
them, and take partners' reports in."""
