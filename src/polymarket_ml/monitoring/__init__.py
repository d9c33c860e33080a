"""Service functions behind the monitoring API and dashboard: health, coverage, activity.

They compose the storage queries with the live components of the process (collector, circuit
breakers, scheduler, Redis) and return report models that the API serves as they are.
"""
