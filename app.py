"""Tapaamo's Chalice app: registers the blueprints and event handlers, nothing else."""

from chalice import Chalice

from chalicelib.api import auth, directory, escalations, health, oncall, oncall_events

app = Chalice(app_name="tapaamo")
app.register_blueprint(auth.bp)
app.register_blueprint(health.bp)
app.register_blueprint(directory.bp)
app.register_blueprint(oncall.bp)
app.register_blueprint(escalations.bp)
app.register_blueprint(oncall_events.bp)
