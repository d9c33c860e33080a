"""One router per area; :func:`polymarket_ml.api.app.create_app` mounts them all."""
