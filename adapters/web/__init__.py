"""The admin console: sync health, failures, explain, replay and settings pages, the JSON API, the webhook."""
