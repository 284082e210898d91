"""Authentication and roles, shared by every service so one login works across all UIs."""
