"""Tapaamo's Chalice app: registers the blueprints and event handlers, nothing else."""

import logging

from chalice import Chalice

from chalicelib.api import (ack_pages, appointments, auth, booking, busy, directory,
                            escalations, feedback, feeds, groups, health, help, hooks,
                            notifications, oncall, oncall_events, oncall_swaps, outcome_jobs,
                            page_forms, page_groups, page_views, phone_replies, review_jobs,
                            reviews, staff_calendar, staff_case_forms, staff_directory,
                            staff_escalations, staff_feed, staff_oncall, staff_outcomes,
                            staff_pages, staff_policy, staff_rotations, staff_signin,
                            staff_swaps, staff_week, staff_week_forms)

app = Chalice(app_name="tapaamo")
# Chalice keeps its app logger ("tapaamo", parent of every chalicelib logger) at ERROR
# outside debug mode; warnings such as a failed wake-up or a resent SMS must reach the logs.
app.log.setLevel(logging.INFO)
app.register_blueprint(auth.bp)
app.register_blueprint(health.bp)
app.register_blueprint(directory.bp)
app.register_blueprint(notifications.bp)
app.register_blueprint(reviews.bp)
app.register_blueprint(review_jobs.bp)
app.register_blueprint(outcome_jobs.bp)
app.register_blueprint(feeds.bp)
app.register_blueprint(oncall.bp)
app.register_blueprint(escalations.bp)
app.register_blueprint(ack_pages.bp)
app.register_blueprint(help.bp)
app.register_blueprint(hooks.bp)
app.register_blueprint(oncall_events.bp)
app.register_blueprint(oncall_swaps.bp)
app.register_blueprint(phone_replies.bp)
app.register_blueprint(booking.bp)
app.register_blueprint(appointments.bp)
app.register_blueprint(groups.bp)
app.register_blueprint(feedback.bp)
app.register_blueprint(busy.bp)
app.register_blueprint(page_views.bp)
app.register_blueprint(page_forms.bp)
app.register_blueprint(page_groups.bp)
app.register_blueprint(staff_signin.bp)
app.register_blueprint(staff_pages.bp)
app.register_blueprint(staff_case_forms.bp)
app.register_blueprint(staff_directory.bp)
app.register_blueprint(staff_calendar.bp)
app.register_blueprint(staff_week.bp)
app.register_blueprint(staff_week_forms.bp)
app.register_blueprint(staff_escalations.bp)
app.register_blueprint(staff_oncall.bp)
app.register_blueprint(staff_rotations.bp)
app.register_blueprint(staff_swaps.bp)
app.register_blueprint(staff_policy.bp)
app.register_blueprint(staff_outcomes.bp)
app.register_blueprint(staff_feed.bp)
