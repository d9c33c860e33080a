"""The HTTP API: monitoring, the database browser, Prometheus metrics and admin actions.

Routes are thin: each calls one service function (``polymarket_ml.monitoring``) and returns its
report. Build the app with :func:`polymarket_ml.api.app.create_app`, serve it with
:func:`polymarket_ml.api.app.serve`.
"""
