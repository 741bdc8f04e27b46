"""Tapaamo's Chalice app: registers the blueprints and event handlers, nothing else."""

from chalice import Chalice

from chalicelib.api import appointments, auth, booking, directory, health, page

app = Chalice(app_name="tapaamo")
app.register_blueprint(auth.bp)
app.register_blueprint(health.bp)
app.register_blueprint(directory.bp)
app.register_blueprint(booking.bp)
app.register_blueprint(appointments.bp)
app.register_blueprint(page.bp)
