"""The registry: household files (建档立卡) and every household's assistance history."""
