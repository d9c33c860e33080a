"""How work is scheduled: the in-process scheduler and the Celery app share one schedule."""
